from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def notifications(request: HttpRequest) -> dict[str, object]:
    """``unread_notifications``: the bell's count, one indexed COUNT, only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(
                recipient=user, in_app=True, read_at__isnull=True
            ).count()
        )
    }
