"""Recognising uploaded files by their content, and making photos small and private.

The name a file arrives with says nothing: an executable renamed ``.jpg`` is still an
executable. We accept only the few formats evidence comes in, recognised from their first bytes
(and, for office files, from the parts inside the zip), and re-encode every photo so that what
we store is a plain JPEG without location or camera metadata.

Every upload the portal takes is vetted here, by ``vet_upload`` against the ``UploadRule`` of
its field (how large, which kinds), with the same Vietnamese messages everywhere; forms use
``CheckedFileField``, which runs it when the form is cleaned. The request's size as a whole is
capped earlier, before it is read (``sonmai.lib.uploads``).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from sonmai.lib import photos
from sonmai.lib.sandbox import SandboxError, run_in_child
from sonmai.lib.vntext import nfc


class RejectedFile(ValueError):
    """The file is not one we accept; ``reason`` says why, in Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image", "pdf" or "document"
    content_type: str
    extension: str


_OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
_ODF = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}


#: How many first bytes ``sniff`` needs: a PDF's header may come after some junk within them.
HEAD_BYTES = 1024


def sniff(head: bytes, stream: IO[bytes] | None = None) -> Sniffed | None:
    """Recognise a file from its first bytes (``stream`` is read for zip-based formats)."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", ".png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", ".webp")
    if b"%PDF-" in head[:HEAD_BYTES]:
        # ISO 32000-1, 7.5.2: readers accept the header anywhere in the first 1024 bytes.
        return Sniffed("pdf", "application/pdf", ".pdf")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Old Word/Excel (OLE2). Which of the two is not needed: both open in office software.
        return Sniffed("document", "application/vnd.ms-office", ".doc")
    if head.startswith(b"PK\x03\x04") and stream is not None:
        return _sniff_zip(stream)
    return None


def _sniff_zip(stream: IO[bytes]) -> Sniffed | None:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                for prefix, (content_type, extension) in _OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return Sniffed("document", content_type, extension)
            # The ODF "mimetype" entry is a few bytes; a bigger one is not an office file (and
            # reading it whole could inflate a zip bomb).
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype in _ODF:
                    return Sniffed("document", mimetype, _ODF[mimetype])
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        stream.seek(0)
    return None


IMAGES = frozenset({".jpg", ".png", ".webp"})
OFFICE = frozenset({".doc", ".docx", ".xlsx", ".pptx", ".odt", ".ods"})


@dataclass(frozen=True)
class UploadRule:
    """What one upload field accepts.

    ``max_bytes`` is a number or a function that reads it from the settings when a file comes;
    ``accept`` holds the ``Sniffed.extension`` values recognised by content, or is None when the
    reader behind the field recognises the file itself (a directive's document: DOCX, PDF, scan,
    photo or text, with a message of its own for each way it can be unreadable); ``what`` names
    the accepted kinds for the message ("PDF", "tệp Excel .xlsx").
    """

    max_bytes: int | Callable[[], int]
    accept: frozenset[str] | None
    what: str | Promise = ""

    def limit(self) -> int:
        return self.max_bytes() if callable(self.max_bytes) else self.max_bytes


def upload_name(upload: UploadedFile) -> str:
    """The name a file arrived with, in NFC and short enough to store and show."""
    return nfc(upload.name or "tep")[-200:]


def vet_size(upload: UploadedFile, rule: UploadRule) -> None:
    """Refuse an empty file or one over the rule's size (``RejectedFile`` says which)."""
    name = upload_name(upload)
    limit = rule.limit()
    if upload.size is not None and upload.size > limit:
        raise RejectedFile(
            _("Tệp “%(name)s” nặng %(size)s, vượt giới hạn %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if not upload.size:
        raise RejectedFile(_("Tệp “%(name)s” trống.") % {"name": name})


def vet_upload(upload: UploadedFile, rule: UploadRule) -> Sniffed:
    """Check one uploaded file's size and kind; raise ``RejectedFile`` saying why not.

    Returns what the content was recognised as. Only the first bytes are read (and a zip's
    directory); the file is left at its start.
    """
    if rule.accept is None:
        raise ValueError("vet_upload needs a rule that names the kinds it accepts; use vet_size.")
    vet_size(upload, rule)
    name = upload_name(upload)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    found = sniff(head, upload.file)
    upload.seek(0)
    if found is None or found.extension not in rule.accept:
        raise RejectedFile(
            _("Tệp “%(name)s” không phải %(what)s, dù tên tệp ghi gì.")
            % {"name": name, "what": rule.what}
        )
    return found


class CheckedFileField(forms.FileField):
    """A form's file field that vets what it receives with ``vet_upload`` and its rule."""

    def __init__(self, *, rule: UploadRule, **kwargs: Any) -> None:
        self.rule = rule
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            try:
                if self.rule.accept is None:
                    vet_size(upload, self.rule)
                else:
                    vet_upload(upload, self.rule)
            except RejectedFile as rejected:
                raise forms.ValidationError(rejected.reason, code="rejected") from None
        return upload


def shrink_photo(source: IO[bytes]) -> bytes:
    """Re-encode a photo as a JPEG no larger than PHOTO_MAX_SIDE, turned upright, without EXIF
    (GPS position, camera, time) or any other metadata; raise ``RejectedFile`` with the reason.

    How the memory stays bounded is ``sonmai.lib.photos``'s story: the header is checked first,
    a JPEG is decoded reduced, and a photo that would still need more than
    ``PHOTO_INLINE_PIXELS`` is shrunk in a child process under a memory limit.
    """
    try:
        with photos.open_photo(source) as image:
            if photos.plan_decoding(image) <= photos.PHOTO_INLINE_PIXELS:
                out = io.BytesIO()
                photos.write_small(image, out)
                return out.getvalue()
    except photos.PhotoError as error:
        raise RejectedFile(_photo_message(error.code, error.limit)) from None
    return _shrink_in_child(source)


def _shrink_in_child(source: IO[bytes]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="sonmai-photo-") as folder:
        original = getattr(source, "temporary_file_path", None)
        if original is None:
            original = os.path.join(folder, "original")
            source.seek(0)
            with open(original, "wb") as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
        else:
            original = original()
        target = os.path.join(folder, "photo.jpg")
        try:
            outcome = run_in_child(
                photos.__file__,
                [original, target],
                memory_mb=settings.UPLOAD_CHILD_MEMORY_MB,
                timeout=settings.UPLOAD_CHILD_TIMEOUT,
            )
        except SandboxError as error:
            raise RejectedFile(_photo_message(error.code)) from None
        if "error" in outcome:
            raise RejectedFile(_photo_message(outcome["error"]))
        with open(target, "rb") as result:
            return result.read()


def _photo_message(code: str, limit: int = photos.PHOTO_MAX_PIXELS) -> str:
    if code == "too_large":
        return _(
            "Ảnh có kích thước điểm ảnh quá lớn (tối đa %(limit)d triệu điểm ảnh), không xử lý "
            "được."
        ) % {"limit": limit // 1_000_000}
    if code == "memory":
        return _(
            "Ảnh cần quá nhiều bộ nhớ để thu nhỏ nên đã dừng. Hãy gửi ảnh chụp dạng JPG hoặc "
            "ảnh có độ phân giải thấp hơn."
        )
    if code == "timeout":
        return _(
            "Thu nhỏ ảnh mất quá nhiều thời gian nên đã dừng. Hãy gửi ảnh chụp dạng JPG hoặc ảnh "
            "có độ phân giải thấp hơn."
        )
    return _("Tệp ảnh bị hỏng hoặc không đọc được.")
