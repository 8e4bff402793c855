"""The numbers of the monitoring dashboard, each computed in a fixed number of queries.

Everything starts from ``filtered_assignments``: the assignments a person may see, narrowed by
the filters in the URL and annotated with their official classification. Every figure below is
derived from that one queryset, so a number and the list behind it always agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet

from directives import access
from directives.choices import BUCKET_ORDER, AssignmentStatus, Bucket, ReviewState, UnitKindFilter
from directives.models import Assignment, ProgressUpdate, Task
from directives.models.assignment import behind_schedule
from directives.periods import Period
from sonmai.lib.vntext import fold
from units.models import Unit

#: Most weeks the progress chart shows: a year.
MAX_WEEKS = 52


@dataclass
class Filters:
    directive: int | None = None
    section: int | None = None
    unit_kind: str = ""
    bucket: str = ""
    period: Period | None = None
    q: str = ""
    unit: int | None = None
    behind: bool = False
    due_before: datetime.date | None = None

    def as_query(self, **changes: object) -> dict[str, str]:
        """The filters as URL parameters (for links that keep them), with ``changes`` applied."""
        values = {
            "van_ban": self.directive,
            "muc": self.section,
            "loai": self.unit_kind,
            "phan_loai": self.bucket,
            "ky": self.period.key if self.period else "",
            "q": self.q,
            "don_vi": self.unit,
            "cham": "1" if self.behind else "",
            "han_truoc": self.due_before.isoformat() if self.due_before else "",
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in (None, "", False)}


def filtered_assignments(user: object, filters: Filters, today: datetime.date) -> QuerySet:
    assignments = access.visible_assignments(user).with_bucket(today)
    if filters.directive:
        assignments = assignments.filter(task__section__directive_id=filters.directive)
    if filters.section:
        assignments = assignments.filter(task__section__number=filters.section)
    if filters.unit_kind:
        assignments = assignments.filter(unit__kind__in=UnitKindFilter.kinds(filters.unit_kind))
    if filters.bucket:
        assignments = assignments.filter(current_bucket=filters.bucket)
    if filters.unit:
        assignments = assignments.filter(unit_id=filters.unit)
    if filters.period:
        assignments = assignments.filter(
            Q(due_date__isnull=True) | Q(due_date__range=(filters.period.start, filters.period.end))
        )
    if filters.due_before:
        assignments = assignments.filter(due_date__range=(today, filters.due_before)).exclude(
            status=AssignmentStatus.DONE
        )
    if filters.q:
        needle = fold(filters.q)
        units = Unit.objects.filter(organisation_id=user.organisation_id).only("id", "name")
        unit_ids = [unit.pk for unit in units if needle in fold(unit.name)]
        assignments = assignments.filter(
            Q(task__search_text__contains=needle) | Q(unit_id__in=unit_ids)
        )
    return assignments


def bucket_totals(assignments: QuerySet) -> dict[Bucket, int]:
    rows = assignments.values("current_bucket").annotate(total=Count("id")).order_by()
    totals = dict.fromkeys(BUCKET_ORDER, 0)
    for row in rows:
        totals[Bucket(row["current_bucket"])] = row["total"]
    return totals


@dataclass
class UnitRow:
    unit: Unit
    assigned: int = 0
    buckets: dict[Bucket, int] = field(default_factory=lambda: dict.fromkeys(BUCKET_ORDER, 0))
    percent_sum: int = 0
    behind: int = 0
    last_update: datetime.datetime | None = None

    @property
    def average_percent(self) -> int:
        return round(self.percent_sum / self.assigned) if self.assigned else 0

    @property
    def done(self) -> int:
        return self.buckets[Bucket.DONE_ON_TIME] + self.buckets[Bucket.DONE_LATE]


@dataclass
class Overview:
    totals: dict[Bucket, int]
    unit_rows: list[UnitRow]
    tasks: list[Task]
    matrix: list[tuple[UnitRow, list[Cell | None]]]

    @property
    def total(self) -> int:
        return sum(self.totals.values())


@dataclass(frozen=True)
class Cell:
    """One assignment in the unit × task matrix."""

    pk: int
    current_bucket: str
    percent_done: int


def overview(assignments: QuerySet, today: datetime.date) -> Overview:
    """Totals, the table by unit and the unit × task matrix, from one pass over plain rows.

    A large commune has tens of thousands of assignments: they are read as tuples, and the
    units and tasks they point to are fetched once each.
    """
    rows = list(
        assignments.order_by().values_list(
            "pk",
            "unit_id",
            "task_id",
            "current_bucket",
            "status",
            "percent_done",
            "assigned_on",
            "due_date",
        )
    )
    unit_ids = {row[1] for row in rows}
    task_ids = {row[2] for row in rows}
    units = Unit.objects.filter(pk__in=unit_ids).order_by("position", "name")
    tasks = list(
        Task.objects.filter(pk__in=task_ids)
        .select_related("section__directive__issuing_body")
        .order_by("section__directive_id", "section__number", "number")
    )
    last_updates = dict(
        ProgressUpdate.objects.filter(assignment__in=assignments.values("id"))
        .exclude(review_state=ReviewState.RETURNED)
        .values_list("assignment__unit_id")
        .annotate(last=Max("created_at"))
        .order_by()
    )
    by_unit = {unit.pk: UnitRow(unit, last_update=last_updates.get(unit.pk)) for unit in units}
    cells: dict[tuple[int, int], Cell] = {}
    totals = dict.fromkeys(BUCKET_ORDER, 0)
    for pk, unit_id, task_id, bucket_code, status, percent, assigned_on, due_date in rows:
        bucket = Bucket(bucket_code)
        row = by_unit[unit_id]
        row.assigned += 1
        row.buckets[bucket] += 1
        row.percent_sum += percent
        if behind_schedule(status, percent, assigned_on, due_date, today):
            row.behind += 1
        totals[bucket] += 1
        cells[(unit_id, task_id)] = Cell(pk, bucket_code, percent)
    unit_rows = list(by_unit.values())
    matrix = [(row, [cells.get((row.unit.pk, task.pk)) for task in tasks]) for row in unit_rows]
    return Overview(totals, unit_rows, tasks, matrix)


def upcoming(assignments: QuerySet, today: datetime.date, until: datetime.date) -> list[Assignment]:
    """Not yet done and due between today and ``until`` (the end of the next working week)."""
    return list(
        assignments.filter(due_date__range=(today, until))
        .exclude(status=AssignmentStatus.DONE)
        .select_related("unit", "task__section__directive__issuing_body")
        .order_by("due_date", "unit__position")[:50]
    )


def not_reported(assignments: QuerySet, period: Period) -> list[Unit]:
    """Units with unfinished work that sent no update (or only returned ones) in the period."""
    open_work = assignments.exclude(status=AssignmentStatus.DONE)
    reported = (
        ProgressUpdate.objects.filter(
            assignment__in=assignments.values("id"),
            created_at__date__range=(period.start, period.end),
        )
        .exclude(review_state=ReviewState.RETURNED)
        .values("assignment__unit_id")
    )
    return list(
        Unit.objects.filter(pk__in=open_work.values("unit_id"))
        .exclude(pk__in=reported)
        .order_by("position", "name")
    )


def weekly_share_done(
    assignments: QuerySet, today: datetime.date, max_weeks: int = MAX_WEEKS
) -> list[tuple[datetime.date, float]]:
    """Share of dated assignments done by the end of each week since the work was assigned
    (at most ``max_weeks``), in two queries: the first assignment date, then one conditional
    count per week."""
    dated = assignments.filter(due_date__isnull=False)
    first = dated.aggregate(first=Min("assigned_on"))["first"]
    if first is None:
        return []
    last_sunday = today + datetime.timedelta(days=6 - today.weekday())
    first_sunday = first + datetime.timedelta(days=6 - first.weekday())
    weeks = min(max_weeks, (last_sunday - first_sunday).days // 7 + 1)
    ends = [last_sunday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    counts = dated.aggregate(
        **{
            f"done_{i}": Count("id", filter=Q(status=AssignmentStatus.DONE, completed_on__lte=end))
            for i, end in enumerate(ends)
        },
        **{f"all_{i}": Count("id", filter=Q(assigned_on__lte=end)) for i, end in enumerate(ends)},
    )
    return [
        (end, 100 * counts[f"done_{i}"] / counts[f"all_{i}"] if counts[f"all_{i}"] else 0.0)
        for i, end in enumerate(ends)
    ]
