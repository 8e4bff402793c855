"""Two directives of the commune, each reported on monthly, on phones: the office drafts and
submits the December report of each, the chairman approves both, and a report submitted before
its window ends is confirmed first and says where its figures stop.

The time is 20/12/2026 in the commune: December's window (15/11–14/12) has ended, January's
(15/12–14/01) has not.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import override_settings
from playwright.sync_api import expect

from directives.demo import DEMO_PASSWORD, load_demo_commune
from reports.choices import ReportState
from reports.models import Report
from reports.snapshot import ReportSnapshot
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_report_flow import PDF_TIMEOUT, assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2026, 12, 20, 8, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
DECEMBER, JANUARY = "monthly:2026-12", "monthly:2027-01"


@pytest.fixture
def frozen():
    # Cookies without an expiry date: the browser keeps its own clock, whatever the server's.
    with (
        time_machine.travel(NOW, tick=True),
        override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=True, CSRF_COOKIE_AGE=None),
    ):
        yield


@pytest.fixture
def two_directives(frozen):
    demo = load_demo_commune(today=NOW.date(), password=DEMO_PASSWORD)
    first = demo.directive
    commune = first.organisation
    second = f.DirectiveFactory(
        organisation=commune,
        issuing_body=commune,
        number="152",
        symbol="KH-UBND",
        issued_on=datetime.date(2026, 10, 5),
        issued_month=10,
        issued_year=2026,
        subject="Triển khai chuyển đổi số trong các cơ quan, đơn vị năm 2026",
    )
    task = f.TaskFactory(section=f.SectionFactory(directive=second, number=1))
    for unit in first.organisation.units.all()[:3]:
        f.AssignmentFactory(
            task=task,
            unit=unit,
            assigned_on=datetime.date(2026, 10, 10),
            due_date=datetime.date(2026, 12, 31),
        )
    return first, second


@pytest.fixture
def commune_certificate(tmp_path):
    from reports.signing import create_self_signed_certificate

    credentials = create_self_signed_certificate(
        tmp_path / "signing", common_name="UBND xã Sơn Mai", organisation="UBND xã Sơn Mai"
    )
    with override_settings(
        REPORT_SIGNING_CERT=credentials.cert_path, REPORT_SIGNING_KEY=credentials.key_path
    ):
        yield credentials


def open_draft(page, directive, period: str) -> Report:
    page.goto("/bao-cao/")
    row = page.locator(f'[data-period="{directive.pk}:{period}"]')
    expect(row).to_be_visible()
    row.get_by_role("button", name=re.compile("^Lập dự thảo")).click()
    page.wait_for_url(re.compile(r"/bao-cao/\d+/sua/$"))
    return Report.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))


def test_each_directive_reports_its_own_december_and_an_early_report_says_where_it_stops(
    two_directives, commune_certificate, browser, live_server
):
    first, second = two_directives

    def phone_of(username: str):
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="vi-VN", base_url=live_server.url
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, username, DEMO_PASSWORD)
        return page

    office = phone_of("vhxh")

    # 1. December, for each directive: drafted and submitted (its window has ended: no question).
    decembers = []
    for directive in (first, second):
        report = open_draft(office, directive, DECEMBER)
        assert report.directive == directive and report.period_key == "2026-12"
        office.get_by_role("button", name="Lưu và trình lãnh đạo").click()
        office.wait_for_url(f"**/bao-cao/{report.pk}/")
        expect(office.locator("h1 + p .badge")).to_have_text("Chờ lãnh đạo phê duyệt")
        decembers.append(report)
    screenshot(office, "two-directives-submitted")

    # 2. The chairman approves both.
    chairman = phone_of("chutich")
    for number, report in enumerate(decembers, start=1):
        chairman.goto(f"/bao-cao/{report.pk}/phe-duyet/")
        expect(chairman.locator("article.report-document")).to_contain_text("Nơi nhận:")
        chairman.fill("#id_password", DEMO_PASSWORD)
        chairman.get_by_role("button", name="Phê duyệt, cấp số và ký số").click()
        chairman.wait_for_url(f"**/bao-cao/{report.pk}/")
        expect(chairman.locator("h1")).to_contain_text(f"Báo cáo số {number:02d}/BC-UBND")
        expect(chairman.get_by_role("link", name="Tải PDF đã ký số")).to_be_visible(
            timeout=PDF_TIMEOUT
        )
    assert_fits_phone(chairman)
    screenshot(chairman, "two-directives-approved")
    for report in decembers:
        report.refresh_from_db()
        assert report.state == ReportState.APPROVED and report.has_pdf

    # The list shows December approved for each directive, January still to do for each.
    office.goto("/bao-cao/")
    for directive in (first, second):
        december = office.locator(f'[data-period="{directive.pk}:{DECEMBER}"]')
        expect(december).to_contain_text("Đã phê duyệt")
        january = office.locator(f'[data-period="{directive.pk}:{JANUARY}"]')
        expect(january.get_by_role("button", name=re.compile("^Lập dự thảo"))).to_be_visible()
    assert_fits_phone(office)
    screenshot(office, "two-directives-list")

    # 3. January's window runs to 14/01: submitting on 20/12 asks first, then says so.
    early = open_draft(office, second, JANUARY)
    office.get_by_role("button", name="Lưu và trình lãnh đạo").click()
    warning = office.locator("#early-submit-warning")
    expect(warning).to_contain_text("Kỳ báo cáo chưa kết thúc (đến ngày 14/01/2027).")
    expect(warning).to_contain_text("Số liệu sẽ tính đến ngày hôm nay (20/12/2026)")
    assert_fits_phone(office)
    screenshot(office, "early-submit-confirm")
    early.refresh_from_db()
    assert early.state == ReportState.DRAFT
    office.get_by_role("button", name="Vẫn trình lãnh đạo").click()
    expect(office.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    office.get_by_label("Tôi hiểu số liệu sẽ chỉ tính đến ngày hôm nay").check()
    office.get_by_role("button", name="Vẫn trình lãnh đạo").click()
    office.wait_for_url(f"**/bao-cao/{early.pk}/")
    early.refresh_from_db()
    assert early.state == ReportState.SUBMITTED
    assert_fits_phone(office)
    screenshot(office, "early-submitted")
    # The document itself says where its figures stop, and its weekly chart ends there.
    expect(office.locator("article.report-document")).to_contain_text(
        "Số liệu tính đến ngày 20 tháng 12 năm 2026"
    )
    snapshot = ReportSnapshot.from_dict(early.snapshot)
    assert snapshot.figures_as_of == datetime.date(2026, 12, 20)
    weeks = [point.week_end for point in snapshot.charts.weekly_done]
    assert weeks and max(weeks) == datetime.date(2026, 12, 20), weeks[-3:]
