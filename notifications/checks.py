"""System checks for settings the delivery machinery relies on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def sending_lease_outlasts_smtp_timeout(app_configs: object, **kwargs: Any) -> list[Error]:
    """A send that outlives its lease could be reclaimed and sent twice."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    if timeout and 2 * timeout >= settings.NOTIFICATIONS_SENDING_LEASE:
        return [
            Error(
                "NOTIFICATIONS_SENDING_LEASE must be more than twice the SMTP timeout.",
                hint=f"Raise it above {2 * timeout} seconds or lower ?timeout= in EMAIL_URL.",
                id="notifications.E001",
            )
        ]
    return []
