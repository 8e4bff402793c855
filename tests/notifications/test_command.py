"""``manage.py send_reminders``: a dry run lists what is due and to whom; a run sends it."""

from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import Delivery, Notification, Reminder
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_what_is_due_and_to_whom_without_writing(cast):
    with time_machine.travel(at(2026, 3, 20, 8, 0), tick=False):
        output = run("--dry-run")
    assert "chạy thử, không gửi gì" in output
    assert "Nhắc việc đến hạn: 4" in output
    assert "Nhắc trước hạn: Quán triệt Kết luận – Thôn An (mốc 31/03/2026" in output
    assert f"→ {cast.hamlet_head_a} <{cast.hamlet_head_a.email}> [in_app, email]" in output
    assert not Reminder.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_dry_run_at_a_chosen_moment(cast):
    output = run("--dry-run", "--now", "2026-04-07 08:00")
    assert "Báo cáo nhiệm vụ quá hạn lên lãnh đạo" in output
    assert f"→ {cast.chairman} <{cast.chairman.email}>" in output


def test_dry_run_lists_deliveries_waiting_for_a_retry(cast):
    with time_machine.travel(at(2026, 3, 20, 18, 0), tick=False):
        run()  # after hours: recorded, e-mails wait for Monday morning
    with time_machine.travel(at(2026, 3, 23, 7, 45), tick=False):
        output = run("--dry-run")
    # Two unit heads' reminders and the weekly summary of the week before wait for 07:30.
    assert "Thư đang chờ gửi đến lượt: 3" in output
    assert "Tổng hợp tuần của Ủy ban nhân dân xã Sơn Thử" in output  # this week's, not yet made


def test_a_run_by_hand_sends_once(cast):
    with time_machine.travel(at(2026, 3, 20, 8, 0), tick=False):
        output = run()
        again = run()
    assert "Đã tạo 4 lần nhắc, 2 thông báo" in output
    assert "đã gửi: 3" in output  # two unit heads and the officer's weekly summary
    assert "Đã tạo 0 lần nhắc, 0 thông báo, 0 bản tin tuần." in again
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(status="pending").count() == 0


def test_nothing_due(cast):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        run()
        assert "Không có nhắc việc nào đến hạn." in run("--dry-run")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dry-run", "--now", "hôm qua"], "Thời điểm không hợp lệ"),
        (["--now", "2026-03-20 08:00"], "--now chỉ dùng cùng --dry-run"),
    ],
)
def test_bad_arguments_get_a_clear_message(cast, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
