"""The report as a Word document (python-docx) for the clerk to finish in the document system.

Same content and order as the PDF, with the Decree 30/2020 layout approximated in Word: A4,
the same margins, Times New Roman (the PDF embeds its metric twin, Liberation Serif), the header
as a borderless two-column table whose rules are paragraph borders sized to the text, tables
whose header rows repeat on every page, page numbers from page 2 (a PAGE field in the header of
every page but the first) and the appendix in a landscape section.

Word cannot take the SVG charts through python-docx, so each chart is given as the table of the
numbers it draws, under the same caption: the clerk gets the figures, editable.
"""

from __future__ import annotations

import datetime
import io
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENTATION, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph
from fontTools.ttLib import TTFont

from directives.choices import BUCKET_ORDER
from reports.choices import BUCKET_CODES, BUCKET_TINTS, ChartKind
from reports.renderers.html import APPENDIX_COLUMNS, bullet_lines, document_date
from reports.renderers.pdf import FONT_DIR
from reports.snapshot import (
    BulletList,
    ChartFigure,
    IndicatorTable,
    IssueList,
    LateItems,
    Paragraph,
    ReportSnapshot,
    TaskResults,
    UnitTable,
)
from reports.templatetags.report_format import vn_number
from sonmai.lib import vndate

FONT = "Times New Roman"
CONTENT_WIDTH = Mm(165)  # A4 less the 30 mm and 15 mm side margins
ISSUER_WIDTH = Mm(66)
NATION_WIDTH = Mm(99)


@cache
def _font(bold: bool) -> TTFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return TTFont(str(FONT_DIR / name))


def text_width(text: str, size_pt: float, *, bold: bool = False) -> Length:
    """Width of ``text`` set in Times New Roman (same metrics as Liberation Serif)."""
    font = _font(bold)
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    units = sum(metrics[cmap.get(ord(char), ".notdef")][0] for char in text)
    return Pt(units * size_pt / font["head"].unitsPerEm)


def _set_run_font(run, *, size: float | None = None, bold=None, italic=None) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    after: float = 0,
) -> DocxParagraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.first_line_indent = Cm(1.27) if indent else None
    if text:
        _set_run_font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    return paragraph


def _rule(container, width: Length, within: Length, *, after: float = 0) -> None:
    """A centred horizontal rule ``width`` long, in a box ``within`` wide."""
    paragraph = _paragraph(container, align=WD_ALIGN_PARAGRAPH.CENTER, after=after)
    side = max(int((within - width) / 2), 0)
    paragraph.paragraph_format.left_indent = Length(side)
    paragraph.paragraph_format.right_indent = Length(side)
    paragraph.paragraph_format.line_spacing = Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


TABLE_TEXT_SIZES = (9, 9.5, 10, 10.5, 11)


def _table_style_id(size: float) -> str:
    return f"SonmaiTable{round(size * 2)}"


def _add_table_styles(doc) -> None:
    """Centred, unspaced paragraph styles for table cells, one per text size.

    Cells only name their style: formatting every run of a 60 × 200 matrix one by one would
    take python-docx tens of seconds.
    """
    for size in TABLE_TEXT_SIZES:
        style = doc.styles.add_style(f"Sonmai Table {round(size * 2)}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.first_line_indent = None
        style.paragraph_format.line_spacing = 1.0


def _cell_text(cell, text: str, *, size: float = 11, bold=False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.style = _table_style_id(size)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(str(text))
    if bold:
        run.bold = True


def _column_widths(table: Table, widths: list[Length]) -> None:
    """Fixed layout with the given column widths (the grid, which Word and LibreOffice use)."""
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def _grid(doc, header: list[str], rows: list[list[str]], widths: list[float], *, size=11) -> Table:
    """A bordered table with one repeated header row; the second column is left-aligned."""
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _column_widths(table, [Mm(width) for width in widths])
    table_rows = table.rows
    for index, title in enumerate(header):
        _cell_text(table_rows[0].cells[index], title, size=size - 0.5, bold=True)
    _repeat_header(table_rows[0])
    for row, values in zip(table_rows[1:], rows, strict=True):
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if index == 1 else None
            _cell_text(cell, value, size=size, align=align)
    _paragraph(doc, after=4)
    return table


def _page_number_header(section) -> None:
    """A centred PAGE field in the header of every page but the first."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        _set_run_font(run, size=13)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)


def _header(doc, snapshot: ReportSnapshot) -> None:
    table = doc.add_table(rows=2, cols=2)
    _borderless(table)
    table.autofit = False
    (issuer, nation), (number, place_date) = (row.cells for row in table.rows)
    for cell, width in ((issuer, ISSUER_WIDTH), (number, ISSUER_WIDTH)):
        cell.width = width
    for cell, width in ((nation, NATION_WIDTH), (place_date, NATION_WIDTH)):
        cell.width = width
    lines = snapshot.organisation.header_lines
    for index, line in enumerate(lines):
        target = issuer.paragraphs[0] if index == 0 else issuer.add_paragraph()
        target.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(target.add_run(line.upper()), size=13, bold=True)
    longest = max(text_width(line.upper(), 13, bold=True) for line in lines)
    _rule(issuer, Length(int(longest * 0.4)), ISSUER_WIDTH)
    title = nation.paragraphs[0]
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(title.add_run(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")), size=12, bold=True)
    motto_text = _("Độc lập - Tự do - Hạnh phúc")
    motto = nation.add_paragraph()
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(motto.add_run(motto_text), size=13, bold=True)
    # The rule under the motto is its bottom border, as long as the text (plus 1 mm of slack).
    side = max(int((NATION_WIDTH - text_width(motto_text, 13, bold=True)) / 2) - Mm(1), 0)
    motto.paragraph_format.left_indent = Length(side)
    motto.paragraph_format.right_indent = Length(side)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    motto._p.get_or_add_pPr().append(borders)
    for cell, text, size, italic in (
        (number, snapshot.number_line, 13, False),
        (place_date, snapshot.place_date_line, 14, True),
    ):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(8)
        _set_run_font(paragraph.add_run(text), size=size, italic=italic)


def _chart_table(doc, snapshot: ReportSnapshot, figure: ChartFigure) -> None:
    data = snapshot.charts
    if figure.chart == ChartKind.BUCKET_TOTALS:
        total = data.bucket_totals.total or 1
        rows = [
            [str(i + 1), str(bucket.label), str(count), f"{vn_number(round(100 * count / total))}%"]
            for i, (bucket, count) in enumerate(data.bucket_totals.items())
        ]
        _grid(doc, [_("TT"), _("Phân loại"), _("Số lượt"), _("Tỷ lệ")], rows, [10, 95, 30, 30])
    elif figure.chart == ChartKind.UNIT_PERCENT:
        rows = [
            [str(i + 1), item.unit_name, f"{item.percent}%"]
            for i, item in enumerate(data.unit_percents)
        ]
        _grid(doc, [_("TT"), _("Đơn vị"), _("Tỷ lệ hoàn thành")], rows, [10, 115, 40])
    elif figure.chart == ChartKind.WEEKLY_DONE:
        rows = [
            [str(i + 1), vndate.short_date(point.week_end), f"{vn_number(point.percent_done)}%"]
            for i, point in enumerate(data.weekly_done)
        ]
        _grid(doc, [_("TT"), _("Đến ngày"), _("Tỷ lệ hoàn thành")], rows, [10, 115, 40])


def _unit_table(doc, block: UnitTable) -> None:
    table = doc.add_table(rows=2, cols=11)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    top, sub = table.rows
    for index in (0, 1, 2, 7, 8, 9, 10):
        top.cells[index].merge(sub.cells[index])
    top.cells[3].merge(top.cells[4])
    top.cells[5].merge(top.cells[6])
    titles = {
        0: _("TT"),
        1: _("Đơn vị"),
        2: _("Số lượt được giao"),
        3: _("Đã hoàn thành"),
        5: _("Đang thực hiện"),
        7: _("Chưa thực hiện"),
        8: _("Thường xuyên"),
        9: _("Tỷ lệ hoàn thành (%)"),
        10: _("Cập nhật gần nhất"),
    }
    for index, title in titles.items():
        _cell_text(top.cells[index], title, size=10, bold=True)
    for index, title in ((3, _("Đúng hạn")), (4, _("Quá hạn")), (5, _("Trong hạn"))):
        _cell_text(sub.cells[index], title, size=10, bold=True)
    _cell_text(sub.cells[6], _("Quá hạn"), size=10, bold=True)
    _repeat_header(top)
    _repeat_header(sub)

    def add(values: list[str], bold: bool = False) -> None:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.LEFT if index == 1 else None
            _cell_text(cells[index], value, bold=bold, align=align)

    for number, row in enumerate(block.rows, start=1):
        c = row.counts
        add(
            [str(number), row.unit_name, str(row.assigned)]
            + [str(c.get(bucket)) for bucket in BUCKET_ORDER]
            + [str(row.percent_done), vndate.short_date(row.last_update)]
        )
    t = block.totals
    add(
        ["", _("Tổng cộng"), str(t.total)]
        + [str(t.get(bucket)) for bucket in BUCKET_ORDER]
        + [str(t.percent_done), ""],
        bold=True,
    )
    widths = [7, 34, 12.5, 12.5, 12.5, 12.5, 12.5, 12.5, 14.5, 12.5, 19]
    _column_widths(table, [Mm(width) for width in widths])
    _paragraph(doc, after=4)


def _block(doc, snapshot: ReportSnapshot, block, chart_number: list[int]) -> None:
    if isinstance(block, Paragraph):
        _paragraph(doc, block.text, indent=True, after=6)
    elif isinstance(block, TaskResults):
        for item in block.items:
            paragraph = _paragraph(doc, indent=True, after=6)
            heading = _("Nhiệm vụ %(citation)s (%(title)s):") % {
                "citation": item.citation,
                "title": item.title,
            }
            _set_run_font(paragraph.add_run(heading), size=14, bold=True)
            text = item.counts.summary() + (f" {item.result}" if item.result else "")
            _set_run_font(paragraph.add_run(f" {text}"), size=14)
    elif isinstance(block, UnitTable):
        _unit_table(doc, block)
    elif isinstance(block, IndicatorTable):
        rows = [
            [str(i + 1), r.name, r.unit_of_measure, vn_number(r.total)]
            for i, r in enumerate(block.rows)
        ]
        _grid(doc, [_("TT"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Tổng số")], rows, [9, 104, 30, 22])
    elif isinstance(block, IssueList):
        for issue in block.items:
            paragraph = _paragraph(doc, indent=True, after=6)
            _set_run_font(paragraph.add_run(f"- {issue.unit_name}:"), size=14, bold=True)
            _set_run_font(paragraph.add_run(f" {issue.text} "), size=14)
            meta = issue.status_label + (f": {issue.answer}" if issue.answer else "")
            _set_run_font(paragraph.add_run(f"({meta})"), size=14, italic=True)
    elif isinstance(block, LateItems):
        rows = [
            [
                str(i + 1),
                f"{item.citation}. {item.task_title}",
                item.unit_name,
                vndate.short_date(item.due_date),
                str(item.days_late),
                item.reason,
            ]
            for i, item in enumerate(block.items)
        ]
        header = [_("TT"), _("Nhiệm vụ"), _("Đơn vị"), _("Thời hạn"), _("Số ngày chậm")]
        _grid(doc, [*header, _("Nguyên nhân")], rows, [8, 40, 32, 21, 13, 51])
    elif isinstance(block, BulletList):
        for line in bullet_lines(block):
            _paragraph(doc, line, indent=True, after=6)
    elif isinstance(block, ChartFigure):
        chart_number[0] += 1
        caption = _("Biểu đồ %(number)s. %(caption)s") % {
            "number": chart_number[0],
            "caption": block.caption,
        }
        _paragraph(doc, caption, size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=3)
        _chart_table(doc, snapshot, block)


def _closing_block(doc, snapshot: ReportSnapshot) -> None:
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(74), Mm(91)
    title = left.paragraphs[0]
    _set_run_font(title.add_run(_("Nơi nhận:")), size=12, bold=True, italic=True)
    for line in snapshot.distribution_lines:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _set_run_font(paragraph.add_run(line), size=11)
    for index, line in enumerate(snapshot.signer.authority_lines):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _set_run_font(paragraph.add_run(line), size=14, bold=True)
    for _blank in range(4):
        right.add_paragraph()
    name = right.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(name.add_run(snapshot.signer.full_name), size=14, bold=True)


def _appendix(doc, snapshot: ReportSnapshot) -> None:
    appendix = snapshot.appendix
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENTATION.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(30), Mm(15)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    section.different_first_page_header_footer = False
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, _("Phụ lục"), bold=True, align=center)
    _paragraph(doc, appendix.title.upper(), bold=True, align=center)
    date = vndate.short_date(snapshot.issued_on) if snapshot.issued_on else "\u2003" * 4
    reference = _("Kèm theo Báo cáo số %(code)s ngày %(date)s của %(organisation)s") % {
        "code": snapshot.code,
        "date": date,
        "organisation": snapshot.organisation.name,
    }
    _paragraph(doc, f"({reference})", italic=True, align=center, after=8)
    cell_width = Length(int((Mm(257) - Mm(63)) / APPENDIX_COLUMNS))
    for start, columns in appendix.column_chunks(APPENDIX_COLUMNS):
        table = doc.add_table(rows=len(appendix.rows) + 1, cols=len(columns) + 2)
        table.style = "Table Grid"
        table.autofit = False
        _column_widths(table, [Mm(8), Mm(55)] + [cell_width] * len(columns))
        table_rows = table.rows
        header = [_("TT"), _("Đơn vị"), *(column.citation for column in columns)]
        for cell, title in zip(table_rows[0].cells, header, strict=True):
            _cell_text(cell, title, size=9, bold=True)
        _repeat_header(table_rows[0])
        for number, (table_row, row) in enumerate(
            zip(table_rows[1:], appendix.rows, strict=True), start=1
        ):
            cells = table_row.cells
            _cell_text(cells[0], str(number), size=9)
            _cell_text(cells[1], row.unit_name, size=9, align=WD_ALIGN_PARAGRAPH.LEFT)
            for cell, value in zip(cells[2:], row.cells[start : start + len(columns)], strict=True):
                if value:
                    _cell_text(cell, BUCKET_CODES[value], size=9)
                    _shade(cell, BUCKET_TINTS[value])
        _paragraph(doc, after=4)
    legend = "; ".join(f"{BUCKET_CODES[b]} – {b.label}" for b in BUCKET_ORDER)
    _paragraph(doc, f"{_('Ký hiệu:')} {legend}.", size=10, italic=True, after=4)
    tasks = "; ".join(f"{c.citation} – {c.title}" for c in appendix.task_columns)
    _paragraph(doc, f"{_('Nhiệm vụ:')} {tasks}.", size=10, italic=True)


def render_report_docx(snapshot: ReportSnapshot) -> bytes:
    """The report as DOCX bytes."""
    with translation.override("vi"):
        return _render(snapshot)


def _render(snapshot: ReportSnapshot) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    _add_table_styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENTATION.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_number_header(section)

    moment = document_date(snapshot)
    properties = doc.core_properties
    properties.title = f"{snapshot.number_line} – {snapshot.subject}"
    properties.subject = snapshot.subject
    properties.author = snapshot.organisation.name
    properties.last_modified_by = snapshot.organisation.name
    properties.created = properties.modified = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    properties.revision = 1

    if snapshot.is_draft or snapshot.sample_data:
        markers = []
        if snapshot.sample_data:
            markers.append(_("SỐ LIỆU MẪU"))
        if snapshot.is_draft:
            markers.append(_("DỰ THẢO"))
        _paragraph(doc, " – ".join(markers), size=11, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _header(doc, snapshot)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, _("BÁO CÁO"), bold=True, align=center).paragraph_format.space_before = Pt(18)
    _paragraph(doc, snapshot.subject, bold=True, align=center)
    _rule(doc, Mm(55), CONTENT_WIDTH, after=12)
    lines = snapshot.recipient_lines
    if len(lines) == 1:
        _paragraph(doc, f"{_('Kính gửi:')} {lines[0]}", align=center, after=10)
    else:
        _paragraph(doc, _("Kính gửi:"), align=center)
        for line in lines:
            _paragraph(doc, line, align=center)
        _paragraph(doc, after=6)

    for text in snapshot.introduction:
        _paragraph(doc, text, indent=True, after=6)
    chart_number = [0]
    for entry in snapshot.outline():
        _paragraph(
            doc,
            f"{entry.label} {entry.part.title}",
            bold=entry.depth < 2,
            indent=True,
            after=6,
        ).paragraph_format.keep_with_next = True
        for block in entry.part.blocks:
            _block(doc, snapshot, block, chart_number)
    for text in snapshot.closing_paragraphs:
        _paragraph(doc, text, indent=True, after=6)
    _closing_block(doc, snapshot)
    if snapshot.appendix is not None:
        _appendix(doc, snapshot)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
