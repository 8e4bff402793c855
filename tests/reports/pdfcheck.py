"""Reading rendered PDFs back: text lines with positions and fonts, fonts, page numbers."""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass

import pdfplumber
import pypdf

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
TOP, BOTTOM, LEFT, RIGHT = 20 * MM, 20 * MM, 30 * MM, 15 * MM
CONTENT_CENTRE = (LEFT + A4[0] - RIGHT) / 2
ISSUER_RIGHT = LEFT + 0.40 * (A4[0] - LEFT - RIGHT)


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    fontnames: set[str]
    size: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@functools.cache
def open_pdf(data: bytes) -> pdfplumber.PDF:
    """Parsed once per distinct PDF: the tests share rendered reports."""
    return pdfplumber.open(io.BytesIO(data))


def lines(page, bbox=None) -> list[Line]:
    region = page.crop(bbox) if bbox else page
    found = []
    for line in region.extract_text_lines(return_chars=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        found.append(
            Line(
                text=nfc(line["text"]),
                x0=line["x0"],
                x1=line["x1"],
                top=line["top"],
                bottom=line["bottom"],
                baseline=page.height - chars[0]["matrix"][5],
                fontnames={c["fontname"] for c in chars},
                size=round(chars[0]["size"], 1),
            )
        )
    return found


def find(found: list[Line], text: str) -> Line:
    matches = [line for line in found if text in line.text]
    assert matches, f"{text!r} not among {[line.text for line in found]}"
    return matches[0]


@functools.cache
def full_text(pdf: pdfplumber.PDF) -> str:
    """All text, NFC, whitespace collapsed (lines wrap anywhere in justified text)."""
    return " ".join(nfc(" ".join((page.extract_text() or "").split())) for page in pdf.pages)


def top_margin_words(page) -> list[str]:
    return [w["text"] for w in page.crop((0, 0, page.width, TOP)).extract_words()]


def fonts(data: bytes) -> list[tuple[str, pypdf.generic.DictionaryObject]]:
    """(BaseFont, font descriptor) of every font used on any page, forms and widgets included."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    seen: dict[int, tuple[str, object]] = {}

    def walk(resources) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font_object = font.get_object()
            descendants = font_object.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font_object
            seen[id(target)] = (
                str(font_object["/BaseFont"]).lstrip("/"),
                target.get("/FontDescriptor"),
            )
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
        for annotation in page.get("/Annots") or []:
            appearance = annotation.get_object().get("/AP")
            if appearance:
                walk(appearance.get_object()["/N"].get_object().get("/Resources"))
    return list(seen.values())


LIBERATION = re.compile(r"^[A-Z]{6}\+Liberation-Serif(-Bold|-Italic|-Bold-Italic)?$")
