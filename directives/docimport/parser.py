"""Reading a document's text into its parts (``parse``) and printing them as JSON.

The parser finds what is written and leaves empty what is not: a missing date, a task without
a deadline, a lead it could only inherit are left for the clerk and listed in ``uncertain``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from directives.docimport.citations import Citation, find_citations
from directives.docimport.header import BODY_START, read_addressees, read_header
from directives.docimport.outline import (
    ARTICLE,
    DASH,
    LETTER,
    PLUS,
    STAR,
    Node,
    Paragraph,
    build_outline,
    paragraphs,
)
from directives.docimport.signature import _ATTACHMENT, Signature, read_signature
from directives.docimport.tasks import TaskItem, collect_tasks, is_task_part, leads_in
from directives.docimport.text import clean_lines, rx

_END_MARK = rx(r"\./\.\s*$")
_TAIL_START = rx(
    r"^(?:Nơi\s*nhận|(?:TM|KT|TL|TUQ)\s*\.\s*[A-ZĐÀ-Ỹ]|Q\s*\.\s*(?:CHỦ TỊCH|GIÁM ĐỐC|BÍ THƯ))",
    re.IGNORECASE,
)
_CLOSING = rx(
    r"^(?:Nhận được|Trên đây|Trong quá trình|Quá trình (?:triển khai|tổ chức|thực hiện)|"
    r"Trân trọng|Kính báo|"
    r"Yêu cầu (?:các|Thủ trưởng|thủ trưởng)[^.]{0,160}(?:nghiêm túc|khẩn trương)|"
    r"Đề nghị (?:các|quý)[^.]{0,100}(?:nghiêm túc|quan tâm)[^.]{0,60}(?:thực hiện|phối hợp)|"
    r"[^.]{0,120}\bthông báo (?:để|cho)\b[^.]{0,160}\b(?:biết|thực hiện)|"
    r"[^.]{0,160}(?:yêu cầu|đề nghị)[^.]{0,160}(?:nghiêm túc|khẩn trương)[^.]{0,20}"
    r"(?:tổ chức )?(?:triển khai )?thực hiện)",
)
# Lines that say how to reach someone: neither a task nor part of one.
_CONTACT = rx(
    r"^(?:Địa chỉ|Điện thoại|Fax|E-?mail|Website|Thông tin chi tiết|Mọi chi tiết|"
    r"Chi tiết xin liên hệ|Đầu mối liên hệ)\b",
    re.IGNORECASE,
)
# A request inside a basis sentence: "Thực hiện …, Bộ X đề nghị các Sở … báo cáo …".
_REQUEST = rx(r"\b(?:đề nghị|yêu cầu|giao)\s+(?!của\b)(?:các\s+|cho\s+)?[A-ZĐÀ-Ỹa-zđ]")
_SIGNATURE_LINE = rx(
    r"^(?:(?:TM|KT|TL|TUQ|Q)\s*\.\s*\S|(?:Phó\s+)?(?:Chủ tịch|Bí thư|Giám đốc|Bộ trưởng|"
    r"Thủ tướng|Chủ nhiệm)$|\(?\s*đã ký\s*\)?$)",
    re.IGNORECASE,
)
_EXECUTES = rx(
    r"(?:chịu trách nhiệm|có trách nhiệm)\s+(?:thi hành|thực hiện)\s+(?:Quyết định|Chỉ thị)\s+này"
)
_BASIS = rx(r"^(?:Căn cứ|Thực hiện|Triển khai|Theo|Xét|Trên cơ sở|Thi hành)\b", re.IGNORECASE)


@dataclass
class Section:
    number: str
    title: str


@dataclass
class ParsedDocument:
    document_type: str = ""
    number: str = ""
    symbol: str = ""
    date: datetime.date | None = None
    month: int | None = None
    year: int | None = None
    place: str = ""
    issuer: str = ""
    issuer_parent: str = ""
    is_party: bool = False
    subject: str = ""
    addressees: list[str] = field(default_factory=list)
    references: list[Citation] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)
    closing: str = ""
    signer: Signature = field(default_factory=Signature)
    uncertain: list[str] = field(default_factory=list)

    @property
    def looks_like_a_document(self) -> bool:
        """At least two of the parts every administrative document has."""
        found = [
            bool(self.symbol),
            bool(self.year),
            bool(self.document_type and self.subject),
            bool(self.signer.name or self.signer.title),
            bool(self.signer.recipients),
            bool(self.addressees),
        ]
        return sum(found) >= 2

    def as_json(self) -> dict:
        return {
            "document_type": self.document_type,
            "number": self.number,
            "symbol": self.symbol,
            "date": self.date.isoformat() if self.date else None,
            "month": self.month,
            "year": self.year,
            "place": self.place,
            "issuer": self.issuer,
            "issuer_parent": self.issuer_parent,
            "subject": self.subject,
            "addressees": self.addressees,
            "references": [citation.as_json() for citation in self.references],
            "preamble": self.preamble,
            "sections": [{"number": s.number, "title": s.title} for s in self.sections],
            "tasks": [task.as_json() for task in self.tasks],
            "closing": self.closing,
            "signer": {
                "authority": self.signer.authority,
                "title": self.signer.title,
                "name": self.signer.name,
            },
            "recipients": self.signer.recipients,
            "attachments": self.signer.attachments,
            "uncertain": self.uncertain,
        }


def _split_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """(body lines, the lines of "Nơi nhận" and the signature block)."""
    for index, line in enumerate(lines):
        if _END_MARK.search(line):
            return lines[: index + 1], lines[index + 1 :]
    for index, line in enumerate(lines):
        if _TAIL_START.match(line):
            return lines[:index], lines[index:]
    # No "Nơi nhận" and no "./.": the signature block at the very end still is one.
    for index in range(max(0, len(lines) - 6), len(lines)):
        if _SIGNATURE_LINE.match(lines[index]):
            return lines[:index], lines[index:]
    return lines, []


def _split_closing(items: list[Paragraph]) -> tuple[list[Paragraph], list[Paragraph]]:
    # Contact lines after the requests ("Địa chỉ: …", "Email: …") are left out of both.
    items = [p for p in items if p.marked or not _CONTACT.match(p.text)]
    last_marked = max((i for i, p in enumerate(items) if p.marked), default=-1)
    for index in range(last_marked + 1, len(items)):
        closing = _CLOSING.match(items[index].text)
        if closing or (index == last_marked + 1 and _END_MARK.search(items[index].text)):
            return items[:index], items[index:]
    # The last marked item may itself end the text ("… thực hiện./."): nothing to split.
    return items, []


def _is_request(text: str, *, first: bool = False) -> bool:
    """A paragraph of a công văn without parts that asks someone to do something. The opening
    paragraph and those opening with the basis ("Thực hiện …", "Về đề nghị …") do only when
    they go on to ask ("…, đề nghị các Sở …")."""
    if text.endswith(":") or _CONTACT.match(text) or _ATTACHMENT.match(text):
        return False
    if first or _BASIS.match(text) or text.startswith("Về "):
        return bool(_REQUEST.search(text.split(",", 1)[-1]))
    return True


def _title_of(node: Node) -> str:
    title = node.paragraph.text
    return _END_MARK.sub("", title).rstrip(" :.")


def parse(text: str) -> ParsedDocument:
    lines = clean_lines(text)
    header = read_header(lines)
    addressees, index = read_addressees(lines, header.body_start)
    body_lines, tail_lines = _split_tail(lines[index:])
    signature = read_signature(tail_lines)
    items, closing = _split_closing(paragraphs(body_lines))
    # Attachments named at the end of the body ("Kèm theo …") belong with the signature's.
    while items and not items[-1].marked and _ATTACHMENT.match(items[-1].text):
        signature.attachments.insert(0, items.pop().text.strip("() "))
    before, roots = build_outline(items)

    document = ParsedDocument(
        document_type=header.document_type,
        number=header.number,
        symbol=header.symbol,
        date=header.date,
        month=header.month,
        year=header.year,
        place=header.place,
        issuer=header.issuer,
        issuer_parent=header.issuer_parent,
        is_party=header.is_party,
        subject=header.subject,
        addressees=addressees,
        preamble=[p.text for p in before],
        closing=" ".join(p.text for p in closing),
        signer=signature,
    )
    # The basis: the opening paragraphs, not the requests that follow them in a công văn
    # without parts (a request that opens with its basis, "Thực hiện …, đề nghị …", counts).
    basis_text = " ".join(
        p.text
        for p in before
        if roots
        or not _is_request(p.text, first=p is before[0])
        or _BASIS.match(p.text)
        or p.text.startswith("Về ")
    )
    if roots and roots[0].paragraph.kind not in (ARTICLE, DASH, PLUS, STAR, LETTER):
        for root in roots:
            if not is_task_part(_title_of(root)) and "căn cứ" in _title_of(root).lower():
                basis_text += " " + " ".join(leaf.text for leaf in root.leaves())
    document.references = find_citations(basis_text)

    if roots and roots[0].paragraph.kind == ARTICLE:
        # A decision's articles decide; one that gives a named unit work is a task, and the
        # last ("… chịu trách nhiệm thi hành Quyết định này") is its closing formula.
        for root in roots:
            text = _END_MARK.sub("", root.text)
            if _EXECUTES.search(text) or not leads_in(text):
                continue
            document.tasks += collect_tasks(root, "", addressees)
    elif roots and roots[0].paragraph.kind not in (DASH, PLUS, STAR, LETTER):
        for root in roots:
            title = _title_of(root)
            document.sections.append(Section(root.paragraph.mark, title))
            if is_task_part(title):
                document.tasks += collect_tasks(root, root.paragraph.mark, addressees)
    elif roots:
        body = Node(Paragraph(""), -1, roots)
        document.tasks = collect_tasks(body, "", addressees)
    else:
        # A short công văn without numbered parts: each request after the basis is a task.
        requests = [p for p in before if _is_request(p.text, first=p is before[0])]
        body = Node(Paragraph(""), -1, [Node(p, 0) for p in requests])
        document.tasks = collect_tasks(body, "", addressees)
        document.preamble = [p.text for p in before if p not in requests]

    uncertain = set(header.uncertain)
    if not document.signer.name:
        uncertain.add("signer")
    if not document.addressees and document.document_type == "Công văn":
        uncertain.add("addressees")
    for position, task in enumerate(document.tasks):
        if task.lead_source in ("", "addressees", "previous"):
            uncertain.add(f"tasks.{position}.lead")
        if not task.deadline.found:
            uncertain.add(f"tasks.{position}.deadline")
    document.uncertain = sorted(uncertain)
    return document


def looks_like_body_start(line: str) -> bool:
    return bool(BODY_START.match(line))
