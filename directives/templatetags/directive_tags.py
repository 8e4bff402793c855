"""Small presentation helpers for assignments: the coloured classification and the deadline."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives import calendar
from directives.choices import Bucket
from directives.models import Assignment
from sonmai.lib.vndate import short_date

register = template.Library()


@register.simple_tag(takes_context=True)
def task_ref(context: dict, task: object, short: bool = False) -> str:
    """Where a task sits: "mục 1, ý 2" (or "1.2" with ``short``), prefixed with its directive
    ("CV 45 · 1.2") when the commune follows several, so a list that mixes them is never
    ambiguous."""
    if context.get("many_directives"):
        return task.label
    return f"{task.section.number}.{task.number}" if short else task.citation


@register.inclusion_tag("directives/_bucket_badge.html")
def bucket_badge(bucket: str) -> dict[str, object]:
    return {"bucket": Bucket(bucket)}


@register.simple_tag
def bucket_label(bucket: str) -> str:
    return Bucket(bucket).label


@register.simple_tag
def deadline_text(assignment: Assignment, today: datetime.date) -> str:
    """ "Còn 5 ngày làm việc", "Hết hạn hôm nay", "Quá hạn 3 ngày làm việc", "Báo cáo trước
    ngày 15/12/2026": days are working days (``directives.calendar``)."""
    if not isinstance(today, datetime.date):
        today = timezone.localdate()
    if assignment.is_done:
        return _("Hoàn thành ngày %(date)s") % {"date": short_date(assignment.completed_on)}
    days = assignment.days_left(today)
    if days is None:
        next_report = assignment.next_report_date(today)
        if next_report:
            return _("Báo cáo trước ngày %(date)s") % {"date": short_date(next_report)}
        return _("Thường xuyên")
    if today < assignment.due_date:
        return ngettext("Còn %(days)d ngày làm việc", "Còn %(days)d ngày làm việc", days) % {
            "days": days
        }
    if today == assignment.due_date:
        return _("Hết hạn hôm nay")
    late = calendar.days_late(assignment.due_date, today)
    return ngettext("Quá hạn %(days)d ngày làm việc", "Quá hạn %(days)d ngày làm việc", late) % {
        "days": late
    }
