"""The sign-in record, fed by Django's sign-in signals and django-axes's lockout signal.

``connect()`` runs from ``UnitsConfig.ready``. Whichever of axes's receivers and ours runs
first, a failed attempt is dated when axes first saw it (``axes_attempt_time``), so it sorts
before the lockout it causes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone

from units.choices import SignInEventKind

#: A username or an address was locked out of sign-in. Sent by ``services.do_record_lockout``
#: inside its transaction with ``event`` (the ``SignInEvent``), ``until`` (when the lock ends)
#: and ``username_locked``; the notifications app tells the person and the administrators.
sign_in_locked_out = Signal()


def signed_in(sender: object, request: HttpRequest, user: object, **kwargs: Any) -> None:
    from units.services import do_record_sign_in_event

    do_record_sign_in_event(SignInEventKind.SIGNED_IN, request=request, user=user)


def signed_out(sender: object, request: HttpRequest, user: object, **kwargs: Any) -> None:
    from units.services import do_record_sign_in_event

    if user is not None:
        do_record_sign_in_event(SignInEventKind.SIGNED_OUT, request=request, user=user)


def sign_in_failed(
    sender: object, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from units.services import do_record_sign_in_event, user_named

    username = str(credentials.get("username") or "")
    do_record_sign_in_event(
        SignInEventKind.FAILED,
        request=request,
        user=user_named(username),
        username=username,
        at=getattr(request, "axes_attempt_time", None) or timezone.now(),
    )


def locked_out(
    sender: object,
    request: HttpRequest,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    from units.services import do_record_lockout

    do_record_lockout(request=request, username=username, ip_address=ip_address)


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="units.sign_in_record.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="units.sign_in_record.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="units.sign_in_record.failed")
    from axes.signals import user_locked_out

    user_locked_out.connect(locked_out, dispatch_uid="units.sign_in_record.locked_out")
