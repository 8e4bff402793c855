"""The DOCX for the clerk: opens in python-docx, A4, margins, header table, page numbers."""

import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENTATION
from docx.oxml.ns import qn

from reports.renderers.docx_export import render_report_docx, text_width


@pytest.fixture(scope="module")
def document(demo):
    return Document(io.BytesIO(render_report_docx(demo)))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_page_is_a4_with_the_decree_margins_and_numbers_from_page_two(document):
    section = document.sections[0]
    assert section.orientation == WD_ORIENTATION.PORTRAIT
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.paragraphs[0].text
    header = section.header._element
    assert "PAGE" in [node.text for node in header.iter(qn("w:instrText"))]


def test_the_text_is_times_new_roman_14_pt(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14


def test_the_header_is_a_borderless_two_column_table(document):
    header = document.tables[0]
    (issuer, nation), (number, place) = ([c.text for c in row.cells] for row in header.rows)
    assert issuer == "ỦY BAN NHÂN DÂN\nXÃ SƠN MAI\n"
    assert nation == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert number == "Số: 05/BC-UBND"
    assert place == "Sơn Mai, ngày 19 tháng 02 năm 2026"
    assert header.rows[1].cells[1].paragraphs[0].runs[0].italic
    motto = header.rows[0].cells[1].paragraphs[1]
    assert motto._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    assert header._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}") is not None


def test_the_body_follows_the_pdf(document):
    text = all_text(document)
    for expected in (
        "BÁO CÁO",
        "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ).",
        "I. KẾT QUẢ TRIỂN KHAI THỰC HIỆN",
        "Biểu đồ 1. Phân loại kết quả thực hiện nhiệm vụ",
        "Nơi nhận:",
        "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN",
        "Nguyễn Anh Tuấn",
        "Phụ lục",
    ):
        assert expected in text, expected
    closing = [p.text for p in document.paragraphs if p.text.endswith("./.")]
    assert len(closing) == 1


def test_data_tables_repeat_their_header_row(document):
    data_tables = [t for t in document.tables if t.style and t.style.name == "Table Grid"]
    assert len(data_tables) >= 5
    for table in data_tables:
        assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_the_appendix_is_a_landscape_section(document):
    last = document.sections[-1]
    assert last.orientation == WD_ORIENTATION.LANDSCAPE
    assert round(last.page_width.mm) == 297


def test_a_draft_says_so(demo):
    draft = demo.with_changes(number=None, issued_on=None, signed_at=None)
    text = all_text(Document(io.BytesIO(render_report_docx(draft))))
    assert "DỰ THẢO" in text and "Số: \u2003\u2003\u2003/BC-UBND" in text


def test_text_widths_use_the_times_metrics():
    assert round(text_width("Độc lập - Tự do - Hạnh phúc", 13, bold=True).pt) == 159
