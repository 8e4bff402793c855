"""Deliveries are claimed once, sent once, retried with backoff, and survive dead workers."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from notifications import delivery
from notifications.choices import DeliveryChannel, DeliveryStatus
from notifications.choices import NotificationKind as K
from notifications.models import Delivery, Notification, NotificationPreference
from notifications.services import notify
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db
NOON = at(2026, 3, 10, 12, 0)  # a Tuesday, in working hours


def email_of(notification) -> Delivery:
    return notification.deliveries.get(channel=DeliveryChannel.EMAIL)


def urge(cast, **extra):
    with time_machine.travel(NOON, tick=False):
        return notify(
            [cast.hamlet_head_a],
            kind=K.URGE,
            title="Đôn đốc thực hiện nhiệm vụ “Quán triệt Kết luận”",
            body="Đề nghị Thôn An khẩn trương tổ chức quán triệt và cập nhật kết quả.",
            url=f"/nhiem-vu/{cast.assignment_a.pk}/",
            actor=cast.officer,
            assignment=cast.assignment_a,
            **extra,
        )


def send(delivery_id, moment):
    with time_machine.travel(moment, tick=False):
        return delivery.send_delivery(delivery_id)


class TestNotify:
    def test_creates_a_bell_notification_and_sends_the_email_on_commit(
        self, cast, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            [notification] = urge(cast)
        assert notification.in_app and notification.recipient == cast.hamlet_head_a
        assert notification.assignment == cast.assignment_a
        assert email_of(notification).status == DeliveryStatus.SENT
        [message] = mail.outbox
        assert message.to == [cast.hamlet_head_a.email]
        assert message.subject == "Đôn đốc thực hiện nhiệm vụ “Quán triệt Kết luận”"
        text = message.body
        html = message.alternatives[0][0]
        link = f"http://127.0.0.1:8000/nhiem-vu/{cast.assignment_a.pk}/"
        for part in (text, html):
            assert "Đề nghị Thôn An khẩn trương" in part
            assert link in part
        assert "Người gửi:" in text
        assert message.extra_headers["Message-ID"] == email_of(notification).message_id

    def test_nothing_is_sent_when_the_transaction_rolls_back(
        self, cast, django_capture_on_commit_callbacks
    ):
        from django.db import transaction

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            urge(cast)
            transaction.set_rollback(True)
        assert mail.outbox == []
        assert not Notification.objects.exists()

    def test_one_notification_per_distinct_active_recipient(self, cast):
        cast.staff_b.is_active = False
        cast.staff_b.save()
        with time_machine.travel(NOON, tick=False):
            created = notify(
                [cast.unit_head_b, cast.unit_head_b, cast.staff_b],
                kind="update_returned",
                title="Cập nhật bị trả lại",
                body="",
                url="/",
            )
        assert [n.recipient for n in created] == [cast.unit_head_b]

    def test_unknown_kind_is_refused(self, cast):
        with pytest.raises(ValueError):
            notify([cast.officer], kind="spam", title="x", body="", url="/")

    def test_reminder_kinds_wait_for_working_hours_others_do_not(self, cast):
        evening = at(2026, 3, 10, 20, 0)
        with time_machine.travel(evening, tick=False):
            [reminder] = notify(
                [cast.hamlet_head_a], kind=K.REMINDER_OVERDUE, title="Nhắc", body="", url="/"
            )
            [review] = notify(
                [cast.hamlet_head_a], kind=K.UPDATE_ACCEPTED, title="Đã duyệt", body="", url="/"
            )
        assert email_of(reminder).next_attempt_at == at(2026, 3, 11, 7, 30)
        assert email_of(review).next_attempt_at == evening

    def test_a_broker_that_is_down_does_not_break_the_request(
        self, cast, django_capture_on_commit_callbacks
    ):
        with (
            mock.patch(
                "notifications.tasks.send_delivery_task.apply_async",
                side_effect=ConnectionRefusedError("broker down"),
            ),
            django_capture_on_commit_callbacks(execute=True),
        ):
            [notification] = urge(cast)
        # The row waits in the database for the periodic pass.
        assert email_of(notification).status == DeliveryStatus.PENDING
        with time_machine.travel(NOON + datetime.timedelta(minutes=3), tick=False):
            assert delivery.due_delivery_ids(NOON + datetime.timedelta(minutes=3)) == [
                email_of(notification).pk
            ]

    def test_in_app_only_person_gets_no_email(self, cast):
        NotificationPreference.objects.create(user=cast.hamlet_head_a, channels=["in_app"])
        [notification] = urge(cast)
        assert list(notification.deliveries.values_list("channel", "status")) == [
            ("in_app", "sent")
        ]


class TestClaims:
    def test_only_one_of_several_workers_claims_a_delivery(self, cast):
        pending = email_of(urge(cast)[0])
        tokens = [delivery.claim(pending.pk, NOON) for _ in range(5)]
        assert len([token for token in tokens if token]) == 1

    def test_a_sent_delivery_is_never_sent_again(self, cast):
        pending = email_of(urge(cast)[0])
        assert send(pending.pk, NOON) == "sent"
        for _ in range(3):
            assert send(pending.pk, NOON + datetime.timedelta(hours=1)) == "skipped"
        assert len(mail.outbox) == 1

    def test_a_delivery_abandoned_by_a_dead_worker_is_taken_over_after_its_lease(self, cast):
        pending = email_of(urge(cast)[0])
        assert delivery.claim(pending.pk, NOON)  # the worker then dies before sending
        assert send(pending.pk, NOON + datetime.timedelta(seconds=60)) == "skipped"
        later = NOON + datetime.timedelta(seconds=301)
        assert delivery.due_delivery_ids(later) == [pending.pk]
        assert send(pending.pk, later) == "sent"
        pending.refresh_from_db()
        assert pending.attempts == 2
        assert len(mail.outbox) == 1

    def test_worker_killed_after_the_server_accepted_resends_with_the_same_message_id(self, cast):
        """The documented at-least-once instant: accepted by SMTP, not yet recorded as sent."""
        pending = email_of(urge(cast)[0])
        with (
            mock.patch("notifications.delivery._mark_sent", side_effect=SystemExit("killed")),
            pytest.raises(SystemExit),
        ):
            send(pending.pk, NOON)
        assert len(mail.outbox) == 1  # the server has it; our row still says "sending"
        assert send(pending.pk, NOON + datetime.timedelta(seconds=301)) == "sent"
        first, second = mail.outbox
        assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]


class TestFailures:
    def test_smtp_down_is_retried_with_growing_capped_backoff_then_delivered(self, cast):
        pending = email_of(urge(cast)[0])
        moment = NOON
        waits = []
        with mock.patch(
            "django.core.mail.EmailMultiAlternatives.send",
            side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ):
            for _ in range(8):
                assert send(pending.pk, moment) == "retry"
                pending.refresh_from_db()
                waits.append((pending.next_attempt_at - moment).total_seconds())
                moment = pending.next_attempt_at
        assert waits == [60, 120, 240, 480, 960, 1800, 1800, 1800]
        assert "SMTPServerDisconnected" in pending.last_error
        assert send(pending.pk, moment) == "sent"
        pending.refresh_from_db()
        assert pending.status == DeliveryStatus.SENT and pending.last_error == ""
        assert len(mail.outbox) == 1

    def test_a_failed_reminder_retries_in_working_hours(self, cast):
        with time_machine.travel(at(2026, 3, 13, 16, 59), tick=False):
            [notification] = notify(
                [cast.hamlet_head_a], kind=K.REMINDER_OVERDUE, title="Nhắc", body="", url="/"
            )
        pending = email_of(notification)
        with mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError()
        ):
            assert send(pending.pk, at(2026, 3, 13, 16, 59)) == "retry"
        pending.refresh_from_db()
        assert pending.next_attempt_at == at(2026, 3, 16, 7, 30)  # Friday evening → Monday

    @override_settings(NOTIFICATIONS_GIVE_UP_HOURS=1)
    def test_gives_up_after_the_configured_time_and_shows_the_error(self, cast):
        pending = email_of(urge(cast)[0])
        with mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=TimeoutError("timed out")
        ):
            assert send(pending.pk, NOON + datetime.timedelta(hours=2)) == "failed"
        pending.refresh_from_db()
        assert pending.status == DeliveryStatus.FAILED
        assert pending.next_attempt_at is None
        assert "timed out" in pending.last_error

    def test_a_refused_address_fails_at_once(self, cast):
        pending = email_of(urge(cast)[0])
        refused = smtplib.SMTPRecipientsRefused({"x@y": (550, b"No such user")})
        with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
            assert send(pending.pk, NOON) == "failed"

    def test_an_unexpected_error_is_retried_not_lost(self, cast):
        pending = email_of(urge(cast)[0])
        with mock.patch("notifications.channels.render_email", side_effect=KeyError("oops")):
            assert send(pending.pk, NOON) == "retry"

    def test_the_pass_enqueues_due_deliveries_once_per_requeue_interval(
        self, cast, django_capture_on_commit_callbacks
    ):
        with mock.patch("notifications.tasks.send_delivery_task.apply_async") as apply_async:
            pending = email_of(urge(cast)[0])
            apply_async.reset_mock()
            with django_capture_on_commit_callbacks(execute=True):
                assert delivery.dispatch_due_deliveries(NOON + datetime.timedelta(seconds=30)) == []
            with django_capture_on_commit_callbacks(execute=True):
                later = NOON + datetime.timedelta(minutes=3)
                assert delivery.dispatch_due_deliveries(later) == [pending.pk]
        apply_async.assert_called_once_with((pending.pk,), retry=False)


def test_lease_shorter_than_the_smtp_timeout_is_a_configuration_error():
    from notifications.checks import sending_lease_outlasts_smtp_timeout

    with override_settings(EMAIL_TIMEOUT=30, NOTIFICATIONS_SENDING_LEASE=60):
        assert [error.id for error in sending_lease_outlasts_smtp_timeout(None)] == [
            "notifications.E001"
        ]
    with override_settings(EMAIL_TIMEOUT=30, NOTIFICATIONS_SENDING_LEASE=300):
        assert sending_lease_outlasts_smtp_timeout(None) == []
