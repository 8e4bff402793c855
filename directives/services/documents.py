"""Bringing a directive's document in: receiving the file, reading it in the background.

``receive_document`` stores the upload (or pasted text) and queues ``read_document`` for the
worker once the transaction commits; ``read_document`` claims the row (so two workers never read
the same file), reads it in a limited child process (``docimport.extract``), parses it and keeps
the result for the review page. A job whose worker died is taken over after its lease.
"""

from __future__ import annotations

import datetime
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives.choices import DocumentImportState, DocumentSource
from directives.docimport.extract import ExtractionError, detect_kind, extract_in_child
from directives.docimport.parser import parse
from directives.models import DirectiveImport
from sonmai.lib.files import RejectedFile, UploadRule, vet_size
from sonmai.lib.vntext import nfc
from units.models import User

if TYPE_CHECKING:
    from units.access import Person
    from units.models import Organisation

#: Longest text that can be pasted (a long plan is about 60,000 characters).
MAX_PASTED_CHARS = 200_000
#: Progress is written at most this often (each write is a query).
PROGRESS_EVERY = datetime.timedelta(seconds=1)
State = DocumentImportState


class DocumentRejected(ValueError):
    """The document cannot be brought in; the message says why, in Vietnamese."""


def error_message(code: str, detail: dict[str, Any] | None = None) -> str:
    """What the clerk reads when a file cannot be read."""
    detail = detail or {}
    pages = detail.get("pages", 0)
    limit = detail.get("limit", 0)
    messages = {
        "empty": _("Tệp trống, không có nội dung."),
        "unknown_format": _(
            "Không nhận ra loại tệp. Hãy chọn tệp Word (.docx), PDF, ảnh chụp (JPG, PNG) hoặc "
            "dán nội dung văn bản."
        ),
        "legacy_doc": _(
            "Tệp Word đời cũ (.doc) chưa đọc được. Hãy mở tệp và lưu lại dạng .docx hoặc PDF."
        ),
        "encrypted_office": _(
            "Tệp Word đang đặt mật khẩu nên không đọc được. Hãy bỏ mật khẩu rồi tải lên lại."
        ),
        "encrypted_pdf": _(
            "Tệp PDF đang đặt mật khẩu nên không đọc được. Hãy bỏ mật khẩu rồi tải lên lại."
        ),
        "corrupt": _("Tệp bị hỏng hoặc không đúng định dạng, không đọc được."),
        "zip_bomb": _(
            "Tệp Word giải nén ra quá lớn so với một văn bản (có thể là tệp độc hại), nên không "
            "đọc."
        ),
        "too_many_pages": ngettext(
            "Tệp có %(pages)d trang, quá dài với một văn bản chỉ đạo (tối đa %(limit)d trang). "
            "Hãy tách phần văn bản chính ra tệp riêng.",
            "Tệp có %(pages)d trang, quá dài với một văn bản chỉ đạo (tối đa %(limit)d trang). "
            "Hãy tách phần văn bản chính ra tệp riêng.",
            pages,
        )
        % {"pages": pages, "limit": limit},
        "too_many_scanned_pages": ngettext(
            "Bản quét có %(pages)d trang; nhận dạng chữ chỉ làm đến %(limit)d trang. Hãy tách "
            "phần văn bản chính ra tệp riêng.",
            "Bản quét có %(pages)d trang; nhận dạng chữ chỉ làm đến %(limit)d trang. Hãy tách "
            "phần văn bản chính ra tệp riêng.",
            pages,
        )
        % {"pages": pages, "limit": limit},
        "image_too_large": _("Ảnh có kích thước điểm ảnh quá lớn, không xử lý được."),
        "no_text": _(
            "Không nhận ra chữ trong tệp. Nếu là ảnh chụp, hãy chụp thẳng, đủ sáng, rõ cả trang "
            "văn bản."
        ),
        "not_a_document": _(
            "Nội dung đọc được không giống một văn bản hành chính (không thấy số, ký hiệu, ngày "
            "tháng, nơi nhận hay người ký). Hãy kiểm tra lại tệp."
        ),
        "timeout": _(
            "Đọc tệp quá lâu nên đã dừng (quá %(seconds)d giây). Hãy thử tệp Word hoặc PDF có "
            "chữ thay cho bản quét."
        )
        % {"seconds": detail.get("seconds", 0)},
        "memory": _("Tệp cần quá nhiều bộ nhớ để đọc, nên đã dừng. Hãy thử tệp nhỏ hơn."),
        "ocr_unavailable": _(
            "Máy chủ chưa cài bộ nhận dạng chữ tiếng Việt (Tesseract), nên chưa đọc được bản quét "
            "và ảnh chụp. Hãy dùng tệp Word hoặc PDF có chữ, hoặc báo quản trị viên."
        ),
        "too_large": _("Tệp lớn hơn %(size)d MB, không nhận.")
        % {"size": settings.DIRECTIVE_IMPORT_MAX_BYTES // (1024 * 1024)},
        "lost": _("Việc đọc tệp bị gián đoạn (máy chủ khởi động lại). Hãy bấm “Đọc lại”."),
    }
    return messages.get(code, messages["corrupt"])


def _source_for(kind: str, extension: str) -> str:
    return {
        "docx": DocumentSource.DOCX,
        "pdf": DocumentSource.PDF,
        "image": DocumentSource.PHOTO,
        "text": DocumentSource.TEXT,
    }[kind]


_EXTENSIONS = {"docx": ".docx", "pdf": ".pdf", "text": ".txt"}

#: A directive's document: its size is vetted on the way in; its kind by the reader
#: (``detect_kind``), which tells an old .doc, a locked DOCX or a picture without text apart.
DOCUMENT_UPLOAD = UploadRule(lambda: settings.DIRECTIVE_IMPORT_MAX_BYTES, None)


def receive_document(
    organisation: Organisation,
    *,
    actor: User,
    upload: UploadedFile | None = None,
    text: str = "",
) -> DirectiveImport:
    """Keep the document and queue its reading; raise ``DocumentRejected`` for what cannot be
    read at all (nothing is stored then)."""
    from directives import tasks

    job = DirectiveImport(organisation=organisation, uploaded_by=actor, token=uuid.uuid4())
    if upload is not None:
        try:
            vet_size(upload, DOCUMENT_UPLOAD)
        except RejectedFile as rejected:
            raise DocumentRejected(rejected.reason) from None
        with tempfile.NamedTemporaryFile(prefix="sonmai-upload-") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()
            try:
                kind = detect_kind(Path(copy.name))
            except ExtractionError as error:
                raise DocumentRejected(error_message(error.code, error.detail)) from None
            if kind == "image":
                with open(copy.name, "rb") as handle:
                    head = handle.read(12)
                extension = ".png" if head.startswith(b"\x89PNG") else ".jpg"
            else:
                extension = _EXTENSIONS[kind]
            job.source = _source_for(kind, extension)
            job.extension = extension
            job.original_name = nfc(getattr(upload, "name", "") or "")[-255:]
            job.size = upload.size or 0
            copy.seek(0)
            # Streamed in chunks: a large scan is never held in memory whole.
            job.file.save(f"{job.token}{extension}", File(copy), save=False)
    else:
        text = nfc(text or "").strip()
        if not text:
            raise DocumentRejected(error_message("empty"))
        if len(text) > MAX_PASTED_CHARS:
            raise DocumentRejected(
                _("Nội dung dán vào quá dài (tối đa %(limit)d ký tự).")
                % {"limit": MAX_PASTED_CHARS}
            )
        job.source = DocumentSource.TEXT
        job.text = text
        job.size = len(text.encode("utf-8"))
    job.save()
    transaction.on_commit(lambda: tasks.read_directive_document.delay(job.pk))
    return job


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DIRECTIVE_IMPORT_TIMEOUT + 60)


def _claim(job_id: int, now: datetime.datetime) -> bool:
    """Take the job: a queued one, or one whose reader has been silent past its lease."""
    stale = Q(state=State.READING, claimed_at__lt=now - _lease())
    return bool(
        DirectiveImport.objects.filter(Q(state=State.QUEUED) | stale, pk=job_id).update(
            state=State.READING,
            claimed_at=now,
            progress_done=0,
            progress_total=0,
            progress_step="",
        )
    )


def read_document(job_id: int) -> str:
    """Read and parse a queued document (idempotent: a job taken by another reader is left)."""
    now = timezone.now()
    if not _claim(job_id, now):
        return "skipped"
    job = DirectiveImport.objects.get(pk=job_id)
    DirectiveImport.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    last_write = [now]

    def progress(step: str, done: int, total: int) -> None:
        moment = timezone.now()
        if moment - last_write[0] < PROGRESS_EVERY and done < total:
            return
        last_write[0] = moment
        DirectiveImport.objects.filter(pk=job_id, state=State.READING).update(
            progress_step=step, progress_done=done, progress_total=total, claimed_at=moment
        )

    previews: list[str] = []
    try:
        if job.source == DocumentSource.TEXT and not job.file:
            text, method, pages, confidence = job.text, "text", 1, None
        else:
            with tempfile.TemporaryDirectory(prefix="sonmai-preview-") as folder:
                extraction = extract_in_child(
                    Path(job.file.path),
                    timeout=settings.DIRECTIVE_IMPORT_TIMEOUT,
                    memory_mb=settings.DIRECTIVE_IMPORT_MEMORY_MB,
                    on_progress=progress,
                    previews=Path(folder),
                )
                for name in extraction.previews or []:
                    stored = default_storage.save(
                        f"directive-imports/previews/{job.token}/{name}",
                        ContentFile((Path(folder) / name).read_bytes()),
                    )
                    previews.append(stored)
            text, method = extraction.text, extraction.method
            pages, confidence = extraction.pages, extraction.confidence
        parsed = parse(text)
        if not parsed.looks_like_a_document:
            raise ExtractionError("not_a_document")
    except ExtractionError as error:
        _fail(job_id, error.code, error.detail)
        return error.code
    source = job.source
    if method == "ocr" and source == DocumentSource.PDF:
        source = DocumentSource.SCAN
    DirectiveImport.objects.filter(pk=job_id, state=State.READING).update(
        state=State.READY,
        source=source,
        method=method,
        page_count=pages,
        ocr_confidence=confidence,
        text=text,
        previews=previews,
        parsed=parsed.as_json(),
        progress_done=1,
        progress_total=1,
        error_code="",
        error_detail={},
    )
    return "ready"


def _fail(job_id: int, code: str, detail: dict[str, Any]) -> None:
    DirectiveImport.objects.filter(pk=job_id, state=State.READING).update(
        state=State.FAILED, error_code=code, error_detail=detail
    )


def retry_document(job: DirectiveImport, *, actor: User) -> None:
    """Read a failed (or stuck) document again."""
    from directives import tasks

    now = timezone.now()
    stuck = Q(state=State.READING, claimed_at__lt=now - _lease())
    claimed = DirectiveImport.objects.filter(Q(state=State.FAILED) | stuck, pk=job.pk).update(
        state=State.QUEUED, error_code="", error_detail={}, claimed_at=None
    )
    if not claimed:
        raise DocumentRejected(_("Văn bản này không ở trạng thái đọc lại được."))
    transaction.on_commit(lambda: tasks.read_directive_document.delay(job.pk))


def discard_document(job: DirectiveImport, *, actor: User) -> None:
    updated = DirectiveImport.objects.filter(
        pk=job.pk, state__in=[State.QUEUED, State.READING, State.READY, State.FAILED]
    ).update(state=State.DISCARDED)
    if not updated:
        raise DocumentRejected(_("Văn bản này đã đăng ký hoặc đã hủy."))
    # A discarded document was never registered: nothing keeps its file or page pictures.
    names = [job.file.name, *job.previews] if job.file else list(job.previews)
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def resume_reading(now: datetime.datetime) -> list[int]:
    """Queue again the jobs lost with the broker or held by a dead worker (beat, every few
    minutes). Queued jobs older than a minute were never picked up."""
    from directives import tasks

    lost = list(
        DirectiveImport.objects.filter(
            Q(state=State.QUEUED, created_at__lt=now - datetime.timedelta(minutes=1))
            | Q(state=State.READING, claimed_at__lt=now - _lease())
        ).values_list("pk", flat=True)[:50]
    )
    for pk in lost:
        tasks.read_directive_document.delay(pk)
    return lost


def documents_waiting_for(user: Person, limit: int = 10) -> list[DirectiveImport]:
    """Documents of the person's organisation read or being read, not yet registered."""
    if not isinstance(user, User) or user.organisation_id is None:
        return []
    return list(
        DirectiveImport.objects.filter(
            organisation_id=user.organisation_id,
            state__in=[State.QUEUED, State.READING, State.READY, State.FAILED],
        )
        .select_related("uploaded_by")
        .order_by("-created_at")[:limit]
    )
