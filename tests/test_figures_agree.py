"""What the office watched on the dashboard on day D is what the report whose figures stop on D
says (issue 12).

Hypothesis builds random commune histories through the services a commune uses: assignments
given on different days, progress updates (late completions among them), updates the office
returns, updates taken back, deadlines moved. The dashboard's figures are read with the clock
on day D, from the live data as it stood then; then the rest of the history happens, and the
report for the period whose data window ends on D is compiled afterwards (or was submitted on
D, before its window ended). Both must give the same buckets, share done by week, late items,
units not reported and indicator totals.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import cast

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives import dashboard
from directives.choices import AssignmentRole, AssignmentStatus, Cadence
from directives.figures import Figures
from directives.models import Assignment, Directive, ProgressUpdate
from directives.periods import parse_key, period_containing
from directives.services.extensions import change_due_date
from directives.services.progress import (
    ProgressInput,
    remove_update,
    return_update,
    submit_progress,
)
from reports import compilation, services
from reports.choices import ReportKind
from reports.snapshot import BucketCounts, IndicatorTable, LateItems, ReportSnapshot
from tests import factories as f
from units.choices import Role
from units.models import Organisation, User

pytestmark = pytest.mark.django_db

ZONE = datetime.timezone(datetime.timedelta(hours=7))
#: Day 0 of every history; the windows below end on 14/10 and 14/11.
START = datetime.date(2026, 9, 1)
PERIODS = ("2026-10", "2026-11")
UNITS = 3
TASKS = 3


def moment(day: datetime.date, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(8), tzinfo=ZONE) + datetime.timedelta(
        minutes=minute
    )


@dataclass
class Commune:
    """What every history shares: one commune, its units, one directive with three tasks, each
    task asking for one figure."""

    organisation: Organisation
    officer: User
    directive: Directive
    units: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    indicators: list = field(default_factory=list)


@pytest.fixture
def commune(db) -> Commune:
    # factory_boy's calls are untyped; they build these models.
    organisation = cast(Organisation, f.OrganisationFactory())
    officer = cast(User, f.UserFactory(organisation=organisation, role=Role.MONITORING_OFFICER))
    directive = cast(Directive, f.DirectiveFactory(organisation=organisation))
    section = f.SectionFactory(directive=directive, number=1)
    result = Commune(organisation, officer, directive)
    for index in range(UNITS):
        result.units.append(
            f.UnitFactory(organisation=organisation, name=f"Đơn vị {index + 1}", position=index)
        )
    for index in range(TASKS):
        task = f.TaskFactory(section=section, number=index + 1)
        result.tasks.append(task)
        result.indicators.append(
            f.IndicatorFactory(task=task, name=f"Chỉ tiêu {index + 1}", unit_of_measure="cuộc")
        )
    return result


# --- Histories ----------------------------------------------------------------------------------
days = st.integers(min_value=0, max_value=120)

assignment_plans = st.tuples(
    st.integers(0, TASKS - 1),  # task
    st.integers(0, UNITS - 1),  # unit
    st.integers(0, 70),  # assigned on (days after START)
    st.one_of(st.none(), st.integers(0, 60)),  # due: days after assignment, or ongoing
)

update_events = st.tuples(
    st.just("update"),
    st.integers(0, 5),  # which assignment
    days,
    st.sampled_from([AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE]),
    st.integers(0, 99),  # percent while in progress
    st.integers(0, 15),  # a completion reported this many days after the work was done
    st.one_of(st.none(), st.integers(1, 20)),  # the task's figure
)
return_events = st.tuples(st.just("return"), st.integers(0, 20), days)
remove_events = st.tuples(st.just("remove"), st.integers(0, 20), days)
extend_events = st.tuples(st.just("extend"), st.integers(0, 5), days, st.integers(-5, 30))


@st.composite
def histories(draw):
    plans = draw(
        st.lists(
            assignment_plans, min_size=1, max_size=6, unique_by=lambda plan: (plan[0], plan[1])
        )
    )
    events = draw(
        st.lists(
            st.one_of(update_events, update_events, return_events, remove_events, extend_events),
            max_size=12,
        )
    )
    key = draw(st.sampled_from(PERIODS))
    window = parse_key(key)
    # Submitted before its window ends (figures cut that day), or compiled after it.
    early = draw(st.one_of(st.none(), st.integers(1, 25)))
    cut = window.end - datetime.timedelta(days=early) if early else window.end
    return plans, events, key, cut, bool(early)


# --- Playing a history --------------------------------------------------------------------------
class History:
    def __init__(self, commune: Commune, plans) -> None:
        self.commune = commune
        rows = []
        for task, unit, assigned, due in plans:
            assigned_on = START + datetime.timedelta(days=assigned)
            rows.append(
                Assignment(
                    task=commune.tasks[task],
                    unit=commune.units[unit],
                    role=AssignmentRole.LEAD,
                    assigned_on=assigned_on,
                    due_date=assigned_on + datetime.timedelta(days=due)
                    if due is not None
                    else None,
                    cadence=Cadence.MONTHLY if due is None else Cadence.NONE,
                )
            )
        self.assignments = Assignment.objects.bulk_create(rows)
        self.updates: list[ProgressUpdate] = []

    def schedule(self, events) -> list[tuple[datetime.datetime, tuple]]:
        """Each event at the moment it happens (in the order drawn within a day)."""
        timed = []
        for order, event in enumerate(events):
            kind, target, day = event[0], event[1], event[2]
            when = START + datetime.timedelta(days=day)
            if kind in ("update", "extend"):
                assignment = self.assignments[target % len(self.assignments)]
                when = max(when, assignment.assigned_on)
            timed.append((moment(when, order), event))
        timed.sort(key=lambda pair: pair[0])
        return timed

    def play(self, when: datetime.datetime, event: tuple) -> None:
        officer = self.commune.officer
        kind = event[0]
        with time_machine.travel(when, tick=False):
            if kind == "update":
                _kind, target, _day, status, percent, reported_late, value = event
                assignment = Assignment.objects.get(
                    pk=self.assignments[target % len(self.assignments)].pk
                )
                today = when.date()
                completed = None
                if status == AssignmentStatus.DONE:
                    completed = max(
                        today - datetime.timedelta(days=reported_late), assignment.assigned_on
                    )
                    percent = 100
                indicator = self.commune.indicators[self.commune.tasks.index(assignment.task)]
                update = submit_progress(
                    assignment,
                    actor=officer,
                    token=uuid.uuid4(),
                    base_version=assignment.version,
                    data=ProgressInput(
                        results="Đã thực hiện",
                        status=status,
                        percent_done=percent,
                        completed_on=completed,
                        indicator_values={indicator.pk: value} if value else {},
                    ),
                )
                self.updates.append(update)
            elif kind in ("return", "remove"):
                sent = [u for u in self.updates if u.created_at <= when]
                if not sent:
                    return
                update = ProgressUpdate.all_objects.get(pk=sent[event[1] % len(sent)].pk)
                if update.removed_at is not None:
                    return
                if kind == "remove":
                    remove_update(update, actor=officer)
                elif update.is_pending:
                    return_update(update, actor=officer, reason="Chưa đủ minh chứng")
            else:
                _kind, target, _day, shift = event
                assignment = Assignment.objects.get(
                    pk=self.assignments[target % len(self.assignments)].pk
                )
                if assignment.due_date is not None:
                    new_date = max(
                        assignment.due_date + datetime.timedelta(days=shift),
                        assignment.assigned_on,
                    )
                    change_due_date(
                        assignment, actor=officer, new_due_date=new_date, reason="Gia hạn"
                    )


# --- What each side says ------------------------------------------------------------------------
@dataclass(frozen=True)
class Said:
    buckets: BucketCounts
    weekly: tuple[tuple[datetime.date, float], ...]
    late: tuple[tuple[str, str, datetime.date | None, int], ...]
    not_reported: tuple[str, ...]
    indicators: tuple[tuple[str, str, float], ...]


def dashboard_on(commune: Commune, day: datetime.date) -> Said:
    """The dashboard's figures with the clock on ``day`` (the whole directive, this period)."""
    with time_machine.travel(moment(day, 600), tick=False):
        filters = dashboard.Filters(directive=commune.directive.pk)
        figures = Figures(dashboard.filtered_assignments(commune.officer, filters, day), day)
        period = period_containing(day, Cadence.MONTHLY)
        data = dashboard.overview(figures)
        names = {unit.pk: unit.display_name for unit in commune.units}
        citations = {task.pk: f"1.{task.number}" for task in commune.tasks}
        return Said(
            buckets=BucketCounts.of(
                bucket for bucket, count in data.totals.items() for _ in range(count)
            ),
            weekly=tuple(figures.weekly_share_done()),
            late=tuple(
                sorted(
                    (
                        citations[item.state.task_id],
                        names[item.state.unit_id],
                        item.state.due_date,
                        item.days_late,
                    )
                    for item in figures.late(since=period.start)
                )
            ),
            not_reported=tuple(
                unit.display_name
                for unit in figures.units_not_reported(period.start, through=period.end)
            ),
            indicators=tuple(
                (name, unit, float(total))
                for name, unit, total in figures.indicator_totals(since=period.start)
            ),
        )


def report_says(snapshot: ReportSnapshot) -> Said:
    late: list[tuple[str, str, datetime.date | None, int]] = []
    indicators: tuple[tuple[str, str, float], ...] = ()
    for entry in snapshot.outline():
        for block in entry.part.blocks:
            if isinstance(block, LateItems):
                late += [(i.citation, i.unit_name, i.due_date, i.days_late) for i in block.items]
            if isinstance(block, IndicatorTable):
                indicators = tuple((i.name, i.unit_of_measure, i.total) for i in block.rows)
    return Said(
        buckets=snapshot.charts.bucket_totals,
        weekly=tuple((p.week_end, p.percent_done) for p in snapshot.charts.weekly_done),
        late=tuple(sorted(late)),
        not_reported=snapshot.units_not_reported,
        indicators=indicators,
    )


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_the_dashboard_on_day_d_and_the_report_cut_on_d_agree(commune, history):
    plans, events, key, cut, early = history
    with transaction.atomic():
        played = History(commune, plans)
        timed = played.schedule(events)
        until = moment(cut, 900)
        for when, event in timed:
            if when < until:
                played.play(when, event)
        watched = dashboard_on(commune, cut)
        if early:
            # Submitted on the cut, before the window ends: frozen then, whatever follows.
            with time_machine.travel(moment(cut, 700), tick=False):
                report = services.create_report(
                    directive=commune.directive,
                    actor=commune.officer,
                    kind=ReportKind.MONTHLY,
                    period_key=key,
                )
                report = services.submit_report(report, actor=commune.officer)
        for when, event in timed:
            if when >= until:
                played.play(when, event)
        if early:
            snapshot = ReportSnapshot.from_dict(report.snapshot)
        else:
            # Compiled weeks after the window, with the rest of the history in the database.
            with time_machine.travel(moment(cut + datetime.timedelta(days=40)), tick=False):
                report = services.create_report(
                    directive=commune.directive,
                    actor=commune.officer,
                    kind=ReportKind.MONTHLY,
                    period_key=key,
                )
                assert compilation.figures_cut(report) == cut
                snapshot = compilation.compile_snapshot(report)
        assert snapshot.figures_as_of == cut
        assert report_says(snapshot) == watched
        transaction.set_rollback(True)
