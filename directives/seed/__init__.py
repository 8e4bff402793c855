"""Reading a dispatch, as extracted from its PDF, into its parts.

The text comes from PDF extraction: lines are hard-wrapped, separated by blank lines, with
trailing spaces and the header's two columns interleaved. The parser relies only on the markers
every công văn has (Số:, V/v, the place–date line, Kính gửi:, numbered sections, "- " items,
Nơi nhận:) so the parts come out word for word, with the line breaks of the PDF removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sonmai.lib.vntext import collapse_spaces, nfc

SEED_DIR = Path(__file__).resolve().parent
SON_MAI_DISPATCH = SEED_DIR / "cong-van-trien-khai-ket-luan-221-son-mai.txt"

_NUMBER = re.compile(r"^Số:\s*(?P<number>\d*)\s*/\s*(?P<symbol>\S+)$")
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,]+), ngày\s*(?P<day>\d*)\s*tháng\s*(?P<month>\d*)\s*năm\s*(?P<year>\d{4})$"
)
_SECTION = re.compile(r"^(?P<number>\d+)\.\s+(?P<title>.+)$")


class SeedFormatError(ValueError):
    """The text does not have the parts a dispatch must have."""


@dataclass
class ParsedSection:
    number: int
    title: str
    tasks: list[str] = field(default_factory=list)


@dataclass
class ParsedDispatch:
    number: str
    symbol: str
    subject: str
    place: str
    day: int | None
    month: int | None
    year: int
    addressees: list[str]
    preamble: list[str]
    sections: list[ParsedSection]
    closing: str
    distribution: list[str]
    signer_title: str
    signer_name: str


def _lines(text: str) -> list[str]:
    return [collapse_spaces(line) for line in nfc(text).splitlines() if line.strip()]


def _join(lines: list[str]) -> str:
    return collapse_spaces(" ".join(lines))


def _paragraphs(lines: list[str]) -> list[str]:
    """Re-flow hard-wrapped lines; a line ending a sentence ends its paragraph."""
    paragraphs, current = [], []
    for line in lines:
        current.append(line)
        if line.endswith((".", ":", "./.")):
            paragraphs.append(_join(current))
            current = []
    if current:
        paragraphs.append(_join(current))
    return paragraphs


def parse_dispatch(text: str) -> ParsedDispatch:
    lines = _lines(text)

    def index_of(predicate, start: int = 0, what: str = "") -> int:
        for i in range(start, len(lines)):
            if predicate(lines[i]):
                return i
        raise SeedFormatError(f"Missing part of the dispatch: {what}")

    i_number = index_of(lambda s: _NUMBER.match(s), what="Số:")
    number_match = _NUMBER.match(lines[i_number])
    i_subject = index_of(lambda s: s.startswith("V/v "), i_number, "V/v")
    i_date = index_of(lambda s: _PLACE_DATE.match(s), i_subject, "place and date")
    date_match = _PLACE_DATE.match(lines[i_date])
    subject = _join(lines[i_subject:i_date]).removeprefix("V/v ").strip()

    i_to = index_of(lambda s: s.startswith("Kính gửi"), i_date, "Kính gửi")
    addressees, i = [], i_to + 1
    while i < len(lines) and lines[i].startswith("- "):
        addressees.append(lines[i].removeprefix("- "))
        i += 1

    i_first_section = index_of(lambda s: _SECTION.match(s), i, "first section")
    preamble = _paragraphs(lines[i:i_first_section])

    i_closing = index_of(lambda s: s.startswith("Nhận được"), i_first_section, "closing")
    sections: list[ParsedSection] = []
    item: list[str] | None = None
    for line in lines[i_first_section:i_closing]:
        match = _SECTION.match(line)
        if match and (not sections or int(match["number"]) == sections[-1].number + 1):
            sections.append(ParsedSection(int(match["number"]), match["title"]))
            item = None
        elif line.startswith("- "):
            item = [line.removeprefix("- ")]
            sections[-1].tasks.append("")
        elif item is None:
            sections[-1].title = _join([sections[-1].title, line])
            continue
        else:
            item.append(line)
        if item is not None:
            sections[-1].tasks[-1] = _join(item)

    i_distribution = index_of(lambda s: s.startswith("Nơi nhận"), i_closing, "Nơi nhận")
    closing = _join(lines[i_closing:i_distribution])
    distribution, i = [], i_distribution + 1
    while i < len(lines) and lines[i].startswith("- "):
        distribution.append(lines[i].removeprefix("- "))
        i += 1
    signature = lines[i:]
    if len(signature) < 2:
        raise SeedFormatError("Missing part of the dispatch: signer")

    return ParsedDispatch(
        number=number_match["number"],
        symbol=number_match["symbol"],
        subject=subject,
        place=date_match["place"],
        day=int(date_match["day"]) if date_match["day"] else None,
        month=int(date_match["month"]) if date_match["month"] else None,
        year=int(date_match["year"]),
        addressees=addressees,
        preamble=preamble,
        sections=sections,
        closing=closing,
        distribution=distribution,
        signer_title=" ".join(signature[:-1]),
        signer_name=signature[-1],
    )


def load_son_mai_dispatch() -> ParsedDispatch:
    return parse_dispatch(SON_MAI_DISPATCH.read_text(encoding="utf-8"))
