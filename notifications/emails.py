"""E-mails of notifications: Vietnamese text and HTML from ``templates/emails/<name>-*``."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.choices import NotificationKind
from sonmai.lib.http import absolute_url

K = NotificationKind

#: Which template renders which kind; kinds sent by other features share the plain one.
TEMPLATES = {
    K.REMINDER_BEFORE_DUE: "reminder",
    K.REMINDER_DUE_TODAY: "reminder",
    K.REMINDER_OVERDUE: "reminder",
    K.REMINDER_REPORT_DUE: "reminder",
    K.DIGEST_UNIT: "digest_unit",
    K.ESCALATION: "escalation",
    K.DIGEST_OFFICE: "digest_office",
}
DEFAULT_TEMPLATE = "notification"


def _linked(entries: list[dict]) -> list[dict]:
    return [dict(entry, link=absolute_url(entry.get("url", ""))) for entry in entries]


def template_name(kind: str) -> str:
    return TEMPLATES.get(kind, DEFAULT_TEMPLATE)


def render_email(notification: object) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of ``notification``, in Vietnamese."""
    name = template_name(notification.kind)
    recipient = notification.recipient
    payload = notification.payload or {}
    items = _linked(payload.get("items", []))
    others = _linked(payload.get("others", []))
    units = [
        dict(unit, overdue=_linked(unit["overdue"]), not_reported=_linked(unit["not_reported"]))
        for unit in payload.get("units", [])
    ]
    context = {
        "notification": notification,
        "recipient": recipient,
        "payload": payload,
        "items": items,
        "others": others,
        "units": units,
        "link": notification.absolute_url(),
        "site_url": settings.SITE_URL.rstrip("/"),
        "preferences_link": absolute_url(reverse("notifications:preferences")),
        "organisation": getattr(recipient.organisation, "name", ""),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    # A subject is one line; templates may end with a newline.
    subject = " ".join(subject.split())
    return subject, text.strip() + "\n", html
