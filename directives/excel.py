"""Excel sheets for the office: formatted exports, and an all-or-nothing import of assignments.

Exports follow the filters on screen. The assignment list is also the import format: export,
edit due dates or add rows, import again. An import is first checked row by row; a sheet with
any error changes nothing.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from directives.choices import (
    BUCKET_COLOURS,
    BUCKET_ORDER,
    AssignmentRole,
    Bucket,
    Cadence,
    ImportState,
)
from directives.dashboard import Filters, overview
from directives.models import Assignment, AssignmentImport, Directive, Task
from directives.services.extensions import change_due_date
from sonmai.lib.actor import acting_as
from sonmai.lib.i18n import portal_language
from sonmai.lib.vndate import short_date
from sonmai.lib.vntext import fold, nfc
from units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
MAX_IMPORT_ROWS = 5000
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
DASHBOARD_EXPORTS = {"don-vi", "ma-tran"}

# The columns of the assignment list, which is also the import format.
COL_CITATION = "Mục, ý"
COL_TASK = "Nhiệm vụ"
COL_UNIT = "Đơn vị"
COL_ROLE = "Vai trò"
COL_DUE = "Hạn hoàn thành"
COL_CADENCE = "Chu kỳ báo cáo"
COL_REPORT_DAY = "Ngày báo cáo trong tháng"
LIST_COLUMNS = [
    (COL_CITATION, 9),
    (COL_TASK, 40),
    (COL_UNIT, 28),
    (COL_ROLE, 11),
    (COL_DUE, 14),
    (COL_CADENCE, 14),
    (COL_REPORT_DAY, 12),
    ("Tình trạng", 16),
    ("Tỷ lệ hoàn thành (%)", 12),
    ("Phân loại", 24),
    ("Ngày hoàn thành", 14),
]


def _workbook_response(workbook: Workbook, name: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _title(sheet: Worksheet, title: str, subtitle: str, width: int) -> int:
    """Title rows on top of a sheet; returns the row where the table starts."""
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, title).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(2, 1, subtitle).font = Font(italic=True)
    return 4


def _header(sheet: Worksheet, row: int, columns: Iterable[tuple[str, int]]) -> None:
    for index, (label, width) in enumerate(columns, start=1):
        cell = sheet.cell(row, index, label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"C{row + 1}"


def _subtitle(filters: Filters, today: datetime.date) -> str:
    parts = [_("Số liệu đến ngày %(date)s") % {"date": short_date(today)}]
    if filters.period:
        parts.append(str(filters.period.label))
    if filters.bucket:
        parts.append(str(Bucket(filters.bucket).label))
    return " · ".join(parts)


def dashboard_export(
    kind: str, assignments, filters: Filters, today: datetime.date
) -> HttpResponse:
    data = overview(assignments, today)
    workbook = Workbook()
    sheet = workbook.active
    if kind == "don-vi":
        sheet.title = "Theo đơn vị"
        columns = [("STT", 5), ("Đơn vị", 30), ("Số nhiệm vụ được giao", 11)]
        columns += [(str(bucket.label), 13) for bucket in BUCKET_ORDER]
        columns += [
            ("Tiến độ bình quân (%)", 11),
            ("Có nguy cơ chậm", 10),
            ("Cập nhật gần nhất", 14),
        ]
        start = _title(
            sheet, "BẢNG TỔNG HỢP TIẾN ĐỘ THEO ĐƠN VỊ", _subtitle(filters, today), len(columns)
        )
        _header(sheet, start, columns)
        for position, row in enumerate(data.unit_rows, start=1):
            values = [position, str(row.unit), row.assigned]
            values += [row.buckets[bucket] for bucket in BUCKET_ORDER]
            last = timezone.localtime(row.last_update).date() if row.last_update else None
            values += [row.average_percent, row.behind, last]
            sheet.append(values)
            sheet.cell(sheet.max_row, len(values)).number_format = DATE_FORMAT
        total_row = ["", str(_("Tổng cộng")), sum(r.assigned for r in data.unit_rows)]
        total_row += [data.totals[bucket] for bucket in BUCKET_ORDER]
        sheet.append(total_row)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        return _workbook_response(workbook, f"tong-hop-theo-don-vi-{today:%Y%m%d}.xlsx")
    sheet.title = "Ma trận"
    columns = [("STT", 5), ("Đơn vị", 30)] + [
        (f"{task.section.number}.{task.number}\n{task.short_title}", 16) for task in data.tasks
    ]
    start = _title(sheet, "MA TRẬN ĐƠN VỊ × NHIỆM VỤ", _subtitle(filters, today), len(columns))
    _header(sheet, start, columns)
    sheet.row_dimensions[start].height = 60
    for position, (row, cells) in enumerate(data.matrix, start=1):
        sheet.append(
            [position, str(row.unit)]
            + [str(Bucket(cell.current_bucket).label) if cell else "" for cell in cells]
        )
        for offset, cell in enumerate(cells, start=3):
            if cell:
                target = sheet.cell(sheet.max_row, offset)
                colour = BUCKET_COLOURS[Bucket(cell.current_bucket)].lstrip("#")
                target.fill = PatternFill("solid", fgColor=colour)
                target.font = Font(color="FFFFFF", size=9)
                target.alignment = Alignment(wrap_text=True)
    return _workbook_response(workbook, f"ma-tran-don-vi-nhiem-vu-{today:%Y%m%d}.xlsx")


def assignment_list_export(assignments, filters: Filters, today: datetime.date) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phân công"
    start = _title(
        sheet, "DANH SÁCH PHÂN CÔNG NHIỆM VỤ", _subtitle(filters, today), len(LIST_COLUMNS)
    )
    _header(sheet, start, LIST_COLUMNS)
    for assignment in assignments:
        task = assignment.task
        sheet.append(
            [
                f"{task.section.number}.{task.number}",
                task.short_title,
                str(assignment.unit),
                str(assignment.get_role_display()),
                assignment.due_date,
                str(assignment.get_cadence_display()) if assignment.cadence else "",
                assignment.report_day,
                str(assignment.get_status_display()),
                assignment.percent_done,
                str(Bucket(assignment.current_bucket).label),
                assignment.completed_on,
            ]
        )
        for column in (5, 11):
            sheet.cell(sheet.max_row, column).number_format = DATE_FORMAT
    return _workbook_response(workbook, f"danh-sach-phan-cong-{today:%Y%m%d}.xlsx")


# --- Import ---------------------------------------------------------------------------------
_CITATION = re.compile(r"^\s*(?:muc\s*)?(\d+)\s*(?:[.,]|,?\s*y)\s*(\d+)\s*$")


def _roles() -> dict[str, str]:
    # Both the Vietnamese labels and the stored values are accepted.
    roles = {fold(str(label)): value for value, label in AssignmentRole.choices}
    return roles | {value: value for value in AssignmentRole.values}


def _cadences() -> dict[str, str]:
    cadences = {fold(str(label)): value for value, label in Cadence.choices if value}
    return cadences | {value: value for value in Cadence.values if value}


class ImportRejected(ValueError):
    """The file cannot be read as a sheet at all."""


def _read_date(value: object) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def check_import(directive: Directive, content: bytes) -> tuple[list[dict], list[dict]]:
    """Read the sheet; return (valid rows, errors), each error naming its row."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ImportRejected(_("Không đọc được tệp: hãy chọn tệp Excel (.xlsx).")) from None
    sheet = workbook.worksheets[0]
    header_row, columns = None, {}
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 20))
    for number, values in enumerate(rows[:20], start=1):
        labels = {fold(str(v)): i for i, v in enumerate(values) if v not in (None, "")}
        if fold(COL_CITATION) in labels and fold(COL_UNIT) in labels:
            header_row, columns = number, labels
            break
    if header_row is None:
        raise ImportRejected(
            _("Không tìm thấy dòng tiêu đề có cột “%(a)s” và “%(b)s”.")
            % {"a": COL_CITATION, "b": COL_UNIT}
        )
    tasks = {
        (t.section.number, t.number): t
        for t in Task.objects.filter(section__directive=directive).select_related("section")
    }
    units = list(Unit.objects.filter(organisation=directive.organisation, is_active=True))
    unit_names = {}
    for unit in units:
        for name in (unit.name, unit.display_name, unit.code):
            if name:
                unit_names[fold(name)] = unit

    def cell(values: tuple, label: str) -> object:
        index = columns.get(fold(label))
        return values[index] if index is not None and index < len(values) else None

    roles, cadences = _roles(), _cadences()
    valid, errors, seen = [], [], set()
    for number, values in enumerate(rows[header_row:], start=header_row + 1):
        if not any(v not in (None, "") for v in values):
            continue
        problems = []
        citation = fold(str(cell(values, COL_CITATION) or ""))
        match = _CITATION.match(citation)
        task = tasks.get((int(match[1]), int(match[2]))) if match else None
        if task is None:
            problems.append(
                _("không có nhiệm vụ “%(value)s” trong văn bản")
                % {"value": cell(values, COL_CITATION) or ""}
            )
        unit = unit_names.get(fold(str(cell(values, COL_UNIT) or "")))
        if unit is None:
            problems.append(
                _("không có đơn vị “%(value)s”") % {"value": cell(values, COL_UNIT) or ""}
            )
        role = roles.get(fold(str(cell(values, COL_ROLE) or "Chủ trì")))
        if role is None:
            problems.append(_("vai trò phải là “Chủ trì” hoặc “Phối hợp”"))
        try:
            due = _read_date(cell(values, COL_DUE))
        except ValueError:
            due = None
            problems.append(
                _("hạn hoàn thành “%(value)s” không phải ngày (dd/mm/yyyy)")
                % {"value": cell(values, COL_DUE)}
            )
        cadence_text = fold(str(cell(values, COL_CADENCE) or ""))
        cadence = cadences.get(cadence_text, "") if cadence_text else ""
        if cadence_text and not cadence:
            problems.append(_("chu kỳ báo cáo phải là Hằng tháng, Hằng quý, 6 tháng hoặc Hằng năm"))
        if not due and not cadence and not problems:
            problems.append(_("cần hạn hoàn thành hoặc chu kỳ báo cáo"))
        report_day = cell(values, COL_REPORT_DAY) or 15
        try:
            report_day = int(report_day)
            if not 1 <= report_day <= 28:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(_("ngày báo cáo phải từ 1 đến 28"))
        if task and unit:
            if (task.pk, unit.pk) in seen:
                problems.append(_("trùng với một dòng phía trên"))
            seen.add((task.pk, unit.pk))
        if problems:
            errors.append({"row": number, "message": nfc("; ".join(problems))})
        else:
            valid.append(
                {
                    "row": number,
                    "task": task.pk,
                    "unit": unit.pk,
                    "role": role,
                    "due_date": due.isoformat() if due else None,
                    "cadence": cadence,
                    "report_day": report_day,
                }
            )
    if not valid and not errors:
        errors.append({"row": header_row + 1, "message": _("Bảng không có dòng nào.")})
    return valid, errors


def receive_import(
    directive: Directive, *, actor: object, name: str, content: bytes
) -> AssignmentImport:
    """Store the file and the result of checking it (nothing is applied yet)."""
    valid, errors = check_import(directive, content)
    job = AssignmentImport(
        directive=directive,
        uploaded_by=actor,
        token=uuid.uuid4(),
        original_name=nfc(name)[-200:],
        state=ImportState.REJECTED if errors else ImportState.CHECKED,
        rows=valid,
        errors=errors,
        summary={"rows": len(valid) + len(errors), "errors": len(errors)},
    )
    job.file.save(name, ContentFile(content), save=False)
    job.save()
    return job


def apply_import(job: AssignmentImport, *, actor: object) -> AssignmentImport:
    """Create or change every listed assignment, or nothing if anything fails."""
    if job.state != ImportState.CHECKED:
        raise ImportRejected(_("Chỉ áp dụng được bảng đã kiểm tra và không có lỗi."))
    created = changed = unchanged = 0
    with portal_language():
        reason = _("Nhập từ tệp Excel “%(name)s”.") % {"name": job.original_name}
    with acting_as(actor), transaction.atomic():
        locked = AssignmentImport.objects.select_for_update().get(pk=job.pk)
        if locked.state != ImportState.CHECKED:
            raise ImportRejected(_("Bảng này đã được áp dụng."))
        for row in locked.rows:
            due = datetime.date.fromisoformat(row["due_date"]) if row["due_date"] else None
            assignment = Assignment.objects.filter(task_id=row["task"], unit_id=row["unit"]).first()
            if assignment is None:
                Assignment.objects.create(
                    task_id=row["task"],
                    unit_id=row["unit"],
                    role=row["role"],
                    due_date=due,
                    cadence=row["cadence"],
                    report_day=row["report_day"],
                )
                created += 1
                continue
            fields = {
                "role": row["role"],
                "cadence": row["cadence"],
                "report_day": row["report_day"],
            }
            dirty = [name for name, value in fields.items() if getattr(assignment, name) != value]
            for name in dirty:
                setattr(assignment, name, fields[name])
            if dirty:
                assignment.save(history_note=reason)
            if assignment.due_date != due:
                change_due_date(assignment, actor=actor, new_due_date=due, reason=reason)
                dirty.append("due_date")
            changed += bool(dirty)
            unchanged += not dirty
        locked.state = ImportState.APPLIED
        locked.applied_at = timezone.now()
        locked.summary = {
            **locked.summary,
            "created": created,
            "changed": changed,
            "unchanged": unchanged,
        }
        locked.save()
    return locked
