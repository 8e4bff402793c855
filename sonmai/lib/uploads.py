"""How big a request body may be, decided before anything reads it.

Every page has a cap on its request body. A page that takes files says how many and how large
with ``@upload_limit``; the admin takes a directive's source document; any other page gets
``REQUEST_MAX_BYTES``. ``UploadLimitMiddleware`` (placed before the CSRF middleware, the
first thing that reads ``request.POST``) answers a ``Content-Length`` over the cap with a 413
page in the portal's layout, having read none of the body. A multipart body within its claimed
length is then parsed under ``BodyLimitHandler``, which counts the file data as it streams and
stops at the cap: that covers a body whose length was not given or not true. Files past
``FILE_UPLOAD_MAX_MEMORY_SIZE`` are streamed to temporary files, so parsing costs the web
process little memory whatever the cap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: Room for the form's other fields and the multipart boundaries around the files.
ENVELOPE_BYTES = 1024 * 1024
_BODY_METHODS = ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class BodyLimit:
    """Up to ``files`` files of ``file_bytes`` each (a number, or a function that reads it from
    the settings when a request comes), plus ``envelope`` bytes for the rest of the form."""

    file_bytes: int | Callable[[], int]
    files: int = 1
    envelope: int = ENVELOPE_BYTES

    def each(self) -> int:
        return self.file_bytes() if callable(self.file_bytes) else self.file_bytes

    def body_bytes(self) -> int:
        return self.files * self.each() + self.envelope


def upload_limit(
    file_bytes: int | Callable[[], int], *, files: int = 1
) -> Callable[[Callable], Callable]:
    """Declare that a view takes up to ``files`` uploaded files of ``file_bytes`` each."""

    def mark(view: Callable) -> Callable:
        # Decorators applied on top (login_required…) copy the attribute with functools.wraps.
        view.upload_limit = BodyLimit(file_bytes, files)
        return view

    return mark


#: Pages that are not ours to decorate: the admin edits a directive's source document.
_NAMESPACE_LIMITS = {"admin": BodyLimit(lambda: settings.DIRECTIVE_IMPORT_MAX_BYTES)}
_DEFAULT_LIMIT = BodyLimit(lambda: settings.REQUEST_MAX_BYTES, envelope=0)


def limit_for(request: HttpRequest, view: Callable) -> BodyLimit:
    declared = getattr(view, "upload_limit", None)
    if declared is not None:
        return declared
    match = request.resolver_match
    return _NAMESPACE_LIMITS.get(match.namespace if match else "", _DEFAULT_LIMIT)


class UploadLimitMiddleware:
    """Refuse a request body over its page's cap before anything reads it (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        if request.method not in _BODY_METHODS:
            return None
        limit = limit_for(request, view)
        request.upload_limit = limit.body_bytes()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > request.upload_limit:
            return too_large(request, limit, length)
        if request.content_type == "multipart/form-data":
            # Parsed here, under BodyLimitHandler's count, rather than wherever request.POST
            # is first read, so that a body stopped half-way gets the same answer.
            request.POST  # noqa: B018
            if getattr(request, "upload_stopped", False):
                return too_large(request, limit, None)
        return None


def too_large(request: HttpRequest, limit: BodyLimit, length: int | None) -> HttpResponse:
    """The 413 page: what was sent, what the page takes; nothing was kept."""
    return render(
        request,
        "413.html",
        {"sent_bytes": length, "each_bytes": limit.each(), "files": limit.files},
        status=413,
    )


class BodyLimitHandler(FileUploadHandler):
    """Count a multipart body's file data as it streams and stop it past the page's cap
    (``request.upload_limit``, set by ``UploadLimitMiddleware``). Listed first in
    ``FILE_UPLOAD_HANDLERS``; the handlers after it store the data."""

    def handle_raw_input(
        self,
        input_data: object,
        META: dict,
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        self.cap = getattr(self.request, "upload_limit", None) or settings.REQUEST_MAX_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.cap:
            self.request.upload_stopped = True
            # Stop reading at once; the parser closes (and so deletes) the files it began.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
