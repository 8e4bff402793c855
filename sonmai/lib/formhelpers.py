"""Form plumbing shared by every app's forms."""

from __future__ import annotations

from crispy_forms.helper import FormHelper


def crispy_helper() -> FormHelper:
    """A crispy-forms helper that renders the fields only: the template writes the ``<form>``
    tag and the CSRF token itself."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper
