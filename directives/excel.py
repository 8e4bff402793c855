"""Excel sheets for the office: formatted exports, and an all-or-nothing import of assignments.

Exports follow the filters on screen. The assignment list is also the import format: export,
edit due dates or add rows, import again. An import is first checked row by row; a sheet with
any error changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from directives.choices import (
    BUCKET_COLOURS,
    BUCKET_ORDER,
    Bucket,
)
from directives.dashboard import Filters, overview
from directives.figures import Figures
from sonmai.lib.spreadsheets import workbook_download
from sonmai.lib.vndate import short_date

DATE_FORMAT = "DD/MM/YYYY"
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
COL_DIRECTIVE = "Văn bản"
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
    (COL_DIRECTIVE, 40),
]


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
) -> HttpResponseBase:
    data = overview(Figures(assignments, today))
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
        return workbook_download(workbook, f"tong-hop-theo-don-vi-{today:%Y%m%d}.xlsx")
    sheet.title = "Ma trận"
    # Columns of several directives say which one they belong to ("CV 45 · 1.2").
    several = len({task.section.directive_id for task in data.tasks}) > 1
    columns = [("STT", 5), ("Đơn vị", 30)] + [
        (
            f"{task.label if several else f'{task.section.number}.{task.number}'}\n"
            f"{task.short_title}",
            16,
        )
        for task in data.tasks
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
    return workbook_download(workbook, f"ma-tran-don-vi-nhiem-vu-{today:%Y%m%d}.xlsx")


def assignment_list_export(assignments, filters: Filters, today: datetime.date) -> HttpResponseBase:
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
                f"{task.section.directive.short_label}: {task.section.directive.title}",
            ]
        )
        for column in (5, 11):
            sheet.cell(sheet.max_row, column).number_format = DATE_FORMAT
    return workbook_download(workbook, f"danh-sach-phan-cong-{today:%Y%m%d}.xlsx")
