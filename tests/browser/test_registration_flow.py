"""The clerk registers directives on the portal's pages: the seed dispatch from its DOCX and from
its PDF on a laptop (reviewed beside its source, one field corrected), and a plan by hand on a
phone. Neither page may scroll sideways."""

import datetime

import pytest
from playwright.sync_api import expect

from directives.choices import AssignmentRole, Cadence
from directives.demo import DEMO_PASSWORD, load_demo_commune
from directives.models import Assignment, Directive, Task
from notifications.models import ReminderSchedule
from tests.browser.conftest import CHROMIUM_FLAGS, PHONE, screenshot, sign_in  # noqa: F401
from tests.directives.seed_documents import seed_docx, seed_pdf
from units.choices import UnitKind
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def demo():
    load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)


@pytest.fixture
def clerk_at(browser, live_server):
    contexts = []

    def open_at(viewport: dict):
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, "vanthu", DEMO_PASSWORD)
        return page

    yield open_at
    for context in contexts:
        context.close()


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width} px wide"


def assert_seed_registered(number: str) -> None:
    directive = Directive.objects.get(number=number, symbol="UBND-VP")
    assert directive.sections.count() == 3
    tasks = list(
        Task.objects.filter(section__directive=directive).order_by("section__number", "number")
    )
    assert len(tasks) == 9
    departments = set(Unit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("pk", flat=True))
    hamlets = set(Unit.objects.filter(kind=UnitKind.HAMLET).values_list("pk", flat=True))
    units_of_commune = set(Unit.objects.exclude(kind=UnitKind.HAMLET).values_list("pk", flat=True))
    vhxh = Unit.objects.get(code="VHXH").pk

    def leads(task):
        return set(
            task.assignments.filter(role=AssignmentRole.LEAD).values_list("unit_id", flat=True)
        )

    # Part 1 names "Thủ trưởng các bộ phận chuyên môn … và Trưởng thôn"; part 2 names nobody,
    # so the addressees ("Các cơ quan, đơn vị thuộc UBND xã; Trưởng thôn") carry it; part 3
    # gives the monitoring to Phòng Văn hóa – Xã hội.
    for task in tasks[:5]:
        assert leads(task) == departments | hamlets, task.citation
    for task in tasks[5:7]:
        assert leads(task) == units_of_commune | hamlets, task.citation
    for task in tasks[7:]:
        assert leads(task) == {vhxh}, task.citation
    assignments = Assignment.objects.filter(task__in=tasks)
    # The dispatch sets no dates: every task is ongoing, reported monthly.
    assert set(assignments.values_list("due_date", "cadence")) == {(None, Cadence.MONTHLY)}
    assert ReminderSchedule.objects.filter(assignment__in=assignments).count() == len(assignments)
    assert [d.code for d in directive.basis_chain()] == ["221-KL/TW", "120/UBND-NC"]
    assert directive.original_file


@pytest.mark.parametrize(("suffix", "make"), [("docx", seed_docx), ("pdf", seed_pdf)])
def test_the_clerk_registers_the_seed_from_its_file_on_a_laptop(
    demo, clerk_at, tmp_path, suffix, make
):
    page = clerk_at(LAPTOP)
    source = tmp_path / f"cong-van.{suffix}"
    source.write_bytes(make())
    page.goto("/van-ban/nhap/")
    page.set_input_files("input[name=file]", str(source))
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.get_by_role("heading", name="Kiểm tra và đăng ký văn bản")).to_be_visible()
    # The source beside the fields, what was read marked where the reader was unsure.
    expect(page.locator("#van-ban-goc")).to_have_attribute("open", "")
    expect(page.locator("#id_vb-symbol")).to_have_value("UBND-VP")
    expect(page.locator("#id_vb-issuer")).to_have_value("ỦY BAN NHÂN DÂN XÃ SƠN MAI")
    assert page.locator(".field-unsure").count() >= 2
    assert page.locator(".task-edit").count() == 9
    assert_no_sideways_scroll(page)
    screenshot(page, f"registration-review-{suffix}-1366")
    number = "15" if suffix == "docx" else "16"
    page.fill("#id_vb-number", number)
    page.get_by_role("button", name="Đăng ký văn bản").click()
    expect(page.get_by_text("Đã đăng ký văn bản với")).to_be_visible()
    expect(page.get_by_text("Nhắc việc đã lên lịch")).to_be_visible()
    expect(page.get_by_text("Căn cứ thực hiện")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, f"registration-done-{suffix}-1366")
    assert_seed_registered(number)


def test_a_plan_is_entered_by_hand_on_a_phone(demo, clerk_at):
    page = clerk_at(PHONE)
    page.goto("/van-ban/moi/")
    assert_no_sideways_scroll(page)
    page.select_option("#id_vb-document_type", "plan")
    page.fill("#id_vb-number", "12")
    page.fill("#id_vb-symbol", "KH-UBND")
    page.fill("#id_vb-issued_on", "15/12/2026")
    page.fill("#id_vb-subject", "Về việc tổ chức Ngày hội Đại đoàn kết toàn dân tộc")
    page.fill("#id_muc-0-title", "Chuẩn bị")
    page.fill("#id_nv-0-text", "Lập danh sách hộ gia đình tham dự Ngày hội")
    page.fill("#id_nv-0-due_date", "20/12/2026")
    first = page.locator("#nv-t1")
    first.get_by_role("button", name="Mọi thôn chủ trì").click()
    expect(first.locator(".units-summary")).to_contain_text("Thôn 1")
    screenshot(page, "registration-manual-360")
    # A second task: the page comes back with everything typed and a new, empty task.
    page.get_by_role("button", name="Thêm nhiệm vụ vào mục này").click()
    expect(page.locator("#id_nv-0-text")).to_have_value(
        "Lập danh sách hộ gia đình tham dự Ngày hội"
    )
    page.fill("#id_nv-1-text", "Bố trí kinh phí tổ chức Ngày hội")
    kt = Unit.objects.get(code="KT")
    page.select_option(f"#id_nv-1-role_{kt.pk}", "lead")
    page.fill(f"#id_nv-1-due_{kt.pk}", "18/12/2026")
    assert_no_sideways_scroll(page)
    page.get_by_role("button", name="Đăng ký văn bản").click()
    expect(page.get_by_text("Đã đăng ký văn bản với 11 phân công")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "registration-manual-done-360")
    directive = Directive.objects.get(symbol="KH-UBND", number="12")
    assert directive.subject == "tổ chức Ngày hội Đại đoàn kết toàn dân tộc"
    assert directive.issued_on == datetime.date(2026, 12, 15)
    hamlet_work = Assignment.objects.filter(task__text__startswith="Lập danh sách")
    assert hamlet_work.count() == 10
    assert set(hamlet_work.values_list("due_date", flat=True)) == {datetime.date(2026, 12, 20)}
    funds = Assignment.objects.get(task__text__startswith="Bố trí kinh phí")
    assert (funds.unit, funds.due_date) == (kt, datetime.date(2026, 12, 18))
