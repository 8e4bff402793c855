"""The header of a document: issuing body, number and symbol, place and date, type, subject,
addressees.

Lines are classified by what they say, not where they sit, because extraction loses the two
columns of the printed header: the right column's lines (national title, motto, place and date)
are recognised wherever they land, even glued to a line of the left column, and what is left
above the number is the issuing body.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from directives.docimport.dates import make_date
from directives.docimport.text import key, rx

#: Printed type lines and the type they give ("THÔNG BÁO KẾT LUẬN" is a Thông báo).
TYPE_LINES = {
    "cong van": "Công văn",
    "ke hoach": "Kế hoạch",
    "chi thi": "Chỉ thị",
    "quyet dinh": "Quyết định",
    "thong bao ket luan": "Thông báo",
    "thong bao": "Thông báo",
    "ket luan": "Kết luận",
    "nghi quyet": "Nghị quyết",
    "huong dan": "Hướng dẫn",
    "chuong trinh": "Chương trình",
    "chuong trinh hanh dong": "Chương trình",
    "bao cao": "Báo cáo",
    "to trinh": "Tờ trình",
    "cong dien": "Công điện",
    "thong tri": "Thông tri",
    "quy dinh": "Quy định",
    "de an": "Đề án",
}
#: Type abbreviations in a symbol ("45/KH-UBND") when no type line is printed.
SYMBOL_TYPES = {
    "KH": "Kế hoạch",
    "CT": "Chỉ thị",
    "QĐ": "Quyết định",
    "TB": "Thông báo",
    "KL": "Kết luận",
    "NQ": "Nghị quyết",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "BC": "Báo cáo",
    "TTr": "Tờ trình",
    "CĐ": "Công điện",
    "CV": "Công văn",
}
_NATIONAL = rx(r"C[ỘO]NG\s*H[ÒO]A\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM", re.I)
_MOTTO = rx(r"Độc\s*lập\s*[-–—]\s*Tự\s*do\s*[-–—]\s*Hạnh\s*phúc", re.I)
_PARTY = rx(r"ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.I)
_NUMBER = rx(
    r"^Số\s*:?\s*(?P<number>\d{0,5}[a-z]?)\s*(?P<sep>[-/])\s*"
    r"(?P<symbol>(?:(?:19|20)\d{2}/)?[A-ZĐ][A-Za-zĐđÀ-ỹ0-9]*(?:\s?[-/]\s?[A-Za-zĐđÀ-ỹ0-9]+)*)"
)
_PLACE_DATE = rx(
    r"(?P<place>(?:(?:Thành phố|Thị xã|Thị trấn|TP\.)\s*)?(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]*\.?\s*){0,4}?"
    r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+)\s*,\s*ngày\s*"
    # A scan may lose the space and the t of "tháng" ("ngàyháng 3").
    r"(?P<d>\d{0,2})\s*(?:t?h[áa]ng|[/.-])\s*(?P<m>\d{0,2})\s*(?:năm|[/.-])\s*"
    r"(?P<y>(?:19|20)\d{2})"
)
# A number and symbol whose "Số:" a scan lost, just before the place and date.
_BARE_NUMBER = rx(
    r"(?:^|\s)(?P<number>\d{1,5})\s*/\s*(?P<symbol>[A-ZĐ]{1,5}-[A-Za-zĐđ]{1,10})\s+(?=\S+.*,\s*ngày)"
)
_TYPE_AT_END = rx(r"\s(?P<type>(?:[A-ZĐÀ-Ỹ]+\s){1,2}[A-ZĐÀ-Ỹ]+)\s*$")
_CONNECTORS = (
    " của",
    " và",
    " cho",
    " về",
    ",",
    " -",
    " với",
    " trong",
    " tại",
    " đối với",
    " trên",
)
_DATE_START = rx(r",\s*ngày\s*(\d{0,2})\s*(tháng\s*(\d{0,2})\s*)?$")
_SUBJECT = rx(r"^(?:V/v|V/V|v/v|Về việc|VỀ VIỆC)\s*:?\s*", re.UNICODE)
# Some provinces open a công văn's subject with a bare "Về" ("Về thực hiện chính sách …").
_SUBJECT_ABOUT = rx(r"^Về\s+(?=[a-zđà-ỹ])")
_TO = rx(r"^Kính\s*gửi\s*:?\s*", re.I)
#: Words that open the body: the basis, the order, or the first part.
BODY_START = rx(
    r"^(?:Căn cứ|Thực hiện|Triển khai|Theo (?:đề nghị|chỉ đạo|tinh thần|quy định|kế hoạch)|"
    r"Xét đề nghị|Trên cơ sở|Thi hành|Nhằm|Để\s|Qua\s|Ngày\s+\d|Hiện nay|Thời gian qua|"
    r"QUYẾT ĐỊNH\s*:|CHỈ THỊ\s*:|I\s*[.-]\s|1\s*[.)]\s|Điều\s+1\b)",
)
_ADMIN_WORDS = ("XÃ ", "PHƯỜNG ", "THỊ TRẤN ", "HUYỆN ", "QUẬN ", "THỊ XÃ ", "THÀNH PHỐ ", "TỈNH ")
_GENERIC_BODIES = {
    "uy ban nhan dan",
    "ubnd",
    "hoi dong nhan dan",
    "hdnd",
    "ban chap hanh",
    "ban thuong vu",
}


@dataclass
class Header:
    document_type: str = ""
    is_party: bool = False
    number: str = ""
    symbol: str = ""
    day: int | None = None
    month: int | None = None
    year: int | None = None
    place: str = ""
    issuer: str = ""
    issuer_parent: str = ""
    subject: str = ""
    addressees: list[str] = field(default_factory=list)
    body_start: int = 0
    uncertain: set[str] = field(default_factory=set)

    @property
    def date(self) -> datetime.date | None:
        if self.day and self.month and self.year:
            return make_date(self.year, self.month, self.day)
        return None


def type_of_line(line: str) -> tuple[str, str]:
    """("Kế hoạch", rest) when ``line`` starts with a printed type line in capitals."""
    words = line.split()
    for size in (3, 2):
        head = " ".join(words[:size])
        if head.isupper() and key(head) in TYPE_LINES:
            return TYPE_LINES[key(head)], " ".join(words[size:])
    # A scan's stray marks before the type line ("DEN i: : _¬ CHỈ THỊ").
    end = _TYPE_AT_END.search(line)
    if end and key(end["type"]) in TYPE_LINES:
        return TYPE_LINES[key(end["type"])], ""
    return "", ""


def _strip_right_column(line: str, header: Header) -> list[str]:
    """Remove the right column's fixed phrases; return what is left (0, 1 or 2 pieces)."""
    pieces = [line]
    for pattern in (_NATIONAL, _MOTTO, _PARTY):
        out = []
        for piece in pieces:
            match = pattern.search(piece)
            if match:
                if pattern is _PARTY:
                    header.is_party = True
                out += [piece[: match.start()], piece[match.end() :]]
            else:
                out.append(piece)
        pieces = out
    if pieces == [line]:
        return [line.rstrip(" *")] if line.rstrip(" *") else []
    return [p.strip(" ,;*-") for p in pieces if p.strip(" ,;*-")]


def _take_place_date(line: str, header: Header) -> str:
    """Read a place-and-date phrase out of ``line``; return the rest of the line."""
    match = _PLACE_DATE.search(line)
    if not match:
        return line
    if not header.year:
        header.place = match["place"].strip()
        header.day = int(match["d"]) if match["d"] else None
        header.month = int(match["m"]) if match["m"] else None
        header.year = int(match["y"])
    return (line[: match.start()] + " " + line[match.end() :]).strip(" .,")


def _join_split_dates(lines: list[str]) -> list[str]:
    """ "Sơn Mai, ngày 07 tháng 01" / "năm 2026" → one line (dates broken over lines)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _DATE_START.search(line) or re.search(r",\s*ngày\s*\d{0,2}\s*tháng\s*\d{0,2}$", line):
            joined = line
            for j in range(i + 1, min(i + 3, len(lines))):
                joined = f"{joined} {lines[j]}"
                if _PLACE_DATE.search(joined):
                    out.append(joined)
                    i = j + 1
                    break
            else:
                out.append(line)
                i += 1
            continue
        out.append(line)
        i += 1
    return out


def _looks_printed(line: str, *, capitals: bool) -> bool:
    """Letters, not a scan's smudges ("——; /CT- a Nội", "Ig-Q612/2G20 -"); in capitals for an
    issuer's line."""
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < 3 or len(letters) < 0.4 * len(line.replace(" ", "")):
        return False
    return not capitals or sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def split_issuer(lines: list[str]) -> tuple[str, str]:
    """(issuer, parent) from the header lines above the number.

    Lines are grouped into bodies: a line that names a place ("XÃ SƠN MAI") or continues a
    name cut after "VÀ" belongs to the line before; the last body is the issuer, what is above
    it its parent ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" / "SỞ NỘI VỤ").
    """
    lines = [line.strip(" *") for line in lines if _looks_printed(line.strip(" *"), capitals=True)]
    bodies: list[str] = []
    for line in lines:
        continues = bodies and (
            line.upper().startswith(_ADMIN_WORDS)
            or line[:1].islower()
            or key(bodies[-1]) in _GENERIC_BODIES
            or bodies[-1].upper().endswith((" VÀ", ",", "-"))
        )
        if continues:
            bodies[-1] = f"{bodies[-1]} {line}"
        else:
            bodies.append(line)
    if not bodies:
        return "", ""
    return bodies[-1], " ".join(bodies[:-1])


def _opens_body(line: str, header: Header, subject_lines: list[str]) -> bool:
    if _TO.match(line):
        return True
    # A long line after the title, not continuing it: the body's first paragraph.
    long_line = header.document_type and line[:1].isupper() and len(line) >= 75
    if long_line and subject_lines and not subject_lines[-1].endswith(_CONNECTORS):
        return True
    # The first line under a type line is its title even when it reads like the body
    # ("KẾ HOẠCH" / "Thực hiện Kết luận số …").
    return bool(BODY_START.match(line)) and not (header.document_type and not subject_lines)


def _closes_title(line: str, header: Header, issuer_lines: list[str]) -> bool:
    """The authority line a decision prints between its title and its basis ("CHỦ TỊCH HỘI
    ĐỒNG BỘ TRƯỞNG", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …") ends the title."""
    if header.document_type not in ("Quyết định", "Chỉ thị") or not line.isupper():
        return False
    issuer = key(" ".join(issuer_lines))
    return key(line) == issuer or bool(
        re.match(r"^(?:CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|ỦY BAN NHÂN DÂN|HỘI ĐỒNG)\b", line)
        and len(line) < 90
    )


def read_header(lines: list[str]) -> Header:
    header = Header()
    lines = _join_split_dates(lines)
    issuer_lines: list[str] = []
    subject_lines: list[str] = []
    in_subject = False
    seen_number = False
    index = 0
    title_closed = False
    while index < len(lines) and not title_closed:
        raw = lines[index]
        if (header.year or seen_number or header.document_type) and _opens_body(
            raw, header, subject_lines
        ):
            break
        for line in _strip_right_column(raw, header):
            number = _NUMBER.match(line)
            if number is None and not seen_number:
                bare = _BARE_NUMBER.search(line)
                if bare:
                    seen_number = True
                    header.number, header.symbol = bare["number"], bare["symbol"]
                    line = line[bare.end() :]
            if number and not seen_number:
                seen_number = True
                header.number = number["number"]
                header.symbol = re.sub(r"\s+", "", number["symbol"])
                if number["sep"] == "-":
                    header.is_party = True
                line = line[number.end() :].strip(" .,")
            line = _take_place_date(line, header)
            if not line:
                continue
            if subject_lines and _closes_title(line, header, issuer_lines):
                title_closed = True
                break
            subject = _SUBJECT.match(line) or (
                seen_number
                and not header.document_type
                and not in_subject
                and _SUBJECT_ABOUT.match(line)
            )
            if subject and not header.document_type:
                in_subject = True
                subject_lines.append(line[subject.end() :])
                continue
            doc_type, rest = type_of_line(line)
            if doc_type and not header.document_type and (seen_number or header.year):
                header.document_type = doc_type
                in_subject = True
                if rest:
                    subject_lines.append(rest)
                continue
            if in_subject:
                if _looks_printed(line, capitals=False):
                    subject_lines.append(line)
            elif not seen_number and not header.year:
                issuer_lines.append(line)
        index += 1
    header.body_start = index
    header.issuer, header.issuer_parent = split_issuer(issuer_lines)
    header.subject = " ".join(" ".join(subject_lines).split()).strip(" .")
    if header.document_type in ("", "Công văn"):
        header.subject = _SUBJECT.sub("", header.subject)
    if not header.document_type:
        abbreviation = header.symbol.split("-")[0].split("/")[-1] if header.symbol else ""
        if header.symbol and "-" in header.symbol and abbreviation in SYMBOL_TYPES:
            header.document_type = SYMBOL_TYPES[abbreviation]
        elif subject_lines:
            header.document_type = "Công văn"
        else:
            header.uncertain.add("document_type")
    for name in ("issuer", "number", "subject", "place"):
        if not getattr(header, name):
            header.uncertain.add(name)
    if not header.date:
        header.uncertain.add("date")
    return header


def current_is_dashed(item: str) -> bool:
    return item.startswith("-")


def read_addressees(lines: list[str], start: int) -> tuple[list[str], int]:
    """The "Kính gửi" list beginning at ``lines[start]``: one, a dashed list, or on the next line.

    Returns the addressees and the index of the first line after them.
    """
    if start >= len(lines) or not _TO.match(lines[start]):
        return [], start
    first = _TO.sub("", lines[start]).strip()
    sequence = ([first] if first else []) + lines[start + 1 :]
    offset = start + (0 if first else 1)
    items: list[str] = []
    current = ""
    used = 0
    for used, line in enumerate(sequence, start=1):
        if not current:
            if items and not line.startswith("-"):
                used -= 1
                break
            current = line
        elif line.startswith("-"):
            items.append(current)
            current = line
            continue
        elif current.endswith((";", ".")) or BODY_START.match(line):
            used -= 1
            break
        elif line[:1].islower() or line.startswith("(") or current.endswith((",", " và")):
            current = f"{current} {line}"
        else:
            used -= 1
            break
        if current.endswith(".") and not current.endswith("./."):
            # A dashed list may go on after a full stop ("- … Việt Nam." / "- Các đồng chí …").
            following = sequence[used] if used < len(sequence) else ""
            items.append(current)
            current = ""
            if not (current_is_dashed(items[-1]) and following.startswith("-")):
                break
    else:
        used = len(sequence)
    if current:
        items.append(current)
    cleaned = []
    for item in items:
        # "Sở Tài chính; Sở Nội vụ": two addressees on one line.
        for part in re.split(r"(?:^|[;,]\s*)-\s+|;\s+(?=[A-ZĐÀ-Ỹ])", item):
            part = " ".join(part.split()).strip(" -;.,")
            if part:
                cleaned.append(part)
    return cleaned, offset + used
