"""What the reminder messages say: titles, short bodies and the item lists of e-mails.

Payloads are computed when the notification is created and stored on it, so every attempt to
send it (retries, a reclaimed delivery) renders exactly the same e-mail.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from directives.calendar import (
    CADENCE_MONTHS,
    WorkCalendar,
    days_late,
    days_left,
    due_soon_until,
    report_date_before,
)
from directives.choices import AssignmentStatus, Bucket
from directives.models import Assignment
from directives.models.progress import counting_condition
from notifications.choices import NotificationKind
from sonmai.lib.vndate import long_date

K = NotificationKind
OPEN = (AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS)
#: A digest lists at most this many of the unit's other open tasks (the page has them all).
MAX_OTHERS = 20


def open_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.filter(status__in=OPEN).select_related(
        "task__section__directive__issuing_body", "unit"
    )


def situation(
    assignment: Assignment,
    today: datetime.date,
    calendar: WorkCalendar,
    *,
    report_date: datetime.date | None = None,
) -> str:
    """One sentence on where the assignment stands, in working days."""
    if report_date is not None:
        return _("Báo cáo kết quả %(cadence)s trước %(date)s.") % {
            "cadence": assignment.get_cadence_display().lower(),
            "date": long_date(report_date),
        }
    due = assignment.due_date
    if due is None:
        return _("Nhiệm vụ thường xuyên.")
    if today < due:
        days = days_left(due, today, calendar)
        return ngettext(
            "Còn %(days)d ngày làm việc, hạn hoàn thành %(date)s.",
            "Còn %(days)d ngày làm việc, hạn hoàn thành %(date)s.",
            days,
        ) % {"days": days, "date": long_date(due)}
    if today == due:
        return _("Hết hạn hôm nay, %(date)s.") % {"date": long_date(due)}
    days = days_late(due, today, calendar)
    return ngettext(
        "Quá hạn %(days)d ngày làm việc (hạn %(date)s).",
        "Quá hạn %(days)d ngày làm việc (hạn %(date)s).",
        days,
    ) % {"days": days, "date": long_date(due)}


_TEXTS: dict[tuple, str] = {}


def _cached(key: tuple, make) -> str:
    """Labels and directive titles repeat across thousands of items of one pass; they go
    through translation each time, so keep each one (per language) once computed."""
    key = (get_language(), *key)
    text = _TEXTS.get(key)
    if text is None:
        if len(_TEXTS) > 5000:
            _TEXTS.clear()
        text = _TEXTS[key] = str(make())
    return text


def item(
    assignment: Assignment,
    today: datetime.date,
    calendar: WorkCalendar,
    *,
    kind: str = "",
    report_date: datetime.date | None = None,
) -> dict[str, object]:
    """What an e-mail or a list shows of one assignment."""
    directive = assignment.task.section.directive
    return {
        "assignment": assignment.pk,
        "kind": kind,
        "task": assignment.task.short_title,
        # Read away from the portal, a message always says which directive ("CV 45 · 1.2").
        "citation": assignment.task.label,
        "directive": _cached(
            ("directive", directive.pk, directive.updated_at), lambda: directive.title
        ),
        "unit": str(assignment.unit),
        "due_date": assignment.due_date.isoformat() if assignment.due_date else "",
        "overdue": assignment.bucket(today) == Bucket.OVERDUE,
        "percent_done": assignment.percent_done,
        "status": _cached(("status", assignment.status), assignment.get_status_display),
        "situation": situation(assignment, today, calendar, report_date=report_date),
        "url": reverse("directives:assignment_detail", args=[assignment.pk]),
    }


def _quoted(text: str) -> str:
    return f"“{text}”"


def single_reminder_title(kind: str, assignment: Assignment, reminder: object) -> str:
    task = _quoted(assignment.task.short_title)
    if kind == K.REMINDER_BEFORE_DUE:
        return ngettext(
            "Nhắc việc: %(task)s còn %(days)d ngày làm việc đến hạn",
            "Nhắc việc: %(task)s còn %(days)d ngày làm việc đến hạn",
            reminder.working_days,
        ) % {"task": task, "days": reminder.working_days}
    if kind == K.REMINDER_DUE_TODAY:
        return _("Nhắc việc: %(task)s đến hạn hôm nay") % {"task": task}
    if kind == K.REMINDER_OVERDUE:
        return _("Nhắc việc: %(task)s đã quá hạn") % {"task": task}
    return _("Nhắc báo cáo định kỳ: %(task)s") % {"task": task}


def unit_message(
    unit: object,
    triggered: Sequence[tuple[Assignment, object]],
    today: datetime.date,
    calendar: WorkCalendar,
) -> dict[str, object]:
    """Title, body, url, kind and payload of a unit's reminder (one) or digest (several).

    ``triggered`` pairs each assignment with the reminder that fell due for it now. The digest
    also lists the unit's other open work that is overdue or due within a few working days.
    """
    items = []
    for assignment, reminder in triggered:
        report_date = reminder.reference_date if reminder.kind == K.REMINDER_REPORT_DUE else None
        items.append(item(assignment, today, calendar, kind=reminder.kind, report_date=report_date))
    items.sort(key=lambda entry: (entry["due_date"] or "9999", entry["citation"], entry["task"]))
    shown = {assignment.pk for assignment, _reminder in triggered}
    horizon = due_soon_until(today, calendar)
    related = (
        open_assignments()
        .filter(unit=unit, due_date__lte=horizon)
        .exclude(pk__in=shown)
        .order_by("due_date", "pk")
    )
    others = [item(assignment, today, calendar) for assignment in related[:MAX_OTHERS]]
    more = related.count() - len(others) if len(others) == MAX_OTHERS else 0
    payload = {
        "unit": str(unit),
        "items": items,
        "others": others,
        "others_more": more,
        "today": today.isoformat(),
    }
    if len(triggered) == 1:
        assignment, reminder = triggered[0]
        return {
            "kind": K(reminder.kind),
            "title": single_reminder_title(reminder.kind, assignment, reminder),
            "body": f"{assignment.unit}: {items[0]['situation']}",
            "url": items[0]["url"],
            "assignment": assignment,
            "payload": payload,
        }
    overdue = sum(1 for entry in items if entry["overdue"])
    return {
        "kind": K.DIGEST_UNIT,
        "title": ngettext(
            "Nhắc việc: %(unit)s có %(count)d nhiệm vụ cần chú ý",
            "Nhắc việc: %(unit)s có %(count)d nhiệm vụ cần chú ý",
            len(items),
        )
        % {"unit": unit, "count": len(items)},
        "body": _("%(count)d nhiệm vụ đến lượt nhắc, trong đó %(overdue)d nhiệm vụ quá hạn.")
        % {"count": len(items), "overdue": overdue},
        "url": reverse("directives:my_assignments"),
        "assignment": None,
        "payload": payload,
    }


def escalation_message(
    triggered: Sequence[tuple[Assignment, object]],
    today: datetime.date,
    calendar: WorkCalendar,
) -> dict[str, object]:
    """What the monitoring office and the leaders are told about tasks slipping."""
    items = [item(assignment, today, calendar, kind=K.ESCALATION) for assignment, _r in triggered]
    items.sort(key=lambda entry: (entry["unit"], entry["citation"], entry["task"]))
    payload = {"items": items, "today": today.isoformat()}
    if len(triggered) == 1:
        assignment, _reminder = triggered[0]
        return {
            "title": _("Nhiệm vụ quá hạn: %(task)s – %(unit)s")
            % {"task": _quoted(assignment.task.short_title), "unit": assignment.unit},
            "body": items[0]["situation"],
            "url": items[0]["url"],
            "assignment": assignment,
            "payload": payload,
        }
    directives = {assignment.task.section.directive_id for assignment, _r in triggered}
    url = (
        reverse("directives:directive_detail", args=[directives.pop()])
        if len(directives) == 1
        else reverse("home")
    )
    units = len({assignment.unit_id for assignment, _r in triggered})
    return {
        "title": ngettext(
            "Có %(count)d nhiệm vụ quá hạn cần chỉ đạo",
            "Có %(count)d nhiệm vụ quá hạn cần chỉ đạo",
            len(items),
        )
        % {"count": len(items)},
        "body": ngettext(
            "Các nhiệm vụ của %(units)d đơn vị đã quá hạn và chưa hoàn thành.",
            "Các nhiệm vụ của %(units)d đơn vị đã quá hạn và chưa hoàn thành.",
            units,
        )
        % {"units": units},
        "url": url,
        "assignment": None,
        "payload": payload,
    }


def not_reported(assignment: Assignment, today: datetime.date) -> datetime.date | None:
    """The last reporting date a cadenced assignment let pass without an update, or None.

    ``assignment.last_report`` is the time of its latest update that was not returned
    (annotated by ``office_digest``); a returned update does not count as a report.
    """
    if assignment.cadence not in CADENCE_MONTHS:
        return None
    last = report_date_before(assignment.cadence, assignment.report_day, today)
    if last <= assignment.assigned_on:
        return None
    reported = assignment.last_report
    previous = report_date_before(assignment.cadence, assignment.report_day, last)
    if reported and timezone.localtime(reported).date() > previous:
        return None
    return last


def office_digest(
    organisation_id: int, today: datetime.date, calendar: WorkCalendar
) -> dict[str, object]:
    """The weekly summary for the monitoring office: per unit, what is overdue and which
    periodic reports were not made."""
    per_unit: dict[str, dict[str, list]] = defaultdict(lambda: {"overdue": [], "not_reported": []})
    assignments = (
        open_assignments()
        .filter(unit__organisation_id=organisation_id)
        .annotate(last_report=Max("updates__created_at", filter=counting_condition("updates__")))
    )
    for assignment in assignments.order_by("unit__position", "unit__name", "due_date", "pk"):
        if assignment.bucket(today) == Bucket.OVERDUE:
            per_unit[str(assignment.unit)]["overdue"].append(item(assignment, today, calendar))
        missed = not_reported(assignment, today)
        if missed:
            entry = item(assignment, today, calendar)
            entry["situation"] = _("Chưa cập nhật kết quả cho kỳ báo cáo %(date)s.") % {
                "date": long_date(missed)
            }
            per_unit[str(assignment.unit)]["not_reported"].append(entry)
    units = [{"unit": name, **lists} for name, lists in per_unit.items()]
    overdue = sum(len(unit["overdue"]) for unit in units)
    missing = sum(len(unit["not_reported"]) for unit in units)
    monday = today - datetime.timedelta(days=today.weekday())
    if units:
        title = ngettext(
            "Tổng hợp tuần: %(units)d đơn vị chưa hoàn thành hoặc chưa báo cáo đúng hạn",
            "Tổng hợp tuần: %(units)d đơn vị chưa hoàn thành hoặc chưa báo cáo đúng hạn",
            len(units),
        ) % {"units": len(units)}
    else:
        title = _("Tổng hợp tuần: mọi đơn vị đều đúng hạn")
    return {
        "title": title,
        "body": _("%(overdue)d nhiệm vụ quá hạn, %(missing)d báo cáo định kỳ chưa cập nhật.")
        % {"overdue": overdue, "missing": missing},
        "url": reverse("home"),
        "payload": {
            "units": units,
            "overdue": overdue,
            "not_reported": missing,
            "week_start": long_date(monday),
            "today": today.isoformat(),
        },
    }
