"""A report's way from draft to dispatch: open, edit, submit, return, approve and number,
record the dispatch, correct or discard.

Each function takes the acting person explicitly, runs in one transaction, records a
``ReportEvent`` and tells the people concerned (on commit). Permission is the caller's business
(``reports.access``); these functions enforce the workflow: what may happen in which state.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Directive
from directives.periods import parse_key
from reports import compilation, notices
from reports.choices import (
    EDITABLE_STATES,
    GenerationState,
    ReportEventKind,
    ReportKind,
    ReportState,
)
from reports.models import AdHocRequest, Report, ReportNumber
from reports.services.base import ReportConflict, ReportError, lock_report, record_event
from reports.services.generation import enqueue_generation
from reports.services.periods import period_label_in_sentence, schedules_of
from reports.snapshot import ReportSnapshot
from sonmai.lib import vndate
from sonmai.lib.i18n import portal_language

if TYPE_CHECKING:
    from units.models import Organisation, User


# --- Drafting -----------------------------------------------------------------------------------
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
            "period_label": period_label_in_sentence(kind, period.label),
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
    record_event(report, ReportEventKind.CREATED, actor)
    return report


@transaction.atomic
def save_narrative(
    report: Report, *, actor: User, values: dict[str, object], revision: int | None
) -> Report:
    """Save the office's text; refuses when someone saved it since the form was opened at
    ``revision``."""
    locked = lock_report(report)
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
    record_event(locked, ReportEventKind.EDITED, actor)
    return locked


@transaction.atomic
def submit_report(report: Report, *, actor: User) -> Report:
    """Freeze the figures and send the draft to the leaders."""
    locked = lock_report(report)
    if locked.state not in EDITABLE_STATES:
        raise ReportError(_("Chỉ trình được bản dự thảo hoặc bản bị trả lại."))
    # Submitted before its window ends, the report's figures stop today (see figures_cut).
    locked.state = ReportState.SUBMITTED
    locked.submitted_at = timezone.now()
    with portal_language():
        snapshot = compilation.compile_snapshot(locked)
    locked.snapshot = snapshot.to_dict()
    locked.save()
    record_event(locked, ReportEventKind.SUBMITTED, actor)
    notices.report_submitted(locked, actor=actor)
    return locked


@transaction.atomic
def return_report(report: Report, *, actor: User, comment: str) -> Report:
    """A leader sends the report back with comments; the office edits and submits again."""
    locked = lock_report(report)
    if locked.state != ReportState.SUBMITTED:
        raise ReportError(_("Chỉ trả lại được báo cáo đang chờ phê duyệt."))
    locked.state = ReportState.RETURNED
    locked.return_comment = comment
    locked.snapshot = None
    locked.save()
    record_event(locked, ReportEventKind.RETURNED, actor, comment)
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
    locked = lock_report(report)
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
    record_event(locked, ReportEventKind.APPROVED, actor, locked.code)
    notices.report_approved(locked, actor=actor)
    enqueue_generation(locked.pk)
    return locked


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
    locked = lock_report(report)
    if not locked.is_approved or not locked.has_pdf:
        raise ReportError(_("Chỉ gửi được báo cáo đã phê duyệt và đã có tệp ký số."))
    locked.dispatched_at = sent_at
    locked.dispatch_method = method
    locked.dispatch_reference = reference
    locked.dispatch_note = note
    locked.dispatched_by = actor
    locked.save()
    record_event(
        locked,
        ReportEventKind.DISPATCHED,
        actor,
        f"{locked.get_dispatch_method_display()} – {vndate.short_datetime(sent_at)}",
    )
    return locked


@transaction.atomic
def start_correction(report: Report, *, actor: User) -> Report:
    """A new draft that will replace the approved ``report`` (which stays as it was)."""
    locked = lock_report(report)
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
    record_event(
        correction,
        ReportEventKind.CREATED,
        actor,
        _("Bản thay thế %(code)s") % {"code": locked.code},
    )
    record_event(locked, ReportEventKind.CORRECTED, actor)
    return correction


@transaction.atomic
def discard_report(report: Report, *, actor: User) -> Report:
    """Withdraw a draft opened by mistake (never submitted or returned): it stays in the list
    of events but no longer stands for its period."""
    locked = lock_report(report)
    if locked.state not in EDITABLE_STATES:
        raise ReportError(_("Chỉ hủy được bản dự thảo chưa được phê duyệt."))
    locked.state = ReportState.DISCARDED
    locked.save()
    record_event(locked, ReportEventKind.DISCARDED, actor)
    return locked
