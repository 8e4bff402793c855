"""Typed readers for settings that come from environment variables.

Each helper fails loudly with ImproperlyConfigured on a value it cannot read, so a typo in
production configuration stops the process at start-up instead of running with a default.

A development checkout keeps its settings in a ``.env`` file at the top of the project, which
``make run`` writes once (``write_development_env``): DEBUG on, a generated SECRET_KEY. The
settings read it when it is there, under whatever the process environment says; a production
server has no such file, so a server started with no settings still refuses to run (DEBUG is
off unless something says otherwise, and then SECRET_KEY and the rest are required).
"""

from __future__ import annotations

import builtins
import datetime
import os
import secrets
from collections import ChainMap
from collections.abc import Mapping
from pathlib import Path
from time import strptime
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

#: The project's top folder, where ``make run`` writes the development ``.env``.
PROJECT_DIR = Path(__file__).resolve().parents[2]
#: Names another file to read instead of ``PROJECT_DIR/.env`` (``/dev/null`` reads none).
ENV_FILE_VARIABLE = "SONMAI_ENV_FILE"


class Env:
    """Reads typed values from a mapping (``os.environ`` by default).

    Its readers are named after the types they return, so below ``def str`` the annotations
    say ``builtins.str``.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    @classmethod
    def for_project(
        cls, environ: Mapping[str, str] | None = None, *, default_file: Path | None = None
    ) -> Env:
        """The process environment over the development ``.env`` file, when there is one.

        ``SONMAI_ENV_FILE`` names the file (it must then exist); otherwise ``default_file``
        (``PROJECT_DIR/.env``) is read if present. A variable set in the environment, even to
        an empty value, wins over the file.
        """
        environ = os.environ if environ is None else environ
        named = environ.get(ENV_FILE_VARIABLE, "").strip()
        if named:
            values = read_env_file(Path(named).expanduser(), variable=ENV_FILE_VARIABLE)
        else:
            path = PROJECT_DIR / ".env" if default_file is None else default_file
            values = read_env_file(path) if path.is_file() else {}
        return cls(ChainMap(dict(environ), values) if values else environ)

    def is_set(self, name: str) -> bool:
        return bool(self.environ.get(name, "").strip())

    def str(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            if default is None:
                raise ImproperlyConfigured(f"Environment variable {name} is required.")
            return default
        return value.strip()

    def bool(self, name: builtins.str, default: bool) -> bool:
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

    def int(self, name: builtins.str, default: int, *, minimum: int | None = None) -> int:
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

    def time(self, name: builtins.str, default: builtins.str) -> datetime.time:
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

    def list(
        self, name: builtins.str, default: list[builtins.str] | None = None
    ) -> list[builtins.str]:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def url(
        self, name: builtins.str, schemes: set[builtins.str], default: builtins.str | None = None
    ) -> builtins.str:
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


def read_env_file(path: Path, *, variable: str | None = None) -> dict[str, str]:
    """``NAME=value`` lines of a ``.env`` file; blank lines and ``#`` comments are skipped.

    A value may be wrapped in single or double quotes (taken as written, without escapes). A line
    that is not an assignment stops the process with its line number.
    """
    where = f"{variable}={path}" if variable else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ImproperlyConfigured(f"{where} cannot be read: {error.strerror}.") from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            raise ImproperlyConfigured(f"{where}, line {number}: expected NAME=value.")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def development_env_text() -> str:
    """The ``.env`` that ``make run`` writes: DEBUG on, a new SECRET_KEY, the embedded default."""
    return f"""\
# Development settings of this checkout, written once by `make run` (sonmai/lib/env.py).
# Every manage.py command reads them; a variable set in the environment wins. Never copy this
# file to a server: production is configured by its environment (README "Production set-up").
DEBUG=1
SECRET_KEY={secrets.token_urlsafe(48)}
# The embedded default, as the settings choose it when DEBUG is on:
ALLOWED_HOSTS=127.0.0.1,localhost,[::1]
SITE_URL=http://127.0.0.1:8000
# Unset, so the settings' defaults apply (README "Production set-up" lists every variable):
#   DATABASE_URL  a SQLite file, var/sonmai.sqlite3 (postgres://user@host:5432/db for PostgreSQL)
#   REDIS_URL     a Celery broker made of files under var/broker/ (redis://host:6379/0)
#   EMAIL_URL     e-mails written as files under var/mail/ (smtp://user:pass@host:587?tls=1)
#   TWO_FACTOR_ROLES  no one (chairman,vice_chairman,monitoring_officer,admin in production)
"""


def write_development_env(path: Path | None = None) -> bool:
    """Write the development ``.env`` (``PROJECT_DIR/.env``) unless a file is already there."""
    path = PROJECT_DIR / ".env" if path is None else path
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(development_env_text())
    except FileExistsError:
        return False
    path.chmod(0o600)
    return True
