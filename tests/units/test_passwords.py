"""Passwords: everyone changes their own, a forgotten one is reset by e-mail, hashes are Argon2."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from units.choices import SignInEventKind as Kind
from units.models import SignInEvent, SignInLock, User

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu"  # the cast's password (tests/factories.py)
NEW_PASSWORD = "Lua-chin-vang-dong-2026"
SITE = "https://sonmai.example.gov.vn"


def change(client: Client, old: str = PASSWORD, new: str = NEW_PASSWORD, again: str | None = None):
    again = new if again is None else again
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again},
    )


def signs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


class TestChangingOnesPassword:
    def test_every_signed_in_person_finds_it_under_their_name(self, cast, client_for):
        link = f'<a class="dropdown-item" href="{reverse("password_change")}">Đổi mật khẩu</a>'
        for person in (cast.chairman, cast.hamlet_head_a):
            page = client_for(person).get(reverse("home"), follow=True).content.decode()
            assert link in page

    def test_the_new_password_works_and_the_persons_other_sessions_end(self, cast, client_for):
        here, elsewhere = client_for(cast.unit_head_b), client_for(cast.unit_head_b)

        response = change(here)

        assert response.status_code == 302 and response["Location"] == reverse("home")
        assert "Đã đổi mật khẩu." in here.get(reverse("home"), follow=True).content.decode()
        assert here.get(reverse("directives:my_assignments")).status_code == 200
        assert elsewhere.get(reverse("directives:my_assignments")).status_code == 302
        assert signs_in("head_b", NEW_PASSWORD) and not signs_in("head_b", PASSWORD)
        event = SignInEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
        assert (event.user, event.path) == (cast.unit_head_b, reverse("password_change"))

    def test_a_bad_new_password_is_refused_in_vietnamese_and_the_current_one_is_kept(
        self, cast, client_for
    ):
        client = client_for(cast.chairman)
        response = change(client, new="1234567")
        page = response.content.decode()

        assert response.status_code == 400
        assert "Mật khẩu này quá ngắn: cần ít nhất 8 ký tự." in page
        assert "Mật khẩu này quá phổ biến." in page
        assert "Mật khẩu này hoàn toàn là số." in page
        assert re.search(rf'name="old_password"[^>]*value="{PASSWORD}"', page)
        assert not re.search(r'name="new_password1"[^>]*value=', page)
        cast.chairman.refresh_from_db()
        assert cast.chairman.check_password(PASSWORD)

    def test_mismatched_new_passwords_are_refused_in_vietnamese(self, cast, client_for):
        response = change(client_for(cast.chairman), again="Lua-chin-vang-dong-2027")
        assert response.status_code == 400
        assert "Hai trường mật khẩu không giống nhau." in response.content.decode()

    def test_a_wrong_current_password_is_not_kept(self, cast, client_for):
        response = change(client_for(cast.chairman), old="khong-dung")
        page = response.content.decode()
        assert "Mật khẩu hiện tại không đúng. Hãy nhập lại." in page
        assert not re.search(r'name="old_password"[^>]*value=', page)

    def test_guessing_the_current_password_here_counts_towards_the_lockout(
        self, cast, client_for, settings
    ):
        client = client_for(cast.chairman)
        statuses = [
            change(client, old=f"doan-sai-{n}").status_code
            for n in range(settings.AXES_FAILURE_LIMIT)
        ]
        assert statuses[-1] == 429
        assert change(client).status_code == 429
        cast.chairman.refresh_from_db()
        assert cast.chairman.check_password(PASSWORD)

    def test_a_failed_attempt_keeps_no_password_readable(self, cast, client_for):
        change(client_for(cast.chairman), old="gan-dung-mat-khau")
        stored = SignInLock.objects.get(username="chairman").post_data
        assert "gan-dung-mat-khau" not in stored and NEW_PASSWORD not in stored
        assert "old_password=********************" in stored

    def test_the_admins_own_password_form_leads_here(self, cast, client_for):
        response = client_for(cast.officer).get(reverse("admin:password_change"))
        assert response.status_code == 302 and response["Location"] == reverse("password_change")


def ask_for_a_reset(email: str, client: Client | None = None):
    return (client or Client()).post(reverse("password_reset"), {"email": email})


def link_in(message) -> str:
    [link] = re.findall(rf"{re.escape(SITE)}/quen-mat-khau/\S+/", message.body)
    return link


class TestResettingAForgottenPassword:
    @pytest.fixture(autouse=True)
    def public_address(self, settings):
        settings.SITE_URL = SITE

    def test_the_sign_in_page_offers_it(self, db):
        page = Client().get(reverse("login")).content.decode()
        assert f'<a href="{reverse("password_reset")}">Quên mật khẩu?</a>' in page

    def test_the_email_is_vietnamese_and_its_link_sets_the_password(self, cast):
        response = ask_for_a_reset(cast.chairman.email)

        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
        [message] = mail.outbox
        assert message.to == [cast.chairman.email]
        assert message.subject == "Đặt lại mật khẩu trên Cổng theo dõi nhiệm vụ"
        link = link_in(message)
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        for part in (message.body, html):
            assert f"Kính gửi đồng chí {cast.chairman.get_full_name()}," in part
            assert "yêu cầu đặt lại mật khẩu cho tài khoản" in part
            assert "Đường dẫn chỉ dùng được một lần, trong 120 phút." in part
            assert link in part
        assert f'href="{link}"' in html and "Đặt mật khẩu mới" in html
        assert "Ủy ban nhân dân xã Sơn Thử" in html  # the layout of the portal's e-mails

        client = Client()
        form_page = client.get(link.removeprefix(SITE), follow=True)
        assert form_page.redirect_chain[0][0].endswith("/dat-mat-khau/")
        assert "Đặt mật khẩu mới" in form_page.content.decode()
        done = client.post(
            form_page.redirect_chain[0][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
        assert signs_in("chairman", NEW_PASSWORD) and not signs_in("chairman", PASSWORD)
        event = SignInEvent.objects.get(kind=Kind.PASSWORD_RESET)
        assert event.user == cast.chairman and event.actor is None
        # Used once, the link is spent.
        again = Client().get(link.removeprefix(SITE), follow=True).content.decode()
        assert "Đường dẫn không còn dùng được" in again

    def test_the_email_is_vietnamese_even_when_the_page_was_read_in_english(self, cast):
        client = Client()
        client.cookies["django_language"] = "en"
        ask_for_a_reset(cast.chairman.email, client)
        [message] = mail.outbox
        assert message.subject == "Đặt lại mật khẩu trên Cổng theo dõi nhiệm vụ"

    def test_an_unknown_address_gets_the_same_answer_and_no_email(self, cast):
        known = ask_for_a_reset(cast.chairman.email)
        unknown = ask_for_a_reset("khong-co-ai@example.test")
        assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
        assert len(mail.outbox) == 1
        page = Client().get(reverse("password_reset_done")).content.decode()
        assert "Nếu địa chỉ vừa nhập là của một tài khoản trên cổng" in page

    def test_a_bad_new_password_is_refused_in_vietnamese(self, cast):
        ask_for_a_reset(cast.hamlet_head_a.email)
        client = Client()
        form_url = client.get(link_in(mail.outbox[0]).removeprefix(SITE), follow=True)
        response = client.post(
            form_url.redirect_chain[0][0],
            {"new_password1": "hamlet_a", "new_password2": "hamlet_a"},
        )
        page = response.content.decode()
        assert "Mật khẩu quá giống với Tên đăng nhập." in page
        assert signs_in("hamlet_a", PASSWORD)

    def test_resetting_lifts_the_lock_on_the_username_and_ends_other_sessions(
        self, cast, client_for, settings
    ):
        elsewhere = client_for(cast.chairman)
        attacker = Client(REMOTE_ADDR="203.0.113.7")
        for n in range(settings.AXES_FAILURE_LIMIT):
            attacker.post(reverse("login"), {"username": "chairman", "password": f"sai-{n}"})
        assert not signs_in("chairman", PASSWORD)

        ask_for_a_reset(cast.chairman.email)
        client = Client()
        form_url = client.get(link_in(mail.outbox[0]).removeprefix(SITE), follow=True)
        client.post(
            form_url.redirect_chain[0][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert signs_in("chairman", NEW_PASSWORD)
        assert elsewhere.get(reverse("home")).status_code == 302


class TestHashes:
    def test_an_older_hash_is_rewritten_with_argon2_at_sign_in(self, cast):
        # The suite hashes with MD5 for speed; production lists Argon2 first.
        assert cast.chairman.password.startswith("md5$")
        with override_settings(
            PASSWORD_HASHERS=[
                "django.contrib.auth.hashers.Argon2PasswordHasher",
                "django.contrib.auth.hashers.PBKDF2PasswordHasher",
                "django.contrib.auth.hashers.MD5PasswordHasher",
            ]
        ):
            assert signs_in("chairman", PASSWORD)
            stored = User.objects.get(pk=cast.chairman.pk).password
            assert stored.startswith("argon2$argon2id$")
            assert signs_in("chairman", PASSWORD)

    def test_production_lists_argon2_first(self):
        from sonmai import settings as production

        assert production.PASSWORD_HASHERS[0] == (
            "django.contrib.auth.hashers.Argon2PasswordHasher"
        )


class TestPasswordRules:
    def test_every_rule_speaks_vietnamese(self, cast):
        # A name of its own: the factory's "Người dùng <n>" made "1234" look like the name
        # whenever the sequence reached n = 1234, and the test depended on how many ran before.
        cast.chairman.full_name = "Nguyễn Anh Tuấn"
        with translation.override("vi"):
            with pytest.raises(ValidationError) as refused:
                password_validation.validate_password("1234", cast.chairman)
            help_texts = password_validation.password_validators_help_texts()
        assert refused.value.messages == [
            "Mật khẩu này quá ngắn: cần ít nhất 8 ký tự.",
            "Mật khẩu này quá phổ biến.",
            "Mật khẩu này hoàn toàn là số.",
        ]
        assert "Mật khẩu của bạn phải có ít nhất 8 ký tự." in help_texts
        assert not [text for text in help_texts if "password" in text.lower()]

    def test_a_password_like_the_persons_name_is_refused(self, cast):
        cast.chairman.full_name = "Nguyễn Anh Tuấn"
        with translation.override("vi"), pytest.raises(ValidationError) as refused:
            password_validation.validate_password("nguyenanhtuan", cast.chairman)
        assert refused.value.messages == ["Mật khẩu quá giống với họ và tên."]
