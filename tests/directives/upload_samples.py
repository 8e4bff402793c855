"""Files that replay the upload findings, for the tests and the benchmark (bench_uploads)."""

import io
import re
import struct
import zipfile
import zlib

from openpyxl import Workbook
from PIL import Image, ImageChops, ImageDraw


def phone_photo(*, noisy: bool = False) -> bytes:
    """A 48-megapixel photo (8,000 × 6,000) taken with the phone on its side (EXIF turns it).

    ``noisy``: with sensor-like noise, so it weighs what a phone's does (about 8.5 MB); slower
    to make, for the benchmark.
    """
    size = (8000, 6000)
    if noisy:
        gradient = Image.linear_gradient("L").resize(size)
        noise = Image.effect_noise(size, 6)
        picture = Image.merge(
            "RGB",
            [
                ImageChops.add(gradient, noise, 1.0, -128),
                ImageChops.add(
                    gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM), noise, 1.0, -100
                ),
                ImageChops.add(gradient.rotate(180), noise, 1.0, -150),
            ],
        )
    else:
        picture = Image.new("RGB", size, (90, 140, 200))
        draw = ImageDraw.Draw(picture)
        draw.rectangle((0, 4000, 8000, 6000), fill=(40, 120, 40))
        draw.ellipse((6000, 500, 7000, 1500), fill=(250, 220, 80))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to view
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def finding_png() -> bytes:
    """The finding's PNG: 7,740 × 7,740 pixels (just under 60 megapixels), mostly one colour."""
    picture = Image.new("RGB", (7740, 7740), (200, 220, 240))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((1000, 1000, 3000, 2500), fill=(30, 90, 40))
    draw.ellipse((4000, 4000, 6000, 6000), fill=(240, 200, 60))
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def a_sheet(rows: int = 1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mục, ý", "Đơn vị", "Vai trò", "Hạn hoàn thành"])
    for _ in range(rows):
        sheet.append(["1.1", "Thôn An", "Chủ trì", "30/06/2026"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewritten(content: bytes, parts: dict[str, bytes]) -> bytes:
    """The same .xlsx with some parts replaced or added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for name in source.namelist():
            target.writestr(name, parts.get(name, source.read(name)))
        for name in parts.keys() - set(source.namelist()):
            target.writestr(name, parts[name])
    return out.getvalue()


def with_shared_strings(content: bytes, strings: bytes, count: int) -> bytes:
    """``content`` with a shared-strings part, declared where openpyxl looks for it."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml")
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    sst = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        + f'count="{count}" uniqueCount="{count}">'.encode()
        + strings
        + b"</sst>"
    )
    return rewritten(
        content,
        {
            "[Content_Types].xml": types.replace(b"</Types>", override),
            "xl/sharedStrings.xml": sst,
        },
    )


def shared_strings_bomb() -> bytes:
    """The finding's file: about 290 KB holding 5 million shared strings."""
    return with_shared_strings(a_sheet(), b"<si><t>x</t></si>" * 5_000_000, 5_000_000)


def with_dimension(content: bytes, ref: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    changed = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', sheet_xml)
    assert changed != sheet_xml
    return rewritten(content, {"xl/worksheets/sheet1.xml": changed})
