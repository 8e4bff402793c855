"""Reading a directive's text into its parts: the seed dispatch, and the noise of real ones."""

import datetime

import pytest

from directives.docimport.citations import find_citations, notation_key
from directives.docimport.dates import find_deadline
from directives.docimport.parser import parse
from directives.docimport.text import clean_lines, normalise
from directives.seed import SON_MAI_DISPATCH

SEED = SON_MAI_DISPATCH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed():
    return parse(SEED)


def test_the_seed_dispatch_gives_its_header(seed):
    assert seed.document_type == "Công văn"
    assert (seed.number, seed.symbol) == ("", "UBND-VP")
    assert (seed.date, seed.month, seed.year, seed.place) == (None, 1, 2026, "Sơn Mai")
    assert seed.issuer == "ỦY BAN NHÂN DÂN XÃ SƠN MAI"
    assert seed.subject.startswith("triển khai Kết luận 221-KL/TW của Bộ Chính trị")
    assert seed.subject.endswith("chính quyền địa phương 02 cấp")
    assert seed.addressees == ["Các cơ quan, đơn vị thuộc UBND xã", "Trưởng thôn"]


def test_the_seed_dispatch_gives_its_basis_as_a_chain_of_references(seed):
    first, second = seed.references
    assert (first.document_type, first.notation, first.date, first.issuer) == (
        "Công văn",
        "120/UBND-NC",
        datetime.date(2026, 1, 7),
        "UBND tỉnh Quảng Ngãi",
    )
    assert first.implements == "221-KL/TW"
    assert (second.document_type, second.number, second.symbol) == ("Kết luận", "221", "KL/TW")
    assert second.issuer == "Bộ Chính trị, Ban Bí thư"


def test_the_seed_dispatch_gives_three_sections_and_nine_tasks(seed):
    assert [s.number for s in seed.sections] == ["1", "2", "3"]
    assert seed.sections[2].title == "Công tác theo dõi, báo cáo"
    assert [t.section for t in seed.tasks] == ["1"] * 5 + ["2"] * 2 + ["3"] * 2
    assert seed.tasks[0].lead == ["Thủ trưởng các bộ phận chuyên môn thuộc UBND xã", "Trưởng thôn"]
    assert seed.tasks[3].coordinating == ["các cơ quan chuyên môn cấp trên"]
    assert seed.tasks[5].lead == ["Các cơ quan, đơn vị thuộc UBND xã", "Trưởng thôn"]
    assert seed.tasks[7].lead == ["Phòng Văn hóa – Xã hội"]  # the dispatch's own dash
    # 3.2 names nobody: it carries on with the unit the part gave the work to.
    assert (seed.tasks[8].lead, seed.tasks[8].lead_source) == (
        ["Phòng Văn hóa – Xã hội"],
        "previous",
    )


def test_the_seed_dispatch_gives_its_signature_and_recipients(seed):
    assert (seed.signer.authority, seed.signer.title, seed.signer.name) == (
        "",
        "CHỦ TỊCH",
        "Nguyễn Anh Tuấn",
    )
    assert seed.signer.recipients == ["Như trên", "CT, các PCT. UBND xã", "Lưu: VT"]
    assert seed.closing.startswith("Nhận được Công văn này")


def test_what_the_document_does_not_say_is_left_empty_and_marked(seed):
    assert all(not task.deadline.found for task in seed.tasks)
    assert "number" in seed.uncertain and "date" in seed.uncertain
    assert "tasks.5.lead" in seed.uncertain  # inherited from the addressees


HEADER_MERGED = """UỶ BAN NHÂN DÂN TỈNH QUẢNG NGÃI | CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ | Độc lập - Tự do - Hạnh phúc
Số: 45/KH-SNV | Quảng Ngãi, ngày 5 tháng 3
năm 2026
KẾ HOẠCH
Triển khai thực hiện Kết luận số 221-KL/TW ngày 28/11/2025
của Bộ Chính trị, Ban Bí thư
Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ;
Sở Nội vụ ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Quán triệt đầy đủ nội dung Kết luận.
II. NHIỆM VỤ
1. Phòng Tổ chức cán bộ:
- Tham mưu kế hoạch sắp xếp, hoàn thành trước ngày 31/01/2026;
- Báo cáo kết quả trước ngày 15 hằng tháng.
2. Giao Văn phòng Sở chủ trì, phối hợp với Thanh tra Sở tổng hợp báo cáo định kỳ 6 tháng.
3. Các phòng chuyên môn thực hiện trong quý I/2026.
4. Thường xuyên cập nhật văn bản mới.
Nơi nhận: | KT. GIÁM ĐỐC
- Như trên; | PHÓ GIÁM ĐỐC
- Lưu: VT, TCCB. | Trần Văn Bình
"""


@pytest.fixture(scope="module")
def plan():
    return parse(HEADER_MERGED)


def test_a_flattened_header_with_a_parent_body_and_a_date_split_over_lines(plan):
    assert (plan.issuer, plan.issuer_parent) == ("SỞ NỘI VỤ", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")
    assert plan.document_type == "Kế hoạch"
    assert (plan.number, plan.symbol) == ("45", "KH-SNV")
    assert (plan.place, plan.date) == ("Quảng Ngãi", datetime.date(2026, 3, 5))
    assert plan.subject == (
        "Triển khai thực hiện Kết luận số 221-KL/TW ngày 28/11/2025 của Bộ Chính trị, Ban Bí thư"
    )


def test_a_legal_normative_reference_keeps_its_year(plan):
    (decision,) = plan.references
    assert (decision.number, decision.symbol, decision.notation) == (
        "25",
        "2021/QĐ-TTg",
        "25/2021/QĐ-TTg",
    )
    assert (decision.date, decision.issuer) == (datetime.date(2021, 7, 22), "Thủ tướng Chính phủ")


def test_tasks_under_a_unit_heading_and_their_deadlines(plan):
    texts = {task.text.split(",")[0]: task for task in plan.tasks}
    advise = texts["Tham mưu kế hoạch sắp xếp"]
    assert advise.lead == ["Phòng Tổ chức cán bộ"] and advise.lead_source == "heading"
    assert advise.deadline.date == datetime.date(2026, 1, 31)
    report = next(t for t in plan.tasks if t.text.startswith("Báo cáo kết quả"))
    assert (report.deadline.cadence, report.deadline.report_day) == ("monthly", 15)
    office = next(t for t in plan.tasks if t.text.startswith("Giao Văn phòng Sở"))
    assert office.lead == ["Văn phòng Sở"] and office.coordinating == ["Thanh tra Sở"]
    assert office.deadline.cadence == "half_yearly"
    quarter = next(t for t in plan.tasks if t.text.startswith("Các phòng chuyên môn"))
    assert quarter.deadline.date == datetime.date(2026, 3, 31)
    ongoing = next(t for t in plan.tasks if t.text.startswith("Thường xuyên"))
    assert ongoing.deadline.cadence == "ongoing"
    # The aims of part I are not work to track.
    assert not any(t.section == "I" for t in plan.tasks)


def test_a_signature_beside_the_recipients_and_a_vice_director_signing_for_the_head(plan):
    assert (plan.signer.authority, plan.signer.title, plan.signer.name) == (
        "KT.",
        "PHÓ GIÁM ĐỐC",
        "Trần Văn Bình",
    )
    assert plan.signer.recipients == ["Như trên", "Lưu: VT, TCCB"]


@pytest.mark.parametrize(
    ("addressees", "expected"),
    [
        (
            "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ).",
            ["Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ)"],
        ),
        ("Kính gửi:\nỦy ban nhân dân tỉnh Quảng Ngãi", ["Ủy ban nhân dân tỉnh Quảng Ngãi"]),
        ("Kính gửi:\n- Phòng Kinh tế;\n- Các thôn.", ["Phòng Kinh tế", "Các thôn"]),
        ("Kính gửi: - Phòng Kinh tế; - Trạm Y tế xã.", ["Phòng Kinh tế", "Trạm Y tế xã"]),
    ],
)
def test_addressees_on_one_line_in_a_dashed_list_or_on_the_next_line(addressees, expected):
    text = (
        "ỦY BAN NHÂN DÂN\nXÃ SƠN MAI\nSố: 12/UBND-VP\nV/v thử\n"
        f"Sơn Mai, ngày 07 tháng 01 năm 2026\n{addressees}\nThực hiện chỉ đạo của UBND tỉnh.\n"
    )
    assert parse(text).addressees == expected


@pytest.mark.parametrize(
    ("signature", "authority", "title", "name"),
    [
        (
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Anh Tuấn"],
            "TM.",
            "CHỦ TỊCH",
            "Nguyễn Anh Tuấn",
        ),
        (
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", "Phạm Thị Hoa"],
            "KT.",
            "PHÓ CHỦ TỊCH",
            "Phạm Thị Hoa",
        ),
        (["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNGLê Văn Nam"], "TL.", "CHÁNH VĂN PHÒNG", "Lê Văn Nam"),
        (["Q. CHỦ TỊCH", "Nguyễn", "Văn An"], "Q.", "CHỦ TỊCH", "Nguyễn Văn An"),
    ],
)
def test_signers_with_their_authority_split_or_glued(signature, authority, title, name):
    text = "\n".join(
        [
            "ỦY BAN NHÂN DÂN",
            "XÃ SƠN MAI",
            "Số: 3/UBND",
            "V/v thử",
            "Sơn Mai, ngày 7 tháng 1 năm 2026",
            "Kính gửi: Phòng Kinh tế.",
            "Đề nghị Phòng Kinh tế thực hiện./.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            *signature,
        ]
    )
    signer = parse(text).signer
    assert (signer.authority, signer.title, signer.name) == (authority, title, name)


@pytest.mark.parametrize(
    ("text", "date", "cadence", "day"),
    [
        ("Hoàn thành trước ngày 31/01/2010.", datetime.date(2010, 1, 31), "", None),
        ("Báo cáo trước ngày 15 hằng tháng.", None, "monthly", 15),
        ("Báo cáo định kỳ 6 tháng.", None, "half_yearly", None),
        ("Triển khai trong quý I/2026.", datetime.date(2026, 3, 31), "", None),
        ("Thực hiện thường xuyên.", None, "ongoing", None),
        ("Gửi trước ngày 20 của tháng cuối quý.", None, "quarterly", 20),
        ("Xong trong tháng 3/2026.", datetime.date(2026, 3, 31), "", None),
        ("Theo Kết luận số 221-KL/TW ngày 28/11/2025 của Bộ Chính trị.", None, "", None),
        ("Cử cán bộ theo kế hoạch đào tạo năm 2026.", None, "", None),
    ],
)
def test_deadline_phrases(text, date, cadence, day):
    deadline = find_deadline(text)
    assert (deadline.date, deadline.cadence, deadline.report_day) == (date, cadence, day)


def test_noise_is_cleaned_without_rewording():
    lines = clean_lines(
        "C:\\Users\\vt\\Documents\\cv.docx\nUỶ BAN | HOÀ BÌNH\n- 2 -\n—————\ncủaBộ Nội vụ"
    )
    assert lines == ["ỦY BAN", "HÒA BÌNH", "của Bộ Nội vụ"]
    assert normalise("nêutrên") == "nêu trên"
    # Two readings are possible ("tục hành", "tụ chành"): left as it is rather than guessed.
    assert normalise("tụchành") == "tụchành"


def test_citation_notations_compare_whatever_the_separator():
    assert notation_key("221-KL/TW") == notation_key("Kết luận số 221/KL/TW") == "221|kl/tw"
    (citation,) = find_citations("theo văn bản số 885/UBTVQH13-PLngày 01/6/2015")
    assert citation.symbol == "UBTVQH13-PL"
    assert citation.date == datetime.date(2015, 6, 1)
