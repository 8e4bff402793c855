"""Dates written the way Vietnamese official documents write them."""

from __future__ import annotations

import datetime

from django.utils import timezone


def long_date(value: datetime.date | None) -> str:
    """ "ngày 07 tháng 01 năm 2026": day and month always have two digits (Decree 30/2020)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"


def short_date(value: datetime.date | None) -> str:
    """ "07/01/2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def short_datetime(value: datetime.datetime | None) -> str:
    """ "09:30 07/01/2026", in the commune's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local:%H:%M} {short_date(local.date())}"


def long_datetime(value: datetime.datetime | None) -> str:
    """ "09:30 ngày 07 tháng 01 năm 2026", in the commune's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local:%H:%M} {long_date(local)}"


def place_date_line(
    place: str,
    value: datetime.date | None,
    *,
    month: int | None = None,
    year: int | None = None,
) -> str:
    """ "Sơn Mai, ngày 07 tháng 01 năm 2026", leaving blanks where a draft has no date yet."""
    if value is not None:
        return f"{place}, {long_date(value)}"
    month_text = f"{month:02d}" if month else "\u2002\u2002\u2002"
    year_text = str(year) if year else "\u2002\u2002\u2002\u2002"
    return f"{place}, ngày \u2002\u2002\u2002 tháng {month_text} năm {year_text}"
