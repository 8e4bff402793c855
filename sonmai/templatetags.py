"""Template filters available in every template (registered as builtins in settings)."""

import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import get_language

from sonmai.lib import vndate

register = template.Library()

register.filter("short_date", vndate.short_date)
register.filter("short_datetime", vndate.short_datetime)


@register.filter
def long_date(value: datetime.date | None) -> str:
    """ "ngày 07 tháng 01 năm 2026"; on an English page "7 January 2026".

    Official documents (PDF, DOCX) are rendered with Vietnamese forced, so they keep the
    Decree 30/2020 form whatever the reader chose.
    """
    if value is None or get_language() != "en":
        return vndate.long_date(value)
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dateformat.format(value, "j F Y")


@register.filter
def lines(value: str) -> list[str]:
    """Split a multi-line text field into its non-empty lines."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@register.filter
def in_set(value: object, collection: object) -> bool:
    """``{% if path|in_set:marks %}``: membership with a computed left side."""
    try:
        return value in collection
    except TypeError:
        return False


@register.filter
def get_item(mapping: object, key: object) -> object:
    """``mapping|get_item:key`` for dictionaries keyed by a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def list_items(value: str) -> list[str]:
    """The lines of a list as an official document prints them: each but the last ends with
    ";", the last with "." ("- Như trên;" … "- Lưu: VT.")."""
    items = [line.strip().rstrip(" ;.,") for line in (value or "").splitlines() if line.strip()]
    return [f"{item}{';' if i < len(items) - 1 else '.'}" for i, item in enumerate(items)]


@register.filter
def width_class(percent: object) -> str:
    """``{{ a.percent_done|width_class }}`` → ``w-pct-40``: a bar's width as a class.

    The Content-Security-Policy forbids ``style`` attributes, so a bar cannot say
    ``style="width: 40%"``; ``static/css/app.css`` has one class for every whole percent.
    Anything that is not a number counts as 0; the value is rounded and kept within 0–100.
    """
    try:
        value = round(float(percent))
    except (TypeError, ValueError, OverflowError):
        value = 0
    return f"w-pct-{min(max(value, 0), 100)}"
