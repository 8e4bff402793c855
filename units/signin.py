"""Sign-in throttling: who is locked out, until when, and re-checking a password.

django-axes counts failed attempts (``AccessAttempt`` rows, one per username, address and
browser) and refuses a username, or an address, whose failures within the cool-off reach
``AXES_FAILURE_LIMIT``. This module reads those counts the way axes does, so the lockout page,
the notices and the admin all say the same thing, and routes every password check of a
signed-in person through ``authenticate`` so that axes counts it and can refuse it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, as axes sees it (behind the proxy: from X-Forwarded-For)."""
    address = getattr(request, "axes_ip_address", None)
    return address if address is not None else get_client_ip_address(request)


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:255]


def cool_off() -> datetime.timedelta:
    return get_cool_off()


@dataclass(frozen=True)
class LockState:
    """Where one username or address stands: its recent failures and, if locked, until when."""

    failures: int
    ends_at: datetime.datetime | None

    @property
    def locked(self) -> bool:
        return self.ends_at is not None


def lock_state(*, now: datetime.datetime | None = None, **match: object) -> LockState:
    """The state of the attempts matching ``username=…`` or ``ip_address=…``.

    A row counts while its last failure is within the cool-off, so the lock ends when the
    newest rows alone no longer reach the limit: at the cool-off's end for the row at which
    the newest-first running total first reaches it.
    """
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - cool_off(), **match)
        .order_by("-attempt_time")
        .values_list("attempt_time", "failures_since_start")
    )
    total = 0
    ends_at = None
    for attempt_time, failures in rows:
        total += failures
        if ends_at is None and total >= settings.AXES_FAILURE_LIMIT:
            ends_at = attempt_time + cool_off()
    return LockState(failures=total, ends_at=ends_at)


def lock_ends_at(
    *, username: str | None, ip_address: str | None, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When sign-in opens again for this username from this address (None: not locked)."""
    ends = [
        state.ends_at
        for state in (
            lock_state(username=username, now=now) if username else None,
            lock_state(ip_address=ip_address, now=now) if ip_address else None,
        )
        if state is not None and state.ends_at is not None
    ]
    return max(ends, default=None)


def check_password_again(request: HttpRequest, password: str) -> bool:
    """Whether the signed-in person typed their own password, counted like a sign-in attempt.

    A wrong password is a failed attempt against their username and address; once they are
    locked out, even the right password is refused (and the lockout page is shown) until the
    cool-off ends.
    """
    user = request.user
    checked = authenticate(request, username=user.get_username(), password=password)
    return checked is not None and checked.pk == user.pk
