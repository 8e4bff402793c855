"""The bell, the notification list, preferences, reminder history, the log and the policy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.choices import DeliveryStatus
from notifications.choices import NotificationKind as K
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    ReminderSchedule,
)
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db


def make_notifications(user, count, **extra):
    return [
        Notification.objects.create(
            recipient=user, kind=K.URGE, title=f"Đôn đốc số {n}", url="/", **extra
        )
        for n in range(count)
    ]


class TestBell:
    def test_bell_shows_the_unread_count_with_one_query(
        self, cast, client_for, django_assert_num_queries
    ):
        make_notifications(cast.officer, 3)
        make_notifications(cast.officer, 1, in_app=False)  # e-mail only: not under the bell
        Notification.objects.create(
            recipient=cast.officer, kind=K.URGE, title="Cũ", read_at=at(2026, 1, 1)
        )
        client = client_for(cast.officer)
        page = client.get(reverse("directives:directive_list")).content.decode()
        assert 'data-unread="3"' in page
        assert "Thông báo: 3 chưa đọc" in page
        # The bell costs exactly one extra query on any page.
        Notification.objects.filter(recipient=cast.officer).update(in_app=False)
        with CaptureQueriesContext(connection) as without:
            client.get(reverse("directives:directive_list"))
        make_notifications(cast.officer, 50)
        with django_assert_num_queries(len(without.captured_queries)):
            page = client.get(reverse("directives:directive_list")).content.decode()
        assert 'data-unread="50"' in page

    def test_no_badge_without_unread_notifications(self, cast, client_for):
        page = client_for(cast.hamlet_head_a).get(reverse("notifications:notification_list"))
        assert "data-unread" not in page.content.decode()


class TestList:
    def test_lists_only_the_persons_own_notifications(self, cast, client_for):
        make_notifications(cast.officer, 2)
        make_notifications(cast.chairman, 1)
        page = client_for(cast.officer).get(reverse("notifications:notification_list"))
        assert page.content.decode().count("Đôn đốc số") == 2

    def test_query_count_does_not_grow_with_the_list(
        self, cast, client_for, django_assert_num_queries
    ):
        client = client_for(cast.officer)
        make_notifications(cast.officer, 3)
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("notifications:notification_list"))
        make_notifications(cast.officer, 40)
        with django_assert_num_queries(len(small.captured_queries)):
            client.get(reverse("notifications:notification_list"))

    def test_a_bad_page_number_shows_a_page_not_an_error(self, cast, client_for):
        response = client_for(cast.officer).get(
            reverse("notifications:notification_list") + "?page=abc"
        )
        assert response.status_code == 200


class TestMarkRead:
    """Only the recipient sees a notification, so there is no read-only role here: anybody
    else gets a 404, exactly like an outsider."""

    def test_recipient_marks_it_read_and_goes_to_the_task(self, cast, client_for):
        [notification] = make_notifications(cast.hamlet_head_a, 1)
        notification.url = f"/nhiem-vu/{cast.assignment_a.pk}/"
        notification.save()
        response = client_for(cast.hamlet_head_a).post(
            reverse("notifications:notification_read", args=[notification.pk])
        )
        assert response.status_code == 302
        assert response.url == notification.url
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_someone_elses_notification_is_not_found(self, cast, client_for):
        [notification] = make_notifications(cast.hamlet_head_a, 1)
        for person in (cast.outsider, cast.chairman, cast.unit_head_b):
            response = client_for(person).post(
                reverse("notifications:notification_read", args=[notification.pk])
            )
            assert response.status_code == 404
        notification.refresh_from_db()
        assert notification.read_at is None

    def test_an_outside_address_is_never_followed(self, cast, client_for):
        [notification] = make_notifications(cast.hamlet_head_a, 1)
        notification.url = "https://evil.example/"
        notification.save()
        response = client_for(cast.hamlet_head_a).post(
            reverse("notifications:notification_read", args=[notification.pk])
        )
        assert response.url == reverse("notifications:notification_list")

    def test_mark_all_read_touches_only_ones_own(self, cast, client_for):
        make_notifications(cast.officer, 3)
        make_notifications(cast.chairman, 2)
        response = client_for(cast.officer).post(reverse("notifications:notification_read_all"))
        assert response.status_code == 302
        assert not Notification.objects.filter(recipient=cast.officer, read_at=None).exists()
        assert Notification.objects.filter(recipient=cast.chairman, read_at=None).count() == 2

    def test_get_is_not_allowed(self, cast, client_for):
        response = client_for(cast.officer).get(reverse("notifications:notification_read_all"))
        assert response.status_code == 405


class TestPreferences:
    def test_defaults_are_portal_and_email(self, cast, client_for):
        page = client_for(cast.hamlet_head_a).get(reverse("notifications:preferences"))
        html = page.content.decode()
        assert html.count("checked") == 2
        assert f"Gửi đến {cast.hamlet_head_a.email}" in html

    def test_person_chooses_their_channels(self, cast, client_for):
        response = client_for(cast.hamlet_head_a).post(
            reverse("notifications:preferences"), {"channels": ["email"]}
        )
        assert response.status_code == 302
        assert NotificationPreference.objects.get(user=cast.hamlet_head_a).channels == ["email"]

    def test_an_unknown_channel_is_refused_in_vietnamese(self, cast, client_for):
        response = client_for(cast.hamlet_head_a).post(
            reverse("notifications:preferences"), {"channels": ["zalo"]}
        )
        assert response.status_code == 200
        assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
        assert not NotificationPreference.objects.exists()


class TestReminderHistory:
    def test_shows_each_reminder_recipient_channel_and_failure(self, cast, client_for, run_pass):
        cast.hamlet_head_a.email = ""
        cast.hamlet_head_a.save()
        run_pass(at(2026, 3, 20, 8, 0))
        page = client_for(cast.officer).get(
            reverse("notifications:assignment_reminders", args=[cast.assignment_a.pk])
        )
        html = page.content.decode()
        assert "Nhắc trước hạn" in html
        assert cast.hamlet_head_a.full_name in html
        assert "Trong cổng (chuông thông báo): đã gửi" in html
        assert "Thư điện tử: gửi không được" in html
        assert "chưa có địa chỉ thư điện tử" in html
        assert "26/03/2026" in html  # the next reminder

    def test_the_unit_sees_its_own_history(self, cast, client_for, run_pass):
        run_pass(at(2026, 3, 20, 8, 0))
        page = client_for(cast.hamlet_head_a).get(
            reverse("notifications:assignment_reminders", args=[cast.assignment_a.pk])
        )
        assert "Thư điện tử: đã gửi" in page.content.decode()

    def test_query_count_does_not_grow_with_the_reminders(
        self, cast, client_for, run_pass, django_assert_num_queries
    ):
        client = client_for(cast.officer)
        url = reverse("notifications:assignment_reminders", args=[cast.assignment_b.pk])
        run_pass(at(2026, 3, 20, 8, 0))
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        for day in (26, 30, 31):
            run_pass(at(2026, 3, day, 8, 0))
        with django_assert_num_queries(len(small.captured_queries)):
            client.get(url)


class TestDeliveryLog:
    def failed(self, cast):
        notification = Notification.objects.create(
            recipient=cast.unit_head_b, kind=K.REMINDER_OVERDUE, title="Nhắc việc quá hạn"
        )
        return Delivery.objects.create(
            notification=notification,
            channel="email",
            status=DeliveryStatus.FAILED,
            attempts=9,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )

    def test_office_sees_failures_and_can_filter_them(self, cast, client_for, run_pass):
        run_pass(at(2026, 3, 20, 8, 0))
        self.failed(cast)
        client = client_for(cast.officer)
        everything = client.get(reverse("notifications:delivery_log")).content.decode()
        problems = client.get(reverse("notifications:delivery_log") + "?loi=1").content.decode()
        assert "Nhắc việc: Phòng Kinh tế có 3 nhiệm vụ cần chú ý" in everything
        assert "Nhắc việc: Phòng Kinh tế có 3 nhiệm vụ cần chú ý" not in problems
        assert "Connection unexpectedly closed" in problems
        assert "Gửi lại" in problems

    def test_leaders_see_the_log_without_the_retry_button(self, cast, client_for):
        self.failed(cast)
        html = client_for(cast.chairman).get(reverse("notifications:delivery_log")).content
        assert "Connection unexpectedly closed" in html.decode()
        assert "Gửi lại" not in html.decode()

    def test_other_communes_deliveries_are_not_shown(self, cast, client_for):
        self.failed(cast)
        from tests import factories as f
        from units.choices import Role

        officer = f.UserFactory(
            organisation=cast.outsider.organisation, role=Role.MONITORING_OFFICER
        )
        html = client_for(officer).get(reverse("notifications:delivery_log")).content.decode()
        assert "Connection unexpectedly closed" not in html

    def test_officer_sends_a_failed_delivery_again(
        self, cast, client_for, django_capture_on_commit_callbacks
    ):
        delivery = self.failed(cast)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(cast.officer).post(
                reverse("notifications:delivery_retry", args=[delivery.pk])
            )
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT

    @pytest.mark.parametrize(
        ("person", "status"), [("chairman", 403), ("unit_head_b", 404), ("outsider", 404)]
    )
    def test_only_the_office_may_send_again(self, cast, client_for, person, status):
        delivery = self.failed(cast)
        response = client_for(getattr(cast, person)).post(
            reverse("notifications:delivery_retry", args=[delivery.pk])
        )
        assert response.status_code == status
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED


class TestPolicy:
    FORM = {
        "action": "save",
        "is_enabled": "on",
        "days_before": "10; 5, 5, 1",
        "remind_on_due_day": "on",
        "overdue_every_days": "2",
        "escalate_after_days": "3",
        "report_days_before": "",
    }

    def test_officer_sets_the_default_and_every_schedule_is_looked_at_again(
        self, cast, client_for, run_pass
    ):
        run_pass(at(2026, 3, 20, 8, 0))
        response = client_for(cast.officer).post(reverse("notifications:policy_default"), self.FORM)
        assert response.status_code == 302
        policy = ReminderPolicy.objects.get(directive=None, task=None)
        assert policy.days_before == "10, 5, 1"
        assert policy.report_days_before == ""
        assert policy.updated_by == cast.officer
        # Every schedule is due for a fresh look under the new policy.
        assert not ReminderSchedule.objects.filter(next_reminder_at__gt=timezone.now()).exists()
        assert ReminderSchedule.objects.count() == 4

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("days_before", "7, ba, 1", "Nhập các số ngày làm việc từ 1 đến 60"),
            ("days_before", "99", "Nhập các số ngày làm việc từ 1 đến 60"),
            ("overdue_every_days", "abc", "Nhập một số nguyên từ 0 đến 60."),
            ("escalate_after_days", "-1", "Nhập một số nguyên từ 0 đến 60."),
            ("escalate_after_days", "61", "Nhập một số nguyên từ 0 đến 60."),
        ],
    )
    def test_bad_input_gets_a_clear_vietnamese_message(
        self, cast, client_for, field, value, message
    ):
        response = client_for(cast.officer).post(
            reverse("notifications:policy_default"), {**self.FORM, field: value}
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not ReminderPolicy.objects.exists()

    def test_override_for_a_directive_and_back_to_the_default(self, cast, client_for):
        client = client_for(cast.officer)
        url = reverse("notifications:policy_directive", args=[cast.directive.pk])
        assert "Đang áp dụng chính sách chung" in client.get(url).content.decode()
        client.post(url, {**self.FORM, "days_before": "2"})
        override = ReminderPolicy.objects.get(directive=cast.directive)
        assert override.days_before == "2"
        assert (
            cast.directive.title
            in client.get(reverse("notifications:policy_default")).content.decode()
        )
        client.post(url, {"action": "reset"})
        assert not ReminderPolicy.objects.filter(directive=cast.directive).exists()

    def test_override_for_a_task(self, cast, client_for):
        url = reverse("notifications:policy_task", args=[cast.task_shared.pk])
        client_for(cast.officer).post(url, {**self.FORM, "is_enabled": ""})
        assert ReminderPolicy.objects.get(task=cast.task_shared).is_enabled is False

    def test_leaders_read_the_policy_but_cannot_change_it(self, cast, client_for):
        client = client_for(cast.chairman)
        page = client.get(reverse("notifications:policy_default")).content.decode()
        assert "bạn đang xem" in page and "disabled" in page
        response = client.post(reverse("notifications:policy_default"), self.FORM)
        assert response.status_code == 403
        assert not ReminderPolicy.objects.exists()

    def test_units_and_outsiders_cannot_change_a_directives_policy(self, cast, client_for):
        url = reverse("notifications:policy_directive", args=[cast.directive.pk])
        assert client_for(cast.hamlet_head_a).post(url, self.FORM).status_code == 403
        assert client_for(cast.outsider).post(url, self.FORM).status_code == 404
        assert not ReminderPolicy.objects.exists()
