"""Password rules whose messages Django's Vietnamese catalogue does not carry."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, worded in the portal's language (Django's own message changed its
    placeholder and its Vietnamese translation no longer matches, so it showed in English)."""

    def get_error_message(self) -> str:
        return _("Mật khẩu này quá ngắn: cần ít nhất %(min_length)d ký tự.") % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return _("Mật khẩu của bạn phải có ít nhất %(min_length)d ký tự.") % {
            "min_length": self.min_length
        }
