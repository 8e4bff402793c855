"""The body of a document as an outline: paragraphs, their markers (I., 1., 1.1., a), -, +) and
what sits under what.

Extraction hard-wraps lines; a paragraph is rebuilt by joining a line to the one before unless
the line opens with a marker or the line before closed a sentence, or was visibly short (the
last line of a printed paragraph stops before the margin).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directives.docimport.text import rx

# Marker kinds in the order they nest; a document uses some of them.
ROMAN, ARTICLE, NUMBER, NUMBER2, NUMBER3, LETTER, DASH, PLUS, STAR = range(9)
_MARKERS = [
    (ROMAN, rx(r"^(?P<m>(?:X{0,3})(?:IX|IV|V?I{1,3}|V|X))\s*[.:\-–]\s*(?=\S)")),
    # A scan reads I as l: "Il. TỔ CHỨC THỰC HIỆN" (a heading in capitals only).
    (ROMAN, rx(r"^(?P<m>(?=[IlV]*I)[IlV]{2,4})\s*[.:]\s*(?=[A-ZĐÀ-Ỹ]{2,}\s+[A-ZĐÀ-Ỹ]{2,})")),
    (ARTICLE, rx(r"^Điều\s+(?P<m>\d{1,3})\s*(?:[.:]\s*|$)")),
    (NUMBER3, rx(r"^(?P<m>\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(?=\S)")),
    (NUMBER2, rx(r"^(?P<m>\d{1,2}\.\d{1,2})\.?\s+(?=\S)")),
    (NUMBER, rx(r"^(?P<m>\d{1,2})\s*[.)]\s*(?=[^\d\s/.])")),
    (LETTER, rx(r"^(?P<m>[a-zđ])\s*\)\s*(?=\S)|^(?P<m2>[a-hđ])\.\s+(?=[A-ZĐÀ-Ỹ])")),
    (DASH, rx(r"^[-•–—]\s*(?=\S)")),
    (PLUS, rx(r"^\+\s*(?=\S)")),
    (STAR, rx(r"^\*\s*(?=[^\s*])")),
]
_SENTENCE_END = (".", ":", ";", "!", "?", "./.")


@dataclass
class Paragraph:
    text: str
    kind: int | None = None  # a marker kind, or None for a plain paragraph
    mark: str = ""  # "II", "3", "b" …

    @property
    def marked(self) -> bool:
        return self.kind is not None


@dataclass
class Node:
    paragraph: Paragraph
    level: int
    children: list[Node] = field(default_factory=list)
    continuation: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join([self.paragraph.text, *self.continuation]).strip()

    def leaves(self) -> list[Node]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


def marker_of(line: str) -> tuple[int | None, str, str]:
    """(kind, mark, text without the marker) for a line, or (None, "", line)."""
    for kind, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            mark = match.groupdict().get("m") or match.groupdict().get("m2") or ""
            return kind, mark, line[match.end() :].strip()
    return None, "", line


def paragraphs(lines: list[str]) -> list[Paragraph]:
    """Re-flow hard-wrapped ``lines`` into paragraphs."""
    if not lines:
        return []
    lengths = sorted(len(line) for line in lines)
    full = lengths[int(len(lengths) * 0.8)] if len(lengths) >= 5 else max(lengths)
    # Text pasted from a page or a word processor has one line per paragraph; only text
    # pulled out of a PDF or a scan is wrapped at the margin and must be joined back.
    wrapped = lengths[len(lengths) // 2] < 110
    result: list[Paragraph] = []
    current: list[str] = []
    current_marker: tuple[int | None, str] = (None, "")

    def flush() -> None:
        if current:
            text = " ".join(" ".join(current).split())
            result.append(Paragraph(text, *current_marker))

    previous = ""
    for line in lines:
        kind, mark, text = marker_of(line)
        starts_new = (
            kind is not None
            or not current
            or (not wrapped and not line[:1].islower())
            or (previous.endswith(_SENTENCE_END) and not line[:1].islower())
            or (len(previous) < 0.7 * full and line[:1].isupper() and len(lines) > 3)
        )
        if starts_new:
            flush()
            current = [text if kind is not None else line]
            current_marker = (kind, mark)
        else:
            current.append(line)
        previous = line
    flush()
    return result


def _roman_value(mark: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for a, b in zip(mark, mark[1:] + " ", strict=False):
        value = values.get(a, 0)
        total += -value if values.get(b, 0) > value else value
    return total


def build_outline(items: list[Paragraph]) -> tuple[list[Paragraph], list[Node]]:
    """(plain paragraphs before the first marker, top-level nodes with their subtrees).

    A marker kind's level is its rank among the kinds this document uses; a plain paragraph
    continues the node before it.
    """
    # A scan reads "I." as "1.": a heading in capitals numbered 1 among Roman parts is one.
    if any(p.kind == ROMAN for p in items):
        for paragraph in items:
            words = paragraph.text.split()
            if (
                paragraph.kind == NUMBER
                and paragraph.mark == "1"
                and len(words) >= 2
                and all(w.isupper() for w in words[:3] if w.isalpha())
                and paragraph.text.upper() == paragraph.text
            ):
                paragraph.kind = ROMAN
    kinds = sorted({p.kind for p in items if p.kind is not None})
    # A lone "I." between "1." items is more likely a mis-read than a top part.
    levels = {kind: rank for rank, kind in enumerate(kinds)}
    before: list[Paragraph] = []
    roots: list[Node] = []
    stack: list[Node] = []
    for paragraph in items:
        if paragraph.kind is None:
            if stack:
                stack[-1].continuation.append(paragraph.text)
            else:
                before.append(paragraph)
            continue
        node = Node(paragraph, levels[paragraph.kind])
        while stack and stack[-1].level >= node.level:
            stack.pop()
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    return before, roots


def section_number(mark: str, kind: int | None) -> int | None:
    if kind == ROMAN:
        return _roman_value(mark) or None
    if mark.isdigit():
        return int(mark)
    return None
