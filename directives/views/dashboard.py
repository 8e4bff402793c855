"""The monitoring dashboard and the list of assignments behind each of its numbers."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from directives import access, dashboard, excel
from directives.calendar import add_working_days
from directives.choices import BUCKET_ORDER, Cadence, ConcernStatus
from directives.figures import Figures
from directives.forms import DashboardFilterForm
from directives.models import Concern, Section
from directives.periods import period_containing
from sonmai.lib import charts
from units import access as policy

#: Working days ahead that count as "the next working week".
UPCOMING_WORKING_DAYS = 5
#: Task columns of the unit × task matrix shown at once (the rest is a click away).
MATRIX_COLUMNS = 30


def _filters(
    request: HttpRequest, today: datetime.date
) -> tuple[DashboardFilterForm, dashboard.Filters]:
    directives = list(
        access.visible_directives(request.user)
        .filter(sections__tasks__isnull=False)
        .distinct()
        .select_related("issuing_body")
        .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("number")))
    )
    form = DashboardFilterForm(request.GET or None, directives=directives, today=today)
    return form, form.to_filters()


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form, filters = _filters(request, today)
    assignments = dashboard.filtered_assignments(request.user, filters, today)
    if request.GET.get("xuat") in excel.DASHBOARD_EXPORTS:
        return excel.dashboard_export(request.GET["xuat"], assignments, filters, today)
    figures = Figures(assignments, today)
    data = dashboard.overview(figures)
    period = filters.period or period_containing(today, Cadence.MONTHLY)
    until = add_working_days(today, UPCOMING_WORKING_DAYS)
    weekly = figures.weekly_share_done()
    can_act = policy.has_capability(request.user, policy.Capability.URGE_UNITS)

    list_url = reverse("directives:dashboard_assignments")

    def link(**changes: object) -> str:
        return f"{list_url}?{urlencode(filters.as_query(**changes))}"

    columns = _matrix_columns(request, len(data.tasks))
    totals = [
        (bucket, data.totals[bucket], link(phan_loai=bucket.value)) for bucket in BUCKET_ORDER
    ]
    return render(
        request,
        "directives/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "data": data,
            "matrix_tasks": data.tasks[columns.start : columns.stop],
            "matrix_rows": [
                (row, cells[columns.start : columns.stop]) for row, cells in data.matrix
            ],
            "columns": columns,
            # Thousands of cells: one reverse() for all of them instead of one each.
            "assignment_base": reverse("directives:assignment_detail", args=[0])[: -len("0/")],
            "totals": totals,
            "link": link,
            "upcoming": dashboard.upcoming(assignments, today, until),
            "upcoming_until": until,
            "not_reported": figures.units_not_reported(period.start, through=period.end),
            "period": period,
            "weekly": weekly,
            "bucket_chart": charts.bucket_totals_chart(
                data.totals, title=_("Phân loại nhiệm vụ theo tiến độ")
            ),
            "weekly_chart": charts.weekly_done_chart(
                weekly, title=_("Tỷ lệ đã hoàn thành theo tuần")
            ),
            "open_concerns": Concern.objects.filter(
                assignment__in=assignments.values("id"),
                status__in=[ConcernStatus.OPEN, ConcernStatus.ESCALATED],
            ).count(),
            "can_act": can_act,
            "today": today,
            "query": urlencode(filters.as_query()),
        },
    )


@login_required
def dashboard_assignments(request: HttpRequest) -> HttpResponse:
    """The assignments behind a number of the dashboard, with the same filters."""
    today = timezone.localdate()
    form, filters = _filters(request, today)
    assignments = (
        dashboard.filtered_assignments(request.user, filters, today)
        .select_related("unit", "task__section__directive__issuing_body")
        .order_by("due_date", "unit__position", "task__section__number", "task__number")
    )
    if filters.behind:
        assignments = [a for a in assignments if a.is_behind_schedule(today)]
    if request.GET.get("xuat") == "danh-sach":
        return excel.assignment_list_export(assignments, filters, today)
    page = Paginator(assignments, 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "directives/dashboard_assignments.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "today": today,
            "can_act": policy.has_capability(request.user, policy.Capability.URGE_UNITS),
            "query": urlencode(filters.as_query()),
        },
    )


class _Columns:
    def __init__(self, start: int, stop: int, total: int) -> None:
        self.start, self.stop, self.total = start, stop, total
        self.previous = start - MATRIX_COLUMNS if start > 0 else None
        self.next = stop if stop < total else None


def _matrix_columns(request: HttpRequest, total: int) -> _Columns:
    try:
        start = max(0, int(request.GET.get("cot", 0)))
    except ValueError:
        start = 0
    start = min(start, max(0, total - 1)) // MATRIX_COLUMNS * MATRIX_COLUMNS
    return _Columns(start, min(total, start + MATRIX_COLUMNS), total)
