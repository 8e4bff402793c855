"""Cleaning the text of a real document before it is parsed.

Text pasted from a web page or pulled out of a PDF is noisy: table borders become ``|``, the two
header columns run into one line, old tone placement (UỶ, HOÀ) sits beside the new (ỦY, HÒA),
dashes come in four widths, and a file path or a page number is left between paragraphs. These
helpers give the parser one clean line per printed line, in the modern spelling the portal
stores; they never reword anything.
"""

from __future__ import annotations

import re
import unicodedata

from sonmai.lib.vntext import collapse_spaces, name_key

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"[^\W\d_]+")
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-"})
# Characters that stand for nothing: zero-width spaces, soft hyphens, byte-order marks.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u00ad\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\t"), " ")

_FILE_PATH = re.compile(
    r"^(?:[A-Za-z]:\\|file:/|/(?:home|Users|tmp|var)/|\\\\)\S*|\S+\.(?:docx?|pdf|odt)$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?$", re.I)
_RULE = re.compile(r"^[-_=*.…\s]{3,}$")


def modern_tones(word: str) -> str:
    """Move the tone of "oa", "oe", "uy" at the end of a syllable to the first vowel.

    "hoà" → "hòa", "UỶ" → "ỦY", "thuỷ" → "thủy"; "quý" keeps its tone on y (qu is one
    consonant), and syllables with a final consonant ("hoàn") are already unambiguous.
    """
    decomposed = unicodedata.normalize("NFD", word)
    letters: list[list[str]] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and letters:
            letters[-1].append(ch)
        else:
            letters.append([ch])
    if len(letters) < 2:
        return word
    base = "".join(letter[0] for letter in letters).lower()
    last, before = letters[-1], letters[-2]
    tone = next((mark for mark in last[1:] if mark in _TONE_MARKS), None)
    if tone is None or not base.endswith(("oa", "oe", "uy")):
        return word
    if base.endswith("uy") and base[-3:-2] == "q":
        return word
    if len(before) > 1:  # the first vowel carries a mark of its own (ưa, ơe): leave it
        return word
    last.remove(tone)
    before.append(tone)
    return unicodedata.normalize("NFC", "".join("".join(letter) for letter in letters))


def normalise(value: str) -> str:
    """One line in NFC, modern tones, plain hyphens and single spaces."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE).translate(_SPACES)
    value = value.translate(_DASHES)
    value = _WORD.sub(lambda m: modern_tones(m.group()), value)
    return collapse_spaces(value)


def key(value: str) -> str:
    """Accent-, case- and punctuation-insensitive form for comparing names."""
    return name_key(value)


def clean_lines(raw: str) -> list[str]:
    """The document's lines, cleaned, without blanks, table borders, paths or page numbers.

    A line of a flattened table (``| left | right |``) becomes one line per cell, left first.
    """
    lines: list[str] = []
    for raw_line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cells = raw_line.split("|") if "|" in raw_line else [raw_line]
        for cell in cells:
            line = normalise(cell)
            if not line or _RULE.match(line) or _FILE_PATH.match(line):
                continue
            if _PAGE_NUMBER.match(line):
                continue
            lines.append(line)
    return lines
