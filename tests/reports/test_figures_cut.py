"""A report's figures stop at the earlier of its window's end and the day it is submitted, and
the report says where (issue 12: a report for 15/11–14/12 submitted on 02/12 froze early and
plotted 13/12 and 14/12 at 0 %)."""

import datetime
import uuid

import pytest
import time_machine

from directives.choices import AssignmentStatus
from directives.models import Assignment
from directives.services.progress import ProgressInput, submit_progress
from reports import compilation, services
from reports.snapshot import ReportSnapshot
from tests.reports import reportkit as rk

pytestmark = pytest.mark.django_db

D = datetime.date
ZONE = datetime.timezone(datetime.timedelta(hours=7))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


def given_in_october(cast) -> None:
    Assignment.objects.filter(task__section__directive=cast.directive).update(
        assigned_on=D(2026, 10, 1), due_date=D(2026, 12, 31)
    )


def report_progress(cast, day: datetime.date, **data) -> None:
    assignment = Assignment.objects.get(pk=cast.assignment_b.pk)
    with time_machine.travel(at(day), tick=False):
        submit_progress(
            assignment,
            actor=cast.unit_head_b,
            token=uuid.uuid4(),
            base_version=assignment.version,
            data=ProgressInput(results="Đã thực hiện", **data),
        )


def test_a_report_submitted_before_its_window_ends_stops_its_figures_that_day(cast):
    given_in_october(cast)
    with time_machine.travel(at(D(2026, 12, 2)), tick=False):
        report = rk.draft_report(cast, period_key="2026-12")  # data 15/11–14/12/2026
        assert compilation.figures_cut(report) == D(2026, 12, 2)
        report = services.submit_report(report, actor=cast.officer)
    snapshot = ReportSnapshot.from_dict(report.snapshot)
    assert snapshot.figures_as_of == D(2026, 12, 2)
    assert snapshot.figures_as_of_line == "Số liệu tính đến ngày 02 tháng 12 năm 2026"
    assert "Số liệu tính đến ngày 02 tháng 12 năm 2026." in snapshot.introduction
    assert "từ ngày 15/11/2026 đến ngày 02/12/2026" in snapshot.introduction[0]
    weeks = [point.week_end for point in snapshot.charts.weekly_done]
    assert weeks[-1] == D(2026, 12, 2)  # the line stops on the cut, nothing after it
    assert max(weeks) == D(2026, 12, 2)
    # Approved days later, it still says what was submitted.
    with time_machine.travel(at(D(2026, 12, 5)), tick=False):
        approved = services.approve_report(report, actor=cast.chairman)
    assert ReportSnapshot.from_dict(approved.snapshot).figures_as_of == D(2026, 12, 2)


def test_a_report_submitted_after_its_window_counts_nothing_that_came_later(cast):
    given_in_october(cast)
    report_progress(cast, D(2026, 11, 5), status=AssignmentStatus.IN_PROGRESS, percent_done=50)
    report_progress(
        cast,
        D(2026, 11, 18),
        status=AssignmentStatus.DONE,
        percent_done=100,
        completed_on=D(2026, 11, 12),  # done within the window, but reported after it
    )
    with time_machine.travel(at(D(2026, 11, 20)), tick=False):
        report = rk.draft_report(cast, period_key="2026-11")  # data 15/10–14/11/2026
        report = services.submit_report(report, actor=cast.officer)
    snapshot = ReportSnapshot.from_dict(report.snapshot)
    assert snapshot.figures_as_of == D(2026, 11, 14)
    assert "Số liệu tính đến ngày 14 tháng 11 năm 2026." in snapshot.introduction
    assert snapshot.charts.bucket_totals.done == 0  # on 14/11 the office saw it at 50 %
    assert snapshot.charts.weekly_done[-1].week_end == D(2026, 11, 14)
    # The December report, cut after the update arrived, counts it.
    with time_machine.travel(at(D(2026, 12, 2)), tick=False):
        december = services.current_snapshot(rk.draft_report(cast, period_key="2026-12"))
    assert december.figures_as_of == D(2026, 12, 2)
    assert december.charts.bucket_totals.done_on_time == 1
