"""Reporting periods and their data windows.

Provinces collect periodic reports on data from the 15th of the month before the period to the
14th of its last month (a monthly report for November covers 15/10–14/11; a yearly one
15/12–14/12). The start day is configurable; a start day of 1 gives calendar periods.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from directives.calendar import CADENCE_MONTHS
from directives.choices import Cadence

_KEY = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$"
)


@dataclass(frozen=True)
class Period:
    kind: str  # a Cadence value
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2, or 1 for a year
    start: datetime.date
    end: datetime.date

    @property
    def key(self) -> str:
        return {
            Cadence.MONTHLY: f"{self.year}-{self.index:02d}",
            Cadence.QUARTERLY: f"{self.year}-Q{self.index}",
            Cadence.HALF_YEARLY: f"{self.year}-H{self.index}",
        }.get(self.kind, str(self.year))

    @property
    def label(self) -> str:
        if self.kind == Cadence.MONTHLY:
            return _("Tháng %(month)02d/%(year)d") % {"month": self.index, "year": self.year}
        if self.kind == Cadence.QUARTERLY:
            return _("Quý %(quarter)d/%(year)d") % {"quarter": self.index, "year": self.year}
        if self.kind == Cadence.HALF_YEARLY:
            if self.index == 1:
                return _("6 tháng đầu năm %(year)d") % {"year": self.year}
            return _("6 tháng cuối năm %(year)d") % {"year": self.year}
        return _("Năm %(year)d") % {"year": self.year}

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + delta
    return total // 12, total % 12 + 1


def period(kind: str, year: int, index: int, *, start_day: int = 15) -> Period:
    """The period ``index`` of ``year``, e.g. (QUARTERLY, 2026, 4) → Quý 4/2026."""
    months = CADENCE_MONTHS[kind]
    last_month = index * months
    first_month = last_month - months + 1
    if start_day <= 1:
        start = datetime.date(year, first_month, 1)
        next_year, next_month = _month_shift(year, last_month, 1)
        end = datetime.date(next_year, next_month, 1) - datetime.timedelta(days=1)
    else:
        start_year, start_month = _month_shift(year, first_month, -1)
        start = datetime.date(start_year, start_month, start_day)
        end = datetime.date(year, last_month, start_day - 1)
    return Period(kind, year, index, start, end)


def period_containing(day: datetime.date, kind: str, *, start_day: int = 15) -> Period:
    """The period whose data window contains ``day`` (15/11 already counts for December)."""
    months = CADENCE_MONTHS[kind]
    year, month = day.year, day.month
    if start_day > 1 and day.day >= start_day:
        year, month = _month_shift(year, month, 1)
    index = (month - 1) // months + 1
    return period(kind, year, index, start_day=start_day)


def parse_key(key: str, *, start_day: int = 15) -> Period | None:
    """ "2026-11", "2026-Q4", "2026-H2" or "2026" → the period; None for anything else."""
    match = _KEY.match(key or "")
    if not match:
        return None
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        return None
    if match["month"]:
        month = int(match["month"])
        return (
            period(Cadence.MONTHLY, year, month, start_day=start_day) if 1 <= month <= 12 else None
        )
    if match["quarter"]:
        return period(Cadence.QUARTERLY, year, int(match["quarter"]), start_day=start_day)
    if match["half"]:
        return period(Cadence.HALF_YEARLY, year, int(match["half"]), start_day=start_day)
    return period(Cadence.YEARLY, year, 1, start_day=start_day)


def recent_periods(today: datetime.date, *, start_day: int = 15) -> list[Period]:
    """Choices for a period filter: this and the previous months, quarters, halves, years."""
    periods = []
    for kind, count in (
        (Cadence.MONTHLY, 6),
        (Cadence.QUARTERLY, 4),
        (Cadence.HALF_YEARLY, 2),
        (Cadence.YEARLY, 2),
    ):
        current = period_containing(today, kind, start_day=start_day)
        for _step in range(count):
            periods.append(current)
            current = period_containing(
                current.start - datetime.timedelta(days=1), kind, start_day=start_day
            )
    return periods
