"""Every change to a report, in one place.

Each function takes the acting person explicitly, runs in one transaction, records a
``ReportEvent`` and tells the people concerned (on commit). Permission is the caller's business
(``reports.access``); these functions enforce the workflow: what may happen in which state.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Directive
from directives.periods import parse_key
from reports import compilation, notices
from reports.choices import (
    EDITABLE_STATES,
    PERIODIC_KINDS,
    GenerationState,
    ReportEventKind,
    ReportKind,
    ReportState,
)
from reports.models import AdHocRequest, Report, ReportEvent, ReportNumber, ReportSchedule
from reports.snapshot import ReportSnapshot
from sonmai.lib import vndate
from sonmai.lib.i18n import portal_language

if TYPE_CHECKING:
    from units.models import Organisation, User

log = logging.getLogger(__name__)

#: A worker that has held a generation this long without finishing is presumed dead.
STALE_GENERATION = datetime.timedelta(minutes=10)
#: A queued generation not picked up this long after approval is queued again.
LOST_GENERATION = datetime.timedelta(minutes=1)


class ReportError(Exception):
    """A workflow step that is not possible now; the message is for the person."""


class ReportConflict(ReportError):
    """Someone else changed the report since the form was opened."""


# --- Periods ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DuePeriod:
    """A periodic report the commune owes: its schedule, period, due date and report (if any)."""

    schedule: ReportSchedule
    key: str
    label: str
    data_from: datetime.date
    data_to: datetime.date
    due_date: datetime.date
    report: Report | None = None
    directive: Directive | None = None

    @property
    def choice(self) -> str:
        """How the report picker names this period: ``<kind>:<period key>``."""
        return f"{self.schedule.kind}:{self.key}"


def schedules_of(organisation: Organisation) -> list[ReportSchedule]:
    """The organisation's schedule, one row per periodic kind (created with the defaults)."""
    existing = {s.kind: s for s in ReportSchedule.objects.filter(organisation=organisation)}
    missing = [
        ReportSchedule(organisation=organisation, kind=kind, is_active=kind == ReportKind.MONTHLY)
        for kind in PERIODIC_KINDS
        if kind not in existing
    ]
    if missing:
        ReportSchedule.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.kind: s for s in ReportSchedule.objects.filter(organisation=organisation)}
    return [existing[kind] for kind in PERIODIC_KINDS]


def due_periods(
    organisation: Organisation,
    directives: Iterable[Directive],
    today: datetime.date,
    *,
    back: int = 2,
) -> list[DuePeriod]:
    """The periodic reports owed on each of ``directives``: for every active schedule, the
    current period and the ``back`` before it (none that ended before the directive was
    issued), each with that directive's report for it when one exists. Most urgent first: not
    yet approved before approved, then by due date.

    Each directive has its own periods: approving December for one directive leaves December
    due for every other one."""
    from directives.periods import period_containing

    directives = list(directives)
    windows = []
    for schedule in schedules_of(organisation):
        if not schedule.is_active:
            continue
        current = period_containing(today, schedule.kind, start_day=schedule.window_start_day)
        for _step in range(back + 1):
            windows.append((schedule, current))
            current = period_containing(
                current.start - datetime.timedelta(days=1),
                schedule.kind,
                start_day=schedule.window_start_day,
            )
    reports = {}
    # The latest live version of each period's report stands for the period.
    for report in (
        Report.objects.filter(directive__in=directives, ad_hoc_request__isnull=True)
        .exclude(state=ReportState.DISCARDED)
        .order_by("version", "pk")
    ):
        reports[(report.directive_id, report.kind, report.period_key)] = report
    result = [
        DuePeriod(
            schedule=schedule,
            key=period.key,
            label=period.label,
            data_from=period.start,
            data_to=period.end,
            due_date=schedule.due_date(period),
            report=reports.get((directive.pk, schedule.kind, period.key)),
            directive=directive,
        )
        for directive in directives
        for schedule, period in windows
        if directive.issued_on is None or period.end >= directive.issued_on
    ]
    result.sort(key=lambda p: (p.report is not None and p.report.is_approved, p.due_date))
    return result


def _period_label(kind: str, label: str) -> str:
    # "Tháng 11/2026" reads "tháng 11/2026" inside a sentence ("Báo cáo … tháng 11/2026").
    return label[:1].lower() + label[1:]


# --- Drafting -----------------------------------------------------------------------------------
def _event(report: Report, kind: str, actor: User | None, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, kind=kind, actor=actor, note=note)


@transaction.atomic
def create_report(
    *,
    directive: Directive,
    actor: User,
    kind: str,
    period_key: str = "",
    ad_hoc_request: AdHocRequest | None = None,
) -> Report:
    """Open a draft for one period (or one ad hoc request), prefilled from the data."""
    organisation = directive.organisation
    # Two clicks (or two officers) at once must not open two drafts for one period: the
    # directive's row lock makes the existence check and the insert one step.
    Directive.objects.select_for_update().filter(pk=directive.pk).first()
    if ad_hoc_request is not None:
        if ad_hoc_request.organisation_id != organisation.pk:
            raise ReportError(_("Yêu cầu báo cáo không thuộc cơ quan này."))
        existing = (
            Report.objects.filter(directive=directive, ad_hoc_request=ad_hoc_request)
            .exclude(state=ReportState.DISCARDED)
            .first()
        )
        values: dict[str, Any] = {
            "kind": ReportKind.AD_HOC,
            "period_key": "",
            "period_label": _("đột xuất"),
            "data_from": ad_hoc_request.data_from,
            "data_to": ad_hoc_request.data_to,
            "due_date": ad_hoc_request.due_date,
            "answers": ["" for _q in ad_hoc_request.question_list],
        }
    else:
        schedule = next((s for s in schedules_of(organisation) if s.kind == kind), None)
        period = parse_key(period_key, start_day=schedule.window_start_day) if schedule else None
        if schedule is None or period is None or period.kind != kind:
            raise ReportError(_("Kỳ báo cáo không hợp lệ."))
        existing = (
            Report.objects.filter(
                directive=directive,
                kind=kind,
                period_key=period.key,
                ad_hoc_request__isnull=True,
            )
            .exclude(state=ReportState.DISCARDED)
            .first()
        )
        values = {
            "kind": kind,
            "period_key": period.key,
            "period_label": _period_label(kind, period.label),
            "data_from": period.start,
            "data_to": period.end,
            "due_date": schedule.due_date(period),
        }
    if existing is not None:
        raise ReportError(
            _("Kỳ này đã có báo cáo (%(report)s); mở báo cáo đó thay vì lập mới.")
            % {"report": existing}
        )
    report = Report(
        organisation=organisation,
        directive=directive,
        ad_hoc_request=ad_hoc_request,
        created_by=actor,
        year=values["data_to"].year,
        **values,
    )
    with portal_language():
        narrative = compilation.default_narrative(report)
    for field, value in narrative.items():
        setattr(report, field, value)
    report.save()
    _event(report, ReportEventKind.CREATED, actor)
    return report


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("organisation").get(pk=report.pk)


@transaction.atomic
def save_narrative(
    report: Report, *, actor: User, values: dict[str, object], revision: int | None
) -> Report:
    """Save the office's text; refuses when someone saved it since the form was opened at
    ``revision``."""
    locked = _lock(report)
    if locked.state not in EDITABLE_STATES:
        raise ReportError(_("Báo cáo đang chờ phê duyệt hoặc đã phê duyệt, không sửa được nữa."))
    if revision != locked.revision:
        raise ReportConflict(
            _(
                "Báo cáo vừa được người khác sửa. Nội dung bạn nhập vẫn còn dưới đây; hãy xem bản "
                "mới nhất rồi lưu lại."
            )
        )
    for field, value in values.items():
        setattr(locked, field, value)
    locked.revision += 1
    locked.save()
    _event(locked, ReportEventKind.EDITED, actor)
    return locked


@transaction.atomic
def submit_report(report: Report, *, actor: User) -> Report:
    """Freeze the figures and send the draft to the leaders."""
    locked = _lock(report)
    if locked.state not in EDITABLE_STATES:
        raise ReportError(_("Chỉ trình được bản dự thảo hoặc bản bị trả lại."))
    # Submitted before its window ends, the report's figures stop today (see figures_cut).
    locked.state = ReportState.SUBMITTED
    locked.submitted_at = timezone.now()
    with portal_language():
        snapshot = compilation.compile_snapshot(locked)
    locked.snapshot = snapshot.to_dict()
    locked.save()
    _event(locked, ReportEventKind.SUBMITTED, actor)
    notices.report_submitted(locked, actor=actor)
    return locked


@transaction.atomic
def return_report(report: Report, *, actor: User, comment: str) -> Report:
    """A leader sends the report back with comments; the office edits and submits again."""
    locked = _lock(report)
    if locked.state != ReportState.SUBMITTED:
        raise ReportError(_("Chỉ trả lại được báo cáo đang chờ phê duyệt."))
    locked.state = ReportState.RETURNED
    locked.return_comment = comment
    locked.snapshot = None
    locked.save()
    _event(locked, ReportEventKind.RETURNED, actor, comment)
    notices.report_returned(locked, actor=actor)
    return locked


def next_report_number(organisation: Organisation, year: int) -> int:
    """The next number in ``organisation``'s sequence for ``year``; call inside a transaction.

    The increment is one ``UPDATE … SET last_number = last_number + 1``: the row lock it takes
    makes concurrent approvals wait for each other, so no two reports get the same number (and
    the unique constraint on the report catches any that would).
    """
    try:
        with transaction.atomic():
            ReportNumber.objects.get_or_create(organisation=organisation, year=year)
    except IntegrityError:
        pass  # created by a concurrent approval a moment ago
    ReportNumber.objects.filter(organisation=organisation, year=year).update(
        last_number=F("last_number") + 1
    )
    return ReportNumber.objects.get(organisation=organisation, year=year).last_number


def submission_mark(report: Report) -> str:
    """Identifies one submission: a leader approves the one they read, not a later one."""
    return report.submitted_at.isoformat() if report.submitted_at else ""


@transaction.atomic
def approve_report(report: Report, *, actor: User, seen_submission: str | None = None) -> Report:
    """Sign off: number and date the report, freeze it for good and queue the signed PDF.

    The caller has checked that ``actor`` is a leader and re-entered their password;
    ``seen_submission`` (``submission_mark`` of the report the leader read) refuses approving a
    version submitted again meanwhile.
    """
    locked = _lock(report)
    if locked.state != ReportState.SUBMITTED or locked.snapshot is None:
        raise ReportError(_("Chỉ phê duyệt được báo cáo đang chờ phê duyệt."))
    if seen_submission is not None and seen_submission != submission_mark(locked):
        raise ReportConflict(
            _("Báo cáo vừa được trình lại với nội dung mới; hãy xem lại trước khi phê duyệt.")
        )
    now = timezone.now()
    issued_on = timezone.localdate(now)
    number = next_report_number(locked.organisation, issued_on.year)
    frozen = ReportSnapshot.from_dict(locked.snapshot)
    with portal_language():
        signer = compilation.signer_for(locked, actor)
    approved = frozen.with_changes(
        number=number,
        issued_on=issued_on,
        year=issued_on.year,
        signer=signer,
        signed_at=now.replace(microsecond=0),
    )
    locked.snapshot = approved.to_dict()
    locked.number = number
    locked.year = issued_on.year
    locked.issued_on = issued_on
    locked.state = ReportState.APPROVED
    locked.approved_by = actor
    locked.approved_at = now
    locked.return_comment = ""
    locked.generation_state = GenerationState.PENDING
    locked.save()
    _event(locked, ReportEventKind.APPROVED, actor, locked.code)
    notices.report_approved(locked, actor=actor)
    _enqueue_generation(locked.pk)
    return locked


# --- The signed PDF -----------------------------------------------------------------------------
def _enqueue_generation(report_id: int) -> None:
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
            _event(report, ReportEventKind.GENERATION_FAILED, None, str(error)[:500])
        return "failed"
    name = f"bao-cao-{report.number:02d}-{report.year}.pdf"
    with transaction.atomic():
        locked = _lock(report)
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
        _event(locked, ReportEventKind.GENERATED, None, locked.pdf_sha256)
    return "done"


@transaction.atomic
def retry_generation(report: Report, *, actor: User) -> Report:
    """Queue the PDF again after a failure (or when the worker holding it died)."""
    locked = _lock(report)
    stale = (
        locked.generation_state == GenerationState.RUNNING
        and locked.generation_started_at is not None
        and locked.generation_started_at < timezone.now() - STALE_GENERATION
    )
    if not locked.is_approved or not (locked.generation_state == GenerationState.FAILED or stale):
        raise ReportError(_("Chỉ tạo lại tệp khi lần tạo trước gặp sự cố."))
    locked.generation_state = GenerationState.PENDING
    locked.save()
    _event(locked, ReportEventKind.GENERATION_RETRIED, actor)
    _enqueue_generation(locked.pk)
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


# --- After approval -----------------------------------------------------------------------------
@transaction.atomic
def record_dispatch(
    report: Report,
    *,
    actor: User,
    sent_at: datetime.datetime,
    method: str,
    reference: str = "",
    note: str = "",
) -> Report:
    """The clerk records when and how the approved report left the commune."""
    locked = _lock(report)
    if not locked.is_approved or not locked.has_pdf:
        raise ReportError(_("Chỉ gửi được báo cáo đã phê duyệt và đã có tệp ký số."))
    locked.dispatched_at = sent_at
    locked.dispatch_method = method
    locked.dispatch_reference = reference
    locked.dispatch_note = note
    locked.dispatched_by = actor
    locked.save()
    _event(
        locked,
        ReportEventKind.DISPATCHED,
        actor,
        f"{locked.get_dispatch_method_display()} – {vndate.short_datetime(sent_at)}",
    )
    return locked


@transaction.atomic
def start_correction(report: Report, *, actor: User) -> Report:
    """A new draft that will replace the approved ``report`` (which stays as it was)."""
    locked = _lock(report)
    if not locked.is_approved:
        raise ReportError(_("Chỉ lập bản thay thế cho báo cáo đã phê duyệt."))
    if locked.live_correction() is not None:
        raise ReportError(_("Báo cáo này đã có bản thay thế."))
    correction = Report.objects.create(
        organisation=locked.organisation,
        directive=locked.directive,
        kind=locked.kind,
        period_key=locked.period_key,
        ad_hoc_request=locked.ad_hoc_request,
        period_label=locked.period_label,
        data_from=locked.data_from,
        data_to=locked.data_to,
        due_date=locked.due_date,
        version=locked.version + 1,
        replaces=locked,
        leadership=locked.leadership,
        results_note=locked.results_note,
        next_tasks=locked.next_tasks,
        answers=locked.answers,
        distribution=locked.distribution,
        year=locked.year,
        created_by=actor,
    )
    _event(
        correction,
        ReportEventKind.CREATED,
        actor,
        _("Bản thay thế %(code)s") % {"code": locked.code},
    )
    _event(locked, ReportEventKind.CORRECTED, actor)
    return correction


@transaction.atomic
def discard_report(report: Report, *, actor: User) -> Report:
    """Withdraw a draft opened by mistake (never submitted or returned): it stays in the list
    of events but no longer stands for its period."""
    locked = _lock(report)
    if locked.state not in EDITABLE_STATES:
        raise ReportError(_("Chỉ hủy được bản dự thảo chưa được phê duyệt."))
    locked.state = ReportState.DISCARDED
    locked.save()
    _event(locked, ReportEventKind.DISCARDED, actor)
    return locked


def document_name(report: Report, extension: str) -> str:
    """ "bao-cao-05-2026.pdf", or "du-thao-bao-cao-12.docx" for a draft."""
    if report.number:
        return f"bao-cao-{report.number:02d}-{report.year}.{extension}"
    return f"du-thao-bao-cao-{report.pk}.{extension}"


def current_snapshot(report: Report) -> ReportSnapshot:
    """What the report says now: the frozen content once submitted, else compiled live."""
    if report.snapshot is not None:
        return ReportSnapshot.from_dict(report.snapshot)
    with portal_language():
        return compilation.compile_snapshot(report)


def edxml_ids(report: Report) -> tuple[str, str]:
    """(sender, receiver) organ ids for the edXML header, from the current configuration (set
    by the administrator, possibly after the report was approved)."""
    from reports import samples

    sender = report.organisation.edxml_organ_id or (
        samples.DEMO_SENDER_ORGAN_ID if settings.DEBUG else ""
    )
    receiver = settings.EDXML_RECEIVER_ORGAN_ID or (
        samples.DEMO_RECEIVER_ORGAN_ID if settings.DEBUG else ""
    )
    if not sender or not receiver:
        raise ReportError(
            _(
                "Chưa cấu hình mã định danh cơ quan gửi, nhận cho gói edXML; liên hệ quản trị "
                "hệ thống."
            )
        )
    return sender, receiver
