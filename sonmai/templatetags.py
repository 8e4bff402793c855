"""Template filters available in every template (registered as builtins in settings)."""

from django import template

from sonmai.lib import vndate

register = template.Library()

register.filter("long_date", vndate.long_date)
register.filter("short_date", vndate.short_date)
register.filter("short_datetime", vndate.short_datetime)


@register.filter
def lines(value: str) -> list[str]:
    """Split a multi-line text field into its non-empty lines."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
