"""Pages for phones on weak data: small first loads, and queries that do not grow with rows."""

import datetime
import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.choices import Cadence
from directives.models import Assignment
from tests import factories as f
from units.choices import Role

BUDGET = 150 * 1024


def first_load_bytes(html: str) -> int:
    """HTML plus every stylesheet and script it references, each gzip-compressed."""
    total = len(gzip.compress(html.encode()))
    for path in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        found = finders.find(path)
        assert found, path
        with open(found, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total


def build(units: int, tasks: int):
    commune = f.OrganisationFactory()
    hamlet = f.HamletFactory(organisation=commune)
    others = [f.UnitFactory(organisation=commune) for _ in range(units - 1)]
    directive = f.DirectiveFactory(organisation=commune)
    section = f.SectionFactory(directive=directive, number=1)
    rows = []
    for number in range(1, tasks + 1):
        task = f.TaskFactory(section=section, number=number)
        f.IndicatorFactory(task=task)
        ongoing = number % 3 == 0
        for unit in [hamlet, *others]:
            rows.append(
                Assignment(
                    task=task,
                    unit=unit,
                    cadence=Cadence.MONTHLY if ongoing else Cadence.NONE,
                    due_date=None if ongoing else datetime.date(2026, 3, 1),
                    assigned_on=datetime.date(2026, 1, 1),
                )
            )
    Assignment.objects.bulk_create(rows)
    head = f.UserFactory(organisation=commune, unit=hamlet, role=Role.HAMLET_HEAD)
    mine = Assignment.objects.filter(unit=hamlet).order_by("id")
    for assignment in mine[:tasks]:
        f.ProgressUpdateFactory(assignment=assignment, author=head)
    return head, mine.first()


def pages(assignment):
    return [
        reverse("directives:my_assignments"),
        reverse("directives:update_create", args=[assignment.pk]),
        reverse("directives:assignment_detail", args=[assignment.pk]),
    ]


@pytest.mark.django_db
def test_first_load_of_the_unit_pages_stays_under_150_kb(client_for):
    head, assignment = build(units=20, tasks=30)
    client = client_for(head)
    for url in pages(assignment)[:2]:
        response = client.get(url)
        assert response.status_code == 200
        size = first_load_bytes(response.content.decode())
        assert size < BUDGET, (url, size)


@pytest.mark.django_db
def test_unit_pages_make_the_same_number_of_queries_at_two_sizes(client_for):
    counts = []
    for units, tasks in [(3, 3), (25, 40)]:
        head, assignment = build(units, tasks)
        client = client_for(head)
        row = []
        for url in pages(assignment):
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            row.append(len(context.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_review_queue_and_search_do_not_grow_with_rows(client_for):
    counts = []
    for units, tasks in [(3, 3), (25, 40)]:
        head, _assignment = build(units, tasks)
        officer = f.UserFactory(
            organisation=head.organisation, role=Role.MONITORING_OFFICER, unit=head.unit
        )
        client = client_for(officer)
        row = []
        for url in [
            reverse("directives:review_queue"),
            reverse("directives:search") + "?q=quan",
            reverse("directives:extension_list"),
        ]:
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            row.append(len(context.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1], counts
