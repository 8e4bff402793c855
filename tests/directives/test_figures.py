"""The figures as of a day: which updates count then, and what an assignment looked like."""

import datetime
import uuid

import pytest
import time_machine

from directives.choices import AssignmentStatus, Bucket, ReviewState
from directives.figures import Figures
from directives.models import Assignment, ProgressUpdate
from directives.services.extensions import change_due_date
from directives.services.progress import (
    ProgressInput,
    remove_update,
    return_update,
    submit_progress,
)
from tests import factories as f
from units.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date
ZONE = datetime.timezone(datetime.timedelta(hours=7))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


@pytest.fixture
def work(db):
    organisation = f.OrganisationFactory()
    officer = f.UserFactory(organisation=organisation, role=Role.MONITORING_OFFICER)
    unit = f.UnitFactory(organisation=organisation)
    assignment = f.AssignmentFactory(
        task=f.TaskFactory(section=f.SectionFactory(directive=f.DirectiveFactory())),
        unit=unit,
        assigned_on=D(2026, 3, 2),
        due_date=D(2026, 3, 20),
    )
    return officer, assignment


def send(assignment, officer, day, **data):
    assignment = Assignment.objects.get(pk=assignment.pk)
    with time_machine.travel(at(day), tick=False):
        return submit_progress(
            assignment,
            actor=officer,
            token=uuid.uuid4(),
            base_version=assignment.version,
            data=ProgressInput(results="Đã làm", **data),
        )


def figures(assignment, day):
    return Figures(Assignment.objects.filter(pk=assignment.pk), day)


def test_an_update_counts_until_it_is_returned_or_removed(work):
    officer, assignment = work
    kept = send(assignment, officer, D(2026, 3, 5), status=AssignmentStatus.IN_PROGRESS)
    returned = send(assignment, officer, D(2026, 3, 6), status=AssignmentStatus.IN_PROGRESS)
    removed = send(assignment, officer, D(2026, 3, 7), status=AssignmentStatus.IN_PROGRESS)
    with time_machine.travel(at(D(2026, 3, 10)), tick=False):
        return_update(returned, actor=officer, reason="Thiếu số liệu")
        remove_update(removed, actor=officer)
    assert list(ProgressUpdate.objects.counting()) == [kept]
    assert list(ProgressUpdate.all_objects.counting()) == [kept]
    # On 09/03 neither had happened yet: all three counted then.
    until = at(D(2026, 3, 10), 0)
    assert set(ProgressUpdate.all_objects.counting(until=until)) == {kept, returned, removed}
    assert set(ProgressUpdate.all_objects.counting(until=at(D(2026, 3, 6), 0))) == {kept}
    assert ProgressUpdate.all_objects.get(pk=returned.pk).review_state == ReviewState.RETURNED


def test_an_assignment_is_read_as_it_stood_at_the_end_of_the_day(work):
    officer, assignment = work
    send(assignment, officer, D(2026, 3, 5), status=AssignmentStatus.IN_PROGRESS, percent_done=40)
    done = send(
        assignment,
        officer,
        D(2026, 3, 24),
        status=AssignmentStatus.DONE,
        percent_done=100,
        completed_on=D(2026, 3, 23),
    )
    with time_machine.travel(at(D(2026, 3, 25)), tick=False):
        change_due_date(assignment, actor=officer, new_due_date=D(2026, 3, 31), reason="Gia hạn")
    # Today: done before the moved deadline.
    assert figures(assignment, D(2026, 3, 26)).bucket_totals()[Bucket.DONE_ON_TIME] == 1
    # On 23/03 nobody had said it was done, and the deadline was still 20/03.
    on_23 = figures(assignment, D(2026, 3, 23))
    (state,) = on_23.states
    assert (state.status, state.percent_done, state.due_date) == (
        AssignmentStatus.IN_PROGRESS,
        40,
        D(2026, 3, 20),
    )
    assert on_23.bucket_totals()[Bucket.OVERDUE] == 1
    assert [(item.state.pk, item.days_late) for item in on_23.late()] == [(assignment.pk, 1)]
    # Once the completion is returned, the days before it read as they did then.
    with time_machine.travel(at(D(2026, 3, 27)), tick=False):
        return_update(done, actor=officer, reason="Chưa có biên bản")
    assert figures(assignment, D(2026, 3, 26)).bucket_totals()[Bucket.DONE_ON_TIME] == 1
    assert figures(assignment, D(2026, 3, 27)).bucket_totals()[Bucket.IN_PROGRESS] == 1


def test_work_given_after_the_day_is_not_counted_and_the_line_stops_on_the_day(work):
    _officer, assignment = work
    assert figures(assignment, D(2026, 3, 1)).states == []
    weekly = figures(assignment, D(2026, 3, 18)).weekly_share_done()
    assert [day for day, _percent in weekly] == [D(2026, 3, 8), D(2026, 3, 15), D(2026, 3, 18)]


def test_figures_take_the_same_queries_whatever_the_number_of_assignments(
    work, django_assert_max_num_queries
):
    officer, assignment = work
    send(assignment, officer, D(2026, 3, 5), status=AssignmentStatus.IN_PROGRESS)
    for _ in range(20):
        f.AssignmentFactory(task=assignment.task, unit=f.UnitFactory(), assigned_on=D(2026, 3, 2))
    data = Figures(Assignment.objects.filter(task=assignment.task), D(2026, 3, 4))
    with django_assert_max_num_queries(4):
        data.bucket_totals()
        data.weekly_share_done()
        data.late()
