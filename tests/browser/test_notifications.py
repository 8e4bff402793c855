"""On a phone: the bell shows what is new, the list opens the task, people choose channels;
the monitoring office reads each task's reminder history, the log and the policy."""

import datetime

import pytest
from django.utils import timezone

from directives.demo import DEMO_PASSWORD, load_demo_commune
from directives.models import Assignment
from notifications import delivery, planning
from notifications.models import Notification
from notifications.services import notify
from tests.browser.conftest import screenshot, sign_in
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VN = timezone.get_fixed_timezone(7 * 60)
# A Monday morning in the demo's past, five working days before the monthly report of the
# 15th: the reminders of that day are planned and sent.
MORNING = datetime.datetime(2026, 11, 9, 8, 0, tzinfo=VN)


@pytest.fixture
def reminded():
    load_demo_commune(today=MORNING.date(), password=DEMO_PASSWORD)
    planning.plan_pass(MORNING)
    delivery.send_due_deliveries(timezone.now())
    officer = User.objects.get(username="vhxh")
    head = User.objects.get(username="truongthon1")
    assignment = Assignment.objects.filter(unit=head.unit, reminders__isnull=False).first()
    notify(
        [head],
        kind="urge",
        title="Đôn đốc: đề nghị Thôn 1 cập nhật kết quả thực hiện",
        body="Đề nghị Thôn 1 khẩn trương cập nhật kết quả và minh chứng trước ngày 05/12/2026.",
        url=f"/nhiem-vu/{assignment.pk}/",
        actor=officer,
        assignment=assignment,
    )
    return head, assignment


def test_hamlet_head_sees_the_bell_opens_a_notice_and_chooses_channels(phone, reminded):
    head, assignment = reminded
    unread = Notification.objects.filter(recipient=head, read_at=None, in_app=True).count()
    assert unread >= 2
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    bell = phone.locator(".notification-bell [data-unread]")
    assert bell.inner_text() == str(unread)
    screenshot(phone, "notifications-bell")

    phone.click(".notification-bell")
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Thông báo"
    screenshot(phone, "notifications-list")
    phone.click("text=Đôn đốc: đề nghị Thôn 1 cập nhật kết quả thực hiện")
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/nhiem-vu/{assignment.pk}/")
    assert phone.locator(".notification-bell [data-unread]").inner_text() == str(unread - 1)

    phone.goto("/thong-bao/cai-dat/")
    screenshot(phone, "notifications-preferences")
    phone.uncheck("input[value=email]")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert "Đã lưu lựa chọn nhận thông báo." in phone.content()
    assert not phone.is_checked("input[value=email]")

    phone.goto(f"/nhiem-vu/{assignment.pk}/nhac-viec/")
    screenshot(phone, "notifications-assignment-history-unit")


def test_monitoring_officer_follows_reminders_and_sets_the_policy(phone, reminded):
    _head, assignment = reminded
    sign_in(phone, "vhxh", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{assignment.pk}/nhac-viec/")
    assert "Nhắc việc đã gửi" in phone.content()
    screenshot(phone, "notifications-assignment-history")

    phone.goto("/nhac-viec/nhat-ky/")
    assert phone.locator("h1").inner_text() == "Nhật ký gửi nhắc việc"
    screenshot(phone, "notifications-log")

    phone.goto("/nhac-viec/chinh-sach/")
    phone.fill("#id_days_before", "10, 5, ba")
    phone.click("button[value=save]")
    phone.wait_for_load_state()
    assert "Nhập các số ngày làm việc từ 1 đến 60" in phone.content()
    screenshot(phone, "notifications-policy-error")
    phone.fill("#id_days_before", "10, 5, 1")
    phone.click("button[value=save]")
    phone.wait_for_load_state()
    assert "Đã lưu chính sách nhắc việc." in phone.content()
    screenshot(phone, "notifications-policy")
