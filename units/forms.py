from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directives.forms import crispy_helper
from units import twofactor


class OneTimeCodeField(forms.CharField):
    """A six-digit code from the authenticator app (or a recovery code where one is accepted).

    The phone's number pad, and the code offered by the phone's autofill where it has one.
    """

    def __init__(self, **kwargs: object) -> None:
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


def check_code(user: object, code: str) -> object:
    """``twofactor.verify_code`` for a form's clean method: a refusal becomes the field's error.
    Returns the device that accepted the code."""
    try:
        return twofactor.verify_code(user, code)
    except twofactor.CodeRefused as refusal:
        raise forms.ValidationError(refusal.message, code=refusal.code) from None


class TwoFactorCodeForm(forms.Form):
    """The code asked at sign-in and before changing one's two-factor."""

    otp_token = OneTimeCodeField()

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None
        self.helper = crispy_helper()

    def clean_otp_token(self) -> str:
        code = self.cleaned_data["otp_token"]
        self.device = check_code(self.user, code)
        return code


class EnrolmentForm(forms.Form):
    """The first code from a newly scanned app; ``twofactor.confirm_authenticator`` checks it."""

    otp_token = OneTimeCodeField(
        help_text=_("Mã 6 chữ số ứng dụng hiện ra sau khi quét mã QR."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()
