"""On a phone: guessing a password ends on the lockout page; a hamlet head changes their own."""

import datetime

import pytest

from directives.demo import DEMO_PASSWORD, load_demo_commune
from tests.browser.conftest import open_menu, screenshot, sign_in
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Lua-chin-vang-dong-2026"


def test_guessing_the_chairmans_password_ends_on_the_lockout_page(phone, settings):
    load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(phone, "chutich", f"doan-sai-{n}")
    response = phone.goto("/dang-nhap/")
    assert response.status == 200  # looking at the page is not an attempt
    phone.fill("#id_username", "chutich")
    phone.fill("#id_password", DEMO_PASSWORD)
    with phone.expect_response(lambda r: r.request.method == "POST") as answer:
        phone.click("button[type=submit]")
    assert answer.value.status == 429
    assert phone.locator("h1").inner_text() == "Tạm khóa đăng nhập"
    assert "Có thể đăng nhập lại từ" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "sign-in-locked-out")


def test_a_hamlet_head_changes_their_password_from_the_menu(phone):
    load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    open_menu(phone, user_menu=True)
    phone.click("text=Đổi mật khẩu")
    assert phone.url.endswith("/tai-khoan/doi-mat-khau/")

    phone.fill("#id_old_password", DEMO_PASSWORD)
    phone.fill("#id_new_password1", "1234567")
    phone.fill("#id_new_password2", "1234567")
    phone.click("main button[type=submit]")
    assert "Mật khẩu này quá ngắn: cần ít nhất 8 ký tự." in phone.locator("main").inner_text()
    assert phone.input_value("#id_old_password") == DEMO_PASSWORD
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "password-change-refused")

    phone.fill("#id_new_password1", NEW_PASSWORD)
    phone.fill("#id_new_password2", NEW_PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert "Đã đổi mật khẩu." in phone.locator("main").inner_text()
    assert User.objects.get(username="truongthon1").check_password(NEW_PASSWORD)
