"""Two-factor sign-in: a code from an authenticator app (TOTP), or a single-use recovery code.

Who must use it is ``units.access.requires_two_factor``; this module holds everything else. A
person has at most one confirmed authenticator (django-otp's ``TOTPDevice``) and one set of
recovery codes (a ``StaticDevice`` and its tokens). Enrolment makes an unconfirmed
authenticator whose QR code the person scans; a correct code from the app confirms it. Wrong
codes are throttled by django-otp: after n failures in a row the next try waits 2^(n-1)
seconds (``OTP_TOTP_THROTTLE_FACTOR``, ``OTP_STATIC_THROTTLE_FACTOR``).

The secret key leaves the database only as the QR code and the grouped text of the enrolment
page, which is never cached; the functions that hold it hide their variables from error
reports.
"""

from __future__ import annotations

import math
from base64 import b32encode
from datetime import datetime

import segno
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from units import access

RECOVERY_CODE_COUNT = 10
# Device names are never shown; they tell the rows apart in the database.
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_CODES_NAME = "recovery codes"


class CodeRefused(Exception):
    """A code that was not accepted; ``message`` tells the person why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TwoFactorError(Exception):
    """A change that does not apply to the person's two-factor as it is now."""


# --- The person's state ----------------------------------------------------------------------
def authenticator(user: object) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if two-factor is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: object) -> bool:
    """Whether ``user`` has turned two-factor on (confirmed an authenticator app)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def uses_two_factor(user: object) -> bool:
    """Whether a code is asked of ``user``: their role requires it, or they turned it on."""
    return access.requires_two_factor(user) or has_two_factor(user)


def gate(user: object) -> str | None:
    """Where a signed-in person must go before any other page, as a URL name.

    The code page when two-factor is on and this session has not given a code yet; enrolment
    when their role requires two-factor and they have not set it up; ``None`` otherwise.
    Needs django-otp's ``OTPMiddleware`` (``user.is_verified``).
    """
    if not getattr(user, "is_authenticated", False) or user.is_verified():
        return None
    if has_two_factor(user):
        return "units:two_factor_verify"
    if access.requires_two_factor(user):
        return "units:two_factor_setup"
    return None


def recovery_codes_left(user: object) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enabled_since(user: object) -> datetime | None:
    device = authenticator(user)
    return device.created_at if device else None


# --- Checking a code -------------------------------------------------------------------------
def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and hyphens ignored, letters in any case."""
    return "".join(code.split()).replace("-", "").lower()


def verify_code(user: object, code: str) -> Device:
    """Accept a current code from the person's app or one of their recovery codes (which is
    then spent); return the device that accepted it.

    Raises ``CodeRefused`` for a wrong code, while the person must wait after wrong codes (the
    wait of either device holds for both, so alternating them gains nothing), and when
    two-factor is not on.
    """
    code = normalise_code(code)
    with transaction.atomic():
        # Locked rows: two requests with the same code cannot both succeed.
        app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        spare = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        device, refusal = _check_code(app, spare, code)
    # Raised outside the transaction, so that the failure django-otp counted is kept.
    if refusal is not None:
        raise refusal
    return device


def _check_code(
    app: TOTPDevice | None, spare: StaticDevice | None, code: str
) -> tuple[Device | None, CodeRefused | None]:
    if app is None:
        return None, CodeRefused(_("Bạn chưa bật xác thực hai bước."), "not_enrolled")
    locked = [_locked_until(device) for device in (app, spare) if device is not None]
    if any(locked):
        return None, _throttled(max(moment for moment in locked if moment))
    from_app = code.isdigit() and len(code) == app.digits
    device = app if from_app else spare
    if device is not None and device.verify_token(code):
        return device, None
    if device is None:
        app.throttle_increment()  # a recovery code from someone who has none still counts
    if from_app:
        return None, CodeRefused(
            _("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng."), "wrong_code"
        )
    return None, CodeRefused(_("Mã dự phòng không đúng hoặc đã được dùng."), "wrong_code")


def _locked_until(device: Device) -> datetime | None:
    allowed, details = device.verify_is_allowed()
    return None if allowed else details["locked_until"]


def _throttled(locked_until: datetime) -> CodeRefused:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    if seconds < 120:
        wait = ngettext("%(count)d giây", "%(count)d giây", seconds) % {"count": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(count)d phút", "%(count)d phút", minutes) % {"count": minutes}
    return CodeRefused(
        _("Bạn đã nhập sai mã nhiều lần. Vui lòng chờ %(wait)s rồi thử lại.") % {"wait": wait},
        "throttled",
    )


# --- Enrolment -------------------------------------------------------------------------------
def enrolment_device(user: object) -> TOTPDevice:
    """The unconfirmed authenticator that enrolment shows, made on the first visit and kept
    until confirmed, so that reloading the page does not change a QR code already scanned.

    Raises ``TwoFactorError`` when two-factor is already on: a second app would let someone
    who knows only the password confirm their own phone and skip the code.
    """
    with transaction.atomic():
        if has_two_factor(user):
            raise TwoFactorError("two-factor is already on")
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@sensitive_variables()
def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's ``otpauth://`` address as a QR code in SVG markup for the page itself: no
    style attributes, scaled by the page's CSS, white quiet zone for dark screens."""
    svg = segno.make_qr(device.config_url, error="m").svg_inline(
        border=4, omitsize=True, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
    )
    # segno's markup holds only path data drawn from the matrix, no text of ours.
    return mark_safe(svg)  # noqa: S308


@sensitive_variables()
def secret_text(device: TOTPDevice) -> str:
    """The secret key in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


@sensitive_variables()
def confirm_authenticator(device: TOTPDevice, code: str, *, actor: object) -> list[str]:
    """Turn two-factor on with a code from the newly scanned app; return the recovery codes.

    Raises ``CodeRefused`` for a wrong code (throttled like any other) and ``TwoFactorError``
    if the device is not the actor's pending one any more.
    """
    with transaction.atomic():
        pending = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device.pk, user=actor, confirmed=False)
            .first()
        )
        if pending is None or has_two_factor(actor):
            raise TwoFactorError("no enrolment to confirm")
        refusal = _enrolment_refusal(pending, normalise_code(code))
        if refusal is None:
            pending.confirmed = True
            pending.created_at = timezone.now()  # on since now, not since the page was opened
            pending.save(update_fields=["confirmed", "created_at"])
            TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
            codes = _replace_recovery_codes(actor)
            _record(actor, actor, _("Bật xác thực hai bước."))
    if refusal is not None:
        raise refusal
    device.refresh_from_db()
    return codes


def _enrolment_refusal(device: TOTPDevice, code: str) -> CodeRefused | None:
    locked_until = _locked_until(device)
    if locked_until:
        return _throttled(locked_until)
    if device.verify_token(code):
        return None
    return CodeRefused(
        _("Mã không đúng. Hãy kiểm tra giờ trên điện thoại rồi nhập mã đang hiện trong ứng dụng."),
        "wrong_code",
    )


# --- Recovery codes, turning off, resetting --------------------------------------------------
def new_recovery_codes(*, actor: object) -> list[str]:
    """Replace the actor's recovery codes with new ones; the old ones stop working."""
    with transaction.atomic():
        if not has_two_factor(actor):
            raise TwoFactorError("two-factor is not on")
        codes = _replace_recovery_codes(actor)
        _record(actor, actor, _("Tạo mã dự phòng mới."))
    return codes


def turn_off_two_factor(*, actor: object) -> None:
    """Remove the actor's app and recovery codes; refused when their role requires them."""
    if not access.can_turn_off_two_factor(actor):
        raise PermissionDenied
    with transaction.atomic():
        _remove_devices(actor)
        _record(actor, actor, _("Tắt xác thực hai bước."))


def reset_two_factor(person: object, *, actor: object) -> None:
    """An administrator removes the app and recovery codes of someone who lost their phone.

    Their sessions lose the second factor at once; if their role requires two-factor they set
    it up again at their next page. Recorded in the person's history in the admin.
    """
    if not access.can_reset_two_factor(actor, person):
        raise PermissionDenied
    with transaction.atomic():
        _remove_devices(person)
        _record(person, actor, _("Đặt lại xác thực hai bước (mất điện thoại)."))


def _replace_recovery_codes(person: object) -> list[str]:
    device = StaticDevice.objects.filter(user=person).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=person, name=RECOVERY_CODES_NAME)
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()  # 8 characters of base32 from os.urandom
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    # Shown as "abcd-efgh"; typed with or without the hyphen (``normalise_code``).
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def _remove_devices(person: object) -> None:
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()


def _record(person: object, actor: object, message: str) -> None:
    """Write the change into the person's history, which the admin shows on their page."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[person],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
