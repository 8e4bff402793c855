"""Tasks in the body's outline, with who leads, who coordinates and by when.

The lead of a task is read, in this order, from the task itself ("Giao Phòng X …", "Phòng X
chủ trì …", "Đơn vị chủ trì: X"), from the item it sits under ("2. Phòng Kinh tế:"), from its
part's title ("Trách nhiệm của Thủ trưốc các bộ phận …"), from the task before it in the same
part when that one named its lead, and last from the addressees. Where it came from is kept, so
the review page can mark a lead that was only inherited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from directives.docimport.dates import Deadline, find_deadline
from directives.docimport.outline import Node, Paragraph
from directives.docimport.text import key, rx
from sonmai.lib.vntext import fold

_HEAD_WORDS = (
    r"Văn phòng|Phòng|Ban Chỉ huy|Ban Cán sự|Ban|Trung tâm|Trạm|Trường|Thôn|UBND|Ủy ban|HĐND|"
    r"Hội đồng|Công an|Mặt trận|Hội(?!\s+(?:nghị|thảo|thi|diễn))|Đoàn(?!\s+kết)|Sở|Cơ quan|"
    r"Đơn vị|Đảng ủy|Đảng đoàn|Đảng bộ|Đảng ở|Tổ đảng|Bộ phận|Công chức|Chi bộ|Tổ(?!\s+chức)|"
    r"Trưởng thôn|Bí thư|Chủ tịch|Thủ trưởng|Người đứng đầu|Bộ|Thanh tra|Kho bạc|Thường trực|"
    r"Chi cục|Cục|Tổng cục|Tổng Liên đoàn|Bưu điện|Liên đoàn|Quân sự|Chính quyền|Đài|Viện|"
    r"Hiệp hội|Ngân hàng|Bảo hiểm|Tòa án|Tập đoàn|Tổng công ty|Báo(?!\s+cáo)|Giám đốc|Bộ trưởng|"
    r"Thủ tướng|Tỉnh ủy|Huyện ủy|"
    # Office-holders a plan gives work to ("Đồng chí Phó Chủ tịch …", "Cán bộ phụ trách …").
    r"[Đđ]ồng chí|Cán bộ phụ trách|Chuyên viên|Phó [Cc]hủ tịch|Phó Trưởng|Trưởng [Bb]an|Ủy viên"
)
_HEADS = f"(?:{_HEAD_WORDS})"
_PLURAL = (
    r"(?:các|Các)\s+(?:phòng|cơ quan|đơn vị|thôn|trường|bộ phận|ban|ngành|tổ chức|hội|đoàn thể|"
    r"xã|phường|sở|địa phương|cán bộ|công chức|tổ|chi bộ|trưởng thôn|bộ|huyện|tỉnh|thành viên|"
    r"đại biểu|đồng chí|tổ chức chính trị|chuyên viên|"
    r"[A-ZĐÀ-Ỹ]\w*)"
)
_UNIT_START = rx(
    r"(?:(?:Thủ trưởng|Trưởng|Lãnh đạo|Người đứng đầu|Giám đốc|Chủ tịch|Bộ trưởng|Tổ trưởng|"
    r"Chủ nhiệm)\s+"
    r"(?:các\s+)?)?(?:(?:" + _HEAD_WORDS + r")\b|" + _PLURAL + r"|(?:sở|ủy ban|UBND|phòng)\s)"
)
#: Verbs after which a unit's name has ended ("Phòng Kinh tế | chủ trì …").
_ACTIONS = (
    r"chủ trì|phối hợp|theo dõi|thực hiện|tham mưu|hướng dẫn|tổng hợp|triển khai|xây dựng|"
    r"rà soát|có trách nhiệm|là cơ quan|làm đầu mối|là đầu mối|nghiên cứu|kiểm tra|đôn đốc|"
    r"báo cáo|tổ chức|chỉ đạo|quán triệt|tuyên truyền|căn cứ|khẩn trương|chủ động|tiếp tục|"
    r"bố trí|đảm bảo|bảo đảm|phụ trách(?!\s+(?:lĩnh vực|công tác|địa bàn|mảng))|cập nhật|lập|"
    r"thẩm định|trình|giúp|xem xét|kịp thời|nắm|"
    r"cung cấp|tăng cường|quan tâm|thường xuyên|định kỳ|đẩy mạnh|nâng cao|giám sát|vận động|"
    r"phổ biến|kiện toàn|sắp xếp|đề xuất|cử|tạo điều kiện|hoàn thành|nghiêm túc|tập trung|"
    r"ban hành|phân công|bổ sung|chấn chỉnh|gửi|quản lý|phát huy|duy trì|hỗ trợ|lựa chọn|"
    r"tiến hành|chịu trách nhiệm|tiếp nhận|thống kê|điều chỉnh|công khai|sơ kết|tổng kết|"
    r"đánh giá|thành lập|hoàn thiện|làm tốt|cụ thể hóa|chuẩn bị|vận hành|trực tiếp|thống nhất|"
    r"ra|ký|chịu|xin|thông báo|giải quyết|xử lý|tiếp thu|hoàn chỉnh|phát động|cân đối|"
    r"khắc phục|nghiêm|có ý kiến|dự thảo|soạn thảo|sớm|cần|phải|được|sẽ|đã|đang|tạm dừng|"
    r"dừng|rà|thu hồi|bàn giao|sử dụng|tiếp|làm|đưa|thẩm tra|tổng|(?<!Ban )chấp hành|giữ|nộp|"
    r"xác định|"
    r"lãnh đạo(?!\s+(?:các|cơ quan|UBND|Ủy ban|Sở|Phòng|đơn vị))|quyết liệt|theo chức năng|"
    r"trong phạm vi|căn cứ|theo|để|nhằm|về|với"
)
_ACTION = rx(r"\s*,?\s+(?:" + _ACTIONS + r")\b|\s*[;:.]\s|\s*[;:.]?$")
_VERB = rx(r"\s*,?\s+(?:" + _ACTIONS + r")\b")
# The same verbs without their marks, for text a scan misread ("đây mạnh" for "đẩy mạnh").
_VERB_FOLDED = re.compile(
    # Two-word verbs only: one syllable without its marks means too many things ("dung").
    r"\s*,?\s+(?:"
    + "|".join(re.escape(fold(v)) for v in _ACTIONS.split("|") if " " in v and "(" not in v)
    + r")\b"
)
#: Names that only point back at the addressees ("đề nghị các đồng chí quan tâm …").
_ADDRESSEES_AGAIN = rx(r"^(?:các |quý )?(?:đồng chí|quý cơ quan|quý đơn vị|quý vị)$", re.I)
_ASKS = rx(r"(?:^|(?<=[\s,;.]))(?:[Gg]iao(?:\s+cho)?|[Đđ]ề nghị|[Yy]êu cầu|^Phân công)\s+(?!của\b)")
# A unit named mid-sentence with a capital, then a verb: a line break lost before it
# ("2. Tiếp nhận và xử lý đơn thư Ban Thường trực UBMTTQ xã thực hiện …").
_SUBJECT_INSIDE = rx(r"(?<=[a-zđà-ỹ,]\s)(?=(?:Ban|Phòng|Văn phòng|Ủy ban|UBND|Sở|Trung tâm)\s)")
_FIELD_LEAD = rx(
    r"(?:Cơ quan|Đơn vị)?\s*(?:chủ trì|thực hiện|thực hiện chính|phụ trách)\s*:\s*"
    r"(?P<units>[^;.]+)",
    re.IGNORECASE,
)
_FIELD_COORD = rx(
    r"(?:Cơ quan|Đơn vị)?\s*phối hợp(?: thực hiện)?\s*:\s*(?P<units>[^;.]+)", re.IGNORECASE
)
_COORDINATING = rx(
    r"phối hợp(?:\s+chặt chẽ)?\s+với\s+(?P<units>.+?)(?=\s+(?:trong|để|nhằm|thực hiện|triển khai|"
    r"tổ chức|tham mưu|xây dựng|rà soát|hướng dẫn|kiểm tra|tổng hợp|theo dõi|tuyên truyền|"
    r"đôn đốc|báo cáo|giải quyết|xử lý|khi|về việc|về|căn cứ|thẩm định|tiếp tục)\b|[;.:]|$)"
)
_TITLE_UNITS = rx(r"(?:Trách nhiệm của|Đối với|Giao)\s+(?P<units>.+)$")
_ATTRIBUTE = rx(
    r"^(?:Thời gian(?: thực hiện| hoàn thành| tổ chức)?|Thời hạn(?: hoàn thành)?|Tiến độ|"
    r"(?:Cơ quan|Đơn vị)(?: chủ trì| phối hợp| thực hiện(?: chính)?| tham mưu)?|Chủ trì|"
    r"Phối hợp(?: thực hiện)?|Sản phẩm|Kết quả(?: đầu ra)?|Hình thức|Kinh phí|Địa điểm|"
    r"Thành phần)\s*:",
    re.IGNORECASE,
)
_SPLIT_UNITS = rx(
    r"\s*(?:,|;|\bvà\b)\s*(?=(?:(?:Thủ trưởng|Giám đốc|Chủ tịch|Tổ trưởng|Chủ nhiệm|[Ll]ãnh đạo)\s+"
    r"(?:các\s+)?)?(?:" + _HEAD_WORDS + r"|" + _PLURAL + r")\b)|,\s+(?=các\s)"
)
_ADDRESS_PREFIX = rx(r"^(?:Giám đốc|Thủ trưởng|Chủ tịch|Các đồng chí|Đồng chí)\s*:\s*")
#: Titles of parts that state aims, not work (not split into tasks).
NON_TASK_PARTS = (
    "muc dich",
    "yeu cau",
    "muc tieu",
    "quan diem",
    "can cu",
    "su can thiet",
    "tinh hinh",
    "ket qua",
    "danh gia",
    "pham vi",
    "doi tuong",
    "nguyen tac",
    "khau hieu",
)


@dataclass
class TaskItem:
    section: str
    text: str
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    deadline: Deadline = field(default_factory=Deadline)
    lead_source: str = ""  # item, heading, section, previous, addressees

    def as_json(self) -> dict:
        return {
            "section": self.section,
            "text": self.text,
            "lead": self.lead,
            "coordinating": self.coordinating,
            "deadline": self.deadline.date.isoformat() if self.deadline.date else None,
            "cadence": self.deadline.cadence,
            "report_day": self.deadline.report_day,
            "deadline_text": self.deadline.phrase,
            "lead_source": self.lead_source,
        }


def split_units(text: str) -> list[str]:
    """ "Phòng Kinh tế, Phòng Văn hóa - Xã hội và các thôn" → three names."""
    text = _ADDRESS_PREFIX.sub("", text.strip(" ,;:."))
    text = re.sub(r"^(?:với|cùng)\s+", "", text)
    if text.startswith("Đồng chí ") and ", các" not in text and " và " not in text:
        return [text]  # one person, whatever titles follow ("Đồng chí Ủy viên …, Chủ tịch …")
    names = []
    for part in _SPLIT_UNITS.split(text):
        part = re.sub(r"\s+(?:có liên quan|liên quan)$", "", part.strip(" ,;:."))
        if part and len(part) <= 120:
            names.append(part)
    return names


def _phrase_at(text: str, start: int, *, verb: bool = False) -> list[str]:
    """Units named from ``start`` up to the verb that follows them (``verb``: there must be
    one, as when the unit is the subject of the sentence)."""
    prefix = _ADDRESS_PREFIX.match(text[start:])
    if prefix:
        start += prefix.end()
    head = _UNIT_START.match(text, start)
    if not head:
        return []
    position = max(head.end() - 1, start + 2)
    stop = (_VERB if verb else _ACTION).search(text, position)
    folded = _VERB_FOLDED.search(same_length_fold(text), position)
    if folded and (stop is None or folded.start() < stop.start()):
        stop = folded
    if stop is None or stop.start() - start > 220:
        return []
    return split_units(text[start : stop.start()])


def same_length_fold(text: str) -> str:
    """``text`` without marks (case kept: "Xây dựng" in a name is no verb), one character
    for one, so positions in it are positions in ``text``."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        out.append({"đ": "d", "Đ": "D"}.get(ch, base))
    return "".join(out)


def _sentence_starts(text: str) -> list[int]:
    # Only the opening: a later sentence's subject is someone the task works with.
    starts = [0]
    # "Để thể chế hóa …, Đảng đoàn Quốc hội xác định …": the subject after a purpose clause.
    if rx(r"^(?:Để|Nhằm|Thực hiện|Căn cứ|Trên cơ sở|Theo|Định kỳ|Hằng năm)\b").match(text):
        comma = text.find(", ")
        if 0 < comma < 400:
            starts.append(comma + 2)
    return starts


_LABELLED = rx(r"^(?P<who>[^:;.]{3,160}?)\s*:\s+\S")


def leads_in(text: str) -> list[str]:
    """Units the text itself puts in charge, or []: "Giao X …", "đề nghị X …", "X chủ trì …",
    a sentence that opens with a unit and a verb ("Bộ Nội vụ tổng hợp …"), "Chủ trì: X", or
    an item labelled with who does it ("Đồng chí Phó Trưởng ban …: Trực tiếp chỉ đạo …")."""
    label = _LABELLED.match(text)
    if label and _UNIT_START.match(label["who"]) and not _FIELD_LEAD.match(text):
        who = label["who"]
        if _PERSON.match(who):
            return [who]
        stop = _VERB.search(who, _UNIT_START.match(who).end())
        if stop is None:
            return split_units(who)
    for match in _ASKS.finditer(text):
        names = _phrase_at(text, match.end())
        if names:
            return names
    for start in _sentence_starts(text):
        names = _phrase_at(text, start, verb=True)
        if names:
            return names
    match = _FIELD_LEAD.search(text)
    if match:
        return split_units(match["units"])
    return []


def field_leads(text: str) -> list[str]:
    """ "Đơn vị thực hiện: …", "Chủ trì: …": the units an attribute line names."""
    match = _FIELD_LEAD.match(text.strip())
    return split_units(match["units"]) if match else []


def field_coordinating(text: str) -> list[str]:
    match = _FIELD_COORD.match(text.strip())
    return split_units(match["units"]) if match else []


def _subject_inside(text: str) -> list[str]:
    for match in _SUBJECT_INSIDE.finditer(text):
        names = _phrase_at(text, match.start(), verb=True)
        if names:
            return names
    return []


def coordinating_in(text: str) -> list[str]:
    match = _FIELD_COORD.search(text) or _COORDINATING.search(text)
    if not match:
        return []
    return split_units(match["units"])


_PERSON = rx(r"^(?:Các\s+|các\s+)?(?:[Đđ]ồng chí|Cán bộ|Chuyên viên|Phó [Cc]hủ tịch|Ủy viên)\b")


def heading_units(text: str) -> list[str]:
    """A heading that is only a unit's name ("2. Phòng Kinh tế:", "3. Cán bộ phụ trách lĩnh
    vực giám sát") names the lead of the items under it."""
    text = re.sub(r"^(?:Đối với|Trách nhiệm của)\s+", "", text.strip()).rstrip(" :.")
    head = _UNIT_START.match(text)
    if len(text.split()) > 20 or not head:
        return []
    if _PERSON.match(text):
        # Someone "phụ trách lĩnh vực …": the field's words are part of who it is.
        return [part for part in re.split(r",\s+(?=các\s)", text) if part]
    stop = _VERB.search(text, head.end())
    if stop and stop.start() < len(text):
        return []
    return split_units(text)


def title_units(title: str) -> list[str]:
    match = _TITLE_UNITS.search(title)
    if not match:
        return []
    return split_units(match["units"])


def is_task_part(title: str) -> bool:
    folded = key(title)
    return not any(folded.startswith(word) or f" {word}" in folded[:30] for word in NON_TASK_PARTS)


def _is_attribute(node: Node) -> bool:
    return bool(_ATTRIBUTE.match(node.text)) and not node.children


def collect_tasks(
    section: Node | None, section_number: str, addressees: list[str]
) -> list[TaskItem]:
    """The tasks of one part of the outline (``section`` None: the whole body is one part)."""
    tasks: list[TaskItem] = []
    section_leads = title_units(section.paragraph.text) if section else []
    previous_named: list[str] = []

    def visit(node: Node, inherited: list[str], inherited_deadline: Deadline) -> None:
        nonlocal previous_named
        attributes = [child for child in node.children if _is_attribute(child)]
        others = [child for child in node.children if child not in attributes]
        own_text = node.text
        heading = heading_units(node.paragraph.text) if others else []
        own_deadline = find_deadline(own_text)
        for attribute in attributes:
            # "Thời gian: Quý IV/2025 và Quý I/2026": a period ends on its last day.
            found = find_deadline(attribute.text, latest=True)
            own_deadline = found if found.found else own_deadline
        deadline = own_deadline if own_deadline.found else inherited_deadline
        if attributes:
            # Lines giving when, who and what for make their item the task; its other
            # sub-items explain it, unless they list work of their own ("- Nhiệm vụ: + …").
            others = [child for child in others if child.children]
        if others:
            leads = heading or leads_in(own_text) or _subject_inside(own_text) or inherited
            for child in others:
                visit(child, leads, deadline)
            return
        if node.continuation and not others and heading_units(node.paragraph.text):
            # "8. Ban công tác Mặt trận các thôn" followed by plain paragraphs: each paragraph
            # is that unit's task.
            unit = heading_units(node.paragraph.text)
            for paragraph in node.continuation:
                visit(Node(Paragraph(paragraph), node.level + 1), unit, deadline)
            return
        task = TaskItem(section=section_number, text=own_text, deadline=deadline)
        named = next((fields for a in attributes if (fields := field_leads(a.text))), [])
        named = named or leads_in(own_text)
        if named and all(_ADDRESSEES_AGAIN.match(name) for name in named):
            named = []
            task.lead, task.lead_source = list(addressees), "addressees"
        if named:
            task.lead, task.lead_source = named, "item"
            previous_named = named
        elif task.lead:
            pass
        elif inherited:
            task.lead, task.lead_source = inherited, "heading"
        elif section_leads:
            task.lead, task.lead_source = section_leads, "section"
        elif previous_named:
            task.lead, task.lead_source = previous_named, "previous"
        elif addressees:
            task.lead, task.lead_source = list(addressees), "addressees"
        coordinating = next((c for a in attributes if (c := field_coordinating(a.text))), [])
        coordinating = coordinating or coordinating_in(own_text)
        task.coordinating = [c for c in coordinating if c not in task.lead]
        tasks.append(task)

    if section is None:
        return tasks
    if not section.children:
        # A part that is one paragraph is one task.
        visit(Node(section.paragraph, section.level, [], section.continuation), [], Deadline())
        return tasks
    heading = heading_units(section.paragraph.text)
    for child in section.children:
        visit(child, heading, Deadline())
    return tasks


_TYPE_HINTS = [
    ("report", re.compile(r"^(?:Báo cáo|Tổng hợp|Thống kê|Định kỳ báo cáo)", re.I)),
    ("review", re.compile(r"^(?:Rà soát|Kiểm tra|Thanh tra)", re.I)),
    ("opinion", re.compile(r"^(?:Cho ý kiến|Góp ý|Tham gia ý kiến)", re.I)),
    ("approve", re.compile(r"^(?:Phê duyệt|Thẩm định)", re.I)),
]


def task_type_hint(text: str) -> str:
    """What the task asks back, from its first words ("Rà soát …" → review); "do" otherwise."""
    opening = re.sub(r"^(?:Giao\s+[^,]{0,80}?\s+(?:chủ trì,?\s*)?)", "", text.strip())
    for value, pattern in _TYPE_HINTS:
        if pattern.match(opening):
            return value
    return "do"
