"""Every URL × every kind of person: the status they get is the one the matrix says."""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access_matrix import CASES, PEOPLE


def url_names(resolver=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_in_the_matrix():
    # Django's own admin pages are covered by the admin:index case and Django's permissions.
    ours = {name for name in url_names() if not name.startswith("admin:")}
    covered = {case.name for case in CASES}
    missing = sorted(ours - covered)
    assert not missing, f"URLs without a row in tests/access_matrix.py: {missing}"
    assert not sorted(covered - ours - {"admin:index"}), "matrix rows for URLs that do not exist"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_person_gets_the_expected_status(case, cast, client_for):
    url = case.url(cast)
    failures = []
    for person in PEOPLE:
        user = None if person == "anonymous" else getattr(cast, person)
        client = client_for(user)
        # Each person meets the same state: what one person's POST changed is rolled back.
        with transaction.atomic():
            response = getattr(client, case.method)(url, case.data_for(cast))
            transaction.set_rollback(True)
        if response.status_code != case.expect[person]:
            failures.append(f"{person}: got {response.status_code}, expected {case.expect[person]}")
    assert not failures, f"{case.method.upper()} {url}\n" + "\n".join(failures)
