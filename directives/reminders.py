"""Reminders as the directives app sees them: an interface that the notifications app fills.

The notifications app plans reminders from assignments, so it sits above this app and this app
never imports it. Instead ``NotificationsConfig.ready`` registers its planner here; directive
registration then asks for new assignments to be scheduled and for the moment of the first
reminder through the two functions below. Without a registered planner (an installation
without reminders) nothing is scheduled and no first reminder is announced.
"""

from __future__ import annotations

import datetime
from typing import Protocol


class Planner(Protocol):
    def schedule_assignments(self, assignment_ids: list[int], now: datetime.datetime) -> None:
        """Give new assignments their reminder schedule now, in the caller's transaction."""

    def first_reminders(
        self, assignment_ids: list[int], now: datetime.datetime
    ) -> dict[int, datetime.datetime | None]:
        """{assignment id: when it is first reminded, or None}."""


_planner: Planner | None = None


def register_planner(planner: Planner) -> None:
    """Called once, from the notifications app's ``ready()``."""
    global _planner
    _planner = planner


def schedule(assignment_ids: list[int], now: datetime.datetime) -> None:
    if _planner is not None and assignment_ids:
        _planner.schedule_assignments(assignment_ids, now)


def first_reminder(assignment_ids: list[int], now: datetime.datetime) -> datetime.datetime | None:
    """The earliest first reminder of these assignments (None: nothing to remind)."""
    if _planner is None:
        return None
    moments = _planner.first_reminders(assignment_ids, now).values()
    return min((moment for moment in moments if moment), default=None)
