"""Documents cited in a text: "Kết luận số 221-KL/TW ngày 28/11/2025 của Bộ Chính trị, …".

A citation is found by its number and symbol (the one part every cited document has); the
type word before it, the date and the issuer after it are read when they are written right
beside it. A citation whose subject says it implements another ("… về việc triển khai Kết luận
221-KL/TW …") records that, so the chain of basis can be rebuilt.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from itertools import pairwise

from directives.docimport.dates import make_date, parse_date_at
from directives.docimport.text import rx

#: Type words that come before a cited number, longest first so "Thông báo kết luận" wins.
CITED_TYPES = [
    "Thông báo kết luận",
    "Kết luận",
    "Nghị quyết liên tịch",
    "Nghị quyết",
    "Chỉ thị",
    "Công văn",
    "Công điện",
    "Kế hoạch",
    "Quyết định",
    "Thông báo",
    "Thông tư liên tịch",
    "Thông tư",
    "Thông tri",
    "Hướng dẫn",
    "Chương trình",
    "Báo cáo",
    "Tờ trình",
    "Nghị định",
    "Luật",
    "Pháp lệnh",
    "Quy định",
    "Quy chế",
    "Đề án",
    "Văn bản",
]
# Lost spaces are common in pasted text ("Côngvăn số 73/TTg-CN"): a type may be glued.
_TYPES = "|".join(re.escape(t).replace(r"\ ", r"\s*") for t in CITED_TYPES)
_LETTER = r"A-Za-zĐđÀ-ỹ"
NOTATION = rx(
    r"(?<![\w/.-])(?P<number>\d{1,5}[a-z]?)\s?(?P<sep>[-/])\s?"
    r"(?P<symbol>(?:19|20)\d{2}/[A-ZĐ][" + _LETTER + r"0-9]*(?:[-/][" + _LETTER + r"0-9]+)*"
    # Some offices separate the parts with dots: "1059/TTr.BCĐ.CCHC", "26/TB-VP.UBND".
    r"|[A-ZĐ][" + _LETTER + r"0-9]*(?:(?:[-/]|\s?\.(?=[A-ZĐ]))[" + _LETTER + r"0-9]+)+)"
)
_TYPE_BEFORE = rx(r"(?P<type>" + _TYPES + r")\s*(?:số\s*:?\s*)?$", re.IGNORECASE)
# A law is named before its number: "Luật Bầu cử đại biểu Quốc hội … số 85/2015/QH13".
_LAW_BEFORE = rx(r"(?P<type>Luật|Bộ luật|Pháp lệnh)\s+[^.;:]{2,120}?\s+số\s*:?\s*$")
_OF = rx(r"^\s*,?\s*(?:của|do)\s*(?=[A-ZĐÀ-Ỹ])", re.IGNORECASE)
# The issuer written before the citation: "đề nghị của Bộ X tại văn bản số …",
# "Ủy ban nhân dân tỉnh An Giang có tờ trình số …".
_OF_BEFORE = rx(
    r"(?:của|do)\s*(?P<issuer>[A-ZĐÀ-Ỹ][^;:()]{2,90}?)\s+tại\s+(?:các\s+)?\w+(?:\s\w+)?\s*"
    r"(?:số\s*)?$",
    re.IGNORECASE,
)
# "Ngày 22/12/2024, Bộ Chính trị đã ban hành Nghị quyết số 57-NQ/TW": date and issuer first.
_ISSUED_BEFORE = rx(
    r"(?:Ngày\s+(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})\s*,\s*)?"
    r"(?P<issuer>[A-ZĐÀ-Ỹ][^,;:()]{2,90}?)\s+(?:đã\s+)?(?:ban hành|ký ban hành)\s+"
    r"(?:\S+\s+){0,3}?(?:số\s*)?$"
)
_HAS_BEFORE = rx(
    r"(?:^|[.;:]\s+|,\s+)(?P<issuer>[A-ZĐÀ-Ỹ][^,;:()]{2,90}?)\s+(?:đã\s+)?có\s+"
    r"(?:tờ trình|văn bản|công văn|báo cáo|đề nghị|kiến nghị)\s+(?:số\s*)?$",
    re.IGNORECASE,
)
# A word glued to the symbol by a lost space ("885/UBTVQH13-PLngày").
_GLUED_WORD = rx(r"(?:ngày|của|về|tại|và|năm|được)$")
_BODY_WORDS = (
    "Ban",
    "Bộ",
    "Ủy",
    "UBND",
    "HĐND",
    "Sở",
    "Văn phòng",
    "Thường trực",
    "Chính phủ",
    "Thủ tướng",
    "Hội đồng",
    "Mặt trận",
    "Tỉnh ủy",
    "Huyện ủy",
    "Đảng ủy",
    "Quốc hội",
)
_ISSUER_STOP = rx(
    r"\s+(?:về|V/v|việc|đối với|nhằm|trong|tại|quy định|hướng dẫn|ban hành|triển khai|phê duyệt|"
    r"báo cáo|đề nghị|giao|yêu cầu|"
    r"thực hiện|và các|đã|đến|để|với)\b|[;:(\u201c\"]|\.(?:\s|$)|,\s*(?=(?:ngày|số)\b)",
    re.IGNORECASE,
)
_IMPLEMENTS = rx(r"\b(?:triển khai|thực hiện|quán triệt|hướng dẫn thực hiện)\b", re.I)


@dataclass
class Citation:
    notation: str
    number: str
    symbol: str
    document_type: str = ""
    date: datetime.date | None = None
    issuer: str = ""
    implements: str = ""
    start: int = 0
    end: int = 0

    def as_json(self) -> dict:
        return {
            "document_type": self.document_type,
            "notation": self.notation,
            "number": self.number,
            "symbol": self.symbol,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "implements": self.implements,
        }


def _issuer(text: str) -> tuple[str, int]:
    """The body named by "của …" at the start of ``text``, and where it ends."""
    match = _OF.match(text)
    if not match:
        return "", 0
    rest = text[match.end() :]
    stop = _ISSUER_STOP.search(rest)
    end = stop.start() if stop else len(rest)
    issuer = rest[:end]
    # "Bộ Chính trị, Ban Bí thư": a comma goes on only into another body's name.
    parts = [p.strip() for p in issuer.split(",")]
    kept = [parts[0]]
    for part in parts[1:]:
        if part.startswith(_BODY_WORDS) and not NOTATION.search(part):
            kept.append(part)
        else:
            break
    issuer = ", ".join(kept).strip(" .,")
    # "Bộ trưởng Bộ Giáo dục và Đào tạo (GDĐT)": an abbreviation in brackets is part of it.
    bracket = re.match(r"\s*\([A-ZĐ][A-ZĐa-z&]{1,9}\)", rest[len(", ".join(kept)) :])
    if bracket and len(kept) == 1:
        issuer = f"{issuer}{bracket.group().rstrip()}"
    if len(issuer) > 120 or NOTATION.search(issuer):
        return "", 0
    return issuer, match.end() + len(", ".join(kept))


def _issuer_before(text: str) -> tuple[str, datetime.date | None]:
    """(issuer, date) written before a citation, as far as they are."""
    # From the last "của" only: an earlier one belongs to another clause.
    last = max(text.rfind("của"), text.rfind(" do "))
    match = _OF_BEFORE.search(text[last:]) if last >= 0 else None
    if match:
        return match["issuer"].strip(), None
    match = _ISSUED_BEFORE.search(text)
    if match:
        date = make_date(match["y"], match["m"], match["d"]) if match["d"] else None
        return match["issuer"].strip(), date
    match = _HAS_BEFORE.search(text)
    return (match["issuer"].strip(), None) if match else ("", None)


def notation_key(text: str) -> str:
    """ "221-KL/TW", "221/KL/TW" and "Kết luận số 221-KL/TW" all give "221|kl/tw"."""
    match = NOTATION.search(text or "")
    if match:
        return f"{match['number']}|{match['symbol']}".casefold()
    return " ".join((text or "").split()).casefold()


def find_citations(text: str) -> list[Citation]:
    """Every cited document in ``text``, in order, each notation once."""
    found: list[Citation] = []
    seen: set[str] = set()
    for match in NOTATION.finditer(text):
        number, symbol = match["number"], match["symbol"].replace(" ", "")
        glued = _GLUED_WORD.search(symbol)
        if glued and glued.start() > 0 and symbol[glued.start() - 1].isupper():
            symbol = symbol[: glued.start()]
        if not re.search(r"[A-ZĐ]", symbol) or sum(symbol.count(c) for c in "/-.") < 1:
            continue
        notation = f"{number}{match['sep']}{symbol}"
        type_match = _TYPE_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
        if type_match is None:
            type_match = _LAW_BEFORE.search(text[max(0, match.start() - 140) : match.start()])
        citation = Citation(
            notation=notation,
            number=number,
            symbol=symbol,
            document_type=_canonical_type(type_match["type"]) if type_match else "",
            start=match.start() - (len(type_match.group()) if type_match else 0),
            end=match.end() - (len(match["symbol"].replace(" ", "")) - len(symbol)),
        )
        rest = text[citation.end :]
        date, used = parse_date_at(rest)
        if date is not None:
            citation.date = date
            rest = rest[used:]
            citation.end += used
        issuer, used = _issuer(rest)
        if not issuer:
            issuer, date = _issuer_before(text[max(0, match.start() - 160) : match.start()])
            citation.date = citation.date or date
        citation.issuer = issuer
        citation.end += used
        if notation in seen:
            continue
        seen.add(notation)
        found.append(citation)
    # "X … về việc triển khai Y": X implements Y when nothing but its subject lies between.
    for first, second in pairwise(found):
        between = text[first.end : second.start]
        if ";" not in between and _IMPLEMENTS.search(between) and len(between) < 160:
            first.implements = second.notation
    return found


def _canonical_type(word: str) -> str:
    for name in CITED_TYPES:
        if name.lower().replace(" ", "") == word.lower().replace(" ", ""):
            return name
    return word
