"""Evidence files: checked by content, photos shrunk, staged until the update is sent."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from directives.choices import ReviewState
from directives.models import Assignment, Evidence
from sonmai.lib.actor import acting_as
from sonmai.lib.files import (
    IMAGES,
    OFFICE,
    RejectedFile,
    UploadRule,
    shrink_photo,
    upload_name,
    vet_upload,
)

if TYPE_CHECKING:
    from units.models import User

#: Largest file a unit may attach, before photos are shrunk.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_UPLOAD = UploadRule(
    MAX_EVIDENCE_BYTES,
    IMAGES | OFFICE | {".pdf"},
    _lazy(
        "ảnh (JPG, PNG, WebP), PDF hay văn bản, bảng tính (Word, Excel, PowerPoint, OpenDocument)"
    ),
)

#: Most files one update may carry.
MAX_EVIDENCE_PER_UPDATE = 6
#: Most files a person may have waiting (uploaded, not yet sent) over a day: forms abandoned
#: half-way cannot fill the disk.
MAX_STAGED_PER_DAY = 30
STAGING_WINDOW = datetime.timedelta(days=1)


def check_upload(upload: UploadedFile) -> tuple[File[bytes], str, str, str]:
    """Vet one upload: (content to store, kind, content type, file name to show).

    Nothing is read whole into memory: a photo is shrunk from the uploaded file (see
    ``shrink_photo``), any other file is stored from it as it is.
    """
    found = vet_upload(upload, EVIDENCE_UPLOAD)
    name = upload_name(upload)
    if found.kind == "image":
        content: File[bytes] = ContentFile(shrink_photo(upload))
        content_type, extension = "image/jpeg", ".jpg"
    else:
        content = upload
        content_type, extension = found.content_type, found.extension
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return content, found.kind, content_type, f"{stem}{extension}"


def stage_evidence(
    assignment: Assignment, *, actor: User, token: uuid.UUID, upload: UploadedFile
) -> Evidence:
    """Store one vetted file for the update being written (raises RejectedFile)."""
    already = staged_evidence(assignment, token=token, actor=actor).count()
    if already >= MAX_EVIDENCE_PER_UPDATE:
        raise RejectedFile(
            _("Mỗi lần cập nhật gửi tối đa %(count)d tệp minh chứng.")
            % {"count": MAX_EVIDENCE_PER_UPDATE}
        )
    waiting = Evidence.objects.filter(
        uploaded_by=actor, update__isnull=True, uploaded_at__gte=timezone.now() - STAGING_WINDOW
    ).count()
    if waiting >= MAX_STAGED_PER_DAY:
        raise RejectedFile(_("Bạn đã tải lên nhiều tệp chưa gửi; hãy gửi hoặc gỡ bớt rồi thử lại."))
    content, kind, content_type, display_name = check_upload(upload)
    with acting_as(actor):
        evidence = Evidence(
            assignment=assignment,
            submission_token=token,
            original_name=display_name,
            kind=kind,
            content_type=content_type,
            size=content.size,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        evidence.file.save(display_name, content, save=False)
        evidence.save()
    return evidence


def staged_evidence(assignment: Assignment, *, token: uuid.UUID, actor: User) -> QuerySet[Evidence]:
    """Files uploaded with this form that are not yet part of a sent update."""
    return Evidence.objects.filter(
        assignment=assignment, submission_token=token, uploaded_by=actor, update__isnull=True
    )


def can_remove_evidence(evidence: Evidence, user: User) -> bool:
    """The uploader may take a file back until the monitoring office has accepted the update."""
    if evidence.uploaded_by_id != user.pk:
        return False
    update = evidence.update if evidence.update_id is not None else None
    return update is None or update.review_state != ReviewState.ACCEPTED


def remove_evidence(evidence: Evidence, *, actor: User) -> None:
    """Take a file out of the update; the file and its record stay (nothing is deleted)."""
    with acting_as(actor):
        evidence.delete()
