"""The official classification of an assignment, its boundary days, and the early warning."""

import datetime
import itertools

import pytest

from directives.choices import AssignmentStatus, Bucket, Cadence
from directives.models import Assignment
from tests import factories as f

D = datetime.date
DUE = D(2026, 3, 31)


def assignment(**fields) -> Assignment:
    values = {
        "assigned_on": D(2026, 1, 1),
        "due_date": DUE,
        "percent_done": 0,
        "status": AssignmentStatus.NOT_STARTED,
    }
    values.update(fields)
    return Assignment(**values)


@pytest.mark.parametrize(
    ("fields", "today", "expected"),
    [
        # finished on the due date itself is on time; one day later is late
        (
            {"status": AssignmentStatus.DONE, "completed_on": DUE},
            D(2026, 4, 10),
            Bucket.DONE_ON_TIME,
        ),
        (
            {"status": AssignmentStatus.DONE, "completed_on": D(2026, 4, 1)},
            D(2026, 4, 10),
            Bucket.DONE_LATE,
        ),
        (
            {"status": AssignmentStatus.DONE, "completed_on": D(2026, 2, 1)},
            D(2026, 2, 1),
            Bucket.DONE_ON_TIME,
        ),
        # on the due date an unfinished task is still within its deadline
        ({"status": AssignmentStatus.IN_PROGRESS}, DUE, Bucket.IN_PROGRESS),
        ({"status": AssignmentStatus.IN_PROGRESS}, D(2026, 4, 1), Bucket.OVERDUE),
        ({}, DUE, Bucket.NOT_STARTED),
        # not started and past the deadline counts as overdue, not as "not started"
        ({}, D(2026, 4, 1), Bucket.OVERDUE),
        # no due date: ongoing (thường xuyên) until done, whatever the date
        ({"due_date": None, "cadence": Cadence.MONTHLY}, D(2030, 1, 1), Bucket.ONGOING),
        (
            {"due_date": None, "cadence": Cadence.MONTHLY, "status": AssignmentStatus.IN_PROGRESS},
            D(2026, 1, 2),
            Bucket.ONGOING,
        ),
        (
            {"due_date": None, "status": AssignmentStatus.DONE, "completed_on": D(2026, 5, 1)},
            D(2026, 6, 1),
            Bucket.DONE_ON_TIME,
        ),
    ],
)
def test_bucket_follows_the_official_rules(fields, today, expected):
    assert assignment(**fields).bucket(today) == expected


@pytest.mark.django_db
def test_sql_classification_agrees_with_the_model_on_every_combination():
    statuses = [AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE]
    due_dates = [None, D(2026, 3, 30), DUE, D(2026, 4, 1)]
    completions = [D(2026, 3, 30), DUE, D(2026, 4, 1)]
    today = DUE
    task = f.TaskFactory()
    created = []
    for status, due in itertools.product(statuses, due_dates):
        for completed in completions if status == AssignmentStatus.DONE else [None]:
            unit = f.UnitFactory(organisation=task.section.directive.organisation)
            created.append(
                f.AssignmentFactory(
                    task=task,
                    unit=unit,
                    status=status,
                    due_date=due,
                    completed_on=completed,
                    cadence=Cadence.MONTHLY if due is None else Cadence.NONE,
                )
            )
    annotated = {a.pk: a.current_bucket for a in Assignment.objects.with_bucket(today)}
    assert len(annotated) == len(created) == 20
    for item in created:
        assert annotated[item.pk] == item.bucket(today), (
            item.status,
            item.due_date,
            item.completed_on,
        )


def test_every_bucket_has_a_colour_in_the_stylesheet():
    from pathlib import Path

    from directives.choices import BUCKET_COLOURS

    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    for bucket, colour in BUCKET_COLOURS.items():
        assert f".bucket-{bucket.value} {{ background-color: {colour}; }}" in css


class TestBehindSchedule:
    def test_warns_when_progress_trails_elapsed_time(self):
        # 40 of 89 days gone (45 %); 20 % done is more than 10 points behind
        item = assignment(status=AssignmentStatus.IN_PROGRESS, percent_done=20)
        assert item.is_behind_schedule(D(2026, 2, 10))

    def test_quiet_when_progress_keeps_pace(self):
        item = assignment(status=AssignmentStatus.IN_PROGRESS, percent_done=40)
        assert not item.is_behind_schedule(D(2026, 2, 10))

    def test_quiet_once_overdue_because_the_task_is_already_red(self):
        item = assignment(status=AssignmentStatus.IN_PROGRESS, percent_done=0)
        assert not item.is_behind_schedule(D(2026, 4, 1))

    def test_quiet_on_the_first_day_and_for_ongoing_or_done_work(self):
        assert not assignment().is_behind_schedule(D(2026, 1, 1))
        assert not assignment(due_date=None, cadence=Cadence.MONTHLY).is_behind_schedule(
            D(2026, 3, 1)
        )
        done = assignment(status=AssignmentStatus.DONE, completed_on=D(2026, 2, 1))
        assert not done.is_behind_schedule(D(2026, 3, 1))


class TestDaysLeftAndReports:
    def test_days_left_counts_calendar_days_and_goes_negative_when_late(self):
        assert assignment().days_left(D(2026, 3, 29)) == 2
        assert assignment().days_left(DUE) == 0
        assert assignment().days_left(D(2026, 4, 3)) == -3
        assert assignment(due_date=None).days_left(DUE) is None

    @pytest.mark.parametrize(
        ("cadence", "today", "expected"),
        [
            (Cadence.MONTHLY, D(2026, 2, 10), D(2026, 2, 15)),
            (Cadence.MONTHLY, D(2026, 2, 15), D(2026, 2, 15)),
            (Cadence.MONTHLY, D(2026, 2, 16), D(2026, 3, 15)),
            (Cadence.MONTHLY, D(2026, 12, 20), D(2027, 1, 15)),
            (Cadence.QUARTERLY, D(2026, 2, 10), D(2026, 3, 15)),
            (Cadence.QUARTERLY, D(2026, 3, 16), D(2026, 6, 15)),
            (Cadence.HALF_YEARLY, D(2026, 7, 1), D(2026, 12, 15)),
            (Cadence.YEARLY, D(2026, 12, 16), D(2027, 12, 15)),
            (Cadence.NONE, D(2026, 2, 10), None),
        ],
    )
    def test_next_report_date_is_in_the_last_month_of_the_period(self, cadence, today, expected):
        assert (
            assignment(due_date=None, cadence=cadence, report_day=15).next_report_date(today)
            == expected
        )
