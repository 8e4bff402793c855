"""A hamlet head checks a forwarded report on a phone."""

import pytest

from directives.demo import DEMO_PASSWORD, load_demo_commune
from reports.demo import DEMO_PERIOD
from tests.browser.conftest import browser, phone, screenshot, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hamlet_head_verifies_a_signed_report_on_a_phone(
    phone,  # noqa: F811
    signed_pdf,
    commune_certificate,
    tmp_path,
):
    load_demo_commune(today=DEMO_PERIOD.data_to, password=DEMO_PASSWORD)
    document = tmp_path / "05-BC-UBND.pdf"
    document.write_bytes(signed_pdf)
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    phone.goto("/bao-cao/xac-minh/")
    assert phone.locator("h1").inner_text() == "Xác minh văn bản ký số"
    phone.set_input_files("#id_document", str(document))
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    verdict = phone.locator(".verify-result .alert").inner_text()
    assert "Văn bản do UBND xã Sơn Mai ký số, còn nguyên vẹn, chữ ký hợp lệ." in verdict
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    screenshot(phone, "verify-signed-report")
