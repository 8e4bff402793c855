"""The portal's figures, each as of a given day: the one place that counts.

The dashboard, its Excel sheets, the e-mails, the report draft and the signed report all take
their numbers from here, so what the office watched on day D is what a report whose figures
stop on D says. ``Figures(assignments, as_of)`` reads the assignments as they stood at the end
of ``as_of`` and derives every figure from that one reading:

* ``bucket_totals`` and ``bucket_of``: the official classification on ``as_of``;
* ``weekly_share_done``: the share of dated assignments done by the end of each week, the
  last point being ``as_of`` itself (nothing is plotted after it);
* ``late``: what is overdue on ``as_of`` or was finished after its deadline;
* ``units_not_reported``: units with unfinished work that sent no update that counts;
* ``indicator_totals``: the figures units entered with the updates that count;
* ``last_updates``: each unit's latest update that counts.

"As it stood at the end of D" is rebuilt from the history: an assignment assigned after D is
left out; a deadline moved after D is taken back to the date it had then; an assignment whose
updates changed after D (a new update, one returned or removed since) gets the status, percent
and completion date of its latest update that counted at the end of D, the rule by which
``directives.services.progress.refresh_state`` sets them. With ``as_of`` today nothing changed
after it, and the live values are used as they are.

Every figure is read in a fixed number of queries whatever the number of assignments.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from directives import calendar
from directives.choices import (
    BUCKET_ORDER,
    AssignmentRole,
    AssignmentStatus,
    Bucket,
    UpdateKind,
)
from directives.models import (
    Assignment,
    DeadlineChange,
    IndicatorValue,
    ProgressUpdate,
)
from directives.models.assignment import behind_schedule, classify
from directives.models.progress import counting_condition
from units.models import Unit

#: Most weeks the weekly chart shows: a year.
MAX_WEEKS = 52


def start_of(day: datetime.date) -> datetime.datetime:
    """00:00 of ``day`` in the commune's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def end_of(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` ends (00:00 of the next day) in the commune's time zone."""
    return start_of(day + datetime.timedelta(days=1))


@dataclass(frozen=True)
class State:
    """An assignment as it stood at the end of a day: what every figure is computed from."""

    pk: int
    unit_id: int
    task_id: int
    status: str
    percent_done: int
    assigned_on: datetime.date
    due_date: datetime.date | None
    completed_on: datetime.date | None

    @property
    def is_done(self) -> bool:
        return self.status == AssignmentStatus.DONE

    def bucket(self, day: datetime.date) -> Bucket:
        return classify(self.status, self.due_date, self.completed_on, day)

    def is_behind_schedule(self, day: datetime.date) -> bool:
        return behind_schedule(self.status, self.percent_done, self.assigned_on, self.due_date, day)


@dataclass(frozen=True)
class Late:
    """An assignment overdue on the day, or finished after its deadline."""

    state: State
    days_late: int


_FIELDS = (
    "pk",
    "unit_id",
    "task_id",
    "status",
    "percent_done",
    "assigned_on",
    "due_date",
    "completed_on",
    "role",
    "lead_assignment_id",
    "started_on",
)


def _state_from_update(
    state: State, update: tuple[str, int | None, datetime.date | None] | None
) -> State:
    """The state an update leaves (``refresh_state``'s rule); none left: not started."""
    if update is None:
        return replace(
            state, status=AssignmentStatus.NOT_STARTED, percent_done=0, completed_on=None
        )
    status, percent, completed = update
    if status == AssignmentStatus.DONE:
        return replace(state, status=status, percent_done=100, completed_on=completed)
    return replace(state, status=status, percent_done=percent or 0, completed_on=None)


def read_states(assignments: QuerySet[Assignment], as_of: datetime.date) -> list[State]:
    """The assignments of ``assignments`` as they stood at the end of ``as_of`` (see the module
    docstring), in three or four queries."""
    until = end_of(as_of)
    rows = list(assignments.filter(assigned_on__lte=as_of).order_by().values_list(*_FIELDS))
    ids = assignments.values("pk")
    # A deadline moved after the day had, on the day, the old date of its first later move.
    due_then: dict[int, datetime.date | None] = {}
    for assignment_id, old in (
        DeadlineChange.objects.filter(assignment_id__in=ids, created_at__gte=until)
        .order_by("created_at", "pk")
        .values_list("assignment_id", "old_due_date")
    ):
        due_then.setdefault(assignment_id, old)
    # A coordinating unit that follows its lead has the lead's status.
    drivers = {
        row[0]: (row[9] if row[8] == AssignmentRole.COORDINATING and row[9] else row[0])
        for row in rows
    }
    progress = ProgressUpdate.all_objects.filter(
        Q(assignment_id__in=ids) | Q(assignment_id__in=assignments.values("lead_assignment_id")),
        kind=UpdateKind.PROGRESS,
    )
    since_then = progress.filter(
        Q(created_at__gte=until) | Q(removed_at__gte=until) | Q(reviewed_at__gte=until)
    )
    changed = set(since_then.values_list("assignment_id", flat=True).distinct())
    latest: dict[int, tuple[str, int | None, datetime.date | None]] = {}
    if changed:
        for assignment_id, status, percent, completed_on in (
            progress.filter(
                counting_condition(until=until),
                assignment_id__in=since_then.values("assignment_id"),
            )
            .order_by("created_at", "pk")
            .values_list("assignment_id", "status", "percent_done", "completed_on")
        ):
            latest[assignment_id] = (status, percent, completed_on)
    states = []
    for row in rows:
        state = State(*row[:8])
        if row[0] in due_then:
            state = replace(state, due_date=due_then[row[0]])
        driver = drivers[row[0]]
        if driver in changed:
            state = _state_from_update(state, latest.get(driver))
        else:
            # Dates set without an update (an import, the admin, the demo) are taken at their
            # word: work finished or started after the day had not been, on the day.
            if state.is_done and state.completed_on is not None and state.completed_on > as_of:
                state = replace(state, status=AssignmentStatus.IN_PROGRESS, completed_on=None)
            started_on = row[10]
            if started_on and started_on > as_of and not state.is_done:
                state = replace(state, status=AssignmentStatus.NOT_STARTED)
        states.append(state)
    return states


class Figures:
    """Every figure of some assignments as of the end of ``as_of``.

    ``assignments`` is a queryset (the dashboard's filtered one, or a report's directive); the
    states are read once, on first use.
    """

    def __init__(self, assignments: QuerySet[Assignment], as_of: datetime.date) -> None:
        self.assignments = assignments
        self.as_of = as_of
        self.until = end_of(as_of)

    @cached_property
    def states(self) -> list[State]:
        return read_states(self.assignments, self.as_of)

    @cached_property
    def by_pk(self) -> dict[int, State]:
        return {state.pk: state for state in self.states}

    def bucket_of(self, state: State) -> Bucket:
        return state.bucket(self.as_of)

    def bucket_totals(self, states: Iterable[State] | None = None) -> dict[Bucket, int]:
        """{bucket: count} in the official order, zeros included."""
        totals = dict.fromkeys(BUCKET_ORDER, 0)
        for state in self.states if states is None else states:
            totals[state.bucket(self.as_of)] += 1
        return totals

    def weekly_share_done(self, max_weeks: int = MAX_WEEKS) -> list[tuple[datetime.date, float]]:
        """(week end, percent) for each week since the first dated assignment (at most
        ``max_weeks``): the share of the dated assignments given by then that were done by
        then, one decimal. Weeks end on Sunday; the last point is ``as_of`` itself."""
        dated = [state for state in self.states if state.due_date is not None]
        if not dated:
            return []
        first = min(state.assigned_on for state in dated)
        ends = []
        day = first + datetime.timedelta(days=6 - first.weekday())
        while day < self.as_of:
            ends.append(day)
            day += datetime.timedelta(days=7)
        ends.append(self.as_of)
        ends = ends[-max_weeks:]
        assigned = sorted(state.assigned_on for state in dated)
        completed = sorted(
            state.completed_on
            for state in dated
            if state.is_done and state.completed_on is not None
        )
        points = []
        for end in ends:
            given = bisect.bisect_right(assigned, end)
            done = bisect.bisect_right(completed, end)
            points.append((end, round(100 * done / given, 1) if given else 0.0))
        return points

    def late(self, since: datetime.date | None = None) -> list[Late]:
        """Overdue on ``as_of``, or finished after the deadline (on or after ``since``: what
        was finished late before was reported then), by how many working days; most late
        first."""
        work = calendar.WorkCalendar.current()
        items = []
        for state in self.states:
            bucket = state.bucket(self.as_of)
            due, completed_on = state.due_date, state.completed_on
            if due is None:  # never late: ongoing work has no deadline
                continue
            if bucket == Bucket.OVERDUE:
                days = calendar.days_late(due, self.as_of, work)
            elif bucket == Bucket.DONE_LATE and completed_on is not None:
                if since is not None and completed_on < since:
                    continue
                days = calendar.days_late(due, completed_on, work)
            else:
                continue
            items.append(Late(state, days))
        items.sort(key=lambda item: (-item.days_late, item.state.pk))
        return items

    def counting_updates(self, since: datetime.date | None = None) -> QuerySet[ProgressUpdate]:
        """Updates on these assignments that counted at the end of ``as_of`` (sent on or
        after ``since``)."""
        updates = ProgressUpdate.all_objects.filter(
            counting_condition(until=self.until),
            assignment_id__in=self.assignments.values("pk"),
        )
        if since is not None:
            updates = updates.filter(created_at__gte=start_of(since))
        return updates

    def units_not_reported(
        self, since: datetime.date, through: datetime.date | None = None
    ) -> list[Unit]:
        """Units with unfinished work that sent no update that counts between ``since`` and
        ``through`` (``as_of`` by default), in the units' order."""
        open_units = {state.unit_id for state in self.states if not state.is_done}
        reported = self.counting_updates(since)
        if through is not None and through < self.as_of:
            reported = reported.filter(created_at__lt=end_of(through))
        return list(
            Unit.objects.filter(pk__in=open_units)
            .exclude(pk__in=reported.values("assignment__unit_id"))
            .order_by("position", "name")
        )

    def last_updates(self) -> dict[int, datetime.datetime]:
        """{unit id: when its latest update that counts was sent}."""
        return dict(
            self.counting_updates()
            .values_list("assignment__unit_id")
            .annotate(last=Max("created_at"))
            .order_by()
        )

    def indicator_totals(self, since: datetime.date | None = None) -> list[tuple[str, str, float]]:
        """(name, unit of measure, total) of every figure entered with the updates that count
        (sent on or after ``since``), in the order of the tasks; indicators of the same name
        and unit are added up."""
        values = IndicatorValue.objects.filter(update__in=self.counting_updates(since))
        rows = (
            values.values(
                "indicator__name",
                "indicator__unit_of_measure",
                "indicator__task__section__number",
                "indicator__task__number",
                "indicator__position",
            )
            .annotate(total=Sum("value"))
            .order_by(
                "indicator__task__section__number",
                "indicator__task__number",
                "indicator__position",
                "indicator__name",
            )
        )
        merged: dict[tuple[str, str], float] = {}
        for row in rows:
            key = (row["indicator__name"], row["indicator__unit_of_measure"])
            merged[key] = merged.get(key, 0) + row["total"]
        return [(name, unit, total) for (name, unit), total in merged.items()]

    def as_of_assignments(self, assignments: Sequence[Assignment]) -> list[Assignment]:
        """Copies of ``assignments`` (with their task and unit) carrying the state they had at
        the end of ``as_of``; those not given yet are left out. Changed in memory only."""
        result = []
        for assignment in assignments:
            state = self.by_pk.get(assignment.pk)
            if state is None:
                continue
            assignment.status = state.status
            assignment.percent_done = state.percent_done
            assignment.due_date = state.due_date
            assignment.completed_on = state.completed_on
            result.append(assignment)
        return result
