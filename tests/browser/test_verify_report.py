"""A hamlet head checks a report forwarded to them, on a phone."""

import pytest
from django.test import override_settings

from directives.demo import DEMO_PASSWORD, load_demo_commune
from reports.demo import DEMO_PERIOD
from reports.renderers.pdf import render_report_pdf
from reports.signing import create_self_signed_certificate, sign_report_pdf
from tests.browser.conftest import screenshot, sign_in
from tests.reports.conftest import small_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hamlet_head_verifies_a_signed_report_on_a_phone(phone, tmp_path):
    load_demo_commune(today=DEMO_PERIOD.data_to, password=DEMO_PASSWORD)
    credentials = create_self_signed_certificate(
        tmp_path / "signing", common_name="UBND xã Sơn Mai", organisation="UBND xã Sơn Mai"
    )
    rendered = render_report_pdf(small_snapshot())
    document = tmp_path / "12-BC-UBND.pdf"
    document.write_bytes(
        sign_report_pdf(
            rendered.content,
            snapshot=small_snapshot(),
            box=rendered.signature_box,
            credentials=credentials,
        )
    )
    with override_settings(
        REPORT_SIGNING_CERT=credentials.cert_path, REPORT_SIGNING_KEY=credentials.key_path
    ):
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
