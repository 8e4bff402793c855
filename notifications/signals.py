"""Keep the planner's view fresh when the working calendar changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from directives.calendar import WorkCalendar
from directives.models import WorkdayException


@receiver([post_save, post_delete], sender=WorkdayException)
def workday_exceptions_changed(sender: type, **kwargs: Any) -> None:
    from notifications.services import replan_everything

    WorkCalendar.forget()
    # Every open assignment's reminder dates may have moved by a day.
    transaction.on_commit(replan_everything)
