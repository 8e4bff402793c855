"""The end of a document: "Nơi nhận" and the signature block.

The two sit side by side on paper and arrive in any order (and sometimes on one line) from
extraction, so each line is classified by what it says: an authority ("TM. ỦY BAN NHÂN DÂN",
"KT. CHỦ TỊCH"), a title in capitals, a person's name, a recipient item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from directives.docimport.text import rx

_AUTHORITY = rx(r"(?:^|\s)(?P<a>TM|KT|TL|TUQ|Q|T/M)\s*\.?\s+(?P<rest>[A-ZĐÀ-Ỹ].*)$")
_TITLE_WORDS = (
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "BÍ THƯ",
    "PHÓ BÍ THƯ",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "THỦ TƯỚNG",
    "PHÓ THỦ TƯỚNG",
    "TỔNG BÍ THƯ",
    "CHÁNH THANH TRA",
    "CỤC TRƯỞNG",
    "VỤ TRƯỞNG",
    "TRƯỞNG TRẠM",
    "HIỆU TRƯỞNG",
    "TRƯỞNG THÔN",
    "THƯỜNG TRỰC",
    "CHỦ NHIỆM",
    "PHÓ CHỦ NHIỆM",
    "TRƯỞNG TRẠM",
    "GIÁM ĐỐC SỞ",
    "VỤ TRƯỞNG",
    "CHÁNH ÁN",
    "VIỆN TRƯỞNG",
    "TỔNG GIÁM ĐỐC",
    "PHÓ",
)
#: A title written in ordinary case on its own line ("Phó Chủ tịch"), as old documents do.
_PLAIN_TITLE = rx(
    r"^(?:Phó\s+)?(?:Chủ tịch|Bí thư|Giám đốc|Bộ trưởng|Thủ tướng|Chủ nhiệm|Trưởng ban|"
    r"Chánh Văn phòng|Thứ trưởng)$",
    re.IGNORECASE,
)
_TITLE = rx(
    r"^(?P<title>(?:"
    + "|".join(sorted(_TITLE_WORDS, key=len, reverse=True))
    + r")[A-ZĐÀ-Ỹ\s,.-]*?)"
    r"(?P<name>(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,5})?\s*$"
)
_NAME = rx(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){0,5}$")
_NOTE = rx(
    r"^\(?\s*(?:đã ký|ký|chữ ký|ký tên|ký số|ký, ghi rõ|ký và đóng dấu|ký, đóng dấu|"
    r"đóng dấu|đã ký và đóng dấu|signed)[^)]*\)?\.?$",
    re.IGNORECASE,
)
_RECIPIENTS = rx(r"^Nơi\s*nhận\s*:?\s*", re.IGNORECASE)
_ATTACHMENT = rx(
    r"^(?:\(?\s*(?:Kèm theo|Gửi kèm|Đính kèm)[^)]*\)?|Phụ lục\s+[IVX\d]+.*)$", re.IGNORECASE
)


@dataclass
class Signature:
    authority: str = ""
    title: str = ""
    name: str = ""
    recipients: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


def _split_glued(line: str) -> list[str]:
    """Separate a signature part glued to a recipient item on the same line, and two items
    on one line ("- Phòng VX;- Lưu VT")."""
    if line.startswith("-") and re.search(r";\s*-\s*\S", line):
        return [
            part if part.startswith("-") else f"- {part}" for part in re.split(r";\s*(?=-)", line)
        ]
    glued = re.search(r"(?P<before>\S)(?=(?:TM|KT|TL|TUQ)\.\s*[A-ZĐÀ-Ỹ]{2,})", line)
    if glued and line.startswith("-"):
        # "- Lưu: VT, TH (3). (SH) 20KT. BỘ TRƯỞNG, CHỦ NHIỆM": the authority ran in.
        return [line[: glued.end()], line[glued.end() :]]
    match = re.search(
        r"(?<=[;.])\s+(?=(?:TM|KT|TL|TUQ|Q)\s*\.\s|[A-ZĐÀ-Ỹ]{2,}\s[A-ZĐÀ-Ỹ]{2,})", line
    )
    if match and line.startswith("-"):
        return [line[: match.start()], line[match.end() :]]
    label = _RECIPIENTS.match(line)
    if label:
        rest = line[label.end() :].strip()
        # "Nơi nhận: CHỦ TỊCH": the other column's line ran into the label's.
        words = rest.split(" - ")[0].split()
        capitals = rest and not rest.startswith("-") and all(w.isupper() for w in words[:2])
        if capitals and (_AUTHORITY.match(rest) or _TITLE.match(rest)):
            return [line[: label.end()], rest]
        match = re.search(r"\s+(?=(?:TM|KT|TL|TUQ|Q)\.\s)", line)
        if match:
            return [line[: match.start()], line[match.end() :]]
    return [line]


def read_signature(lines: list[str]) -> Signature:
    signature = Signature()
    recipients: list[str] = []
    names: list[str] = []
    first_name_at: int | None = None
    titles: list[tuple[int, str]] = []
    authorities: list[tuple[int, str, str]] = []
    in_recipients = False
    pieces = [piece.strip() for line in lines for piece in _split_glued(line) if piece.strip()]
    for index, line in enumerate(pieces):
        if _RECIPIENTS.match(line):
            in_recipients = True
            rest = _RECIPIENTS.sub("", line).strip().lstrip("-+ ")
            if rest:
                recipients.append(rest)
            continue
        if _NOTE.match(line):
            continue
        if _ATTACHMENT.match(line):
            signature.attachments.append(line.strip("() "))
            continue
        authority = _AUTHORITY.match(line)
        if authority and line.isupper():
            mark = authority["a"] if authority["a"] == "T/M" else authority["a"] + "."
            authorities.append((index, mark, authority["rest"].strip()))
            in_recipients = False
            continue
        title = _TITLE.match(line)
        if title and title["title"].strip().isupper():
            titles.append((index, " ".join(title["title"].split()).strip(" ,.")))
            if title["name"]:
                names.append(title["name"])
                first_name_at = index if first_name_at is None else first_name_at
            in_recipients = False
            continue
        if _PLAIN_TITLE.match(line):
            titles.append((index, line.strip()))
            in_recipients = False
            continue
        if line.isupper() and authorities and not line.startswith(("-", "+")):
            # A line of capitals under the authority: the rest of a long title or body name.
            titles.append((index, " ".join(line.split()).strip(" ,.")))
            in_recipients = False
            continue
        if line.startswith(("-", "+")) or (in_recipients and recipients and not _NAME.match(line)):
            if line.startswith(("-", "+")) or not recipients:
                recipients.append(line.lstrip("-+ ").strip())
            else:
                recipients[-1] = f"{recipients[-1]} {line}"
            in_recipients = True
            continue
        if _NAME.match(line):
            names.append(line)
            first_name_at = index if first_name_at is None else first_name_at
    signature.recipients = [item.strip(" ;.,") for item in recipients if item.strip(" ;.,")]
    if first_name_at is not None:
        # A line of capitals under the name is the signer's other post, not the title.
        titles = [(index, title) for index, title in titles if index <= first_name_at]
    after = titles
    if authorities:
        position, abbreviation, rest = authorities[-1]
        signature.authority = abbreviation
        after = [(index, title) for index, title in titles if index > position]
        if abbreviation == "Q." and rest:
            after = after or [(position, rest)]
        elif not after:
            after = [(position, rest)]
    if after:
        # The title is the last line of capitals before the name; "PHÓ" / "CHỦ NHIỆM" split
        # over two lines is joined back.
        title = after[-1][1]
        if len(after) > 1 and after[-2][1] == "PHÓ":
            title = f"PHÓ {title}"
        signature.title = title
    if names:
        # A name broken over two lines ("Nguyễn" / "Khắc Định") is joined back.
        name = names[-1]
        if len(names) > 1 and (len(name.split()) == 1 or len(names[-2].split()) == 1):
            name = f"{names[-2]} {name}"
        signature.name = name
    return signature
