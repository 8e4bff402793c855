"""Turning recorded changes into sentences a commune officer can read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from directives.models import HistoryEntry
from sonmai.lib.vndate import short_date, short_datetime


@dataclass
class ChangeLine:
    label: str
    old: str
    new: str


def _display(field: models.Field, value: object) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        try:
            return short_datetime(datetime.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(field, models.DateField):
        try:
            return short_date(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(field, models.ForeignKey):
        return f"#{value}"
    if isinstance(field, models.PositiveSmallIntegerField) and field.name == "percent_done":
        return f"{value}%"
    return str(value)


def describe(entry: HistoryEntry) -> list[ChangeLine]:
    model = entry.model_class()
    lines = []
    for name, pair in (entry.changes or {}).items():
        try:
            field = model._meta.get_field(name)
        except Exception:
            lines.append(ChangeLine(name, str(pair[0]), str(pair[1])))
            continue
        if name == "removed_at":
            lines.append(ChangeLine(_("Gỡ bỏ"), "", _display(field, pair[1])))
            continue
        label = str(field.verbose_name).capitalize()
        lines.append(ChangeLine(label, _display(field, pair[0]), _display(field, pair[1])))
    return lines


def object_label(entry: HistoryEntry) -> str:
    model = entry.model_class()
    return str(model._meta.verbose_name).capitalize() if model else ""
