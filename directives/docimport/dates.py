"""Dates and deadlines as documents write them.

"ngày 07/01/2026", "ngày 7 tháng 1 năm 2026", "trước ngày 31/01/2026", "trước ngày 15 hằng
tháng", "định kỳ 6 tháng", "trong quý I/2026", "thường xuyên". A phrase that is not there gives
nothing: the parser never guesses a deadline.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from directives.docimport.text import rx

_NUMERIC = re.compile(
    r"^\s*,?\s*(?:ngày\s*)?(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d{2})"
)
_WORDS = re.compile(
    r"^\s*,?\s*ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>(?:19|20)\d{2})",
    re.IGNORECASE,
)


def make_date(year: int | str, month: int | str, day: int | str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def parse_date_at(text: str) -> tuple[datetime.date | None, int]:
    """A date written at the very start of ``text`` and how many characters it takes."""
    for pattern in (_WORDS, _NUMERIC):
        match = pattern.match(text)
        if match:
            value = make_date(match["y"], match["m"], match["d"])
            if value:
                return value, match.end()
    return None, 0


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


@dataclass
class Deadline:
    date: datetime.date | None = None
    cadence: str = ""  # "", "ongoing", "monthly", "quarterly", "half_yearly", "yearly"
    report_day: int | None = None
    phrase: str = ""

    @property
    def found(self) -> bool:
        return bool(self.date or self.cadence)


_DATE = (
    r"(?P<d>\d{1,2})\s*(?:[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*|\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+)"
    r"(?P<y>(?:19|20)\d{2})"
)
_BY_DATE = re.compile(
    r"(?P<phrase>(?:trước|chậm nhất(?: là)?|hoàn thành|xong|đến|hạn(?: chót)?|thời hạn|"
    r"thời gian)[^.;]{0,25}?(?:ngày\s*)?" + _DATE + r")",
    re.IGNORECASE,
)
_QUARTER = re.compile(
    r"(?P<phrase>(?:trong|trước|hoàn thành|xong|thời gian|trong thời gian)[^.;]{0,15}?"
    r"quý\s+(?P<q>IV|I{1,3}|[1-4])\s*(?:/|năm\s+)(?P<y>(?:19|20)\d{2}))",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"(?P<phrase>(?:trong|hoàn thành|xong|thời gian|trong thời gian)[^.;]{0,15}?"
    r"tháng\s+(?P<m>\d{1,2})\s*(?:/|năm\s+)(?P<y>(?:19|20)\d{2}))",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"(?P<phrase>(?:trong|hoàn thành trong|hoàn thành|thời gian:?)\s+năm\s+(?P<y>(?:19|20)\d{2}))",
    re.IGNORECASE,
)
_CADENCES = [
    (
        "half_yearly",
        re.compile(r"\b(?:định kỳ|hằng|hàng|báo cáo|mỗi)\s+(?:6|sáu)\s+tháng|\bnửa năm", re.I),
    ),
    ("quarterly", re.compile(r"\b(?:hằng|hàng|mỗi|định kỳ|theo)\s+quý\b", re.I)),
    ("monthly", re.compile(r"\b(?:hằng|hàng|mỗi|định kỳ)\s+tháng\b", re.I)),
    ("yearly", re.compile(r"\b(?:hằng|hàng|mỗi|định kỳ)\s+năm\b", re.I)),
]
# "kế hoạch công tác hằng năm", "dự toán ngân sách hằng năm": the year qualifies a plan, it is
# not how often the task is reported.
_DESCRIBES_A_PLAN = re.compile(
    r"(?:kế hoạch|chương trình|công tác|ngân sách|dự toán|chỉ tiêu|kinh phí|định mức|"
    r"khen thưởng|thi đua)(?:\s+\S+){0,7}\s*$",
    re.IGNORECASE,
)
_REPORT_DAY = re.compile(
    r"(?:trước|chậm nhất(?: là)?|vào)\s+ngày\s+(?P<d>\d{1,2})\s+(?:của\s+)?"
    r"(?:(?:hằng|hàng|mỗi)\s+(?:tháng|quý)|tháng\s+cuối\s+(?:quý|kỳ))",
    re.IGNORECASE,
)
_ONGOING = re.compile(r"\bthường xuyên\b", re.IGNORECASE)
# A date that belongs to a cited document ("Kết luận số 221-KL/TW ngày 28/11/2025").
_CITED_DATE = re.compile(r"[A-ZĐ][\w/-]*\s*,?\s*ngày\s*$")


def _latest(text: str) -> Deadline:
    """The end of the last period a text names ("Quý IV/2025 và Quý I/2026" → 31/03/2026)."""
    found: list[tuple[datetime.date, str]] = []
    for match in rx(_DATE).finditer(text):
        value = make_date(match["y"], match["m"] or match["m2"], match["d"])
        if value:
            found.append((value, match.group()))
    for match in re.finditer(r"quý\s+(IV|I{1,3}|[1-4])\s*(?:/|năm\s+)((?:19|20)\d{2})", text, re.I):
        quarter = ROMAN.get(match[1].upper()) or int(match[1])
        found.append((month_end(int(match[2]), quarter * 3), match.group()))
    for match in re.finditer(r"tháng\s+(\d{1,2})\s*(?:/|năm\s+)((?:19|20)\d{2})", text, re.I):
        if 1 <= int(match[1]) <= 12:
            found.append((month_end(int(match[2]), int(match[1])), match.group()))
    if not found:
        return Deadline()
    value, phrase = max(found)
    return Deadline(date=value, phrase=phrase)


def find_deadline(text: str, *, latest: bool = False) -> Deadline:
    """The deadline or reporting rhythm a task's text gives, or an empty ``Deadline``.

    ``latest``: the text only says when (an attribute line "Thời gian: …"), so any date in it
    counts and a period ends on its last day."""
    result = Deadline()
    if latest:
        result = _latest(text)
    for match in _BY_DATE.finditer(text) if not result.date else ():
        if _CITED_DATE.search(text[: match.start("d")]) and "trước" not in match["phrase"].lower():
            continue
        value = make_date(match["y"], match["m"] or match["m2"], match["d"])
        if value:
            result.date, result.phrase = value, match["phrase"]
            break
    if result.date is None:
        match = _QUARTER.search(text)
        if match:
            quarter = ROMAN.get(match["q"].upper()) or int(match["q"])
            result.date = month_end(int(match["y"]), quarter * 3)
            result.phrase = match["phrase"]
    if result.date is None:
        match = _MONTH.search(text)
        if match and 1 <= int(match["m"]) <= 12:
            result.date = month_end(int(match["y"]), int(match["m"]))
            result.phrase = match["phrase"]
    if result.date is None:
        match = _YEAR.search(text)
        if match:
            result.date = datetime.date(int(match["y"]), 12, 31)
            result.phrase = match["phrase"]
    for cadence, pattern in _CADENCES:
        match = next(
            (m for m in pattern.finditer(text) if not _DESCRIBES_A_PLAN.search(text[: m.start()])),
            None,
        )
        if match:
            result.cadence = cadence
            result.phrase = result.phrase or match.group()
            break
    day = _REPORT_DAY.search(text)
    if day and 1 <= int(day["d"]) <= 31:
        result.report_day = int(day["d"])
        if not result.cadence:
            result.cadence = "quarterly" if "quý" in day.group().lower() else "monthly"
    if not result.cadence and not result.date and _ONGOING.search(text):
        result.cadence, result.phrase = "ongoing", "thường xuyên"
    return result
