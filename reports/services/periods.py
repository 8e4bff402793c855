"""The periods a commune owes reports for, per directive and schedule."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from directives.models import Directive
from reports.choices import (
    PERIODIC_KINDS,
    ReportKind,
    ReportState,
)
from reports.models import Report, ReportSchedule

if TYPE_CHECKING:
    from units.models import Organisation


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


def period_label_in_sentence(kind: str, label: str) -> str:
    # "Tháng 11/2026" reads "tháng 11/2026" inside a sentence ("Báo cáo … tháng 11/2026").
    return label[:1].lower() + label[1:]
