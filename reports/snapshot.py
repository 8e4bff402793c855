"""The frozen content of a report: everything its documents are rendered from.

A report is compiled from the live data once and frozen here when it is submitted; the PDF, the
DOCX and the edXML package are pure functions of a ``ReportSnapshot``. The snapshot is a tree of
frozen dataclasses made of strings, numbers, dates and tuples, so that

* ``ReportSnapshot.from_dict(snapshot.to_dict()) == snapshot`` (it is stored as JSON),
* ``snapshot.to_json()`` is canonical (sorted keys, no whitespace) and ``fingerprint()`` hashes
  it, which is what makes the rendered bytes reproducible.

The body is an outline of ``Part`` (I., II. …, then 1., 2. …, then a), b) …; the labels follow
from the position, see ``outline()``), each holding blocks: paragraphs, task results, the table
per unit, indicator totals, difficulties and proposals, late items, bullet lists and charts.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Union

from django.utils.translation import gettext as _

from directives.choices import BUCKET_ORDER, Bucket
from reports.choices import ChartKind, IssueCategory, IssueStatus
from reports.codec import VIETNAM, SnapshotError, decode, encode
from sonmai.lib import vndate

SCHEMA_VERSION = 1
#: What a draft shows where the number will go: wide enough to write it in by hand.
NUMBER_BLANK = "\u2003" * 3


# --- Counts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BucketCounts:
    """How many assignments fall in each official bucket (field names are ``Bucket`` values)."""

    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    overdue: int = 0
    not_started: int = 0
    ongoing: int = 0

    @classmethod
    def of(cls, buckets: Iterable[Bucket | str]) -> BucketCounts:
        counts = dict.fromkeys((str(b) for b in BUCKET_ORDER), 0)
        for bucket in buckets:
            counts[str(bucket)] += 1
        return cls(**counts)

    def __add__(self, other: BucketCounts) -> BucketCounts:
        return BucketCounts(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )

    def get(self, bucket: Bucket | str) -> int:
        return getattr(self, str(bucket))

    def items(self) -> list[tuple[Bucket, int]]:
        """(bucket, count) in the official order, zeros included."""
        return [(bucket, self.get(bucket)) for bucket in BUCKET_ORDER]

    @property
    def total(self) -> int:
        return sum(self.get(bucket) for bucket in BUCKET_ORDER)

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def percent_done(self) -> int:
        """Share of assignments done, rounded half up to a whole percent (0 when none)."""
        if not self.total:
            return 0
        return (200 * self.done + self.total) // (2 * self.total)

    def summary(self) -> str:
        """ "Giao 13 lượt đơn vị: 8 đã hoàn thành đúng hạn, 5 đang thực hiện trong hạn."."""
        parts = [f"{count} {str(bucket.label).lower()}" for bucket, count in self.items() if count]
        return _("Giao %(total)s lượt đơn vị: %(parts)s.") % {
            "total": self.total,
            "parts": ", ".join(parts) or _("chưa có kết quả"),
        }


# --- Body blocks --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paragraph:
    """A paragraph of narrative text (the editable parts of the report)."""

    kind: ClassVar[str] = "paragraph"
    text: str


@dataclass(frozen=True)
class TaskResult:
    """One task of the source directive: where it sits ("1.2"), its name, its counts and the
    result written for it ("" when only the counts speak)."""

    citation: str
    title: str
    counts: BucketCounts
    result: str = ""


@dataclass(frozen=True)
class TaskResults:
    kind: ClassVar[str] = "task_results"
    items: tuple[TaskResult, ...]


@dataclass(frozen=True)
class UnitRow:
    unit_name: str
    counts: BucketCounts
    last_update: datetime.date | None = None

    @property
    def assigned(self) -> int:
        return self.counts.total

    @property
    def percent_done(self) -> int:
        return self.counts.percent_done


@dataclass(frozen=True)
class UnitTable:
    """The table per unit: assigned, each bucket, % done, last update."""

    kind: ClassVar[str] = "unit_table"
    rows: tuple[UnitRow, ...]

    @property
    def totals(self) -> BucketCounts:
        return sum((row.counts for row in self.rows), BucketCounts())


@dataclass(frozen=True)
class Indicator:
    """A figure the tasks ask for, summed over the units: "Số hội nghị đã tổ chức", "hội nghị"."""

    name: str
    unit_of_measure: str
    total: float

    def __post_init__(self) -> None:
        # 12 and 12.0 must freeze to the same JSON, or a reloaded snapshot would hash apart.
        object.__setattr__(self, "total", float(self.total))


@dataclass(frozen=True)
class IndicatorTable:
    kind: ClassVar[str] = "indicator_table"
    rows: tuple[Indicator, ...]


@dataclass(frozen=True)
class Issue:
    """A difficulty or a proposal raised by a unit, with the answer it got (if any)."""

    category: str  # IssueCategory
    unit_name: str
    text: str
    status: str  # IssueStatus
    answer: str = ""

    @property
    def category_label(self) -> str:
        return str(IssueCategory(self.category).label)

    @property
    def status_label(self) -> str:
        return str(IssueStatus(self.status).label)


@dataclass(frozen=True)
class IssueList:
    kind: ClassVar[str] = "issue_list"
    items: tuple[Issue, ...]


@dataclass(frozen=True)
class LateItem:
    """An assignment past its deadline (or finished after it), with the unit's explanation."""

    citation: str
    task_title: str
    unit_name: str
    due_date: datetime.date
    days_late: int
    reason: str = ""


@dataclass(frozen=True)
class LateItems:
    kind: ClassVar[str] = "late_items"
    items: tuple[LateItem, ...]


@dataclass(frozen=True)
class BulletList:
    """Items written "- …;" one per line (the tasks for the next period, for example)."""

    kind: ClassVar[str] = "bullet_list"
    items: tuple[str, ...]


@dataclass(frozen=True)
class ChartFigure:
    """One of the snapshot's charts (``ReportSnapshot.charts``), drawn at this place."""

    kind: ClassVar[str] = "chart"
    chart: str  # ChartKind
    caption: str


Block = Union[  # noqa: UP007 - the union is also looked up at run time by the decoder
    Paragraph, TaskResults, UnitTable, IndicatorTable, IssueList, LateItems, BulletList, ChartFigure
]
BLOCK_TYPES: dict[str, type] = {cls.kind: cls for cls in typing.get_args(Block)}


@dataclass(frozen=True)
class Part:
    """A numbered part of the body; nested parts are numbered one level deeper."""

    title: str
    blocks: tuple[Block, ...] = ()
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class OutlineEntry:
    label: str  # "I.", "1.", "a)"
    depth: int  # 0, 1, 2
    part: Part


def part_label(depth: int, index: int) -> str:
    """The label of the ``index``-th (0-based) part at ``depth``: "II.", "3.", "c)"."""
    if depth == 0:
        return f"{_roman(index + 1)}."
    if depth == 1:
        return f"{index + 1}."
    if depth == 2 and index < 26:
        return f"{chr(ord('a') + index)})"
    raise SnapshotError("The body has at most three levels and 26 points per item.")


def _roman(number: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, numeral in numerals:
        while number >= value:
            out += numeral
            number -= value
    return out


# --- Header, charts, appendix -------------------------------------------------------------------
@dataclass(frozen=True)
class OrganisationInfo:
    name: str  # "Ủy ban nhân dân xã Sơn Mai"
    short_name: str  # "UBND xã Sơn Mai"
    header_lines: tuple[str, ...]  # ("ỦY BAN NHÂN DÂN", "XÃ SƠN MAI")
    place_name: str  # "Sơn Mai"
    document_code: str  # "UBND"
    administrative_code: str = ""
    edxml_organ_id: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    @classmethod
    def from_organisation(cls, organisation: Any) -> OrganisationInfo:
        """Freeze a ``units.models.Organisation``."""
        return cls(
            name=organisation.name,
            short_name=organisation.short_name or organisation.name,
            header_lines=tuple(organisation.header_lines) or (organisation.name.upper(),),
            place_name=organisation.place_name,
            document_code=organisation.document_code or "UBND",
            administrative_code=organisation.administrative_code,
            edxml_organ_id=organisation.edxml_organ_id,
            address=organisation.address,
            phone=organisation.phone,
            email=organisation.email,
            website=organisation.website,
        )

    @property
    def contact_line(self) -> str:
        """Box 13 of the layout: "Địa chỉ: …; Điện thoại: …; E-mail: …" (empty when unknown)."""
        parts = [
            (_("Địa chỉ: %(value)s"), self.address),
            (_("Điện thoại: %(value)s"), self.phone),
            (_("E-mail: %(value)s"), self.email),
            (_("Website: %(value)s"), self.website),
        ]
        return "; ".join(label % {"value": value} for label, value in parts if value)


@dataclass(frozen=True)
class Period:
    """The reporting period and the window of data it covers."""

    label: str  # "tháng 01 năm 2026", "quý I năm 2026", "đột xuất"
    data_from: datetime.date
    data_to: datetime.date
    is_ad_hoc: bool = False

    @property
    def window_text(self) -> str:
        """ "từ ngày 15/12/2025 đến ngày 14/01/2026"."""
        return _("từ ngày %(start)s đến ngày %(end)s") % {
            "start": vndate.short_date(self.data_from),
            "end": vndate.short_date(self.data_to),
        }


@dataclass(frozen=True)
class DirectiveReference:
    """The directive the report answers for: "Công văn số …/UBND-VP ngày … của UBND xã …"."""

    code: str
    title: str
    subject: str


@dataclass(frozen=True)
class Signer:
    """Authority lines above the signature ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), then the name."""

    authority_lines: tuple[str, ...]
    full_name: str

    @property
    def position(self) -> str:
        """The signer's own title, the last authority line: "CHỦ TỊCH", "PHÓ CHỦ TỊCH"."""
        return self.authority_lines[-1] if self.authority_lines else ""

    @property
    def competence(self) -> str:
        """The lines above the title, joined: "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"."""
        return " ".join(self.authority_lines[:-1])


@dataclass(frozen=True)
class UnitPercent:
    unit_name: str
    percent: int


@dataclass(frozen=True)
class WeekPoint:
    """Share of the dated assignments done by the end of a week (percent, one decimal)."""

    week_end: datetime.date
    percent_done: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "percent_done", float(self.percent_done))


@dataclass(frozen=True)
class ChartData:
    bucket_totals: BucketCounts
    unit_percents: tuple[UnitPercent, ...] = ()
    weekly_done: tuple[WeekPoint, ...] = ()


@dataclass(frozen=True)
class TaskColumn:
    citation: str  # "1.2"
    title: str


@dataclass(frozen=True)
class MatrixRow:
    unit_name: str
    cells: tuple[str, ...]  # a Bucket value per task column, "" where the unit has no share


@dataclass(frozen=True)
class Appendix:
    """The unit × task matrix printed as "Phụ lục" after the signature."""

    title: str
    task_columns: tuple[TaskColumn, ...]
    rows: tuple[MatrixRow, ...]

    def column_chunks(self, size: int) -> list[tuple[int, tuple[TaskColumn, ...]]]:
        """The columns cut in groups of ``size`` (a wide matrix prints as several tables)."""
        return [
            (start, self.task_columns[start : start + size])
            for start in range(0, len(self.task_columns), size)
        ]


# --- The report ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportSnapshot:
    organisation: OrganisationInfo
    number: int | None  # None while a draft
    symbol: str  # "BC-UBND"
    issued_on: datetime.date | None  # None while a draft
    year: int
    subject: str  # "Kết quả triển khai thực hiện Kết luận số 221-KL/TW …"
    period: Period
    recipients: tuple[str, ...]  # "Kính gửi": one or several
    source_directive: DirectiveReference
    introduction: tuple[str, ...]  # opening paragraphs before part I
    body: tuple[Part, ...]
    closing: tuple[str, ...]  # closing paragraphs; the last sentence gets "./."
    charts: ChartData
    distribution: tuple[str, ...]  # "Nơi nhận:" lines, without the leading "- "
    signer: Signer
    appendix: Appendix | None = None
    signed_at: datetime.datetime | None = None  # time of approval, aware
    #: Built with sample figures (demo, tests, benchmarks): every page says so.
    sample_data: bool = False
    #: The day the figures stop: the window's last day, or the day the report was submitted
    #: when that came first (None in snapshots frozen before the cut was recorded).
    figures_as_of: datetime.date | None = None
    #: Units with unfinished work that sent no update that counts in the window.
    units_not_reported: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if (self.number is None) != (self.issued_on is None):
            raise SnapshotError("A report gets its number and its date together.")
        if self.number is not None and self.number < 1:
            raise SnapshotError("Report numbers start at 01.")
        if self.issued_on is not None and self.issued_on.year != self.year:
            raise SnapshotError("The number sequence is per year: the date must be in `year`.")
        if self.signed_at is not None and self.signed_at.utcoffset() is None:
            raise SnapshotError("The signing time must carry its time zone.")
        if not self.recipients:
            raise SnapshotError("A report needs at least one addressee (Kính gửi).")
        if self.appendix is not None:
            width = len(self.appendix.task_columns)
            if any(len(row.cells) != width for row in self.appendix.rows):
                raise SnapshotError("Every appendix row needs one cell per task column.")
        if self.schema_version != SCHEMA_VERSION:
            raise SnapshotError(f"Unknown snapshot schema version {self.schema_version}.")

    # --- What the header and the signature print -------------------------------------------------
    @property
    def figures_as_of_line(self) -> str:
        """ "Số liệu tính đến ngày 02 tháng 12 năm 2026" ("" when not recorded)."""
        return figures_as_of_text(self.figures_as_of) if self.figures_as_of else ""

    @property
    def is_draft(self) -> bool:
        return self.number is None

    @property
    def code(self) -> str:
        """ "05/BC-UBND" (numbers below 10 get a leading zero); a draft leaves the number blank."""
        number = f"{self.number:02d}" if self.number is not None else NUMBER_BLANK
        return f"{number}/{self.symbol}"

    @property
    def number_line(self) -> str:
        return f"Số: {self.code}"

    @property
    def place_date_line(self) -> str:
        """ "Sơn Mai, ngày 07 tháng 01 năm 2026", with blanks for day and month in a draft."""
        return vndate.place_date_line(self.organisation.place_name, self.issued_on, year=self.year)

    @property
    def signed_at_iso(self) -> str:
        """ISO 8601 with the Vietnamese offset: "2026-01-07T09:30:15+07:00" ("" when unsigned)."""
        if self.signed_at is None:
            return ""
        return self.signed_at.astimezone(VIETNAM).replace(microsecond=0).isoformat()

    @property
    def closing_paragraphs(self) -> tuple[str, ...]:
        """The closing, its last sentence ending with "./." as the decree requires."""
        if not self.closing:
            return ()
        *head, last = self.closing
        last = last.rstrip()
        if not last.endswith("./."):
            last = last.rstrip(".") + "./."
        return (*head, last)

    @property
    def recipient_lines(self) -> tuple[str, ...]:
        """Several addressees print one per line, "- …;" and the last "- … ."."""
        if len(self.recipients) == 1:
            return (_with_end(self.recipients[0], "."),)
        *head, last = self.recipients
        return (*(f"- {_with_end(r, ';')}" for r in head), f"- {_with_end(last, '.')}")

    @property
    def distribution_lines(self) -> tuple[str, ...]:
        """ "- Như trên;" … "- Lưu: VT, VHXH."."""
        if not self.distribution:
            return ()
        *head, last = self.distribution
        return (*(f"- {_with_end(r, ';')}" for r in head), f"- {_with_end(last, '.')}")

    def outline(self) -> Iterator[OutlineEntry]:
        """Every part of the body, depth first, with its label."""

        def walk(parts: tuple[Part, ...], depth: int) -> Iterator[OutlineEntry]:
            for index, part in enumerate(parts):
                yield OutlineEntry(part_label(depth, index), depth, part)
                yield from walk(part.parts, depth + 1)

        yield from walk(self.body, 0)

    # --- Serialisation ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return encode(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportSnapshot:
        return decode(cls, data)

    def to_json(self) -> str:
        """Canonical JSON: the same snapshot always gives the same string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ReportSnapshot:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SnapshotError(f"Not JSON: {error}") from None
        return cls.from_dict(data)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON, hex."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def with_changes(self, **changes: Any) -> ReportSnapshot:
        return dataclasses.replace(self, **changes)


def figures_as_of_text(day: datetime.date) -> str:
    """ "Số liệu tính đến ngày 02 tháng 12 năm 2026"."""
    return _("Số liệu tính đến %(date)s") % {"date": vndate.long_date(day)}


def _with_end(text: str, end: str) -> str:
    return text.rstrip().rstrip(";.,") + end


__all__ = [
    "BLOCK_TYPES",
    "Appendix",
    "Block",
    "BucketCounts",
    "BulletList",
    "ChartData",
    "ChartFigure",
    "ChartKind",
    "DirectiveReference",
    "Indicator",
    "IndicatorTable",
    "Issue",
    "IssueList",
    "LateItem",
    "LateItems",
    "MatrixRow",
    "OrganisationInfo",
    "OutlineEntry",
    "Paragraph",
    "Part",
    "Period",
    "ReportSnapshot",
    "Signer",
    "SnapshotError",
    "TaskColumn",
    "TaskResult",
    "TaskResults",
    "UnitPercent",
    "UnitRow",
    "UnitTable",
    "WeekPoint",
    "figures_as_of_text",
    "part_label",
]
