"""The periodic pass with time frozen: what is reminded, to whom, once, in working hours."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from directives.choices import AssignmentStatus, WorkdayExceptionKind
from directives.models import WorkdayException
from notifications import planning
from notifications.choices import DeliveryChannel, DeliveryStatus
from notifications.choices import NotificationKind as K
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderPolicy,
    ReminderSchedule,
)
from tests import factories as f
from tests.notifications.conftest import at
from units.choices import Role

pytestmark = pytest.mark.django_db

# Every assignment of the cast is due Tuesday 31/03/2026; 7 working days before is Friday 20/03.
SEVEN_BEFORE = at(2026, 3, 20, 7, 30)


def reminder_mails():
    """E-mails other than the weekly summary, which a first pass in any week also sends."""
    return [message for message in mail.outbox if not message.subject.startswith("Tổng hợp")]


def notifications_of(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


class TestBeforeTheDeadline:
    def test_each_unit_head_gets_one_message_and_one_email(self, cast, run_pass):
        result = run_pass(SEVEN_BEFORE)

        assert result.reminders_created == 4  # hamlet A: 1; department B: 3
        [hamlet] = notifications_of(cast.hamlet_head_a)
        assert hamlet.kind == K.REMINDER_BEFORE_DUE
        assert hamlet.title == "Nhắc việc: “Quán triệt Kết luận” còn 7 ngày làm việc đến hạn"
        assert hamlet.url == f"/nhiem-vu/{cast.assignment_a.pk}/"
        [digest] = notifications_of(cast.unit_head_b)
        assert digest.kind == K.DIGEST_UNIT
        assert digest.reminders.count() == 3
        assert digest.title == "Nhắc việc: Phòng Kinh tế có 3 nhiệm vụ cần chú ý"
        # Staff are not reminded when the unit has a head.
        assert notifications_of(cast.staff_b) == []
        assert sorted(message.to[0] for message in reminder_mails()) == [
            cast.hamlet_head_a.email,
            cast.unit_head_b.email,
        ]

    def test_running_the_pass_again_and_again_sends_nothing_more(self, cast, run_pass):
        run_pass(SEVEN_BEFORE)
        for moment in [SEVEN_BEFORE, at(2026, 3, 20, 7, 31), at(2026, 3, 20, 16, 0)]:
            result = run_pass(moment)
            assert result.reminders_created == 0
            assert result.notifications_created == 0
        assert Reminder.objects.count() == 4
        assert len(reminder_mails()) == 2
        # Bell and e-mail for each unit head, and for the officer's weekly summary.
        assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 6

    def test_nothing_is_sent_before_working_hours(self, cast, run_pass):
        assert run_pass(at(2026, 3, 20, 7, 29)).reminders_created == 0
        assert reminder_mails() == []

    def test_the_schedule_sleeps_until_the_next_stage(self, cast, run_pass):
        run_pass(SEVEN_BEFORE)
        schedule = ReminderSchedule.objects.get(assignment=cast.assignment_a)
        assert schedule.next_reminder_at == at(2026, 3, 26, 7, 30)
        assert planning.due_schedules(at(2026, 3, 26, 7, 29)) == []

    def test_each_stage_is_sent_once_through_to_escalation(self, cast, run_pass):
        hours = [at(2026, 3, day, hour, 0) for day in range(20, 32) for hour in (8, 12, 16)]
        hours += [at(2026, 4, day, hour, 0) for day in range(1, 10) for hour in (8, 16)]
        for moment in hours:
            run_pass(moment)
        keys = list(
            Reminder.objects.filter(assignment=cast.assignment_a)
            .order_by("due_at")
            .values_list("occurrence_key", flat=True)
        )
        assert keys == [
            "before:2026-03-31:7",
            "before:2026-03-31:3",
            "before:2026-03-31:1",
            "due:2026-03-31",
            "overdue:2026-03-31:1",
            "overdue:2026-03-31:4",
            "escalation:2026-03-31",
            "overdue:2026-03-31:7",
        ]
        # One e-mail to the hamlet head per stage (the escalation goes to the office).
        to_hamlet = [m for m in mail.outbox if m.to == [cast.hamlet_head_a.email]]
        assert len(to_hamlet) == 7


class TestMissedAndChanged:
    def test_a_pass_after_hours_records_the_reminder_and_emails_next_morning(self, cast, run_pass):
        # Beat was down all Friday; the first pass runs at 18:00.
        result = run_pass(at(2026, 3, 20, 18, 0))
        assert result.reminders_created == 4
        assert mail.outbox == []
        email = Delivery.objects.filter(
            channel=DeliveryChannel.EMAIL, notification__recipient=cast.hamlet_head_a
        ).get()
        assert email.next_attempt_at == at(2026, 3, 23, 7, 30)  # Monday
        run_pass(at(2026, 3, 23, 7, 30))
        assert len(reminder_mails()) == 2
        assert Reminder.objects.count() == 4

    def test_a_changed_deadline_is_reminded_in_the_next_pass(self, cast, run_pass):
        run_pass(SEVEN_BEFORE)
        assignment = cast.assignment_a
        assignment.due_date = datetime.date(2026, 3, 24)
        # Saved after the cast was made (the clock only moves forward outside tests).
        assignment.save()
        run_pass(at(2026, 3, 20, 9, 1))
        assert Reminder.objects.filter(
            assignment=assignment, occurrence_key="before:2026-03-24:3"
        ).exists()

    def test_a_bulk_update_is_noticed_when_the_caller_asks_for_it(self, cast, run_pass):
        from directives.models import Assignment
        from notifications.services import schedule_again

        run_pass(SEVEN_BEFORE)
        Assignment.objects.filter(pk=cast.assignment_a.pk).update(
            due_date=datetime.date(2026, 3, 24)
        )
        with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
            assert schedule_again([cast.assignment_a.pk]) == 1
        run_pass(at(2026, 3, 20, 9, 1))
        assert Reminder.objects.filter(occurrence_key="before:2026-03-24:3").exists()

    def test_quick_sync_reads_recent_changes_and_the_full_one_reconciles_everything(
        self, cast, run_pass
    ):
        from directives.models import Assignment

        run_pass(SEVEN_BEFORE)
        now = timezone.now()
        # A change stamped long before the newest one seen (a very late commit).
        Assignment.objects.filter(pk=cast.assignment_a.pk).update(
            due_date=datetime.date(2026, 3, 24), updated_at=now - datetime.timedelta(days=1)
        )
        Assignment.objects.filter(pk=cast.assignment_b.pk).update(
            updated_at=now + datetime.timedelta(minutes=1)
        )
        assert planning.sync_schedules(now) == 1  # only the recent one
        assert planning.sync_schedules(now, full=True) == 1  # and now the old one too
        assert planning.sync_schedules(now, full=True) == 0
        assert planning.sync_schedules(now) == 0

    def test_a_bulk_change_makes_the_quick_sync_reconcile_everything(
        self, cast, run_pass, monkeypatch
    ):
        from directives.models import Assignment

        run_pass(SEVEN_BEFORE)
        monkeypatch.setattr(planning, "QUICK_SYNC_LIMIT", 2)
        Assignment.objects.update(updated_at=timezone.now() + datetime.timedelta(minutes=1))
        assert planning.sync_schedules(timezone.now()) == 4

    def test_the_pass_on_the_hour_reconciles_everything(self, cast, run_pass):
        from directives.models import Assignment

        run_pass(SEVEN_BEFORE)
        Assignment.objects.filter(pk=cast.assignment_a.pk).update(
            due_date=datetime.date(2026, 3, 24),
            updated_at=timezone.now() - datetime.timedelta(days=1),
        )
        run_pass(at(2026, 3, 20, 9, 1))
        assert not Reminder.objects.filter(occurrence_key="before:2026-03-24:3").exists()
        run_pass(at(2026, 3, 20, 10, 0))
        assert Reminder.objects.filter(occurrence_key="before:2026-03-24:3").exists()

    def test_a_task_done_before_its_reminder_is_notified_is_skipped(self, cast, run_pass):
        reminder = Reminder.objects.create(
            assignment=cast.assignment_a,
            kind=K.REMINDER_DUE_TODAY,
            occurrence_key="due:2026-03-31",
            reference_date=datetime.date(2026, 3, 31),
            due_at=at(2026, 3, 31, 7, 30),
        )
        cast.assignment_a.status = AssignmentStatus.DONE
        cast.assignment_a.completed_on = datetime.date(2026, 3, 30)
        cast.assignment_a.save()
        run_pass(at(2026, 3, 31, 8, 0))
        reminder.refresh_from_db()
        assert reminder.skipped and reminder.notified_at
        assert notifications_of(cast.hamlet_head_a) == []

    def test_an_announced_day_off_moves_the_reminders(
        self, cast, run_pass, django_capture_on_commit_callbacks
    ):
        run_pass(at(2026, 3, 19, 9, 0))
        with (
            time_machine.travel(at(2026, 3, 19, 9, 0, 30), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            # Friday 20/03 becomes a day off: 7 working days before 31/03 is now Thursday 19/03.
            WorkdayException.objects.create(
                date=datetime.date(2026, 3, 20),
                kind=WorkdayExceptionKind.DAY_OFF,
                description="Nghỉ bù",
            )
        result = run_pass(at(2026, 3, 19, 9, 1))
        assert result.reminders_created == 4


class TestWhoIsTold:
    def test_a_unit_without_a_head_reminds_all_its_members(self, cast, run_pass):
        unit = f.UnitFactory(organisation=cast.commune, name="Trạm Y tế")
        member = f.UserFactory(
            organisation=cast.commune, unit=unit, role=Role.UNIT_STAFF, username="yte"
        )
        f.AssignmentFactory(task=cast.task_b_only, unit=unit)
        run_pass(SEVEN_BEFORE)
        assert [n.kind for n in notifications_of(member)] == [K.REMINDER_BEFORE_DUE]

    def test_inactive_people_are_not_told(self, cast, run_pass):
        cast.hamlet_head_a.is_active = False
        cast.hamlet_head_a.save()
        run_pass(SEVEN_BEFORE)
        assert notifications_of(cast.hamlet_head_a) == []

    def test_escalation_goes_once_to_the_office_and_the_leaders_grouped(self, cast, run_pass):
        run_pass(at(2026, 4, 7, 8, 0))  # 5 working days late
        for person in (cast.officer, cast.chairman, cast.vice_chairman):
            [message] = [n for n in notifications_of(person) if n.kind == K.ESCALATION]
            assert message.title == "Có 4 nhiệm vụ quá hạn cần chỉ đạo"
            assert message.reminders.count() == 4
        assert not Notification.objects.filter(recipient=cast.clerk).exists()
        run_pass(at(2026, 4, 8, 8, 0))
        assert Notification.objects.filter(kind=K.ESCALATION).count() == 3

    def test_escalation_can_be_turned_off_per_directive(self, cast, run_pass):
        ReminderPolicy.objects.create(
            organisation=cast.commune, directive=cast.directive, escalate_after_days=0
        )
        run_pass(at(2026, 4, 7, 8, 0))
        message = Notification.objects.filter(recipient=cast.chairman, kind=K.ESCALATION).get()
        assert message.reminders.count() == 1  # only the other directive's task

    def test_channels_follow_each_persons_choice(self, cast, run_pass):
        NotificationPreference.objects.create(user=cast.unit_head_b, channels=["in_app"])
        NotificationPreference.objects.create(user=cast.hamlet_head_a, channels=["email"])
        run_pass(SEVEN_BEFORE)
        assert [message.to for message in reminder_mails()] == [[cast.hamlet_head_a.email]]
        [hamlet] = notifications_of(cast.hamlet_head_a)
        assert hamlet.in_app is False
        assert not hamlet.deliveries.filter(channel=DeliveryChannel.IN_APP).exists()
        [head] = notifications_of(cast.unit_head_b)
        assert list(head.deliveries.values_list("channel", flat=True)) == ["in_app"]

    def test_someone_without_an_email_address_is_shown_as_a_failed_delivery(self, cast, run_pass):
        cast.hamlet_head_a.email = ""
        cast.hamlet_head_a.save()
        run_pass(SEVEN_BEFORE)
        email = Delivery.objects.get(
            notification__recipient=cast.hamlet_head_a, channel=DeliveryChannel.EMAIL
        )
        assert email.status == DeliveryStatus.FAILED
        assert email.last_error == "Người nhận chưa có địa chỉ thư điện tử trong hồ sơ."


class TestWeeklyOfficeDigest:
    def test_monitoring_office_gets_one_summary_on_the_first_working_day_of_the_week(
        self, cast, run_pass
    ):
        run_pass(at(2026, 4, 6, 7, 0))
        assert not Notification.objects.filter(kind=K.DIGEST_OFFICE).exists()
        for moment in (at(2026, 4, 6, 7, 30), at(2026, 4, 6, 10, 0), at(2026, 4, 8, 9, 0)):
            run_pass(moment)
        [digest] = Notification.objects.filter(kind=K.DIGEST_OFFICE)
        assert digest.recipient == cast.officer
        assert digest.title == "Tổng hợp tuần: 2 đơn vị chưa hoàn thành hoặc chưa báo cáo đúng hạn"
        units = {unit["unit"]: len(unit["overdue"]) for unit in digest.payload["units"]}
        assert units == {"Thôn An": 1, "Phòng Kinh tế": 3}
        run_pass(at(2026, 4, 13, 8, 0))
        assert Notification.objects.filter(kind=K.DIGEST_OFFICE).count() == 2

    def test_in_the_tet_week_the_summary_waits_for_the_next_working_week(self, cast, run_pass):
        run_pass(at(2026, 2, 19, 9, 0))
        assert not Notification.objects.filter(kind=K.DIGEST_OFFICE).exists()
        run_pass(at(2026, 2, 23, 7, 30))
        assert Notification.objects.filter(kind=K.DIGEST_OFFICE).count() == 1

    def test_units_that_let_a_reporting_date_pass_without_an_update_are_listed(
        self, cast, run_pass
    ):
        with time_machine.travel(at(2026, 2, 2, 9, 0), tick=False):
            ongoing = f.AssignmentFactory(
                task=f.TaskFactory(section=cast.task_shared.section),
                unit=cast.hamlet_head_a.unit,
                due_date=None,
                cadence="monthly",
            )
        run_pass(at(2026, 3, 16, 8, 0))
        digest = Notification.objects.get(kind=K.DIGEST_OFFICE)
        [hamlet] = [unit for unit in digest.payload["units"] if unit["unit"] == "Thôn An"]
        assert [entry["assignment"] for entry in hamlet["not_reported"]] == [ongoing.pk]
        assert "kỳ báo cáo ngày 15 tháng 03 năm 2026" in hamlet["not_reported"][0]["situation"]

    def test_a_progress_update_counts_as_a_report_but_a_returned_one_does_not(self, cast, run_pass):
        with time_machine.travel(at(2026, 2, 2, 9, 0), tick=False):
            reported, returned = (
                f.AssignmentFactory(
                    task=f.TaskFactory(section=cast.task_shared.section),
                    unit=cast.hamlet_head_a.unit,
                    due_date=None,
                    cadence="monthly",
                )
                for _ in range(2)
            )
        with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
            f.ProgressUpdateFactory(assignment=reported, author=cast.hamlet_head_a)
            f.ProgressUpdateFactory(
                assignment=returned, author=cast.hamlet_head_a, review_state="returned"
            )
        run_pass(at(2026, 3, 16, 8, 0))
        digest = Notification.objects.get(kind=K.DIGEST_OFFICE)
        [hamlet] = [unit for unit in digest.payload["units"] if unit["unit"] == "Thôn An"]
        listed = [entry["assignment"] for entry in hamlet["not_reported"]]
        assert returned.pk in listed
        assert reported.pk not in listed


def test_reminders_are_exactly_once_even_if_two_passes_interleave(cast):
    now = SEVEN_BEFORE
    with time_machine.travel(now, tick=False):
        planning.sync_schedules(now)
        planning.plan_due_reminders(now)
        # A second pass finds the same schedules due again (as if it read them concurrently).
        ReminderSchedule.objects.update(next_reminder_at=now)
        planning.plan_due_reminders(now)
        planning.notify_planned_reminders(now)
        planning.notify_planned_reminders(now)
    assert Reminder.objects.count() == 4
    assert Notification.objects.count() == 2  # one per unit head


def test_pass_queries_do_not_grow_with_the_number_of_due_assignments(
    cast, django_assert_max_num_queries
):
    now = SEVEN_BEFORE
    with time_machine.travel(now, tick=False):
        planning.sync_schedules(now)
        with django_assert_max_num_queries(12):
            planning.plan_due_reminders(now)
    for _ in range(30):
        f.AssignmentFactory(task=f.TaskFactory(section=cast.task_shared.section), unit=cast.unit_b)
    Reminder.objects.all().delete()
    with time_machine.travel(now, tick=False):
        planning.sync_schedules(now)
        ReminderSchedule.objects.update(next_reminder_at=now)
        with django_assert_max_num_queries(12):
            planning.plan_due_reminders(now)
    assert Reminder.objects.count() == 34
    assert timezone.now()
