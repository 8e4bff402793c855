"""Every file the portal sends (PDF, DOCX, edXML, Excel, evidence, a directive's document and
its page pictures) leaves through here, with the same headers:

- ``Content-Disposition: attachment`` (``inline`` only for pictures the portal's own pages show
  in an ``<img>``), with an ASCII ``filename`` for old clients and the real Vietnamese name as
  RFC 5987 ``filename*``;
- ``X-Content-Type-Options: nosniff``, so a browser never second-guesses the type we send;
- ``Cache-Control: private, no-store``: the files hold the commune's work, and a phone or a
  proxy shared by several people must not keep a copy;
- ``Content-Security-Policy: sandbox; default-src 'none'``: should a browser ever show an
  uploaded file as a page, it runs nothing and loads nothing. The page policy of the
  CSP middleware leaves a policy that is already set in place.

Files on disk are streamed (``FileResponse``); content built in memory is sent as bytes.
"""

from __future__ import annotations

import re
import unicodedata
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

from sonmai.lib.vntext import nfc

FILE_POLICY = "sandbox; default-src 'none'"
_FALLBACK_NAME = "tep"
# Control characters, path separators and the characters Windows refuses in a file name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def clean_filename(name: str) -> str:
    """The name a file is saved under: no path, no control or reserved characters, NFC."""
    cleaned = " ".join(_UNSAFE.sub("-", nfc(name or "")).split()).strip(" .-")
    return cleaned or _FALLBACK_NAME


def ascii_filename(name: str) -> str:
    """ "Báo cáo tháng 5.pdf" → "Bao cao thang 5.pdf", for clients that ignore ``filename*``."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = _NOT_ASCII_NAME.sub("_", stripped).strip(" ._")
    return folded or _FALLBACK_NAME


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="Bao cao.pdf"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf``."""
    name = clean_filename(filename)
    disposition = "inline" if inline else "attachment"
    return (
        f'{disposition}; filename="{ascii_filename(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


def _private_file_headers(
    response: HttpResponseBase, filename: str, *, inline: bool
) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    patch_cache_control(response, private=True, no_store=True)
    return response


def _response(
    content: bytes | BinaryIO, filename: str, content_type: str | None
) -> HttpResponseBase:
    if isinstance(content, bytes | bytearray):
        return HttpResponse(content, content_type=content_type or "application/octet-stream")
    # FileResponse guesses the type from the name when none is given, and sets the length.
    return FileResponse(content, filename=clean_filename(filename), content_type=content_type)


def attachment(
    content: bytes | BinaryIO, *, filename: str, content_type: str | None = None
) -> HttpResponseBase:
    """A file to save: bytes built in memory, or an open binary file (streamed, then closed)."""
    return _private_file_headers(_response(content, filename, content_type), filename, inline=False)


def inline_picture(
    content: bytes | BinaryIO, *, filename: str, content_type: str
) -> HttpResponseBase:
    """A picture one of the portal's pages shows in an ``<img>`` (a page of an uploaded
    document): the same private headers, but shown in place rather than saved."""
    return _private_file_headers(_response(content, filename, content_type), filename, inline=True)
