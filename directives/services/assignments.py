"""Changing an existing assignment's terms, the one way both the Excel import and the directive
editor do it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from directives.models import Assignment
from directives.services.extensions import change_due_date

if TYPE_CHECKING:
    from units.models import User


def update_assignment(
    assignment: Assignment,
    *,
    actor: User,
    note: str,
    role: str,
    cadence: str,
    report_day: int,
    due_date: datetime.date | None,
) -> bool:
    """Bring ``assignment`` to these terms; one taken away is given back. The history records
    what changed, with ``note``; a moved deadline goes through ``change_due_date`` (the record
    extensions use). Returns whether anything changed."""
    fields = {
        "role": role,
        "cadence": cadence,
        "report_day": report_day,
        "removed_at": None,
        "removed_by": None,
    }
    dirty = [name for name, value in fields.items() if getattr(assignment, name) != value]
    for name in dirty:
        setattr(assignment, name, fields[name])
    if dirty:
        assignment.version += 1
        assignment.save(history_note=note)
    if assignment.due_date != due_date:
        change_due_date(assignment, actor=actor, new_due_date=due_date, reason=note)
        dirty.append("due_date")
    return bool(dirty)
