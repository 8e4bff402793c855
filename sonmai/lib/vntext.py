"""Vietnamese text helpers: one Unicode form everywhere, and accent-free folding for search."""

from __future__ import annotations

import re
import unicodedata


def nfc(value: str) -> str:
    """Return ``value`` in Unicode NFC, the form we store and compare."""
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Fold Vietnamese text for accent- and case-insensitive matching.

    "Quán triệt Đảng" → "quan triet dang". Đ/đ are letters of their own in Unicode (not D plus a
    combining mark), so they are mapped by hand after the marks are stripped.
    """
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())


def collapse_spaces(value: str) -> str:
    return " ".join(value.split())


_NOT_WORD = re.compile(r"[^\w/]+")


def name_key(value: str) -> str:
    """Fold a name for matching: no accents, no case, any punctuation or dash a single space.

    "Phòng Văn hóa – Xã hội" and "phong van hoa - xa hoi" give the same key; fold already makes
    the old tone placement ("hoà") and the new ("hòa") equal.
    """
    return collapse_spaces(_NOT_WORD.sub(" ", fold(value)))
