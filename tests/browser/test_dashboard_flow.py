"""The office at a glance: filter to overdue hamlets, urge them, demand and read explanations;
and every page fits a phone's width."""

import datetime
import re

import pytest
from django.utils import timezone

from directives.demo import DEMO_PASSWORD, load_demo_commune
from directives.models import Assignment, ExplanationRequest, Urging
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)


def test_officer_filters_overdue_hamlets_urges_them_and_the_hamlet_head_sees_it(
    demo, phone, browser, live_server
):
    overdue_hamlets = list(
        Assignment.objects.with_bucket(timezone.localdate())
        .filter(current_bucket="overdue", unit__kind="hamlet")
        .select_related("unit")
    )
    assert overdue_hamlets, "the demo has overdue hamlets"
    sign_in(phone, "vhxh", DEMO_PASSWORD)
    phone.goto("/bang-theo-doi/")
    phone.click("summary:has-text('Lọc')")
    phone.select_option("#id_loai", "hamlet")
    phone.select_option("#id_phan_loai", "overdue")
    phone.click("button:has-text('Áp dụng')")
    assert "loai=hamlet" in phone.url and "phan_loai=overdue" in phone.url
    screenshot(phone, "dashboard-overdue-hamlets")
    phone.click("a.bucket-overdue")  # the overdue total opens the list behind it
    phone.wait_for_url(re.compile(r"/bang-theo-doi/phan-cong/\?.*phan_loai=overdue"))
    assert phone.locator("input[name=phan_cong]:checked").count() == len(overdue_hamlets)
    phone.click("button:has-text('Đôn đốc các nhiệm vụ đã chọn')")
    phone.fill("#id_message", "Đề nghị các thôn khẩn trương hoàn thành, gửi biên bản trước 05/12.")
    screenshot(phone, "urge-form")
    phone.click("button:has-text('Gửi đôn đốc')")
    assert "Đã đôn đốc" in phone.content()
    assert Urging.objects.filter(message__startswith="Đề nghị các thôn").count() == len(
        overdue_hamlets
    )

    hamlet = overdue_hamlets[0].unit
    head = hamlet.members.get(role="hamlet_head")
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, head.username, DEMO_PASSWORD)
    page.click(".notification-bell")
    page.wait_for_load_state()
    assert "Đề nghị các thôn khẩn trương hoàn thành" in page.content()
    screenshot(page, "hamlet-sees-urging")
    context.close()


def test_an_explanation_is_demanded_and_answered(demo, phone, browser, live_server):
    late = (
        Assignment.objects.with_bucket(timezone.localdate())
        .filter(current_bucket="overdue", unit__kind="hamlet", explanation_requests__isnull=True)
        .select_related("unit")
        .first()
    )
    sign_in(phone, "vhxh", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{late.pk}/")
    phone.click("text=Yêu cầu giải trình")
    phone.fill("#id_question", "Đề nghị giải trình lý do chậm và thời hạn hoàn thành.")
    phone.click("button:has-text('Gửi yêu cầu')")
    assert "Đã yêu cầu" in phone.content()
    explanation = ExplanationRequest.objects.get(assignment=late)

    head = late.unit.members.get(role="hamlet_head")
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, head.username, DEMO_PASSWORD)
    page.goto(f"/nhiem-vu/{late.pk}/")
    page.click("text=Gửi giải trình")
    page.fill("#id_answer", "Thôn chờ kinh phí hội nghị; sẽ hoàn thành trước 10/12.")
    screenshot(page, "explanation-answer")
    page.click("button:has-text('Gửi giải trình')")
    context.close()

    explanation.refresh_from_db()
    assert explanation.is_answered
    phone.goto(f"/nhiem-vu/{late.pk}/")
    assert "Thôn chờ kinh phí hội nghị; sẽ hoàn thành trước 10/12." in phone.content()


PAGES = [
    "/",
    "/viec-cua-don-vi/",
    "/bang-theo-doi/",
    "/bang-theo-doi/phan-cong/",
    "/xem-xet/",
    "/gia-han/",
    "/kho-khan/",
    "/tim-kiem/?q=quan+triet",
    "/van-ban/",
    "/thong-bao/",
    "/thong-bao/cai-dat/",
    "/bao-cao/xac-minh/",
]


@pytest.mark.parametrize("username", ["vhxh", "truongthon1", "chutich"])
def test_no_page_is_wider_than_a_phone(demo, phone, username):
    sign_in(phone, username, DEMO_PASSWORD)
    assignment = Assignment.objects.filter(unit__name="Thôn 1").first()
    directive = assignment.task.section.directive
    wide = []
    own = [
        f"/van-ban/{directive.pk}/",
        f"/nhiem-vu/{assignment.pk}/",
        f"/nhiem-vu/{assignment.pk}/cap-nhat/",
    ]
    for path in [*PAGES, *own]:
        response = phone.goto(path)
        if response.status != 200:
            continue
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide.append((path, width))
    assert not wide, wide
