"""Sign-in forms: passwords (change one's own, ask for a reset link, choose a new one) and
the two-factor codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sonmai.lib.formhelpers import crispy_helper
from sonmai.lib.http import absolute_url
from sonmai.lib.i18n import portal_language
from units import services, twofactor
from units.choices import SignInEventKind
from units.signin import check_password_again


class _SavesThroughService:
    """``save()`` sets the password through ``services.do_set_password``, which records the
    change and ends the person's other sessions."""

    event_kind: SignInEventKind

    def __init__(self, user: object, *args: Any, request: HttpRequest, **kwargs: Any):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def save(self, commit: bool = True) -> object:
        actor = self.user if self.event_kind == SignInEventKind.PASSWORD_CHANGED else None
        services.do_set_password(
            self.user,
            self.cleaned_data["new_password1"],
            actor=actor,
            request=self.request,
            kind=self.event_kind,
        )
        return self.user


class NewPasswordForm(_SavesThroughService, auth_forms.SetPasswordForm):
    """The new password, chosen through the link of a reset e-mail."""

    event_kind = SignInEventKind.PASSWORD_RESET


class ChangePasswordForm(_SavesThroughService, auth_forms.PasswordChangeForm):
    """A signed-in person's own password, changed after typing the current one.

    The current password is checked like a sign-in (``check_password_again``): guessing it
    here counts towards the lockout. When only the new password is refused, the current one
    stays filled in so that the person types just the new one again.
    """

    event_kind = SignInEventKind.PASSWORD_CHANGED
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("Mật khẩu hiện tại không đúng. Hãy nhập lại."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not check_password_again(self.request, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.errors and "old_password" not in self.errors:
            self.fields["old_password"].widget.render_value = True


class ResetPasswordForm(auth_forms.PasswordResetForm):
    """The address a reset link is sent to. Whether it names an account is never shown:
    the page after it reads the same either way."""

    email = forms.EmailField(
        label=_("Địa chỉ thư điện tử của bạn"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Nhập địa chỉ thư điện tử đã đăng ký với cổng."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ."),
        },
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """The e-mail in Vietnamese whatever language the page was read in, in the layout of
        the portal's other e-mails, its link made from SITE_URL."""
        user = context["user"]
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        context = {
            **context,
            "recipient": user,
            "organisation": getattr(user.organisation, "name", ""),
            "link": absolute_url(path),
            "site_url": settings.SITE_URL.rstrip("/"),
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }
        with portal_language():
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class OneTimeCodeField(forms.CharField):
    """A six-digit code from the authenticator app (or a recovery code where one is accepted).

    The phone's number pad, and the code offered by the phone's autofill where it has one.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mã xác thực"))
        kwargs.setdefault("help_text", _("Mã 6 chữ số đang hiện trong ứng dụng xác thực."))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": _("Nhập mã xác thực.")})
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "autocapitalize": "none",
                    "spellcheck": "false",
                    "class": "otp-input",
                }
            ),
        )
        super().__init__(**kwargs)


def check_code(user: object, code: str, request: HttpRequest | None = None) -> object:
    """``twofactor.verify_code`` for a form's clean method: a refusal becomes the field's error
    (and, with the request, a failed attempt in the sign-in record). Returns the device that
    accepted the code."""
    try:
        return twofactor.verify_code(user, code)
    except twofactor.CodeRefused as refusal:
        if request is not None and refusal.code == "wrong_code":
            with portal_language():
                note = _("Mã xác thực hai bước không đúng.")
            services.do_record_sign_in_event(
                SignInEventKind.FAILED, request=request, user=user, note=str(note)
            )
        raise forms.ValidationError(refusal.message, code=refusal.code) from None


class TwoFactorCodeForm(forms.Form):
    """The code asked at sign-in and before changing one's two-factor."""

    otp_token = OneTimeCodeField()

    def __init__(
        self, *args: Any, user: object, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.device = None
        self.helper = crispy_helper()

    def clean_otp_token(self) -> str:
        code = self.cleaned_data["otp_token"]
        self.device = check_code(self.user, code, self.request)
        return code


class EnrolmentForm(forms.Form):
    """The first code from a newly scanned app; ``twofactor.confirm_authenticator`` checks it."""

    otp_token = OneTimeCodeField(
        help_text=_("Mã 6 chữ số ứng dụng hiện ra sau khi quét mã QR."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()
