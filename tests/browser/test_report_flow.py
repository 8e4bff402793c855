"""A periodic report from draft to dispatch, on phones: the monitoring officer drafts and submits
it, the chairman approves it with his password (a wrong one first), the signed PDF appears and
verifies, the clerk records that it was sent, and a hamlet head is kept out."""

import datetime
import hashlib
import re
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from directives.demo import DEMO_PASSWORD, load_demo_commune
from reports.choices import ReportState
from reports.models import Report
from reports.signing import create_self_signed_certificate, verify_report_pdf
from tests.browser.conftest import PHONE, open_menu, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS_NOTE = "Các đơn vị cơ bản hoàn thành nhiệm vụ đúng hạn; còn một số thôn chậm báo cáo."
#: The signed PDF is rendered by the (eager) Celery task; the detail page refreshes itself
#: every 3 seconds until it is there.
PDF_TIMEOUT = 90_000


@pytest.fixture
def demo():
    load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)


@pytest.fixture
def commune_certificate(tmp_path):
    credentials = create_self_signed_certificate(
        tmp_path / "signing",
        common_name="UBND xã Sơn Mai",
        organisation="Ủy ban nhân dân xã Sơn Mai",
    )
    # The live server runs in a thread of this process, so it sees the overridden settings.
    with override_settings(
        REPORT_SIGNING_CERT=credentials.cert_path, REPORT_SIGNING_KEY=credentials.key_path
    ):
        yield credentials


@pytest.fixture
def new_phone(browser, live_server):
    """Another person's phone: a fresh browser context (own cookies), closed at the end."""
    contexts = []

    def open_phone(username: str):
        context = browser.new_context(
            viewport=PHONE, locale="vi-VN", base_url=live_server.url, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, username, DEMO_PASSWORD)
        return page

    yield open_phone
    for context in contexts:
        context.close()


def assert_fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(
        """[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 361)
            .slice(0, 5)
            .map(e => `${e.tagName}.${e.className}`)"""
    )
    assert width <= PHONE["width"], f"{page.url} is {width}px wide: {culprits}"


def test_a_report_is_drafted_approved_signed_and_sent(demo, commune_certificate, phone, new_phone):
    # 1. The monitoring officer drafts the report from the data and submits it.
    sign_in(phone, "vhxh", DEMO_PASSWORD)
    phone.goto("/bao-cao/")
    expect(phone.locator("h1")).to_have_text("Báo cáo gửi UBND tỉnh")
    # The most urgent period still to report on comes first (its window has ended).
    create = phone.locator("[data-period]:has(button)").first
    first_label = create.locator(".fw-semibold").inner_text().strip()
    assert_fits_phone(phone)
    screenshot(phone, "report-list")
    create.get_by_role("button", name=re.compile("^Lập dự thảo")).click()
    phone.wait_for_url(re.compile(r"/bao-cao/\d+/sua/$"))
    expect(phone.locator("h1")).to_contain_text("Sửa dự thảo báo cáo")
    report = Report.objects.get()
    assert report.state == ReportState.DRAFT
    assert report.period_label.lower() in first_label.lower()
    phone.fill("#id_results_note", RESULTS_NOTE)
    screenshot(phone, "report-edit")
    phone.get_by_role("button", name="Lưu và trình lãnh đạo").click()
    phone.wait_for_url(f"**/bao-cao/{report.pk}/")
    expect(phone.locator("h1 + p .badge")).to_have_text("Chờ lãnh đạo phê duyệt")
    expect(phone.locator("article.report-document")).to_contain_text(RESULTS_NOTE)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.results_note == RESULTS_NOTE

    # 2. The chairman finds it through the menu, mistypes his password, then approves it.
    chairman = new_phone("chutich")
    open_menu(chairman)
    chairman.locator("#main-nav").get_by_role("link", name=re.compile(r"^Báo cáo")).click()
    chairman.wait_for_url("**/bao-cao/")
    chairman.locator(f"a.list-group-item[href='/bao-cao/{report.pk}/']").click()
    chairman.wait_for_url(f"**/bao-cao/{report.pk}/")
    chairman.get_by_role("link", name="Xem và phê duyệt").click()
    chairman.wait_for_url(f"**/bao-cao/{report.pk}/phe-duyet/")
    expect(chairman.locator("article.report-document")).to_contain_text(RESULTS_NOTE)
    screenshot(chairman, "report-review")
    approve = chairman.get_by_role("button", name="Phê duyệt, cấp số và ký số")
    chairman.fill("#id_password", "khong-dung-" + DEMO_PASSWORD)
    approve.click()
    expect(chairman.locator("form:has(#id_password)")).to_contain_text("Mật khẩu không đúng.")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    chairman.fill("#id_password", DEMO_PASSWORD)
    approve.click()
    chairman.wait_for_url(f"**/bao-cao/{report.pk}/")
    expect(chairman.locator("h1")).to_contain_text("Báo cáo số 01/BC-UBND")
    expect(chairman.locator("h1 + p .badge")).to_have_text("Đã phê duyệt")
    download_link = chairman.get_by_role("link", name="Tải PDF đã ký số")
    expect(download_link).to_be_visible(timeout=PDF_TIMEOUT)
    report.refresh_from_db()
    assert report.code == "01/BC-UBND"
    assert report.approved_by.username == "chutich"
    assert report.has_pdf, report.generation_error
    expect(chairman.locator("code")).to_have_text(report.pdf_sha256)
    assert_fits_phone(chairman)
    screenshot(chairman, "report-approved")

    # 3. The signed PDF downloads and verifies against the commune's certificate.
    with chairman.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == report.pdf_sha256
    verdict = verify_report_pdf(data)
    assert verdict.ok, verdict.message

    # 4. The clerk records that it was sent, keeping the proposed date, time and channel.
    clerk = new_phone("vanthu")
    clerk.goto(f"/bao-cao/{report.pk}/")
    clerk.get_by_role("link", name="Ghi nhận đã gửi").click()
    clerk.wait_for_url(f"**/bao-cao/{report.pk}/gui/")
    assert_fits_phone(clerk)
    screenshot(clerk, "report-dispatch")
    clerk.locator("main form").get_by_role("button", name="Ghi nhận").click()
    clerk.wait_for_url(f"**/bao-cao/{report.pk}/")
    expect(clerk.locator("section dl")).to_contain_text("Đã gửi")
    expect(clerk.locator(".alert-success")).to_have_text("Đã ghi nhận việc gửi báo cáo.")
    report.refresh_from_db()
    assert report.dispatched_at is not None
    assert report.dispatched_by.username == "vanthu"

    # 5. A hamlet head may not read the commune's reports.
    hamlet_head = new_phone("truongthon1")
    response = hamlet_head.goto(f"/bao-cao/{report.pk}/")
    assert response.status == 403
    screenshot(hamlet_head, "report-forbidden")
