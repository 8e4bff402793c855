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


def _display(field: models.Field, value: object, names: dict | None = None) -> str:
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        return ", ".join((names or {}).get((field.related_model, v), f"#{v}") for v in value)
    if isinstance(field, models.ForeignKey):
        return (names or {}).get((field.related_model, value), f"#{value}")
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
    if isinstance(field, models.PositiveSmallIntegerField) and field.name == "percent_done":
        return f"{value}%"
    return str(value)


def foreign_names(entries: list[HistoryEntry]) -> dict[tuple[type, object], str]:
    """Names of the people, units and records that changes point to, one query per kind."""
    wanted: dict[type, set] = {}
    for entry in entries:
        model = entry.model_class()
        for name, pair in (entry.changes or {}).items():
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: S112 - a field removed since the entry was written
                continue
            if isinstance(field, models.ForeignKey):
                wanted.setdefault(field.related_model, set()).update(v for v in pair if v)
            elif field.many_to_many:
                wanted.setdefault(field.related_model, set()).update(
                    v for side in pair if isinstance(side, list) for v in side
                )
    names = {}
    for model, ids in wanted.items():
        rows = model._base_manager.filter(pk__in=ids)
        if model._meta.label == "directives.Assignment":
            rows = rows.select_related("task__section", "unit")
        names.update({(model, row.pk): str(row) for row in rows})
    return names


def describe(entry: HistoryEntry, names: dict | None = None) -> list[ChangeLine]:
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
        lines.append(
            ChangeLine(label, _display(field, pair[0], names), _display(field, pair[1], names))
        )
    return lines


def object_label(entry: HistoryEntry) -> str:
    model = entry.model_class()
    return str(model._meta.verbose_name).capitalize() if model else ""
