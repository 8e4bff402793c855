"""Making an uploaded photo small without holding its full bitmap in the web process.

A photo's file size says little about its memory: a 233 KB PNG of 7,740 × 7,740 pixels is
240 MB once decoded, and each copy made while turning or flattening it costs as much again. So:

- The dimensions are read from the header (nothing decoded) and a photo over
  ``PHOTO_MAX_PIXELS`` is refused; a 48-megapixel phone photo passes.
- A JPEG is decoded already reduced (libjpeg scales by 1/2, 1/4 or 1/8 while decoding:
  ``draft``) to the smallest scale that still covers ``PHOTO_MAX_SIDE``, so a 48-megapixel photo
  decodes at 1/4 of its width, 3 megapixels. Turning it upright and flattening it happen after
  it is shrunk.
- A PNG or WebP cannot be decoded reduced. Up to ``PHOTO_INLINE_PIXELS`` (whatever the format,
  counted after the JPEG reduction) the web process does it; above, a child process does it
  under a memory and CPU limit (``sonmai.lib.files.shrink_photo`` runs this file as a script
  through ``sonmai.lib.sandbox``).

The child runs in the request, not in the Celery worker: the person sending a progress update
learns at once whether each photo was kept (the form shows the refusal and keeps what they
typed), and no half-processed evidence has to wait in the database. The number of children at
once is bounded by the web server's own concurrency (one per request thread), each by its
memory limit, and a child's memory returns to the system when it exits.

This file imports nothing of the project (only Pillow), so the child starts fast.
"""

from __future__ import annotations

import json
import sys
from typing import IO, BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

#: Longest side of a stored photo, in pixels: enough to read a page of minutes.
PHOTO_MAX_SIDE = 1600
#: Largest photo accepted (a 48-megapixel phone camera, 8,000 × 6,000, is under it). Below
#: Pillow's own alarm (``Image.MAX_IMAGE_PIXELS``, 89 megapixels), so that never decides.
PHOTO_MAX_PIXELS = 60_000_000
#: Largest WebP accepted: libwebp hands Pillow the decoded picture as a copy, which Pillow copies
#: again, so a WebP needs three bitmaps at once. WebP is no camera format; this is plenty.
PHOTO_MAX_WEBP_PIXELS = 24_000_000
#: Most pixels the web process itself decodes (24 MB at four bytes a pixel); a photo that needs
#: more is shrunk in a limited child process.
PHOTO_INLINE_PIXELS = 6_000_000
PHOTO_QUALITY = 82


class PhotoError(Exception):
    """The photo cannot be used: ``code`` is "too_large" (``limit`` says the most pixels its
    format may have) or "corrupt"."""

    def __init__(self, code: str, limit: int = PHOTO_MAX_PIXELS) -> None:
        super().__init__(code)
        self.code = code
        self.limit = limit


def open_photo(source: str | IO[bytes]) -> Image.Image:
    """Open a photo by reading its header only; refuse one over ``PHOTO_MAX_PIXELS``.

    Pillow itself warns above 89 and refuses above 179 megapixels while opening; both end as
    "too_large" here, like our own, lower cap.
    """
    try:
        image = Image.open(source, formats=["JPEG", "PNG", "WEBP"])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError("corrupt") from None
    limit = max_pixels(image.format)
    if image.width * image.height > limit:
        image.close()
        raise PhotoError("too_large", limit)
    return image


def max_pixels(image_format: str | None) -> int:
    """The most pixels a photo of this format may have."""
    return PHOTO_MAX_WEBP_PIXELS if image_format == "WEBP" else PHOTO_MAX_PIXELS


def plan_decoding(image: Image.Image) -> int:
    """Ask the decoder for the smallest size that still covers ``PHOTO_MAX_SIDE`` (JPEG only;
    other formats ignore it) and return how many pixels decoding will hold."""
    width, height = image.size
    longest = max(width, height)
    if longest > PHOTO_MAX_SIDE:
        box = (
            max(1, width * PHOTO_MAX_SIDE // longest),
            max(1, height * PHOTO_MAX_SIDE // longest),
        )
        image.draft("RGB", box)
    return image.width * image.height


def write_small(image: Image.Image, out: BinaryIO) -> tuple[int, int]:
    """Decode (reduced, if ``plan_decoding`` arranged it), shrink to ``PHOTO_MAX_SIDE``, turn
    upright, flatten onto white and write a JPEG with no metadata (no GPS position, camera or
    time); return the size written."""
    try:
        image.load()
        factor = _reduction(image.size)
        small = _reduce_in_bands(image, factor) if factor > 1 else _workable(image)
        small.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        small = ImageOps.exif_transpose(small)
        if small.mode in ("RGBA", "LA"):
            background = Image.new("RGB", small.size, "white")
            background.paste(small.convert("RGBA"), mask=small.getchannel("A"))
            small = background
        elif small.mode not in ("RGB", "L"):
            small = small.convert("RGB")
        small.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True, progressive=True)
    except (OSError, SyntaxError, ValueError):
        raise PhotoError("corrupt") from None
    return small.size


def _workable(picture: Image.Image) -> Image.Image:
    """The picture in a mode that can be averaged down: palette, bilevel and 16-bit pictures
    become RGB, or RGBA when they have transparency."""
    if picture.mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return picture
    return picture.convert("RGBA" if picture.has_transparency_data else "RGB")


def _reduction(size: tuple[int, int]) -> int:
    """Whole factor to average the decoded picture down by before the final resampling, which
    then still works from at least twice the target size (as Pillow's ``reducing_gap`` does)."""
    return max(1, max(size) // (2 * PHOTO_MAX_SIDE))


def _reduce_in_bands(image: Image.Image, factor: int) -> Image.Image:
    """``image.reduce(factor)``, a band of rows at a time. Averaging a picture with
    transparency first makes a premultiplied copy of it, and a palette picture must first be
    expanded: on the whole picture that would be a second full-size bitmap, on a band it is a
    small one."""
    rows = factor * 128
    reduced = None
    for top in range(0, image.height, rows):
        band = _workable(image.crop((0, top, image.width, min(image.height, top + rows))))
        part = band.reduce(factor)
        if reduced is None:
            size = (-(-image.width // factor), -(-image.height // factor))
            reduced = Image.new(part.mode, size)
        reduced.paste(part, (0, top // factor))
    reduced.info = dict(image.info)
    return reduced


def main(argv: list[str]) -> int:
    """The child: shrink the photo at ``argv[0]`` into ``argv[1]``."""
    source, target = argv
    try:
        with open_photo(source) as image:
            decoded = plan_decoding(image)
            with open(target, "wb") as out:
                size = write_small(image, out)
    except PhotoError as error:
        answer = {"error": error.code}
    except MemoryError:
        answer = {"error": "memory"}
    else:
        answer = {"result": {"size": list(size), "decoded_pixels": decoded}}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
