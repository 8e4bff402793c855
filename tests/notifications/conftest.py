import datetime

import pytest
import time_machine
from django.utils import timezone

from directives.calendar import WorkCalendar
from notifications import planning

VN = timezone.get_fixed_timezone(7 * 60)


def at(*args) -> datetime.datetime:
    """A moment in the commune's time zone."""
    return datetime.datetime(*args, tzinfo=VN)


@pytest.fixture(autouse=True)
def fresh_calendar():
    WorkCalendar.forget()
    yield
    WorkCalendar.forget()


@pytest.fixture
def run_pass(django_capture_on_commit_callbacks):
    """``run_pass(moment)``: one beat pass at ``moment`` with time frozen; the deliveries it
    enqueues are sent by the eager Celery worker of the test settings."""

    def run(moment: datetime.datetime) -> planning.PassResult:
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return planning.run_pass(timezone.now())

    return run
