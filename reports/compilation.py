"""Compiling a report from the portal's data.

``compile_snapshot(report)`` reads the directive's assignments, the progress updates and their
figures, the difficulties and proposals with their answers, and the explanations of late units,
for the report's data window, and returns the frozen ``ReportSnapshot`` every document is
rendered from. ``default_narrative(report)`` proposes the editable parts when a draft is opened.

Everything is read in a fixed number of queries whatever the size of the commune.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from directives import figures
from directives.choices import ConcernKind, ConcernStatus
from directives.figures import Figures
from directives.models import (
    Assignment,
    Concern,
    ExplanationRequest,
    ProgressUpdate,
    Urging,
)
from directives.models.progress import counting_condition
from reports import assemble
from reports.choices import EDITABLE_STATES, IssueCategory, ReportKind
from reports.demo import CHAIRMAN_LINES, VICE_CHAIRMAN_LINES
from reports.models import Report
from reports.snapshot import (
    DirectiveReference,
    Indicator,
    Issue,
    LateItem,
    OrganisationInfo,
    Paragraph,
    Part,
    Period,
    ReportSnapshot,
    Signer,
    TaskResults,
    figures_as_of_text,
)
from sonmai.lib import vndate
from units.choices import Role
from units.models import Organisation


def default_distribution(organisation: Organisation) -> tuple[str, ...]:
    """ "Nơi nhận" of a new draft; the file copy is kept by the clerk and the monitoring unit."""
    unit = organisation.monitoring_unit
    archive = f"Lưu: VT, {unit.code}" if unit is not None and unit.code else "Lưu: VT"
    return ("Như trên", "CT, các PCT UBND xã", archive)


def figures_cut(report: Report) -> datetime.date:
    """The day a report's figures stop: the window's last day, or the day the report was
    submitted when that is earlier (a draft not submitted yet: today)."""
    if report.submitted_at is not None and report.state not in EDITABLE_STATES:
        day = timezone.localdate(report.submitted_at)
    else:
        day = timezone.localdate()
    return min(report.data_to, day)


def _window(report: Report) -> tuple[datetime.datetime, datetime.datetime]:
    """The data window as aware datetimes: from the first day's 00:00 to the cut's end."""
    return figures.start_of(report.data_from), figures.end_of(figures_cut(report))


def report_figures(report: Report) -> Figures:
    """The figures of the report's directive as of its cut. Assignments removed after the cut
    still counted then."""
    cut = figures_cut(report)
    assignments = Assignment.all_objects.filter(
        Q(removed_at__isnull=True) | Q(removed_at__gte=figures.end_of(cut)),
        task__section__directive=report.directive,
    )
    return Figures(assignments, cut)


def _assignments(report: Report, data: Figures) -> list[Assignment]:
    """The directive's assignments as they stood at the cut (see ``directives.figures``)."""
    return data.as_of_assignments(assemble.directive_assignments(data.assignments))


def indicator_totals(report: Report, data: Figures | None = None) -> list[Indicator]:
    """The figures units entered in the window with the updates that count, per indicator."""
    data = data or report_figures(report)
    return [
        Indicator(name, unit, total)
        for name, unit, total in data.indicator_totals(since=report.data_from)
    ]


def issues(report: Report) -> list[Issue]:
    """Difficulties and proposals raised up to the window's end that were still open then or
    were dealt with during the window, with the answer given."""
    start, end = _window(report)
    concerns = (
        Concern.objects.filter(
            assignment__task__section__directive=report.directive, created_at__lt=end
        )
        .filter(
            # Still waiting for an answer (here or from the province) at the window's end.
            Q(status__in=[ConcernStatus.OPEN, ConcernStatus.ESCALATED])
            | Q(answered_at__gte=start)
            | Q(escalated_at__gte=start)
            | Q(resolved_at__gte=start)
            | Q(created_at__gte=start)
        )
        # A difficulty from an update the office returned is not the unit's word any more.
        .filter(Q(update__isnull=True) | counting_condition("update__", until=end))
        .select_related("assignment__unit")
        .order_by("kind", "assignment__unit__position", "assignment__unit__name", "created_at")
    )
    result = []
    for concern in concerns:
        answer = concern.answer
        if concern.status == ConcernStatus.ESCALATED and concern.escalation_note and not answer:
            answer = concern.escalation_note
        result.append(
            Issue(
                category=(
                    IssueCategory.DIFFICULTY
                    if concern.kind == ConcernKind.DIFFICULTY
                    else IssueCategory.PROPOSAL
                ),
                unit_name=concern.assignment.unit.display_name,
                text=concern.text,
                status=concern.status,
                answer=answer,
            )
        )
    return result


def late_items(report: Report, data: Figures, assignments: list[Assignment]) -> list[LateItem]:
    """What is overdue at the cut or was finished late in the window, with the latest
    explanation the unit gave."""
    explanations = {}
    for explanation in ExplanationRequest.objects.filter(
        assignment__task__section__directive=report.directive,
        answered_at__isnull=False,
        answered_at__lt=data.until,
    ).order_by("answered_at", "pk"):
        explanations[explanation.assignment_id] = explanation.answer
    return list(
        assemble.late_items(
            data.late(since=report.data_from),
            assignments,
            lambda assignment: explanations.get(assignment.pk),
        )
    )


def signer_for(report: Report, user: object | None) -> Signer:
    """The leader who approves (or, in a draft, the chairman who normally signs)."""
    if user is None:
        user = (
            report.organisation.members.filter(role=Role.CHAIRMAN, is_active=True)
            .order_by("pk")
            .first()
        )
    if user is not None and user.role == Role.VICE_CHAIRMAN:
        return Signer(VICE_CHAIRMAN_LINES, user.full_name or user.get_username())
    name = (user.full_name or user.get_username()) if user is not None else ""
    return Signer(CHAIRMAN_LINES, name)


def _answers_part(report: Report) -> Part | None:
    request = report.ad_hoc_request
    if request is None:
        return None
    answers = list(report.answers or [])
    blocks = []
    for index, question in enumerate(request.question_list):
        answer = answers[index].strip() if index < len(answers) and answers[index] else ""
        blocks.append(Paragraph(f"{index + 1}. {question}"))
        blocks.append(Paragraph(answer or _("Chưa có nội dung trả lời.")))
    if not blocks:
        return None
    return Part(_("Trả lời các nội dung đề nghị báo cáo").upper(), blocks=tuple(blocks))


def _period(report: Report) -> Period:
    label = report.period_label
    return Period(
        label=label, data_from=report.data_from, data_to=report.data_to, is_ad_hoc=report.is_ad_hoc
    )


def _introduction(report: Report, period: Period, cut: datetime.date) -> tuple[str, ...]:
    # The window as far as the figures go: a report submitted early says where they stop.
    window = dataclasses.replace(period, data_to=min(cut, period.data_to)).window_text
    directive = report.directive
    organisation = report.organisation
    basis = directive.basis_chain()
    provincial = basis[-1] if basis else None
    if report.is_ad_hoc:
        opening = _(
            "Thực hiện %(request)s đề nghị báo cáo đột xuất về tình hình triển khai %(directive)s "
            "về việc %(subject)s, Ủy ban nhân dân xã %(place)s báo cáo (số liệu tính %(window)s) "
            "như sau:"
        ) % {
            "request": report.ad_hoc_request.reference.rstrip("."),
            "directive": directive.title,
            "subject": directive.subject,
            "place": organisation.place_name,
            "window": window,
        }
    elif provincial is None:
        opening = _(
            "Thực hiện %(directive)s về việc %(subject)s, Ủy ban nhân dân xã %(place)s báo cáo "
            "kết quả triển khai thực hiện %(period)s (số liệu tính %(window)s) như sau:"
        ) % {
            "directive": directive.title,
            "subject": directive.subject,
            "place": organisation.place_name,
            "period": period.label,
            "window": window,
        }
    else:
        opening = _(
            "Thực hiện %(provincial)s; %(directive)s về việc %(subject)s, Ủy ban nhân dân xã "
            "%(place)s báo cáo kết quả triển khai thực hiện %(period)s (số liệu tính %(window)s) "
            "như sau:"
        ) % {
            "provincial": provincial.title,
            "directive": directive.title,
            "subject": directive.subject,
            "place": organisation.place_name,
            "period": period.label,
            "window": window,
        }
    lines = [opening, f"{figures_as_of_text(cut)}."]
    replaced = report.replaces
    if replaced is not None and replaced.number:
        lines.insert(
            0,
            _(
                "Báo cáo này thay thế Báo cáo số %(code)s ngày %(date)s của Ủy ban nhân dân xã "
                "%(place)s."
            )
            % {
                "code": replaced.code,
                "date": vndate.short_date(replaced.issued_on),
                "place": organisation.place_name,
            },
        )
    return tuple(lines)


def compile_snapshot(
    report: Report,
    *,
    number: int | None = None,
    issued_on: datetime.date | None = None,
    signer: object | None = None,
    signed_at: datetime.datetime | None = None,
) -> ReportSnapshot:
    """The report's content from the data as it stands now (a draft unless numbered)."""
    directive = report.directive
    organisation = report.organisation
    data = report_figures(report)
    today = data.as_of
    assignments = _assignments(report, data)
    results = assemble.task_results(assignments, today)
    sections = [
        (section.title, results.get(section.number, TaskResults(())))
        for section in directive.sections.order_by("number")
    ]
    rows = assemble.unit_rows(assignments, today, data.last_updates())
    weekly = assemble.week_points(data.weekly_share_done())
    not_reported = tuple(
        unit.display_name for unit in data.units_not_reported(since=report.data_from)
    )
    period = _period(report)
    body = assemble.compose_body(
        leadership=report.paragraphs("leadership"),
        sections=sections,
        rows=rows,
        indicators=indicator_totals(report, data),
        issues=issues(report),
        late=late_items(report, data, assignments),
        next_tasks=report.next_tasks_list(),
        not_reported=not_reported,
    )
    note = report.paragraphs("results_note")
    if note:
        results_part = body[0]
        tasks_part = results_part.parts[1]
        tasks_part = Part(
            tasks_part.title,
            blocks=tasks_part.blocks + tuple(Paragraph(text) for text in note),
            parts=tasks_part.parts,
        )
        body = (
            Part(
                results_part.title,
                blocks=results_part.blocks,
                parts=(results_part.parts[0], tasks_part, *results_part.parts[2:]),
            ),
            *body[1:],
        )
    answers = _answers_part(report)
    if answers is not None:
        body = (answers, *body)
    conclusion = (directive.basis_chain() or [directive])[0]
    recipients = (organisation.report_addressee,)
    if report.is_ad_hoc:
        # An ad hoc report answers whoever asked for it.
        requester = report.ad_hoc_request.requested_by.strip() or organisation.report_addressee
        recipients = (requester,)
        closing = _(
            "Trên đây là báo cáo đột xuất tình hình triển khai thực hiện %(conclusion)s của Ủy ban "
            "nhân dân xã %(place)s, kính báo cáo %(recipient)s theo dõi, chỉ đạo."
        )
    else:
        closing = _(
            "Trên đây là báo cáo kết quả triển khai thực hiện %(conclusion)s %(period)s của Ủy ban "
            "nhân dân xã %(place)s, kính báo cáo %(recipient)s theo dõi, chỉ đạo."
        )
    closing = closing % {
        "conclusion": f"{conclusion.get_document_type_display()} số {conclusion.code}",
        "period": period.label,
        "place": organisation.place_name,
        "recipient": recipients[0],
    }
    if report.is_ad_hoc:
        subject = _("Tình hình triển khai thực hiện %(conclusion)s") % {
            "conclusion": conclusion.title
        }
    else:
        subject = _("Kết quả triển khai thực hiện %(conclusion)s (%(period)s)") % {
            "conclusion": conclusion.title,
            "period": period.label,
        }
    return ReportSnapshot(
        organisation=OrganisationInfo.from_organisation(organisation),
        number=number,
        symbol=f"BC-{organisation.document_code or 'UBND'}",
        issued_on=issued_on,
        year=issued_on.year if issued_on else report.year,
        subject=subject,
        period=period,
        recipients=recipients,
        source_directive=DirectiveReference(
            code=directive.code, title=directive.title, subject=directive.subject
        ),
        introduction=_introduction(report, period, today),
        body=body,
        closing=(closing,),
        charts=assemble.chart_data(rows, weekly),
        distribution=tuple(report.paragraphs("distribution")) or default_distribution(organisation),
        signer=signer_for(report, signer),
        appendix=assemble.appendix(assignments, today) if assignments else None,
        signed_at=signed_at,
        figures_as_of=today,
        units_not_reported=not_reported,
    )


def default_narrative(report: Report) -> dict[str, str]:
    """What a new draft proposes for its editable parts, from what happened in the window."""
    start, end = _window(report)
    directive = report.directive
    in_directive = Q(assignment__task__section__directive=directive)
    updates = ProgressUpdate.objects.filter(
        in_directive, created_at__gte=start, created_at__lt=end
    ).aggregate(
        total=Count("pk"),
        units=Count("assignment__unit", distinct=True),
    )
    urged = Urging.objects.filter(
        in_directive, created_at__gte=start, created_at__lt=end
    ).aggregate(total=Count("pk"), units=Count("assignment__unit", distinct=True))
    explained = ExplanationRequest.objects.filter(
        in_directive, created_at__gte=start, created_at__lt=end
    ).count()
    office = (
        directive.monitoring_unit.name
        if directive.monitoring_unit_id
        else report.organisation.monitoring_office
    )
    leadership = [
        _(
            "Ủy ban nhân dân xã đã ban hành %(directive)s về việc %(subject)s, giao nhiệm vụ cụ "
            "thể cho các phòng, đơn vị và Trưởng thôn; %(office)s theo dõi, đôn đốc việc thực "
            "hiện trên Cổng theo dõi nhiệm vụ của xã."
        )
        % {"directive": directive.title, "subject": directive.subject, "office": office},
        _activity(updates, urged, explained, office),
    ]
    next_tasks = _next_tasks(report)
    return {
        "leadership": "\n".join(leadership),
        "next_tasks": "\n".join(next_tasks),
        "distribution": "\n".join(default_distribution(report.organisation)),
    }


def _activity(updates: dict, urged: dict, explained: int, office: str) -> str:
    """What happened on the portal in the window, without sentences about nothing."""
    if updates["total"]:
        text = _(
            "Trong kỳ, %(units)s đơn vị đã gửi %(updates)s lượt cập nhật tiến độ trên cổng."
        ) % {"units": updates["units"], "updates": updates["total"]}
    else:
        text = _("Trong kỳ, chưa có đơn vị nào gửi cập nhật tiến độ trên cổng.")
    if urged["total"]:
        text += " " + _("%(office)s đã đôn đốc %(urged)s lượt (%(units)s đơn vị).") % {
            "office": capfirst(office),
            "urged": urged["total"],
            "units": urged["units"],
        }
    if explained:
        text += " " + _("Đã yêu cầu giải trình %(count)s trường hợp chậm tiến độ.") % {
            "count": explained
        }
    return text


def _next_tasks(report: Report) -> list[str]:
    """Unfinished tasks due before the end of the next period, then the ongoing duties."""
    horizon = report.data_to + datetime.timedelta(days=_next_span_days(report.kind))
    open_assignments = [a for a in _assignments(report, report_figures(report)) if not a.is_done]
    due: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    ongoing: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for assignment in open_assignments:
        key = (assemble.citation(assignment), assignment.task.short_title)
        if assignment.due_date is None:
            ongoing[key].append(assignment)
        elif assignment.due_date <= horizon:
            due[key].append(assignment)
    lines = []
    for (citation, title), group in sorted(due.items()):
        latest = max(a.due_date for a in group)
        if latest < report.data_to:
            template = _(
                "Khẩn trương hoàn thành %(title)s (nhiệm vụ %(citation)s, %(units)s đơn vị, đã "
                "quá hạn %(date)s)"
            )
        else:
            template = _(
                "Hoàn thành %(title)s (nhiệm vụ %(citation)s, %(units)s đơn vị, hạn %(date)s)"
            )
        lines.append(
            template
            % {
                "title": _lower_first(title),
                "citation": citation,
                "units": len(group),
                "date": vndate.short_date(latest),
            }
        )
    for (citation, title), _group in sorted(ongoing.items()):
        lines.append(
            _("Tiếp tục %(title)s (nhiệm vụ %(citation)s, thường xuyên)")
            % {"title": _lower_first(title), "citation": citation}
        )
    return lines


def _next_span_days(kind: str) -> int:
    return {
        ReportKind.MONTHLY: 31,
        ReportKind.QUARTERLY: 92,
        ReportKind.HALF_YEARLY: 183,
        ReportKind.YEARLY: 366,
    }.get(kind, 31)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
