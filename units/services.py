"""State changes of the units app: the sign-in record, sign-in locks and passwords.

Every function here writes a ``SignInEvent``; the receivers in ``units.signals`` call them for
Django's and django-axes's sign-in signals, the admin and the password pages call them
directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sonmai.lib.i18n import portal_language
from sonmai.lib.vndate import long_datetime
from units import signals
from units.choices import SignInEventKind
from units.models import SignInEvent, User
from units.signin import client_address, lock_ends_at, lock_state, user_agent


def user_named(username: str | None) -> User | None:
    """The account a typed username names (exactly, as Django's sign-in matches it)."""
    if not username:
        return None
    return User.objects.filter(username=username).first()


def do_record_sign_in_event(
    kind: SignInEventKind,
    *,
    request: HttpRequest | None,
    user: User | None = None,
    username: str | None = None,
    actor: User | None = None,
    **fields: object,
) -> SignInEvent:
    """Write one line of the sign-in record: what, who, from which address and browser.

    ``request`` gives the address, browser and page (None for a change made outside a
    request); ``fields`` overrides any of them.
    """
    details: dict[str, object] = {}
    if request is not None:
        details = {
            "ip_address": client_address(request),
            "user_agent": user_agent(request),
            "path": request.path[:255],
        }
    details.update(fields)
    if username is None:
        username = user.get_username() if user is not None else ""
    return SignInEvent.objects.create(
        kind=kind, user=user, username=username[:255], actor=actor, **details
    )


def do_record_lockout(
    *, request: HttpRequest, username: str | None, ip_address: str | None
) -> SignInEvent | None:
    """Record a lockout that starts with this attempt and tell the person and the
    administrators.

    django-axes signals a lockout at every attempt refused during one; a lockout *starts* at
    the attempt whose failures reach the limit exactly, for the username or for the address
    (each attempt adds one failure to both). Later refused attempts record only their failure.
    """
    limit = settings.AXES_FAILURE_LIMIT
    username_locked = bool(username) and lock_state(username=username).failures == limit
    address_locked = bool(ip_address) and lock_state(ip_address=ip_address).failures == limit
    if not (username_locked or address_locked):
        return None
    until = lock_ends_at(username=username, ip_address=ip_address)
    with portal_language():
        if username_locked and address_locked:
            scope = _("Khóa tên đăng nhập và địa chỉ IP")
        elif username_locked:
            scope = _("Khóa tên đăng nhập")
        else:
            scope = _("Khóa địa chỉ IP")
        note = _("%(scope)s đến %(until)s.") % {"scope": scope, "until": long_datetime(until)}
    with transaction.atomic():
        event = do_record_sign_in_event(
            SignInEventKind.LOCKED_OUT,
            request=request,
            user=user_named(username),
            username=username or "",
            note=note,
        )
        signals.sign_in_locked_out.send(
            sender=SignInEvent, event=event, until=until, username_locked=username_locked
        )
    return event


def do_unlock_sign_in(
    *,
    usernames: Sequence[str] = (),
    ip_addresses: Sequence[str] = (),
    actor: User,
    request: HttpRequest | None,
) -> int:
    """Lift the locks of these usernames and addresses now (an administrator, in the admin).

    Deletes their failed-attempt rows (an attempt row names both a username and an address,
    so lifting one also lowers the other's count). Returns the number of rows deleted.
    """
    names = sorted({name for name in usernames if name})
    addresses = sorted({address for address in ip_addresses if address})
    if not names and not addresses:
        return 0
    with transaction.atomic():
        deleted: int
        deleted, _rows = AccessAttempt.objects.filter(
            Q(username__in=names) | Q(ip_address__in=addresses)
        ).delete()
        with portal_language():
            by_name, by_address = _("Mở khóa tên đăng nhập."), _("Mở khóa địa chỉ IP.")
        for username in names:
            do_record_sign_in_event(
                SignInEventKind.UNLOCKED,
                request=request,
                user=user_named(username),
                username=username,
                actor=actor,
                ip_address=None,
                note=by_name,
            )
        for address in addresses:
            do_record_sign_in_event(
                SignInEventKind.UNLOCKED,
                request=request,
                username="",
                actor=actor,
                ip_address=address,
                note=by_address,
            )
    return deleted


def do_set_password(
    user: User,
    password: str,
    *,
    actor: User | None,
    request: HttpRequest,
    kind: SignInEventKind,
) -> None:
    """Give ``user`` a new password: changed by themselves (``actor`` is the user) or set
    through the e-mailed reset link (``actor`` is None).

    Every other session of the person ends: Django ties a session to the password's hash, so
    the sessions opened with the old one are signed out at their next request; the session
    that changed it is kept. Resetting through the e-mail also lifts the lock on the
    username: whoever reads the mailbox may choose the password anyway.
    """
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        if kind == SignInEventKind.PASSWORD_RESET:
            AccessAttempt.objects.filter(username=user.get_username()).delete()
        do_record_sign_in_event(kind, request=request, user=user)
    if actor is not None and getattr(request, "user", None) == user:
        update_session_auth_hash(request, user)
