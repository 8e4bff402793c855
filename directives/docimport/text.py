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


def _letters(category: str) -> str:
    """Every Latin letter with Vietnamese marks in a Unicode category ("Lu" or "Ll"), for
    regular expressions: the range À-Ỹ mixes capitals and small letters."""
    found = []
    for code in range(0xC0, 0x1EFA):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if unicodedata.category(char) == category and (
            (base.isascii() and base.isalpha()) or char in "đĐ"
        ):
            found.append(char)
    return "".join(found)


#: Character-class bodies: capitals and small letters, Vietnamese ones included.
UPPER = "A-Z" + _letters("Lu")
LOWER = "a-z" + _letters("Ll")


def rx(pattern: str, flags: int = 0) -> re.Pattern:
    """Compile ``pattern``, where "A-ZĐÀ-Ỹ" means any capital and "a-zđà-ỹ" any small letter."""
    return re.compile(pattern.replace("A-ZĐÀ-Ỹ", UPPER).replace("a-zđà-ỹ", LOWER), flags)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"[^\W\d_]+")
# A list's bullet is structure, whatever dash drew it; a dash inside the text is the text's
# own ("Phòng Văn hóa – Xã hội" stays word for word).
_LEADING_DASH = re.compile(r"^\s*[\u2013\u2014\u2010\u2011\u2212]\s*(?=\S)")
# Characters that stand for nothing: zero-width spaces, soft hyphens, byte-order marks.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u00ad\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\t"), " ")

_FILE_PATH = re.compile(
    r"^(?:[A-Za-z]:?\\|file:/|/(?:home|Users|tmp|var)/|\\\\)\S*|\S+\.(?:docx?|pdf|odt)$|"
    r"^\S*\\\S*\\",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(
    r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?$|^-*\s*PAGE BREAK\s*-*$",
    re.I,
)
# The names of a Word file's drawing objects, left in its text ("straight connector 2Số: …").
_DRAWING = re.compile(r"\b(?:straight|elbow|curved)\s+(?:arrow\s+)?connector\s*\d*", re.I)
# The stamp a digital signature leaves on a published PDF ("Ký bởi: …", "Thời gian ký: …").
_SIGNATURE_STAMP = re.compile(r"^(?:Ký bởi|Người ký|Thời gian ký|Cơ quan|E-?ma[il]t?)\s*:", re.I)
_RULE = re.compile(r"^[-–—_=*.…\s]{3,}$")
# Text that went through a converter to Markdown: headings, bold and italic marks, bullets.
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_MARKDOWN_BULLET = re.compile(r"^\s*[*•●▪◦]\s+")


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


_VOWELS = set("aăâeêioôơuưy")
_INITIALS = {
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
}
_FINALS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
_CAMEL = rx(r"(?<=[a-zđà-ỹ])(?=[A-ZĐÀ-Ỹ][a-zđà-ỹ])")
# "CHÁNH VĂN PHÒNGThái", "UBNDThành": capitals, then a capitalised word.
_CAPS_THEN_WORD = rx(r"(?<=[A-ZĐÀ-Ỹ]{2})(?=[A-ZĐÀ-Ỹ][a-zđà-ỹ]{2,})")
# "UBNDcác": capitals, then a small word.
_CAPS_THEN_SMALL = rx(r"(?<=[A-ZĐÀ-Ỹ]{3})(?=[a-zđà-ỹ]{2,})")


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0].lower()


def unglue(word: str) -> str:
    """Put back a space lost between syllables: "ươngbáo" → "ương báo", "củaBộ" → "của Bộ",
    "UBNDcác" → "UBND các".

    A Vietnamese syllable has one group of vowels; a word with more, whose letters between
    two groups split into a final and an initial consonant, is several syllables. Words
    without Vietnamese marks (names, English, abbreviations) are left alone.
    """
    if not word.isupper():
        word = _CAMEL.sub(" ", word)
        word = _CAPS_THEN_WORD.sub(" ", word)
        word = " ".join(_CAPS_THEN_SMALL.sub(" ", part) for part in word.split(" "))
    if " " in word:
        return " ".join(unglue(part) for part in word.split(" "))
    if word[1:] != word[1:].lower() or word.isascii() or len(word) < 5:
        return word
    bases = [_base(ch) for ch in word]
    groups: list[list[int]] = []
    for index, base in enumerate(bases):
        after_q = base == "u" and index and bases[index - 1] == "q"
        after_g = (
            base == "i"
            and index
            and bases[index - 1] == "g"
            and index + 1 < len(bases)
            and bases[index + 1] in _VOWELS
        )
        if base not in _VOWELS or after_q or after_g:
            continue
        if groups and groups[-1][1] == index:
            groups[-1][1] = index + 1
        else:
            groups.append([index, index + 1])
    if len(groups) < 2:
        return word
    between = "".join(bases[groups[0][1] : groups[1][0]])
    if "".join(bases[: groups[0][0]]) not in _INITIALS:
        return word
    # A syllable ending in a glide (nêu, hai, sao) or in an open diphthong (địa, mua, mưa)
    # takes no final consonant; "ch" and "nh" end only a, ê, i, y. Where two splits remain
    # ("tục|hành" or "tụ|chành"?) the word is left as it is: better glued than wrong.
    vowels = "".join(bases[groups[0][0] : groups[0][1]])
    open_end = len(vowels) > 1 and (
        (vowels[-1] in "iyuo" and vowels not in ("uy", "uo", "ươ", "iê", "yê", "uô"))
        or vowels in ("ia", "ua", "ưa", "ya")
    )
    splits = []
    for cut in range(len(between) + 1):
        final, initial = between[:cut], between[cut:]
        if (open_end and final) or (final in ("ch", "nh") and vowels[-1:] not in "aêiy"):
            continue
        if final in _FINALS and initial and initial in _INITIALS:
            splits.append(groups[0][1] + cut)
    if len(splits) == 1:
        split = splits[0]
        return f"{word[:split]} {unglue(word[split:])}"
    return word


def normalise(value: str) -> str:
    """One line in NFC, modern tones, single spaces, a plain hyphen for a list's bullet, and no
    two syllables glued together by a lost space."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE).translate(_SPACES)
    value = _LEADING_DASH.sub("- ", value)
    value = _WORD.sub(lambda m: unglue(modern_tones(m.group())), value)
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
            cell = _MARKDOWN_HEADING.sub("", cell)
            cell = _DRAWING.sub("", cell)
            cell = _MARKDOWN_BULLET.sub("- ", cell)
            cell = _MARKDOWN_EMPHASIS.sub("", cell)
            line = normalise(cell)
            if not line or _RULE.match(line) or _FILE_PATH.match(line):
                continue
            if _PAGE_NUMBER.match(line) or _SIGNATURE_STAMP.match(line):
                continue
            lines.append(line)
    return lines
