"""Typed readers for settings that come from environment variables.

Each helper fails loudly with ImproperlyConfigured on a value it cannot read, so a typo in
production configuration stops the process at start-up instead of running with a default.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from time import strptime
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads typed values from a mapping (``os.environ`` by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def is_set(self, name: str) -> bool:
        return bool(self.environ.get(name, "").strip())

    def str(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            if default is None:
                raise ImproperlyConfigured(f"Environment variable {name} is required.")
            return default
        return value.strip()

    def bool(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is not a boolean; use 1/0, true/false, yes/no."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            raise ImproperlyConfigured(
                f"Environment variable {name}={raw!r} is not an integer."
            ) from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"Environment variable {name} must be at least {minimum}.")
        return value

    def time(self, name: str, default: str) -> datetime.time:
        """A time of day written ``HH:MM`` (24-hour clock)."""
        raw = self.str(name, default)
        try:
            parsed = strptime(raw, "%H:%M")
        except ValueError:
            raise ImproperlyConfigured(
                f"Environment variable {name}={raw!r} is not a time of day; use HH:MM, e.g. 07:30."
            ) from None
        # A time of day on the commune's clock (settings.TIME_ZONE), not a moment.
        return datetime.time(parsed.tm_hour, parsed.tm_min)

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def url(self, name: str, schemes: set[str], default: str | None = None) -> str:
        value = self.str(name, default)
        scheme = urlparse(value).scheme
        if scheme not in schemes:
            allowed = ", ".join(sorted(schemes))
            raise ImproperlyConfigured(
                f"Environment variable {name} has scheme {scheme!r}; expected one of: {allowed}."
            )
        return value


def parse_email_url(url: str) -> dict[str, object]:
    """Turn ``smtp://user:pass@host:587?tls=1`` (or console://, file:///path) into settings.

    Supported query flags for smtp: ``tls=1`` (STARTTLS), ``ssl=1`` (implicit TLS),
    ``timeout=SECONDS``.
    """
    parts = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme == "file":
        path = unquote(parts.netloc + parts.path)
        if not path:
            raise ImproperlyConfigured(
                "EMAIL_URL file:// needs a directory, e.g. file:///var/mail."
            )
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL smtp:// needs a host, e.g. smtp://mail:25.")
        flags = Env(query)
        use_ssl = parts.scheme == "smtps" or flags.bool("ssl", False)
        use_tls = flags.bool("tls", False)
        if use_ssl and use_tls:
            raise ImproperlyConfigured("EMAIL_URL cannot ask for both tls=1 and ssl=1.")
        try:
            port = parts.port or (465 if use_ssl else 25)
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL has an invalid port.") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": use_tls,
            "EMAIL_USE_SSL": use_ssl,
            "EMAIL_TIMEOUT": flags.int("timeout", 30, minimum=1),
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {parts.scheme!r} is not supported; use smtp, smtps, console or file."
    )
