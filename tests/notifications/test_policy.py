"""The reminder policy: which reminders are due at a given moment, and when the next one is."""

import datetime

import pytest
from django.utils import timezone

from directives.calendar import WorkCalendar
from directives.choices import AssignmentStatus, Cadence
from notifications.choices import NotificationKind as K
from notifications.models import ReminderPolicy
from notifications.policy import AssignmentFacts, PolicyBook, effective_policy, plan
from tests import factories as f

D = datetime.date
VN = timezone.get_fixed_timezone(7 * 60)
DUE = D(2026, 3, 31)  # a Tuesday


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def facts(**changes) -> AssignmentFacts:
    values = {
        "pk": 1,
        "organisation_id": 1,
        "directive_id": 1,
        "task_id": 1,
        "status": AssignmentStatus.IN_PROGRESS,
        "assigned_on": D(2026, 3, 2),
        "due_date": DUE,
        "cadence": "",
        "report_day": 15,
    }
    values.update(changes)
    return AssignmentFacts(**values)


def due_now(moment, policy=None, **changes):
    current, upcoming = plan(facts(**changes), policy or ReminderPolicy(), WorkCalendar(), moment)
    return [(occurrence.kind, occurrence.key) for occurrence in current], upcoming


class TestDeadlineSeries:
    def test_nothing_before_the_first_stage_starts_at_working_hours(self):
        assert due_now(at(2026, 3, 20, 7, 29)) == ([], at(2026, 3, 20, 7, 30))

    def test_seven_three_and_one_working_days_before(self):
        assert due_now(at(2026, 3, 20, 7, 30)) == (
            [(K.REMINDER_BEFORE_DUE, "before:2026-03-31:7")],
            at(2026, 3, 26, 7, 30),
        )
        assert due_now(at(2026, 3, 26, 9, 0))[0] == [(K.REMINDER_BEFORE_DUE, "before:2026-03-31:3")]
        assert due_now(at(2026, 3, 30, 9, 0)) == (
            [(K.REMINDER_BEFORE_DUE, "before:2026-03-31:1")],
            at(2026, 3, 31, 7, 30),
        )

    def test_between_stages_the_latest_one_stays_current(self):
        # The planner inserts it again and the database drops the copy.
        assert due_now(at(2026, 3, 24, 15, 0))[0] == [
            (K.REMINDER_BEFORE_DUE, "before:2026-03-31:7")
        ]

    def test_on_the_due_day(self):
        assert due_now(at(2026, 3, 31, 8, 0)) == (
            [(K.REMINDER_DUE_TODAY, "due:2026-03-31")],
            at(2026, 4, 1, 7, 30),
        )

    def test_overdue_every_three_working_days_then_escalation_after_five(self):
        assert due_now(at(2026, 4, 1, 7, 30)) == (
            [(K.REMINDER_OVERDUE, "overdue:2026-03-31:1")],
            at(2026, 4, 6, 7, 30),
        )
        # Monday 6/4 is the 4th working day late; Tuesday 7/4 the 5th: escalation.
        assert due_now(at(2026, 4, 6, 9, 0))[0] == [(K.REMINDER_OVERDUE, "overdue:2026-03-31:4")]
        current, upcoming = due_now(at(2026, 4, 7, 9, 0))
        assert current == [
            (K.REMINDER_OVERDUE, "overdue:2026-03-31:4"),
            (K.ESCALATION, "escalation:2026-03-31"),
        ]
        assert upcoming == at(2026, 4, 9, 7, 30)

    def test_escalation_stays_current_until_sent_even_after_later_overdue_reminders(self):
        current, _upcoming = due_now(at(2026, 5, 4, 9, 0))
        assert (K.ESCALATION, "escalation:2026-03-31") in current

    def test_a_missed_stage_is_superseded_by_the_current_one_not_sent_in_a_burst(self):
        current, _upcoming = due_now(at(2026, 3, 30, 16, 0))
        assert current == [(K.REMINDER_BEFORE_DUE, "before:2026-03-31:1")]

    def test_stages_before_the_task_was_assigned_are_dropped(self):
        assert due_now(at(2026, 3, 27, 10, 0), assigned_on=D(2026, 3, 27)) == (
            [],
            at(2026, 3, 30, 7, 30),
        )

    def test_a_due_date_on_sunday_is_reminded_on_the_friday_before(self):
        current, _upcoming = due_now(at(2026, 3, 27, 8, 0), due_date=D(2026, 3, 29))
        assert current == [(K.REMINDER_DUE_TODAY, "due:2026-03-29")]

    def test_tet_is_skipped_when_counting_working_days(self):
        # Due Tuesday 24/02/2026: one working day before is 23/02, three is 12/02 (before Tết).
        current, upcoming = due_now(
            at(2026, 2, 12, 8, 0), due_date=D(2026, 2, 24), assigned_on=D(2026, 1, 12)
        )
        assert current == [(K.REMINDER_BEFORE_DUE, "before:2026-02-24:3")]
        assert upcoming == at(2026, 2, 23, 7, 30)

    def test_a_new_due_date_starts_a_new_series(self):
        # The deadline moved from 31/03 to Friday 10/04 before anything was sent.
        current, upcoming = due_now(at(2026, 3, 31, 9, 0), due_date=D(2026, 4, 10))
        assert current == []
        assert upcoming == at(2026, 4, 1, 7, 30)  # 7 working days before 10/04
        current, _upcoming = due_now(at(2026, 4, 9, 9, 0), due_date=D(2026, 4, 10))
        assert current == [(K.REMINDER_BEFORE_DUE, "before:2026-04-10:1")]

    def test_done_or_disabled_means_no_reminder(self):
        assert due_now(at(2026, 3, 31, 8, 0), status=AssignmentStatus.DONE) == ([], None)
        assert due_now(at(2026, 3, 31, 8, 0), ReminderPolicy(is_enabled=False)) == ([], None)

    def test_custom_policy_stages(self):
        policy = ReminderPolicy(
            days_before="2", remind_on_due_day=False, overdue_every_days=0, escalate_after_days=0
        )
        assert due_now(at(2026, 3, 27, 8, 0), policy) == (
            [(K.REMINDER_BEFORE_DUE, "before:2026-03-31:2")],
            at(2026, 4, 1, 7, 30),
        )
        # Without repeats, only the first overdue reminder; then nothing more.
        assert due_now(at(2026, 4, 10, 8, 0), policy) == (
            [(K.REMINDER_OVERDUE, "overdue:2026-03-31:1")],
            None,
        )


class TestReportingCadence:
    def test_monthly_report_reminders_before_the_15th(self):
        # 15/03/2026 is a Sunday: "on the day" moves to Friday 13/03; 5 working days before is 9/03.
        current, upcoming = due_now(
            at(2026, 3, 10, 8, 0),
            due_date=None,
            cadence=Cadence.MONTHLY,
            assigned_on=D(2026, 1, 12),
        )
        assert current == [(K.REMINDER_REPORT_DUE, "report:2026-03-15:5")]
        assert upcoming == at(2026, 3, 13, 7, 30)

    def test_after_the_last_reminder_of_a_period_the_next_period_is_scheduled(self):
        current, upcoming = due_now(
            at(2026, 3, 13, 8, 0),
            due_date=None,
            cadence=Cadence.MONTHLY,
            assigned_on=D(2026, 1, 12),
        )
        assert current == [(K.REMINDER_REPORT_DUE, "report:2026-03-15:0")]
        assert upcoming == at(2026, 4, 8, 7, 30)  # 5 working days before Wednesday 15/04

    def test_quarterly_reports_only_in_the_last_month_of_the_quarter(self):
        current, upcoming = due_now(
            at(2026, 4, 20, 8, 0),
            due_date=None,
            cadence=Cadence.QUARTERLY,
            assigned_on=D(2026, 1, 12),
        )
        assert current == []
        assert upcoming.date() == D(2026, 6, 8)  # 5 working days before Monday 15/06

    def test_dated_task_with_a_cadence_gets_both_series(self):
        current, _upcoming = due_now(
            at(2026, 3, 13, 8, 0),
            due_date=D(2026, 3, 20),
            cadence=Cadence.MONTHLY,
            assigned_on=D(2026, 1, 12),
        )
        kinds = {kind for kind, _key in current}
        assert kinds == {K.REMINDER_BEFORE_DUE, K.REMINDER_REPORT_DUE}


@pytest.mark.django_db
def test_the_most_specific_policy_applies(cast):
    organisation = cast.commune
    ReminderPolicy.objects.create(organisation=organisation, days_before="10")
    assert effective_policy(cast.assignment_a).before_due_days == [10]
    ReminderPolicy.objects.create(
        organisation=organisation, directive=cast.directive, days_before="5"
    )
    assert effective_policy(cast.assignment_a).before_due_days == [5]
    ReminderPolicy.objects.create(organisation=organisation, task=cast.task_shared, days_before="2")
    assert effective_policy(cast.assignment_a).before_due_days == [2]
    # Another directive of the same commune still follows the default.
    other = f.AssignmentFactory(
        task=f.TaskFactory(section=f.SectionFactory(directive=cast.other_directive)),
        unit=cast.unit_b,
    )
    assert effective_policy(other).before_due_days == [10]
    book = PolicyBook.load([organisation.pk])
    assert book.for_facts(AssignmentFacts.of(cast.assignment_b)).before_due_days == [2]


@pytest.mark.django_db
def test_without_any_row_the_built_in_defaults_apply(cast):
    policy = effective_policy(cast.assignment_a)
    assert policy.before_due_days == [7, 3, 1]
    assert policy.overdue_every_days == 3
    assert policy.escalate_after_days == 5
    assert policy.report_before_days == [5, 1]
