import math
from urllib.parse import urlencode

import django_otp
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from sonmai.lib.http import safe_next
from units import access, signin, twofactor
from units.forms import (
    ChangePasswordForm,
    EnrolmentForm,
    NewPasswordForm,
    ResetPasswordForm,
    TwoFactorCodeForm,
)


# --- Signing in: the lockout page and passwords -------------------------------------------------
def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page django-axes shows instead of the sign-in (or the approval) once a username or
    an address is locked out (``AXES_LOCKOUT_CALLABLE``): until when, in the commune's time."""
    username = get_client_username(request, credentials)
    until = signin.lock_ends_at(username=username, ip_address=signin.client_address(request))
    if until is None:  # lifted between the refusal and this page: the cool-off is the bound
        until = timezone.now() + signin.cool_off()
    response = render(
        request,
        "registration/locked_out.html",
        {"until": until, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return response


@login_required
@sensitive_post_parameters()
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(
                request,
                _("Đã đổi mật khẩu. Nếu bạn đang đăng nhập ở máy khác, ở đó đã bị đăng xuất."),
            )
            return redirect("home")
        return render(request, "registration/password_change.html", {"form": form}, status=400)
    return render(request, "registration/password_change.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """ "Quên mật khẩu?": a link by e-mail, whether or not the address names an account."""

    form_class = ResetPasswordForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "emails/password_reset-subject.txt"
    email_template_name = "emails/password_reset-body.txt"
    html_email_template_name = "emails/password_reset-body.html"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    # The link's token is swapped for this in the address bar (Django keeps it in the session).
    reset_url_token = "dat-mat-khau"  # noqa: S105 (a path segment, not a secret)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- Two-factor sign-in (units/twofactor.py) ---------------------------------------------------
# Every page here is never cached: they show the secret key, recovery codes or ask for codes.
# Error reports leave out the codes posted and every variable below the view (the template
# context holds the key and the recovery codes).


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    next_url = safe_next(request, reverse("home"))
    step = twofactor.gate(request.user)
    if step != "units:two_factor_verify":
        # Nothing to give a code for (already given, or two-factor is off), or enrolment first.
        return redirect(_with_next(step, next_url) if step else next_url)
    form = TwoFactorCodeForm(
        request.POST if request.method == "POST" else None, user=request.user, request=request
    )
    if form.is_valid():
        django_otp.login(request, form.device)
        request.session.cycle_key()
        if isinstance(form.device, StaticDevice):
            left = twofactor.recovery_codes_left(request.user)
            messages.warning(
                request,
                ngettext(
                    "Bạn vừa dùng một mã dự phòng; còn %(count)d mã. Khi tìm lại được điện "
                    "thoại, hãy tạo mã dự phòng mới ở trang Bảo mật tài khoản.",
                    "Bạn vừa dùng một mã dự phòng; còn %(count)d mã. Khi tìm lại được điện "
                    "thoại, hãy tạo mã dự phòng mới ở trang Bảo mật tài khoản.",
                    left,
                )
                % {"count": left},
            )
        return redirect(next_url)
    return render(request, "units/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the key), confirm with a code, get recovery codes."""
    user = request.user
    next_url = safe_next(request, reverse("units:account_security"))
    try:
        device = twofactor.enrolment_device(user)
    except twofactor.TwoFactorError:
        messages.info(request, _("Xác thực hai bước của bạn đang bật."))
        return redirect("units:account_security")
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            codes = twofactor.confirm_authenticator(
                device, form.cleaned_data["otp_token"], actor=user
            )
        except twofactor.CodeRefused as refusal:
            form.add_error("otp_token", refusal.message)
        except twofactor.TwoFactorError:
            return redirect("units:account_security")
        else:
            django_otp.login(request, device)
            request.session.cycle_key()
            return render(
                request,
                "units/recovery_codes.html",
                {"codes": codes, "just_enrolled": True, "next": next_url},
            )
    return render(
        request,
        "units/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            # Held here before any other page: no menu, a way to sign out instead.
            "at_gate": twofactor.gate(user) is not None,
            "required": access.requires_two_factor(user),
            "qr_code": twofactor.qr_code_svg(device),
            "secret": twofactor.secret_text(device),
            "setup_url": device.config_url,
        },
    )


def _security_page(request: HttpRequest, codes_form=None, off_form=None) -> HttpResponse:
    user = request.user
    return render(
        request,
        "units/account_security.html",
        {
            "enabled_since": twofactor.enabled_since(user),
            "required": access.requires_two_factor(user),
            "can_turn_off": access.can_turn_off_two_factor(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "codes_form": codes_form or TwoFactorCodeForm(user=user, prefix="codes"),
            "off_form": off_form or TwoFactorCodeForm(user=user, prefix="off"),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def account_security(request: HttpRequest) -> HttpResponse:
    """The "Bảo mật tài khoản" page: two-factor on or off, recovery codes left and new ones."""
    return _security_page(request)


@never_cache
@sensitive_post_parameters("codes-otp_token")
@login_required
@require_POST
@sensitive_variables()
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_two_factor(request.user):
        return redirect("units:account_security")
    form = TwoFactorCodeForm(request.POST, user=request.user, prefix="codes")
    if not form.is_valid():
        return _security_page(request, codes_form=form)
    codes = twofactor.new_recovery_codes(actor=request.user)
    return render(
        request,
        "units/recovery_codes.html",
        {"codes": codes, "just_enrolled": False, "next": reverse("units:account_security")},
    )


@never_cache
@sensitive_post_parameters("off-otp_token")
@login_required
@require_POST
@sensitive_variables()
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if not access.can_turn_off_two_factor(request.user):
        raise PermissionDenied
    if not twofactor.has_two_factor(request.user):
        return redirect("units:account_security")
    form = TwoFactorCodeForm(request.POST, user=request.user, prefix="off")
    if not form.is_valid():
        return _security_page(request, off_form=form)
    twofactor.turn_off_two_factor(actor=request.user)
    messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect("units:account_security")
