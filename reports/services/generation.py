"""Making the signed PDF of an approved report in the worker: queued, claimed, retried, resumed."""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.choices import (
    GenerationState,
    ReportEventKind,
    ReportState,
)
from reports.models import Report
from reports.services.base import ReportError, lock_report, record_event
from reports.snapshot import ReportSnapshot

if TYPE_CHECKING:
    from units.models import User

log = logging.getLogger(__name__)

#: A worker that has held a generation this long without finishing is presumed dead.
STALE_GENERATION = datetime.timedelta(minutes=10)
#: A queued generation not picked up this long after approval is queued again.
LOST_GENERATION = datetime.timedelta(minutes=1)


# --- The signed PDF -----------------------------------------------------------------------------
def enqueue_generation(report_id: int) -> None:
    from reports import tasks

    # robust: with the broker down the approval still stands (it is committed); the periodic
    # pass queues the job again once the broker is back.
    transaction.on_commit(lambda: tasks.generate_report_pdf.delay(report_id), robust=True)


def _claim_generation(report_id: int, now: datetime.datetime) -> bool:
    """Take the job (one worker at a time): pending, failed, or held by a dead worker. The
    claim is the ``generation_started_at`` it sets: later writes check it is still theirs."""
    return bool(
        Report.objects.filter(pk=report_id, state=ReportState.APPROVED)
        .filter(
            Q(generation_state__in=[GenerationState.PENDING, GenerationState.FAILED])
            | Q(
                generation_state=GenerationState.RUNNING,
                generation_started_at__lt=now - STALE_GENERATION,
            )
        )
        .update(
            generation_state=GenerationState.RUNNING,
            generation_started_at=now,
            generation_attempts=F("generation_attempts") + 1,
        )
    )


def render_approved(report: Report) -> tuple[bytes, bytes, int]:
    """(unsigned PDF, signed PDF, page count) of an approved report, from its frozen content."""
    from reports.renderers.pdf import render_report_pdf
    from reports.signing import commune_credentials, sign_report_pdf

    if report.snapshot is None:
        raise ReportError(_("Báo cáo chưa có số liệu chốt nên chưa tạo được tệp."))
    snapshot = ReportSnapshot.from_dict(report.snapshot)
    rendered = render_report_pdf(snapshot)
    signed = sign_report_pdf(
        rendered.content,
        snapshot=snapshot,
        box=rendered.signature_box,
        credentials=commune_credentials(),
    )
    return rendered.content, signed, rendered.page_count


def generate_report_pdf(report_id: int) -> str:
    """Render and sign the approved report's PDF (the Celery task's body). Idempotent: a
    report whose PDF exists, or that another worker is producing, is left alone."""
    claimed_at = timezone.now()
    if not _claim_generation(report_id, claimed_at):
        return "skipped"
    mine = {"generation_state": GenerationState.RUNNING, "generation_started_at": claimed_at}
    report = Report.objects.select_related("organisation").get(pk=report_id)
    try:
        content, signed, pages = render_approved(report)
    except Exception as error:  # shown on the page, retried by a person or the next pass
        log.exception("Generating the PDF of report %s failed", report_id)
        with transaction.atomic():
            Report.objects.filter(pk=report_id, **mine).update(
                generation_state=GenerationState.FAILED, generation_error=str(error)[:2000]
            )
            record_event(report, ReportEventKind.GENERATION_FAILED, None, str(error)[:500])
        return "failed"
    name = f"bao-cao-{report.number:02d}-{report.year}.pdf"
    with transaction.atomic():
        locked = lock_report(report)
        if (
            locked.generation_state != GenerationState.RUNNING
            or locked.generation_started_at != claimed_at
        ):
            return "skipped"  # a newer claim took over from this (slow) worker
        if locked.pdf:
            locked.pdf.delete(save=False)
        locked.pdf.save(name, ContentFile(signed), save=False)
        locked.pdf_sha256 = hashlib.sha256(signed).hexdigest()
        locked.content_sha256 = hashlib.sha256(content).hexdigest()
        locked.page_count = pages
        locked.generation_state = GenerationState.DONE
        locked.generation_error = ""
        locked.save()
        record_event(locked, ReportEventKind.GENERATED, None, locked.pdf_sha256)
    return "done"


@transaction.atomic
def retry_generation(report: Report, *, actor: User) -> Report:
    """Queue the PDF again after a failure (or when the worker holding it died)."""
    locked = lock_report(report)
    stale = (
        locked.generation_state == GenerationState.RUNNING
        and locked.generation_started_at is not None
        and locked.generation_started_at < timezone.now() - STALE_GENERATION
    )
    if not locked.is_approved or not (locked.generation_state == GenerationState.FAILED or stale):
        raise ReportError(_("Chỉ tạo lại tệp khi lần tạo trước gặp sự cố."))
    locked.generation_state = GenerationState.PENDING
    locked.save()
    record_event(locked, ReportEventKind.GENERATION_RETRIED, actor)
    enqueue_generation(locked.pk)
    return locked


def resume_generation(now: datetime.datetime) -> list[int]:
    """Queue again what was approved but never picked up (broker down when it was approved)
    or is held by a worker that died. The periodic pass calls this."""
    ids = list(
        Report.objects.filter(state=ReportState.APPROVED)
        .filter(
            Q(generation_state=GenerationState.PENDING, approved_at__lt=now - LOST_GENERATION)
            | Q(
                generation_state=GenerationState.RUNNING,
                generation_started_at__lt=now - STALE_GENERATION,
            )
        )
        .values_list("pk", flat=True)[:50]
    )
    from reports import tasks

    for report_id in ids:
        tasks.generate_report_pdf.delay(report_id)
    return ids
