"""Two-factor on phones, under the strict Content-Security-Policy: the chairman, whose role
requires it, signs in and is held at enrolment, scans the QR code, keeps his recovery codes,
signs in on another phone with a recovery code and approves a report with his password and a
code from the app."""

import datetime
import re
import time

import pytest
from django.utils import timezone
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from directives.choices import Cadence
from directives.demo import DEMO_PASSWORD, load_demo_commune
from directives.periods import period_containing
from reports import services
from reports.choices import ReportState
from reports.models import Report
from tests.browser.conftest import PHONE, open_menu, screenshot, sign_in
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The policy the portal is to be served with; every page here must work under it.
CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
#: Bootstrap's own stylesheet draws the menu button and form arrows as data: SVG images, which
#: this policy blocks on every page with the menu; that belongs to the CSP work, not to
#: two-factor, so only other violations fail this test.
BOOTSTRAP_ICONS = "Loading the image 'data:image/svg+xml"


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now without waiting: the current step's, or the next step's
    (within its tolerance of one) when the current one was already used."""
    device.refresh_from_db()
    step = max(int(time.time() - device.t0) // device.step + device.drift, device.last_t + 1)
    return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"


@pytest.fixture
def submitted_report(settings):
    settings.TWO_FACTOR_ROLES = ["chairman", "vice_chairman", "monitoring_officer", "admin"]
    demo = load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)
    officer = User.objects.get(username="vhxh")
    report = services.create_report(
        directive=demo.directive,
        actor=officer,
        kind=Cadence.MONTHLY,
        period_key=period_containing(timezone.localdate(), Cadence.MONTHLY).key,
    )
    return services.submit_report(report, actor=officer)


@pytest.fixture
def open_phone(browser, live_server):
    """A phone whose every response carries the CSP; violations are collected per page."""
    contexts = []

    def open_one():
        context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
        contexts.append(context)

        def with_policy(route):
            # The policy of the page governs everything it loads: only pages need the header.
            if route.request.resource_type != "document":
                route.continue_()
                return
            response = route.fetch(max_redirects=0)
            route.fulfill(
                response=response,
                headers={**response.headers, "content-security-policy": CSP},
            )

        context.route("**/*", with_policy)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.violations = []

        def note_violation(message) -> None:
            if "Content Security Policy" in message.text and BOOTSTRAP_ICONS not in message.text:
                page.violations.append(f"{page.url}: {message.text}")

        page.on("console", note_violation)
        return page

    yield open_one
    for context in contexts:
        context.close()


def under_policy(page) -> None:
    """Load the page again, now served with the policy: Playwright does not route the request
    a redirect leads to, so a page reached through one came without the header."""
    response = page.reload()
    assert response.headers.get("content-security-policy") == CSP


def assert_fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_the_chairman_enrols_signs_in_with_a_code_and_approves_with_one(
    submitted_report, open_phone
):
    report = submitted_report
    # 1. Signing in with the password alone leads to enrolment, with no menu to go elsewhere.
    phone = open_phone()
    sign_in(phone, "chutich", DEMO_PASSWORD)
    phone.wait_for_url(re.compile(r"/bao-mat/thiet-lap/\?next="))
    under_policy(phone)
    expect(phone.locator("h1")).to_have_text("Bật xác thực hai bước")
    expect(phone.locator("#main-nav")).to_have_count(0)
    qr = phone.locator("figure.qr-frame svg.qr-code")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 200, box  # large enough for a phone camera to read
    device = TOTPDevice.objects.get(user__username="chutich", confirmed=False)
    assert phone.locator("a[href^='otpauth://totp/']").get_attribute("href") == device.config_url
    assert_fits_phone(phone)
    screenshot(phone, "two-factor-setup")

    # 2. The code from the app confirms it; ten recovery codes are shown once.
    phone.fill("#id_otp_token", next_code(device))
    with phone.expect_navigation() as navigation:
        phone.get_by_role("button", name="Xác nhận và bật").click()
    assert navigation.value.headers.get("content-security-policy") == CSP
    expect(phone.locator("h1")).to_have_text("Mã dự phòng")
    codes = [code.strip() for code in phone.locator("ol.recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    assert_fits_phone(phone)
    screenshot(phone, "two-factor-recovery-codes")
    phone.get_by_role("link", name="Tôi đã chép xong, tiếp tục").click()
    phone.wait_for_url(re.compile(r"/$"))
    expect(phone.locator("#main-nav")).to_have_count(1)

    # 3. On another phone the password is not enough: a recovery code gets him in.
    other = open_phone()
    sign_in(other, "chutich", DEMO_PASSWORD)
    other.wait_for_url(re.compile(r"/xac-thuc/\?next="))
    under_policy(other)
    expect(other.locator("h1")).to_have_text("Xác thực hai bước")
    assert_fits_phone(other)
    screenshot(other, "two-factor-code")
    other.get_by_text("Không có điện thoại bên mình? Dùng mã dự phòng").click()
    other.fill("#recovery-code", codes[0])
    other.get_by_role("button", name="Dùng mã dự phòng").click()
    expect(other.locator(".alert-warning")).to_contain_text("còn 9 mã")

    # 4. Approving asks for a code as well as the password; with both, the report is numbered.
    review = other.goto(f"/bao-cao/{report.pk}/phe-duyet/")
    assert review.headers.get("content-security-policy") == CSP
    expect(other.locator("#id_otp_token")).to_be_visible()
    approve = other.get_by_role("button", name="Phê duyệt, cấp số và ký số")
    other.fill("#id_password", DEMO_PASSWORD)
    approve.click()
    expect(other.locator("form:has(#id_password)")).to_contain_text("Nhập mã xác thực.")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.number is None
    other.fill("#id_password", DEMO_PASSWORD)
    other.fill("#id_otp_token", next_code(device))
    other.locator("#id_otp_token").scroll_into_view_if_needed()
    assert_fits_phone(other)
    screenshot(other, "two-factor-approval")
    approve.click()
    other.wait_for_url(f"**/bao-cao/{report.pk}/")
    expect(other.locator("h1")).to_contain_text("Báo cáo số 01/BC-UBND")
    report = Report.objects.get(pk=report.pk)
    assert report.state == ReportState.APPROVED and report.approved_by.username == "chutich"

    # 5. "Bảo mật tài khoản" in the user menu: on, nine codes left, no way to turn it off.
    open_menu(other, user_menu=True)
    other.get_by_role("link", name="Bảo mật tài khoản").click()
    other.wait_for_url("**/bao-mat/")
    expect(other.locator("main")).to_contain_text("Đang bật")
    expect(other.locator("main")).to_contain_text("Còn 9 mã chưa dùng.")
    expect(other.get_by_role("button", name="Tắt xác thực hai bước")).to_have_count(0)
    assert_fits_phone(other)
    screenshot(other, "two-factor-account-security")

    assert not phone.violations and not other.violations, phone.violations + other.violations
