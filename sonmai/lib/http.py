"""Small request helpers shared by views."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` parameter if it points inside this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def int_list(values: list[str], *, limit: int = 2**31 - 1) -> list[int]:
    """Ids from query parameters; anything that is not a plain positive integer is dropped."""
    ids = []
    for value in values:
        if value.isascii() and value.isdecimal() and 0 < int(value) <= limit:
            ids.append(int(value))
    return ids


def absolute_url(path: str) -> str:
    """A path inside the portal made absolute with ``settings.SITE_URL`` (for e-mails)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
