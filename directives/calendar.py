"""The portal's one calendar: working days, cadences, reporting dates, deadlines and "due soon".

Working days are counted as Vietnam counts them, and the working hours in which reminders go
out come from the settings.

A day is a working day unless it falls on a weekend (Saturday, Sunday) or a public holiday
(``holidays.country_holidays("VN")``: New Year, Tết, Hùng Kings, 30/4, 1/5, National Day, and the
substitute days the package knows), with the government's announced changes on top: the
``WorkdayException`` rows an administrator keeps (a day off, or a make-up working day on a
weekend) win over the package, and the package's own make-up Saturdays count as working days.

The plain functions (``is_working_day``, ``add_working_days``, ``working_days_between``,
``next_working_days``, ``next_working_time``) use the current calendar and are what other apps
import. Code that asks thousands of questions in one go (the reminder planner) takes one
``WorkCalendar.current()`` and calls its methods, so the exceptions are read once.

Every count of days a person reads (days left, days late, "due soon") is in working days, and
comes from here: ``days_left``, ``days_late`` and ``is_due_soon``. Cadences (``CADENCE_MONTHS``)
and periodic reporting dates (``report_date_on_or_after``, ``report_date_before``) too.
"""

from __future__ import annotations

import datetime
import threading
import time
from functools import lru_cache

import holidays
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from directives.choices import Cadence, WorkdayExceptionKind

#: How many months one cadence period spans.
#: Keyed by the stored cadence code (a ``Cadence`` is one).
CADENCE_MONTHS: dict[str, int] = {
    Cadence.MONTHLY: 1,
    Cadence.QUARTERLY: 3,
    Cadence.HALF_YEARLY: 6,
    Cadence.YEARLY: 12,
}
#: A deadline this many working days away or fewer is "due soon" (pages and e-mails alike).
DUE_SOON_WORKING_DAYS = 7

#: How long a process trusts its copy of the announced days before checking the database again.
CACHE_SECONDS = 30


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


def public_holiday_name(day: datetime.date) -> str | None:
    """The Vietnamese name of the public holiday on ``day`` ("Tết Nguyên Đán"), if any."""
    return _public_holidays(day.year).get(day)


class WorkCalendar:
    """Working days for a given set of announced exceptions ({date: kind})."""

    def __init__(self, exceptions: dict[datetime.date, str] | None = None) -> None:
        self.exceptions = dict(exceptions or {})
        # The planner asks about the same few hundred days many thousand times.
        self._memo: dict[datetime.date, bool] = {}
        self._shifted: dict[tuple[datetime.date, int], datetime.date] = {}
        self._starts: dict[tuple[datetime.date, datetime.time], datetime.datetime] = {}

    # --- Loading with a small per-process cache -------------------------------------------------
    _lock = threading.Lock()
    _cached: WorkCalendar | None = None
    _cached_stamp: tuple[int, object] | None = None
    _checked_at = 0.0

    @classmethod
    def current(cls) -> WorkCalendar:
        """The calendar with the exceptions now in the database (cached for CACHE_SECONDS)."""
        from directives.models import WorkdayException

        with cls._lock:
            if cls._cached is not None and time.monotonic() - cls._checked_at < CACHE_SECONDS:
                return cls._cached
            stats = WorkdayException.objects.aggregate(count=Count("id"), last=Max("updated_at"))
            stamp = (stats["count"], stats["last"])
            if cls._cached is None or stamp != cls._cached_stamp:
                rows = WorkdayException.objects.values_list("date", "kind")
                cls._cached = cls(dict(rows))
                cls._cached_stamp = stamp
            cls._checked_at = time.monotonic()
            return cls._cached

    @classmethod
    def forget(cls) -> None:
        """Drop the cached copy (called when an exception row is saved or deleted)."""
        with cls._lock:
            cls._cached = None
            cls._cached_stamp = None

    # --- Days ------------------------------------------------------------------------------------
    def is_working_day(self, day: datetime.date) -> bool:
        known = self._memo.get(day)
        if known is None:
            known = self._memo[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: datetime.date) -> bool:
        announced = self.exceptions.get(day)
        if announced == WorkdayExceptionKind.WORKING_DAY:
            return True
        if announced == WorkdayExceptionKind.DAY_OFF:
            return False
        calendar = _public_holidays(day.year)
        if day in calendar.weekend_workdays:
            return True
        return day.weekday() < 5 and day not in calendar

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``day`` (before it when negative); ``day`` itself
        for 0. ``add_working_days(Friday, 1)`` is the next Monday when that is a working day."""
        known = self._shifted.get((day, count))
        if known is not None:
            return known
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        while remaining:
            current += datetime.timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        self._shifted[(day, count)] = current
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is
        earlier. A task due on ``start`` and still open on ``end`` is this many working days
        late."""
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_days(self, start: datetime.date, count: int) -> list[datetime.date]:
        """The first ``count`` working days on or after ``start``."""
        days: list[datetime.date] = []
        current = start
        while len(days) < count:
            if self.is_working_day(current):
                days.append(current)
            current += datetime.timedelta(days=1)
        return days

    def working_day_on_or_before(self, day: datetime.date) -> datetime.date:
        return day if self.is_working_day(day) else self.add_working_days(day, -1)

    def working_day_on_or_after(self, day: datetime.date) -> datetime.date:
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    # --- Hours -----------------------------------------------------------------------------------
    def window_start(self, day: datetime.date) -> datetime.datetime:
        """When reminders for ``day`` may start going out (in the commune's time zone)."""
        key = (day, settings.REMINDER_WINDOW_START)
        start = self._starts.get(key)
        if start is None:
            start = self._starts[key] = timezone.make_aware(
                datetime.datetime.combine(day, settings.REMINDER_WINDOW_START),
                timezone.get_default_timezone(),
            )
        return start

    def window_end(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(day, settings.REMINDER_WINDOW_END),
            timezone.get_default_timezone(),
        )

    def is_working_time(self, moment: datetime.datetime) -> bool:
        local = timezone.localtime(moment)
        day = local.date()
        return self.is_working_day(day) and self.window_start(day) <= moment < self.window_end(day)

    def next_working_time(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment`` if it is inside working hours, else the start of the next window."""
        if self.is_working_time(moment):
            return moment
        day = timezone.localtime(moment).date()
        if self.is_working_day(day) and moment < self.window_start(day):
            return self.window_start(day)
        return self.window_start(self.add_working_days(day, 1))


def calendar() -> WorkCalendar:
    return WorkCalendar.current()


def is_working_day(day: datetime.date) -> bool:
    return calendar().is_working_day(day)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    return calendar().add_working_days(day, count)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return calendar().working_days_between(start, end)


def next_working_days(start: datetime.date, count: int) -> list[datetime.date]:
    return calendar().next_working_days(start, count)


def is_working_time(moment: datetime.datetime) -> bool:
    return calendar().is_working_time(moment)


def next_working_time(moment: datetime.datetime) -> datetime.datetime:
    return calendar().next_working_time(moment)


# --- Deadlines ----------------------------------------------------------------------------------
def days_left(
    due_date: datetime.date | None, today: datetime.date, work: WorkCalendar | None = None
) -> int | None:
    """Working days from ``today`` to ``due_date``: 0 on the due day, negative when late
    (``-days_late``), None without a deadline."""
    if due_date is None:
        return None
    return (work or calendar()).working_days_between(today, due_date)


def days_late(due_date: datetime.date, day: datetime.date, work: WorkCalendar | None = None) -> int:
    """Working days by which ``day`` is past ``due_date`` (at least 1 once it is past)."""
    if day <= due_date:
        return 0
    return max((work or calendar()).working_days_between(due_date, day), 1)


def due_soon_until(today: datetime.date, work: WorkCalendar | None = None) -> datetime.date:
    """The last day whose deadline is "due soon" seen from ``today``."""
    return (work or calendar()).add_working_days(today, DUE_SOON_WORKING_DAYS)


def is_due_soon(
    due_date: datetime.date | None, today: datetime.date, work: WorkCalendar | None = None
) -> bool:
    """Due today or within ``DUE_SOON_WORKING_DAYS`` working days (not yet late)."""
    return due_date is not None and today <= due_date <= due_soon_until(today, work)


# --- Cadences and reporting dates ---------------------------------------------------------------
def report_date_on_or_after(cadence: str, report_day: int, day: datetime.date) -> datetime.date:
    """The first reporting date on or after ``day``: ``report_day`` of the last month of each
    period of ``cadence``."""
    months = CADENCE_MONTHS[cadence]
    year, month = day.year, day.month
    while True:
        if month % months == 0:
            candidate = datetime.date(year, month, report_day)
            if candidate >= day:
                return candidate
        month += 1
        if month > 12:
            year, month = year + 1, 1


def report_date_before(cadence: str, report_day: int, day: datetime.date) -> datetime.date:
    """The last reporting date strictly before ``day``."""
    months = CADENCE_MONTHS[cadence]
    year, month = day.year, day.month
    while True:
        if month % months == 0:
            candidate = datetime.date(year, month, report_day)
            if candidate < day:
                return candidate
        month -= 1
        if month < 1:
            year, month = year - 1, 12
