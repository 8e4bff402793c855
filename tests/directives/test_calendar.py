"""The one calendar: working days as Vietnam counts them (weekends, public holidays with Tết,
announced changes), deadlines and "due soon" in working days, cadences and reporting dates."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from directives import calendar as workdays
from directives.calendar import WorkCalendar
from directives.choices import WorkdayExceptionKind
from directives.models import WorkdayException

D = datetime.date
VN = timezone.get_fixed_timezone(7 * 60)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


class TestDays:
    def test_weekdays_work_and_weekends_rest(self):
        calendar = WorkCalendar()
        assert calendar.is_working_day(D(2026, 3, 6))  # Friday
        assert not calendar.is_working_day(D(2026, 3, 7))  # Saturday
        assert not calendar.is_working_day(D(2026, 3, 8))  # Sunday

    def test_tet_2026_is_five_days_off_in_a_row(self):
        calendar = WorkCalendar()
        tet = [D(2026, 2, day) for day in range(16, 21)]  # 29 Tết to mùng 4, Monday to Friday
        assert not any(calendar.is_working_day(day) for day in tet)
        assert workdays.public_holiday_name(D(2026, 2, 17)) == "Tết Nguyên Đán"
        # Friday 13/2 plus one working day skips the weekend and the whole Tết week.
        assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
        assert calendar.add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)

    def test_public_holidays_and_their_substitute_days(self):
        calendar = WorkCalendar()
        assert not calendar.is_working_day(D(2026, 1, 1))  # New Year
        assert not calendar.is_working_day(D(2026, 4, 27))  # Hùng Kings' day fell on a Sunday
        assert not calendar.is_working_day(D(2026, 4, 30))
        assert not calendar.is_working_day(D(2026, 5, 1))
        assert not calendar.is_working_day(D(2026, 9, 2))

    def test_make_up_saturday_known_to_the_holiday_library_is_a_working_day(self):
        # 31/08/2026 (Monday) is a day off swapped with Saturday 22/08/2026.
        calendar = WorkCalendar()
        assert calendar.is_working_day(D(2026, 8, 22))
        assert not calendar.is_working_day(D(2026, 8, 31))

    def test_announced_days_off_and_make_up_days_override_the_library(self, db):
        WorkdayException.objects.create(
            date=D(2026, 3, 9), kind=WorkdayExceptionKind.DAY_OFF, description="Nghỉ bù thử"
        )
        WorkdayException.objects.create(
            date=D(2026, 3, 14), kind=WorkdayExceptionKind.WORKING_DAY, description="Làm bù"
        )
        assert not workdays.is_working_day(D(2026, 3, 9))  # a Monday, announced off
        assert workdays.is_working_day(D(2026, 3, 14))  # a Saturday, announced working
        assert workdays.add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 14)
        assert workdays.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)

    def test_editing_an_announced_day_is_seen_at_once(self, db):
        assert workdays.is_working_day(D(2026, 3, 10))
        row = WorkdayException.objects.create(
            date=D(2026, 3, 10), kind=WorkdayExceptionKind.DAY_OFF, description="Nghỉ"
        )
        assert not workdays.is_working_day(D(2026, 3, 10))
        row.delete()
        assert workdays.is_working_day(D(2026, 3, 10))

    def test_working_days_between_counts_after_start_up_to_end(self):
        calendar = WorkCalendar()
        assert calendar.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1  # Fri → Mon
        assert calendar.working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == -1
        assert calendar.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0
        assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2  # over Tết

    def test_next_working_days_start_on_the_day_when_it_is_one(self):
        calendar = WorkCalendar()
        assert calendar.next_working_days(D(2026, 2, 14), 2) == [D(2026, 2, 23), D(2026, 2, 24)]
        assert calendar.next_working_days(D(2026, 3, 9), 1) == [D(2026, 3, 9)]
        assert calendar.next_working_days(D(2026, 3, 9), 0) == []


class TestHours:
    def test_working_hours_are_half_past_seven_to_five_on_working_days(self):
        calendar = WorkCalendar()
        assert calendar.is_working_time(at(2026, 3, 9, 7, 30))
        assert calendar.is_working_time(at(2026, 3, 9, 16, 59))
        assert not calendar.is_working_time(at(2026, 3, 9, 7, 29))
        assert not calendar.is_working_time(at(2026, 3, 9, 17, 0))
        assert not calendar.is_working_time(at(2026, 3, 7, 10, 0))  # Saturday

    def test_outside_hours_waits_for_the_next_window(self):
        calendar = WorkCalendar()
        assert calendar.next_working_time(at(2026, 3, 9, 6, 0)) == at(2026, 3, 9, 7, 30)
        assert calendar.next_working_time(at(2026, 3, 9, 10, 0)) == at(2026, 3, 9, 10, 0)
        assert calendar.next_working_time(at(2026, 3, 6, 18, 0)) == at(2026, 3, 9, 7, 30)
        # On the last afternoon before Tết the next window is after the holiday.
        assert calendar.next_working_time(at(2026, 2, 13, 17, 30)) == at(2026, 2, 23, 7, 30)

    def test_commune_time_zone_is_used_whatever_the_clock_of_the_server(self):
        calendar = WorkCalendar()
        utc_midnight = datetime.datetime(2026, 3, 9, 1, 0, tzinfo=datetime.UTC)  # 08:00 in VN
        assert calendar.is_working_time(utc_midnight)

    @override_settings(REMINDER_WINDOW_START=datetime.time(8, 0))
    def test_window_comes_from_settings(self):
        calendar = WorkCalendar()
        assert calendar.next_working_time(at(2026, 3, 9, 7, 45)) == at(2026, 3, 9, 8, 0)

    @pytest.mark.parametrize("value", ["7h30", "25:00", "abc"])
    def test_a_bad_window_in_the_environment_stops_start_up(self, value):
        from django.core.exceptions import ImproperlyConfigured

        from sonmai.lib.env import Env

        with pytest.raises(ImproperlyConfigured, match="HH:MM"):
            Env({"REMINDER_WINDOW_START": value}).time("REMINDER_WINDOW_START", "07:30")


@time_machine.travel(at(2026, 3, 9, 9, 0), tick=False)
def test_plain_functions_use_the_current_calendar(db):
    assert workdays.next_working_time(timezone.now()) == timezone.now()
    assert workdays.is_working_time(timezone.now())
    assert workdays.working_days_between(D(2026, 3, 9), D(2026, 3, 13)) == 4


class TestDeadlines:
    def test_days_left_and_late_are_working_days(self):
        calendar = WorkCalendar()
        # Friday 13/3 to Tuesday 17/3: Monday and Tuesday.
        assert workdays.days_left(D(2026, 3, 17), D(2026, 3, 13), calendar) == 2
        assert workdays.days_left(D(2026, 3, 17), D(2026, 3, 17), calendar) == 0
        assert workdays.days_left(None, D(2026, 3, 17), calendar) is None
        assert workdays.days_late(D(2026, 3, 13), D(2026, 3, 17), calendar) == 2
        # Due on Friday, still open on Saturday: late, though no working day has passed.
        assert workdays.days_late(D(2026, 3, 13), D(2026, 3, 14), calendar) == 1
        assert workdays.days_late(D(2026, 3, 13), D(2026, 3, 13), calendar) == 0

    def test_due_soon_is_seven_working_days_on_pages_and_in_e_mails(self):
        calendar = WorkCalendar()
        monday = D(2026, 3, 2)
        assert workdays.due_soon_until(monday, calendar) == D(2026, 3, 11)  # nine calendar days
        assert workdays.is_due_soon(D(2026, 3, 11), monday, calendar)
        assert not workdays.is_due_soon(D(2026, 3, 12), monday, calendar)
        assert not workdays.is_due_soon(D(2026, 3, 1), monday, calendar)  # late, not soon
        # Before Tết a week of calendar days is not a week of work.
        assert workdays.is_due_soon(D(2026, 2, 25), D(2026, 2, 12), calendar)


class TestCadences:
    @pytest.mark.parametrize(
        ("cadence", "day", "on_or_after", "before"),
        [
            ("monthly", D(2026, 3, 15), D(2026, 3, 15), D(2026, 2, 15)),
            ("monthly", D(2026, 3, 16), D(2026, 4, 15), D(2026, 3, 15)),
            ("quarterly", D(2026, 4, 1), D(2026, 6, 15), D(2026, 3, 15)),
            ("half_yearly", D(2026, 7, 1), D(2026, 12, 15), D(2026, 6, 15)),
            ("yearly", D(2026, 12, 16), D(2027, 12, 15), D(2026, 12, 15)),
        ],
    )
    def test_reporting_dates_fall_in_the_last_month_of_each_period(
        self, cadence, day, on_or_after, before
    ):
        assert workdays.report_date_on_or_after(cadence, 15, day) == on_or_after
        assert workdays.report_date_before(cadence, 15, day) == before

    def test_periods_span_the_cadence_months(self):
        from directives.periods import period

        for cadence, months in workdays.CADENCE_MONTHS.items():
            span = period(cadence, 2026, 1, start_day=1)
            assert span.start == D(2026, 1, 1)
            assert span.end.month == months
