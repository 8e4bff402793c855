"""The e-mails read well: Vietnamese, both parts, a link straight to the task, no raw markup.

Each rendered e-mail is also written to var/emails/ so a person can open and read it.
"""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from notifications.choices import NotificationKind as K
from notifications.models import Notification
from notifications.services import notify
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db
OUT = Path(__file__).resolve().parents[2] / "var" / "emails"


def keep(name: str, message) -> tuple[str, str]:
    OUT.mkdir(parents=True, exist_ok=True)
    html = message.alternatives[0][0]
    (OUT / f"{name}.txt").write_text(f"Subject: {message.subject}\n\n{message.body}")
    (OUT / f"{name}.html").write_text(html)
    return message.body, html


def assert_reads_well(text: str, html: str) -> None:
    for part in (text, html):
        assert "Kính gửi" in part
        assert "{{" not in part and "{%" not in part
        assert "None" not in part
    assert "<" not in text.replace("<http", "")
    assert "&lt;" not in html and "&amp;quot;" not in html


def mail_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_single_reminder_email(cast, run_pass):
    run_pass(at(2026, 3, 30, 8, 0))
    [message] = mail_to(cast.hamlet_head_a)
    text, html = keep("reminder_before_due", message)
    assert message.subject == "Nhắc việc: “Quán triệt Kết luận” còn 1 ngày làm việc đến hạn"
    assert_reads_well(text, html)
    link = f"http://127.0.0.1:8000/nhiem-vu/{cast.assignment_a.pk}/"
    assert link in text and f'href="{link}"' in html
    assert "Còn 1 ngày làm việc, hạn hoàn thành ngày 31 tháng 03 năm 2026." in text
    assert "Thôn An" in text
    assert "Mở nhiệm vụ" in html


def test_overdue_reminder_email(cast, run_pass):
    run_pass(at(2026, 4, 1, 8, 0))
    [message] = mail_to(cast.hamlet_head_a)
    text, html = keep("reminder_overdue", message)
    assert_reads_well(text, html)
    assert "đã quá hạn mà chưa hoàn thành" in text
    assert "Quá hạn 1 ngày làm việc (hạn ngày 31 tháng 03 năm 2026)." in html


def test_unit_digest_email_lists_each_task_with_its_link(cast, run_pass):
    run_pass(at(2026, 3, 31, 8, 0))
    [message] = mail_to(cast.unit_head_b)
    text, html = keep("digest_unit", message)
    assert_reads_well(text, html)
    assert message.subject == "Nhắc việc: Phòng Kinh tế có 3 nhiệm vụ cần chú ý"
    assert "Hôm nay Phòng Kinh tế có 3 nhiệm vụ đến lượt nhắc." in text
    for assignment in (cast.assignment_b, cast.assignment_b_only):
        assert f"/nhiem-vu/{assignment.pk}/" in text
    assert len(re.findall(r"Hết hạn hôm nay", html)) == 3
    assert "Đang thực hiện, 40%" in text


def test_escalation_email(cast, run_pass):
    run_pass(at(2026, 4, 7, 8, 0))
    [message] = [m for m in mail_to(cast.chairman) if "quá hạn" in m.subject]
    text, html = keep("escalation", message)
    assert_reads_well(text, html)
    assert "giải trình" in text
    assert "Thôn An: Quán triệt Kết luận" in text
    assert "Quá hạn 5 ngày làm việc" in html


def test_weekly_office_digest_email(cast, run_pass):
    run_pass(at(2026, 4, 6, 8, 0))
    [message] = [m for m in mail_to(cast.officer) if m.subject.startswith("Tổng hợp tuần")]
    text, html = keep("digest_office", message)
    assert_reads_well(text, html)
    assert "Phòng Kinh tế" in text and "Thôn An" in html
    assert "4 nhiệm vụ quá hạn, 0 báo cáo định kỳ chưa cập nhật." in text


def test_plain_notice_email(cast, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(at(2026, 3, 10, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(
            [cast.unit_head_b],
            kind=K.EXPLANATION_REQUESTED,
            title="Yêu cầu giải trình việc chậm thực hiện nhiệm vụ “Rà soát chức năng”",
            body="Đề nghị Phòng Kinh tế giải trình lý do chậm và hạn hoàn thành <trước 20/3>.",
            url=f"/nhiem-vu/{cast.assignment_b_only.pk}/",
            actor=cast.chairman,
            assignment=cast.assignment_b_only,
        )
    [message] = mail_to(cast.unit_head_b)
    text, html = keep("explanation_requested", message)
    assert_reads_well(text.replace("<trước 20/3>", ""), html.replace("&lt;trước 20/3&gt;", ""))
    # The text part keeps what the leader typed; the HTML part escapes it.
    assert "<trước 20/3>" in text
    assert "&lt;trước 20/3&gt;" in html
    assert "Người gửi:" in html
    assert Notification.objects.get().actor == cast.chairman


def test_a_long_list_of_other_work_is_cut_with_a_count(cast, run_pass):
    from notifications.models import ReminderPolicy
    from tests import factories as f

    section = cast.task_shared.section
    for n in range(25):
        # Overdue work whose own reminders are off still shows in the unit's other work.
        task = f.TaskFactory(section=section, number=10 + n)
        ReminderPolicy.objects.create(organisation=cast.commune, task=task, is_enabled=False)
        f.AssignmentFactory(
            task=task,
            unit=cast.hamlet_a,
            due_date=datetime.date(2026, 3, 2),
            assigned_on=datetime.date(2026, 3, 1),
            status="in_progress",
        )
    run_pass(at(2026, 3, 30, 8, 0))
    [message] = mail_to(cast.hamlet_head_a)
    text, html = keep("reminder_with_others", message)
    assert "… và 5 việc khác, xem trên Cổng." in text
    assert "… và 5 việc khác, xem trên Cổng." in html
