"""Filters for printed reports: Vietnamese number formatting and bucket codes."""

from __future__ import annotations

from django import template

from directives.choices import Bucket
from reports.choices import BUCKET_CODES

register = template.Library()


@register.filter
def vn_number(value: float | int | None) -> str:
    """1845 → "1.845", 12.5 → "12,5": Vietnamese thousands dot and decimal comma."""
    if value is None or value == "":
        return ""
    number = float(value)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


@register.filter
def bucket_code(value: str) -> str:
    return BUCKET_CODES.get(Bucket(value), "") if value else ""
