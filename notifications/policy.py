"""The reminder policy: which policy applies, and which reminders it asks for, when.

Everything here is a pure function of an assignment, a policy, a working calendar and the time,
so the planner, the dry run and the tests share it and it touches no database.

An assignment follows up to three series:

* the deadline series, to the unit: N working days before the due date (for each N of the
  policy), on the due day, then on the first working day after it and every few working days
  while it stays overdue;
* the escalation, once, to the monitoring office and the leaders, a number of working days
  after the due date;
* the reporting series of an assignment with a cadence: N working days before each reporting
  date ("report your monthly progress by the 15th") and on the day.

At a given moment each series has at most one *current* occurrence (the latest one whose
working-hours start has passed) and one *next*. The planner creates the current ones (the
database keeps each once) and sleeps until the earliest next. Older occurrences that were
missed (the portal was down for days) are superseded by the current one rather than sent late
in a burst; a due date that changes starts a new series, keyed by the new date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from directives.calendar import (
    CADENCE_MONTHS,
    WorkCalendar,
    report_date_on_or_after,
)
from directives.choices import AssignmentStatus
from notifications.choices import NotificationKind
from notifications.models import ReminderPolicy

K = NotificationKind


@dataclass(frozen=True)
class Occurrence:
    """One reminder the policy asks for."""

    kind: NotificationKind
    key: str
    reference_date: datetime.date  # the due date, or the reporting date
    working_days: int  # before the reference date (positive) or after it (negative)
    day: datetime.date  # the working day on which it goes out
    due_at: datetime.datetime  # the start of working hours on that day


@dataclass(frozen=True)
class AssignmentFacts:
    """What the policy needs to know about an assignment (taken from the model or a row)."""

    pk: int
    organisation_id: int
    directive_id: int
    task_id: int
    status: str
    assigned_on: datetime.date
    due_date: datetime.date | None
    cadence: str
    report_day: int

    @classmethod
    def of(cls, assignment: object) -> AssignmentFacts:
        return cls(
            pk=assignment.pk,
            organisation_id=assignment.unit.organisation_id,
            directive_id=assignment.task.section.directive_id,
            task_id=assignment.task_id,
            status=assignment.status,
            assigned_on=assignment.assigned_on,
            due_date=assignment.due_date,
            cadence=assignment.cadence,
            report_day=assignment.report_day,
        )


# --- Which policy -------------------------------------------------------------------------------
class PolicyBook:
    """The policies of some organisations, to look up the one that applies to an assignment."""

    def __init__(self, policies: Iterable[ReminderPolicy]) -> None:
        self.by_task: dict[int, ReminderPolicy] = {}
        self.by_directive: dict[int, ReminderPolicy] = {}
        self.by_organisation: dict[int, ReminderPolicy] = {}
        for policy in policies:
            if policy.task_id:
                self.by_task[policy.task_id] = policy
            elif policy.directive_id:
                self.by_directive[policy.directive_id] = policy
            else:
                self.by_organisation[policy.organisation_id] = policy

    @classmethod
    def load(cls, organisation_ids: Iterable[int]) -> PolicyBook:
        return cls(ReminderPolicy.objects.filter(organisation_id__in=set(organisation_ids)))

    def for_facts(self, facts: AssignmentFacts) -> ReminderPolicy:
        policy = (
            self.by_task.get(facts.task_id)
            or self.by_directive.get(facts.directive_id)
            or self.by_organisation.get(facts.organisation_id)
        )
        if policy is None:
            # The built-in defaults, made once per organisation (unsaved).
            policy = ReminderPolicy(organisation_id=facts.organisation_id)
            self.by_organisation[facts.organisation_id] = policy
        return policy


def effective_policy(assignment: object) -> ReminderPolicy:
    """The policy that applies to one assignment (unsaved built-in defaults when none is set)."""
    facts = AssignmentFacts.of(assignment)
    return PolicyBook.load([facts.organisation_id]).for_facts(facts)


# --- Which reminders, when ----------------------------------------------------------------------
def _occurrence(
    calendar: WorkCalendar,
    kind: NotificationKind,
    key: str,
    reference: datetime.date,
    working_days: int,
    day: datetime.date,
) -> Occurrence:
    return Occurrence(kind, key, reference, working_days, day, calendar.window_start(day))


def _split(
    occurrences: Iterable[Occurrence], now: datetime.datetime, assigned_on: datetime.date
) -> tuple[Occurrence | None, Occurrence | None]:
    """(latest occurrence already due, earliest one still to come) of one series.

    Occurrences falling before the assignment was made are dropped: nobody is reminded of a
    stage that passed before they had the task.
    """
    past: Occurrence | None = None
    future: Occurrence | None = None
    for occurrence in occurrences:
        if occurrence.day < assigned_on:
            continue
        if occurrence.due_at <= now:
            if past is None or occurrence.due_at > past.due_at:
                past = occurrence
        elif future is None or occurrence.due_at < future.due_at:
            future = occurrence
    return past, future


def _deadline_series(
    facts: AssignmentFacts, policy: ReminderPolicy, calendar: WorkCalendar, today: datetime.date
) -> list[Occurrence]:
    due = facts.due_date
    by_day: dict[datetime.date, Occurrence] = {}
    # Later stages first, so that when two stages land on one working day (a due date on a
    # Sunday makes "1 day before" and "on the day" both Friday) the more urgent one wins.
    before = [
        _occurrence(
            calendar,
            K.REMINDER_BEFORE_DUE,
            f"before:{due}:{days}",
            due,
            days,
            calendar.add_working_days(due, -days),
        )
        for days in sorted(policy.before_due_days)
    ]
    stages = []
    if policy.remind_on_due_day:
        stages.append(
            _occurrence(
                calendar,
                K.REMINDER_DUE_TODAY,
                f"due:{due}",
                due,
                0,
                calendar.working_day_on_or_before(due),
            )
        )
    stages.extend(before)
    for stage in stages:
        by_day.setdefault(stage.day, stage)

    # Overdue: the first working day after the due date, then every `every` working days.
    every = policy.overdue_every_days
    late = calendar.working_days_between(due, today) if today > due else 0
    marks = [1]
    if late >= 1 and every:
        latest = 1 + ((late - 1) // every) * every
        marks = [latest, latest + every]
    for mark in marks:
        day = calendar.add_working_days(due, mark)
        by_day.setdefault(
            day,
            _occurrence(calendar, K.REMINDER_OVERDUE, f"overdue:{due}:{mark}", due, -mark, day),
        )
    return list(by_day.values())


def _escalation(
    facts: AssignmentFacts, policy: ReminderPolicy, calendar: WorkCalendar
) -> list[Occurrence]:
    if not policy.escalate_after_days:
        return []
    due = facts.due_date
    day = calendar.add_working_days(due, policy.escalate_after_days)
    return [
        _occurrence(
            calendar, K.ESCALATION, f"escalation:{due}", due, -policy.escalate_after_days, day
        )
    ]


def _report_series(
    facts: AssignmentFacts,
    policy: ReminderPolicy,
    calendar: WorkCalendar,
    report_date: datetime.date,
) -> list[Occurrence]:
    occurrences = []
    if policy.remind_on_due_day:
        occurrences.append(
            _occurrence(
                calendar,
                K.REMINDER_REPORT_DUE,
                f"report:{report_date}:0",
                report_date,
                0,
                calendar.working_day_on_or_before(report_date),
            )
        )
    for days in sorted(policy.report_before_days):
        day = calendar.add_working_days(report_date, -days)
        occurrences.append(
            _occurrence(
                calendar,
                K.REMINDER_REPORT_DUE,
                f"report:{report_date}:{days}",
                report_date,
                days,
                day,
            )
        )
    by_day: dict[datetime.date, Occurrence] = {}
    for occurrence in occurrences:
        by_day.setdefault(occurrence.day, occurrence)
    return list(by_day.values())


def plan(
    facts: AssignmentFacts,
    policy: ReminderPolicy,
    calendar: WorkCalendar,
    now: datetime.datetime,
) -> tuple[list[Occurrence], datetime.datetime | None]:
    """The occurrences due at ``now`` (at most one per series) and when the next one falls."""
    if facts.status == AssignmentStatus.DONE or not policy.is_enabled:
        return [], None
    today = timezone.localtime(now).date()
    current: list[Occurrence] = []
    upcoming: list[datetime.datetime] = []

    def take(series: list[Occurrence]) -> None:
        past, future = _split(series, now, facts.assigned_on)
        if past:
            current.append(past)
        if future:
            upcoming.append(future.due_at)

    if facts.due_date:
        take(_deadline_series(facts, policy, calendar, today))
        take(_escalation(facts, policy, calendar))
    if facts.cadence in CADENCE_MONTHS:
        report_date = report_date_on_or_after(facts.cadence, facts.report_day, today)
        series = _report_series(facts, policy, calendar, report_date)
        past, future = _split(series, now, facts.assigned_on)
        if past:
            current.append(past)
        if future is None:
            # This period's reminders are all out: the next ones belong to the next period.
            following = report_date_on_or_after(
                facts.cadence, facts.report_day, report_date + datetime.timedelta(days=1)
            )
            _none, future = _split(
                _report_series(facts, policy, calendar, following), now, facts.assigned_on
            )
        if future:
            upcoming.append(future.due_at)
    return current, min(upcoming) if upcoming else None
