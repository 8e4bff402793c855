"""The monitoring dashboard's filters and tables, each computed in a fixed number of queries.

Everything starts from ``filtered_assignments``: the assignments a person may see, narrowed by
the filters in the URL and annotated with their official classification. The numbers come from
``directives.figures`` over that one queryset, so a number and the list behind it always agree,
and the report whose figures stop today says the same.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from directives import access
from directives.choices import BUCKET_ORDER, AssignmentStatus, Bucket, UnitKindFilter
from directives.figures import Figures
from directives.models import Assignment, Task
from directives.periods import Period
from sonmai.lib.vntext import fold
from units.models import Unit


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
    # Work given after today is not counted yet (see ``directives.figures``).
    assignments = access.visible_assignments(user).filter(assigned_on__lte=today).with_bucket(today)
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


def overview(figures: Figures) -> Overview:
    """Totals, the table by unit and the unit × task matrix, from the figures' one reading.

    A large commune has tens of thousands of assignments: they are read as plain rows, and the
    units and tasks they point to are fetched once each.
    """
    states = figures.states
    today = figures.as_of
    unit_ids = {state.unit_id for state in states}
    task_ids = {state.task_id for state in states}
    units = Unit.objects.filter(pk__in=unit_ids).order_by("position", "name")
    tasks = list(
        Task.objects.filter(pk__in=task_ids)
        .select_related("section__directive__issuing_body")
        .order_by("section__directive_id", "section__number", "number")
    )
    last_updates = figures.last_updates()
    by_unit = {unit.pk: UnitRow(unit, last_update=last_updates.get(unit.pk)) for unit in units}
    cells: dict[tuple[int, int], Cell] = {}
    for state in states:
        bucket = state.bucket(today)
        row = by_unit[state.unit_id]
        row.assigned += 1
        row.buckets[bucket] += 1
        row.percent_sum += state.percent_done
        if state.is_behind_schedule(today):
            row.behind += 1
        cells[(state.unit_id, state.task_id)] = Cell(state.pk, bucket.value, state.percent_done)
    unit_rows = list(by_unit.values())
    matrix = [(row, [cells.get((row.unit.pk, task.pk)) for task in tasks]) for row in unit_rows]
    return Overview(figures.bucket_totals(), unit_rows, tasks, matrix)


def upcoming(assignments: QuerySet, today: datetime.date, until: datetime.date) -> list[Assignment]:
    """Not yet done and due between today and ``until`` (the end of the next working week)."""
    return list(
        assignments.filter(due_date__range=(today, until))
        .exclude(status=AssignmentStatus.DONE)
        .select_related("unit", "task__section__directive__issuing_body")
        .order_by("due_date", "unit__position")[:50]
    )
