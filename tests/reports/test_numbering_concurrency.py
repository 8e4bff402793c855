"""Leaders approving at the same moment, on PostgreSQL: every report gets its own number."""

import pytest
from django.db import connection

from reports import services
from reports.models import Report
from tests.directives.test_concurrency import run_in_threads
from tests.reports import reportkit as rk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL only"
    ),
]


def test_concurrent_approvals_get_consecutive_distinct_numbers(cast):
    keys = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    reports = [rk.submitted_report(cast, period_key=key) for key in keys]
    leaders = [cast.chairman, cast.vice_chairman]

    def approve(index):
        return services.approve_report(reports[index], actor=leaders[index % 2]).number

    results = run_in_threads(len(reports), approve)
    assert sorted(results) == [1, 2, 3, 4, 5, 6], results
    assert sorted(Report.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_the_same_report_approved_twice_at_once_is_numbered_once(cast):
    report = rk.submitted_report(cast)

    def approve(index):
        return services.approve_report(report, actor=[cast.chairman, cast.vice_chairman][index])

    results = run_in_threads(2, approve)
    assert sorted(type(r).__name__ for r in results) == ["Report", "ReportError"]
    assert Report.objects.get().number == 1
    assert services.next_report_number(cast.commune, Report.objects.get().year) == 2


def test_two_clicks_at_once_open_one_draft(cast):
    def open_draft(index):
        return rk.draft_report(cast, period_key="2026-11")

    results = run_in_threads(2, open_draft)
    assert sorted(type(r).__name__ for r in results) == ["Report", "ReportError"], results
    assert Report.objects.count() == 1
