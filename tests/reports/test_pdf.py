"""The PDF read back: page, margins, font, header, body, signature block, page numbers."""

import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from reports.demo import VICE_CHAIRMAN_LINES
from reports.renderers.pdf import RenderingError, render_report_pdf
from reports.snapshot import Signer
from sonmai.lib.charts import _percent_text
from tests.reports import pdfcheck as c
from tests.reports.conftest import SON_MAI, small_snapshot

ROOT = Path(__file__).resolve().parents[2]


def portrait_pages(pdf):
    return [page for page in pdf.pages if page.height > page.width]


def test_pages_are_a4_portrait_and_the_appendix_turns_landscape(demo_pdf):
    pdf = c.open_pdf(demo_pdf.content)
    assert len(pdf.pages) == demo_pdf.page_count
    for page in pdf.pages[:-1]:
        assert (page.width, page.height) == pytest.approx(c.A4, abs=0.1)
    appendix = pdf.pages[-1]
    assert (appendix.width, appendix.height) == pytest.approx(c.A4[::-1], abs=0.1)
    assert "Phụ lục" in c.full_text(pdf).split("Nơi nhận:")[-1]


def test_text_stays_inside_the_decree_margins(demo_pdf):
    pdf = c.open_pdf(demo_pdf.content)
    lefts, rights = [], []
    for page in portrait_pages(pdf):
        body = [ch for ch in page.chars if ch["top"] > c.TOP and ch["text"].strip()]
        assert body
        assert min(ch["top"] for ch in body) >= c.TOP - 0.5
        assert max(ch["bottom"] for ch in body) <= c.A4[1] - c.BOTTOM + 0.5
        lefts.append(min(ch["x0"] for ch in body))
        rights.append(max(ch["x1"] for ch in body))
        assert lefts[-1] >= c.LEFT - 0.5 and rights[-1] <= c.A4[0] - c.RIGHT + 0.5
    # Justified body text reaches both margins: 30 mm on the left, 15 mm on the right.
    assert min(lefts) == pytest.approx(c.LEFT, abs=0.5)
    assert max(rights) == pytest.approx(c.A4[0] - c.RIGHT, abs=1.0)
    first = c.lines(pdf.pages[0], (0, c.TOP, c.A4[0], 120))
    assert first[0].top == pytest.approx(c.TOP, abs=3)  # the header starts at the top margin


def test_the_only_fonts_are_the_embedded_liberation_serif(demo_pdf):
    found = c.fonts(demo_pdf.content)
    assert {name.split("+")[1] for name, _d in found} == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }
    for name, descriptor in found:
        assert c.LIBERATION.match(name), name
        program = descriptor.get_object()["/FontFile2"].get_object().get_data()
        font = TTFont(io.BytesIO(program))
        assert font["name"].getDebugName(1) == "Liberation Serif"
        assert "Red Hat" in font["name"].getDebugName(0)


def test_rendering_does_not_depend_on_the_machines_fonts(tmp_path):
    """With fontconfig seeing no font at all, the shipped files still give Liberation Serif."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    out = tmp_path / "report.pdf"
    script = (
        "import django; django.setup(); "
        "from tests.reports.conftest import SON_MAI, small_snapshot; "
        "from reports.renderers.pdf import render_report_pdf; "
        f"open({str(out)!r}, 'wb').write(render_report_pdf(small_snapshot()).content)"
    )
    env = os.environ | {"FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)
    names = {name for name, _descriptor in c.fonts(out.read_bytes())}
    assert names and all(c.LIBERATION.match(name) for name in names), names


def test_a_missing_font_file_stops_the_rendering(monkeypatch, tmp_path):
    monkeypatch.setattr("reports.renderers.pdf.FONT_DIR", tmp_path)
    with pytest.raises(RenderingError):
        render_report_pdf(small_snapshot())


def test_the_header_has_its_two_columns_rules_number_and_dated_place(demo_pdf):
    pdf = c.open_pdf(demo_pdf.content)
    page = pdf.pages[0]
    left = c.lines(page, (c.LEFT, c.TOP, c.ISSUER_RIGHT, 130))
    right = c.lines(page, (c.ISSUER_RIGHT, c.TOP, c.A4[0] - c.RIGHT, 130))
    issuer, commune = c.find(left, "ỦY BAN NHÂN DÂN"), c.find(left, "XÃ SƠN MAI")
    number = c.find(left, "Số:")
    nation, motto = c.find(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), c.find(right, "Độc lập")
    place = c.find(right, "Sơn Mai, ngày")
    assert number.text == "Số: 05/BC-UBND"
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert place.text == "Sơn Mai, ngày 19 tháng 02 năm 2026"
    # Sizes and styles of boxes 1–4.
    assert issuer.size == commune.size == 13 and all("Bold" in f for f in issuer.fontnames)
    assert nation.size == 12 and all("Bold" in f for f in nation.fontnames)
    assert motto.size == 13 and all("Bold" in f for f in motto.fontnames)
    assert number.size == 13 and not any("Bold" in f or "Italic" in f for f in number.fontnames)
    assert place.size == 14 and all(f.endswith("Liberation-Serif-Italic") for f in place.fontnames)
    # The issuing body and the number are centred in the left column, title and date on the right.
    column_centre = (c.LEFT + c.ISSUER_RIGHT) / 2
    for line in (issuer, commune, number):
        assert line.centre == pytest.approx(column_centre, abs=1.5)
    assert place.centre == pytest.approx(motto.centre, abs=1.5)
    assert nation.centre == pytest.approx(motto.centre, abs=1.5)
    assert issuer.top < commune.top < number.top and nation.top < motto.top < place.top
    assert place.baseline == pytest.approx(number.baseline, abs=0.5)  # the same line
    # Rules: under the motto as long as its text; under the issuer, short and centred.
    rules = [r for r in page.rects if r["height"] < 20 and r["top"] < number.top]
    assert any(
        r["x0"] == pytest.approx(motto.x0, abs=1) and r["x1"] == pytest.approx(motto.x1, abs=1)
        for r in rules
    )
    short = [
        r
        for r in rules
        if commune.bottom < r["top"] < number.top and r["x1"] < c.ISSUER_RIGHT and r["height"] < 2
    ]
    assert len(short) == 1
    width = short[0]["x1"] - short[0]["x0"]
    assert (issuer.x1 - issuer.x0) / 3 <= width <= (issuer.x1 - issuer.x0) / 2
    assert (short[0]["x0"] + short[0]["x1"]) / 2 == pytest.approx(column_centre, abs=1)


def test_type_subject_and_addressee_follow_the_header(demo, demo_pdf):
    page = c.open_pdf(demo_pdf.content).pages[0]
    found = c.lines(page, (c.LEFT, 120, c.A4[0] - c.RIGHT, 300))
    kind = c.find(found, "BÁO CÁO")
    assert kind.text == "BÁO CÁO" and all("Bold" in f for f in kind.fontnames)
    assert kind.centre == pytest.approx(c.CONTENT_CENTRE, abs=1.5)
    subject = c.find(found, "Kết quả triển khai thực hiện Kết luận số 221-KL/TW")
    assert all("Bold" in f for f in subject.fontnames) and subject.size == 14
    addressee = c.find(found, "Kính gửi:")
    assert addressee.text == "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ)."
    assert addressee.centre == pytest.approx(c.CONTENT_CENTRE, abs=1.5)
    rule = [r for r in page.rects if subject.bottom < r["top"] < addressee.top]
    assert rule and rule[0]["x1"] - rule[0]["x0"] == pytest.approx(55 * c.MM, abs=1)


def test_vietnamese_text_comes_back_intact(demo, demo_pdf):
    text = c.full_text(c.open_pdf(demo_pdf.content))
    for expected in (
        "I. KẾT QUẢ TRIỂN KHAI THỰC HIỆN",
        "1. Công tác lãnh đạo, chỉ đạo, quán triệt, tuyên truyền",
        "Nhiệm vụ 1.4 (Sắp xếp bộ máy; kiện toàn trường học, trạm y tế):",
        "Trường Tiểu học Sơn Mai (mẫu)",
        "Biểu đồ 1. Phân loại kết quả thực hiện nhiệm vụ",
        "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
        "Kèm theo Báo cáo số 05/BC-UBND ngày 19/02/2026 của Ủy ban nhân dân xã Sơn Mai",
    ):
        assert c.nfc(expected) in text, expected
    # Chart labels are SVG text: drawn glyph by glyph, so they come back without spaces.
    totals = demo.charts.bucket_totals
    overdue = totals.get("overdue")
    label = f"Đang thực hiện quá hạn {overdue} ({_percent_text(100 * overdue / totals.total)})"
    assert label.replace(" ", "") in text.replace(" ", "")


def test_body_paragraphs_are_14_pt_justified_with_a_first_line_indent(demo_pdf):
    page = c.open_pdf(demo_pdf.content).pages[0]
    found = c.lines(page, (c.LEFT, 200, c.A4[0] - c.RIGHT, 780))
    opening = c.find(found, "Thực hiện Công văn số 120/UBND-NC")
    assert opening.size == 14
    assert opening.x0 == pytest.approx(c.LEFT + 12.7 * c.MM, abs=1)  # 1.27 cm indent
    following = found[found.index(opening) + 1]
    assert following.x0 == pytest.approx(c.LEFT, abs=0.5)
    assert following.x1 == pytest.approx(c.A4[0] - c.RIGHT, abs=1)  # justified


def test_page_numbers_start_on_page_two_at_the_top_centre(demo_pdf):
    pdf = c.open_pdf(demo_pdf.content)
    assert not [w for w in c.top_margin_words(pdf.pages[0]) if w.isdigit()]
    for index, page in enumerate(pdf.pages[1:], start=2):
        words = page.crop((0, 0, page.width, c.TOP if page.height > page.width else 30 * c.MM))
        numbers = [w for w in words.extract_words(extra_attrs=["size"]) if w["text"].isdigit()]
        assert [w["text"] for w in numbers] == [str(index)]
        centre = (c.LEFT + page.width - c.RIGHT) / 2 if page.height > page.width else page.width / 2
        assert (numbers[0]["x0"] + numbers[0]["x1"]) / 2 == pytest.approx(centre, abs=2)
        assert round(numbers[0]["size"]) == 13


def test_the_signature_block_and_recipients_sit_side_by_side(demo_pdf):
    pdf = c.open_pdf(demo_pdf.content)
    page = pdf.pages[demo_pdf.signature_box.page_index]
    found = c.lines(page, (c.LEFT, c.TOP, c.A4[0] - c.RIGHT, c.A4[1] - c.BOTTOM))
    split = c.LEFT + 0.45 * (c.A4[0] - c.LEFT - c.RIGHT)
    left = c.lines(page, (c.LEFT, c.TOP, split, c.A4[1] - c.BOTTOM))
    right = c.lines(page, (split, c.TOP, c.A4[0] - c.RIGHT, c.A4[1] - c.BOTTOM))
    heading = c.find(left, "Nơi nhận:")
    assert heading.size == 12 and all(f.endswith("Bold-Italic") for f in heading.fontnames)
    assert heading.x0 == pytest.approx(c.LEFT, abs=0.5)
    items = [line.text for line in left if line.top > heading.top][:3]
    assert items == ["- Như trên;", "- CT, các PCT UBND xã;", "- Lưu: VT, VHXH."]
    assert all(line.size == 11 for line in left if line.text in items)
    authority, title = c.find(right, "TM. ỦY BAN NHÂN DÂN"), c.find(right, "CHỦ TỊCH")
    name = c.find(right, "Nguyễn Anh Tuấn")
    assert authority.top == pytest.approx(heading.top, abs=4)  # level with "Nơi nhận:"
    for line in (authority, title, name):
        assert line.size == 14 and all("Bold" in f for f in line.fontnames)
        assert line.centre == pytest.approx(authority.centre, abs=1.5)
    assert name.top - title.bottom > 20 * c.MM  # room for the signature and the seal
    box = demo_pdf.signature_box
    assert page.height - box.y2 == pytest.approx(title.bottom, abs=3)
    last = [line for line in found if line.bottom < heading.top - 1][-1]
    assert last.text.endswith("./.")


def test_number_and_date_formats(small_pdf):
    page = c.open_pdf(small_pdf.content).pages[0]
    left = c.lines(page, (c.LEFT, c.TOP, c.ISSUER_RIGHT, 130))
    right = c.lines(page, (c.ISSUER_RIGHT, c.TOP, c.A4[0] - c.RIGHT, 130))
    assert c.find(left, "Số:").text == "Số: 12/BC-UBND"
    assert c.find(right, "Sơn Mai,").text == "Sơn Mai, ngày 07 tháng 01 năm 2026"


def test_a_draft_leaves_number_and_date_blank_and_says_so(draft_pdf, demo_pdf):
    draft = c.open_pdf(draft_pdf.content)
    page = draft.pages[0]
    assert "DỰ THẢO" in " ".join(c.top_margin_words(page))
    left = c.lines(page, (c.LEFT, c.TOP, c.ISSUER_RIGHT, 130))
    right = c.lines(page, (c.ISSUER_RIGHT, c.TOP, c.A4[0] - c.RIGHT, 130))
    number = c.find(left, "Số:")
    assert number.text.replace(" ", "") == "Số:/BC-UBND"
    assert number.x1 - number.x0 > 80  # blank room to write the number in
    place = c.find(right, "Sơn Mai, ngày")
    assert "tháng" in place.text and place.text.endswith("năm 2026")
    assert not any(ch.isdigit() for ch in place.text.removesuffix("2026"))
    for later in draft.pages[1:]:
        assert "DỰ THẢO" in " ".join(c.top_margin_words(later))
    final = c.open_pdf(demo_pdf.content)
    assert "DỰ THẢO" not in c.full_text(final)


def test_sample_figures_are_marked_on_every_page(demo_pdf, small_pdf):
    pdf = c.open_pdf(demo_pdf.content)
    for page in pdf.pages:
        assert "SỐ LIỆU MẪU" in " ".join(c.top_margin_words(page))
    assert "MẪU" not in c.full_text(c.open_pdf(small_pdf.content))


def test_the_vice_chairman_signs_for_the_chairman():
    rendered = render_report_pdf(small_snapshot(signer=Signer(VICE_CHAIRMAN_LINES, "Phạm Thị Hoa")))
    page = c.open_pdf(rendered.content).pages[rendered.signature_box.page_index]
    right = c.lines(page, (c.LEFT + 0.45 * (c.A4[0] - c.LEFT - c.RIGHT), c.TOP, 553, 780))
    texts = [line.text for line in right]
    start = texts.index("TM. ỦY BAN NHÂN DÂN")
    assert texts[start : start + 4] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Phạm Thị Hoa",
    ]


def test_several_addressees_go_one_per_line():
    snapshot = small_snapshot(recipients=("Ủy ban nhân dân tỉnh Quảng Ngãi", "Sở Nội vụ"))
    page = c.open_pdf(render_report_pdf(snapshot).content).pages[0]
    found = c.lines(page, (c.LEFT, 150, c.A4[0] - c.RIGHT, 300))
    first = c.find(found, "- Ủy ban nhân dân tỉnh Quảng Ngãi;")
    second = c.find(found, "- Sở Nội vụ.")
    assert "Kính gửi:" in first.text and second.top > first.top


def test_the_contact_line_is_printed_on_page_one_only():
    organisation = replace(
        SON_MAI, address="Thôn 1, xã Sơn Mai, tỉnh Quảng Ngãi", phone="0255 3870 000"
    )
    snapshot = small_snapshot(organisation=organisation)
    pdf = c.open_pdf(render_report_pdf(snapshot).content)
    bottom = pdf.pages[0].crop((0, c.A4[1] - c.BOTTOM, c.A4[0], c.A4[1])).extract_text()
    assert "Địa chỉ: Thôn 1, xã Sơn Mai, tỉnh Quảng Ngãi; Điện thoại: 0255 3870 000" in bottom
    for page in pdf.pages[1:]:
        assert not page.crop((0, c.A4[1] - c.BOTTOM, c.A4[0], c.A4[1])).extract_text().strip()


def test_long_tables_repeat_their_header_rows_and_the_matrix_splits(medium_pdf):
    pdf = c.open_pdf(medium_pdf.content)
    pages_with_unit_header = [
        i
        for i, page in enumerate(pdf.pages)
        if "Đã hoàn thành Đang thực hiện" in (page.extract_text() or "")
    ]
    assert len(pages_with_unit_header) >= 2
    landscape = [page for page in pdf.pages if page.width > page.height]
    assert landscape
    headers = [
        page for page in landscape if "TT Đơn vị" in " ".join((page.extract_text() or "").split())
    ]
    assert len(headers) >= 2  # 20 tasks → two column groups (18 + 2), one table each
    text = c.full_text(pdf)
    assert "1.18" in text and "1.20" in text


def test_rendering_is_reproducible_byte_for_byte(small_pdf):
    snapshot = small_snapshot()
    again = render_report_pdf(snapshot)
    assert again.content == small_pdf.content
    reader = c.pypdf.PdfReader(io.BytesIO(again.content))
    assert reader.metadata["/CreationDate"].startswith("D:20260107093015")
    assert reader.trailer["/ID"][0] == snapshot.fingerprint()[:32]
    assert render_report_pdf(small_snapshot(number=13)).content != again.content
