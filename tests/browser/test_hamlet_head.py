"""A hamlet head signs in on a phone and sees only the hamlet's own work."""

import datetime

import pytest

from directives.demo import DEMO_PASSWORD, load_demo_commune
from directives.models import Assignment
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hamlet_head_sees_only_the_hamlets_tasks(phone):
    load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)
    sign_in(phone, "truongthon1", DEMO_PASSWORD)

    assert phone.url.endswith("/viec-cua-don-vi/")
    assert phone.locator("h1").inner_text() == "Việc của Thôn 1 (mẫu)"
    own = Assignment.objects.filter(unit__name="Thôn 1")
    items = phone.locator("a.list-group-item")
    assert items.count() == own.count() == 7
    screenshot(phone, "hamlet-head-tasks")

    other = Assignment.objects.filter(unit__name="Thôn 2").first()
    response = phone.goto(f"/nhiem-vu/{other.pk}/")
    assert response.status == 404
    mine = own.first()
    response = phone.goto(f"/nhiem-vu/{mine.pk}/")
    assert response.status == 200
    assert "Thôn 1 (mẫu)" in phone.content()
    assert "Thôn 2 (mẫu)" not in phone.content()
