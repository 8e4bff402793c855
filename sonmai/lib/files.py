"""Recognising uploaded files by their content, and making photos small and private.

The name a file arrives with says nothing: an executable renamed ``.jpg`` is still an
executable. We accept only the few formats evidence comes in, recognised from their first bytes
(and, for office files, from the parts inside the zip), and re-encode every photo so that what
we store is a plain JPEG without location or camera metadata.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Longest side of a stored photo, in pixels: enough to read a page of minutes.
PHOTO_MAX_SIDE = 1600
#: Largest photo we decode (a 48-megapixel phone camera is well under it).
PHOTO_MAX_PIXELS = 60_000_000
PHOTO_QUALITY = 82


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


def sniff(head: bytes, stream: io.IOBase | None = None) -> Sniffed | None:
    """Recognise a file from its first bytes (``stream`` is read for zip-based formats)."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", ".png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", ".webp")
    if head.startswith(b"%PDF-"):
        return Sniffed("pdf", "application/pdf", ".pdf")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Old Word/Excel (OLE2). Which of the two is not needed: both open in office software.
        return Sniffed("document", "application/vnd.ms-office", ".doc")
    if head.startswith(b"PK\x03\x04") and stream is not None:
        return _sniff_zip(stream)
    return None


def _sniff_zip(stream: io.IOBase) -> Sniffed | None:
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


def shrink_photo(data: bytes) -> bytes:
    """Re-encode a photo as a JPEG no larger than PHOTO_MAX_SIDE, turned upright, without
    EXIF (GPS position, camera, time) or any other metadata."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise Image.DecompressionBombError
            image.draft("RGB", (PHOTO_MAX_SIDE * 2, PHOTO_MAX_SIDE * 2))  # JPEG: decode smaller
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "L"):
                background = Image.new("RGB", upright.size, "white")
                rgba = upright.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                upright = background
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True, progressive=True)
            return out.getvalue()
    except Image.DecompressionBombError:
        raise RejectedFile(_("Ảnh có kích thước điểm ảnh quá lớn, không xử lý được.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise RejectedFile(_("Tệp ảnh bị hỏng hoặc không đọc được.")) from None
