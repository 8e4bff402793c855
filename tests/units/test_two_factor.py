"""Two-factor sign-in: who must use it, the gate on every page, the code page, enrolment with its
QR code, recovery codes, turning it off, the administrator's reset and approving a report."""

import datetime
import re
import time
from base64 import b32encode
from urllib.parse import parse_qs, quote, urlencode, urlparse

import pytest
import segno
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.views.debug import ExceptionReporter
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.choices import ReportState
from tests import factories as f
from tests.reports import reportkit as rk
from tests.units.test_settings import PRODUCTION, run_django
from units import access, twofactor, views
from units.apps import check_two_factor_roles

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 2, 10, 9, 0, 0, tzinfo=datetime.UTC)
REQUIRED = ["chairman", "vice_chairman", "monitoring_officer", "admin"]
ISSUER = "C%E1%BB%95ng%20theo%20d%C3%B5i%20nhi%E1%BB%87m%20v%E1%BB%A5%20x%C3%A3%20S%C6%A1n%20Mai"


@pytest.fixture
def clock():
    """Time stands still; ``clock.shift(seconds)`` moves it (a TOTP code lasts 30 seconds)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(settings):
    """The production default: leaders, the monitoring office and administrators."""
    settings.TWO_FACTOR_ROLES = REQUIRED


def code_for(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are none of the codes the device accepts now (it allows one step off)."""
    accepted = set()
    for steps in (-1, 0, 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps)
        totp.time = time.time()
        accepted.add(f"{totp.token():06d}")
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Two-factor turned on through the service, as the enrolment page does; the code it used
    is spent, so the caller moves the clock on before the next one."""
    device = twofactor.enrolment_device(user)
    codes = twofactor.confirm_authenticator(device, code_for(device), actor=user)
    device.refresh_from_db()
    return device, codes


def with_code_given(client, device):
    """This session has already given its second factor (as after the code page)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def gate_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


# --- Who must use it -------------------------------------------------------------------------
class TestWhoMustUseIt:
    def test_the_setting_turns_the_requirement_on_and_off_per_role(self, cast, settings):
        settings.TWO_FACTOR_ROLES = ["chairman"]
        assert access.requires_two_factor(cast.chairman)
        assert not access.requires_two_factor(cast.vice_chairman)
        assert not access.requires_two_factor(cast.officer)  # staff, but "admin" is not named
        settings.TWO_FACTOR_ROLES = ["monitoring_officer", "admin"]
        assert not access.requires_two_factor(cast.chairman)
        assert access.requires_two_factor(cast.officer)
        assert access.requires_two_factor(cast.clerk)  # a clerk with admin access
        assert access.requires_two_factor(f.UserFactory(role="", is_superuser=True))
        assert not access.requires_two_factor(cast.hamlet_head_a)
        settings.TWO_FACTOR_ROLES = []
        assert not any(
            access.requires_two_factor(person)
            for person in (cast.chairman, cast.vice_chairman, cast.officer, cast.clerk)
        )

    def test_a_misspelt_role_stops_the_process(self):
        with pytest.raises(ImproperlyConfigured, match="unknown names chairmen"):
            check_two_factor_roles(["chairmen", "admin"])
        check_two_factor_roles(REQUIRED)

    def test_production_requires_it_of_leaders_office_and_administrators_the_demo_of_no_one(
        self,
    ):
        show = ["shell", "--no-imports", "-c"]
        show.append("from django.conf import settings; print(settings.TWO_FACTOR_ROLES)")
        production = run_django(show, PRODUCTION)
        assert production.returncode == 0, production.stderr
        assert production.stdout.strip() == str(REQUIRED)
        assert run_django(show, {"DEBUG": "1"}).stdout.strip() == "[]"
        chosen = run_django(show, PRODUCTION | {"TWO_FACTOR_ROLES": "none"})
        assert chosen.stdout.strip() == "[]"
        misspelt = run_django(["check"], PRODUCTION | {"TWO_FACTOR_ROLES": "chairman,mayor"})
        assert misspelt.returncode != 0
        assert "TWO_FACTOR_ROLES has unknown names mayor" in misspelt.stderr


# --- The gate on every page ------------------------------------------------------------------
class TestGate:
    def test_a_required_person_without_two_factor_is_sent_to_enrolment_from_every_page(
        self, cast, client_for, required
    ):
        pages = [
            reverse("home"),
            reverse("directives:directive_list"),
            reverse("reports:report_list"),
            reverse("notifications:notification_list"),
            reverse("units:account_security"),
            reverse("admin:index"),
            reverse("admin:units_user_changelist"),
            "/khong-co-trang-nay/",
        ]
        for person in (cast.chairman, cast.vice_chairman, cast.officer, cast.clerk):
            client = client_for(person)
            for page in pages:
                response = client.get(page)
                assert response.status_code == 302, (person, page)
                assert response.url == gate_url("units:two_factor_setup", page), (person, page)
            # A form sent before enrolment is not processed either; there is no page to return to.
            response = client.post(reverse("notifications:notification_read_all"))
            assert response.url == reverse("units:two_factor_setup")

    def test_enrolment_sign_out_and_the_language_switch_stay_open(self, cast, client_for, required):
        client = client_for(cast.chairman)
        assert client.get(reverse("units:two_factor_setup")).status_code == 200
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302 and response.url == "/"
        assert client.post(reverse("logout")).url == reverse("login")
        assert client.get(reverse("home")).url.startswith(reverse("login"))

    def test_people_not_required_and_without_two_factor_are_not_held(
        self, cast, client_for, required
    ):
        for person in (cast.hamlet_head_a, cast.unit_head_b, cast.staff_b):
            response = client_for(person).get(reverse("directives:my_assignments"))
            assert response.status_code == 200, person

    def test_with_two_factor_on_a_code_is_asked_before_any_page_including_the_admin(
        self, cast, client_for, required, clock
    ):
        enrol(cast.officer)
        client = client_for(cast.officer)  # signed in with the password only
        for page in [reverse("home"), reverse("admin:index"), reverse("reports:report_list")]:
            assert client.get(page).url == gate_url("units:two_factor_verify", page)

    def test_someone_who_turned_it_on_by_choice_is_asked_for_the_code_too(
        self, cast, client_for, clock
    ):
        assert not access.requires_two_factor(cast.hamlet_head_a)
        enrol(cast.hamlet_head_a)
        page = reverse("directives:my_assignments")
        assert client_for(cast.hamlet_head_a).get(page).url == gate_url(
            "units:two_factor_verify", page
        )


# --- The code page ---------------------------------------------------------------------------
class TestCodePage:
    def test_the_right_code_lets_the_person_through_to_where_they_were_going(
        self, cast, client_for, required, clock
    ):
        device, _codes = enrol(cast.chairman)
        clock.shift(30)
        client = client_for(cast.chairman)
        page = client.get(reverse("units:two_factor_verify"), {"next": "/bao-cao/"})
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        assert 'id="main-nav"' not in page.content.decode()  # no menu before the code
        response = client.post(
            reverse("units:two_factor_verify"), {"otp_token": code_for(device), "next": "/bao-cao/"}
        )
        assert response.status_code == 302 and response.url == "/bao-cao/"
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("units:two_factor_verify")).url == reverse("home")

    def test_a_next_outside_the_portal_is_ignored(self, cast, client_for, required, clock):
        device, _codes = enrol(cast.chairman)
        clock.shift(30)
        response = client_for(cast.chairman).post(
            reverse("units:two_factor_verify"),
            {"otp_token": code_for(device), "next": "https://evil.example/"},
        )
        assert response.url == reverse("home")

    def test_a_wrong_code_is_refused_and_the_next_try_must_wait(
        self, cast, client_for, required, clock
    ):
        device, _codes = enrol(cast.chairman)
        clock.shift(30)
        client = client_for(cast.chairman)
        url = reverse("units:two_factor_verify")
        refused = client.post(url, {"otp_token": wrong_code(device)})
        assert refused.status_code == 200
        assert "Mã không đúng hoặc đã hết hạn." in refused.content.decode()
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        # Even the right code waits out the throttle, and the page says for how long.
        waiting = client.post(url, {"otp_token": code_for(device)})
        assert "Vui lòng chờ 1 giây rồi thử lại." in waiting.content.decode()
        assert client.get(reverse("home")).status_code == 302
        clock.shift(2)
        client.post(url, {"otp_token": wrong_code(device)})
        assert "Vui lòng chờ 2 giây" in client.post(url, {"otp_token": "1"}).content.decode()
        clock.shift(3)
        assert client.post(url, {"otp_token": code_for(device)}).url == reverse("home")
        device.refresh_from_db()
        assert device.throttling_failure_count == 0

    def test_a_recovery_code_works_exactly_once(self, cast, client_for, required, clock):
        _device, codes = enrol(cast.chairman)
        assert len(codes) == 10 and len(set(codes)) == 10
        url = reverse("units:two_factor_verify")
        first = client_for(cast.chairman)
        response = first.post(url, {"otp_token": codes[0]}, follow=True)
        assert response.redirect_chain[0][0] == reverse("home")
        assert "Bạn vừa dùng một mã dự phòng; còn 9 mã." in response.content.decode()
        second = client_for(cast.chairman)
        refused = second.post(url, {"otp_token": codes[0]})
        assert "Mã dự phòng không đúng hoặc đã được dùng." in refused.content.decode()
        clock.shift(2)  # the refusal above is throttled like any other
        # Typed as people do: capitals, no hyphen, spaces.
        typed = " ".join(codes[1].replace("-", "").upper())
        assert second.post(url, {"otp_token": typed}).url == reverse("home")
        assert twofactor.recovery_codes_left(cast.chairman) == 8

    def test_someone_without_two_factor_is_sent_on_or_to_enrolment(
        self, cast, client_for, required
    ):
        url = reverse("units:two_factor_verify")
        assert client_for(cast.hamlet_head_a).get(url, {"next": "/van-ban/"}).url == "/van-ban/"
        assert client_for(cast.chairman).get(url, {"next": "/van-ban/"}).url == gate_url(
            "units:two_factor_setup", "/van-ban/"
        )

    def test_anonymous_visitors_sign_in_first(self, client):
        assert client.get(reverse("units:two_factor_verify")).url.startswith(reverse("login"))


# --- Enrolment -------------------------------------------------------------------------------
def svg_dark_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) of segno's SVG: one path of horizontal strokes, drawn
    with absolute (M) and relative (m) moves and horizontal lines (h)."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(value) for value in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            dark.update((int(x) + step, int(y)) for step in range(int(values[0])))
            x += values[0]
    return dark


class TestEnrolment:
    def test_the_page_shows_a_qr_code_and_the_grouped_key_and_is_never_cached(
        self, cast, client_for, required
    ):
        response = client_for(cast.chairman).get(reverse("units:two_factor_setup"))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        device = TOTPDevice.objects.get(user=cast.chairman, confirmed=False)
        secret = b32encode(device.bin_key).decode()
        assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
        svg = re.search(r'<svg[^>]*class="qr-code".*?</svg>', page, re.S).group(0)
        # Strict CSP: no style attributes, no data: URLs, no inline script.
        assert "style=" not in svg and "data:" not in page and "<script>" not in page
        assert 'id="main-nav"' not in page  # required and not enrolled: held here, no menu
        assert "Vai trò của bạn bắt buộc dùng xác thực hai bước" in page

    def test_the_qr_code_holds_the_otpauth_address_with_the_portals_name(self, cast, client_for):
        page = client_for(cast.officer).get(reverse("units:two_factor_setup")).content.decode()
        device = TOTPDevice.objects.get(user=cast.officer, confirmed=False)
        address = device.config_url
        parts = urlparse(address)
        query = parse_qs(parts.query)
        assert parts.scheme == "otpauth" and parts.netloc == "totp"
        assert parts.path == "/" + quote("Cổng theo dõi nhiệm vụ xã Sơn Mai:officer")
        assert f"issuer={ISSUER}" in address
        assert query["secret"] == [b32encode(device.bin_key).decode()]
        assert query["digits"] == ["6"] and query["period"] == ["30"]
        # Read the modules back out of the page and compare with the standard encoding of the
        # address: a phone scanning the page reads exactly this address.
        svg = re.search(r'<svg[^>]*class="qr-code".*?</svg>', page, re.S).group(0)
        expected = segno.make_qr(address, error="m")
        border = 4
        wanted = {
            (column + border, row + border)
            for row, line in enumerate(expected.matrix)
            for column, module in enumerate(line)
            if module
        }
        assert svg_dark_modules(svg) == wanted
        size = expected.symbol_size(border=border)[0]
        assert f'viewBox="0 0 {size} {size}"' in svg

    def test_an_error_report_from_the_page_does_not_contain_the_key(
        self, cast, rf, settings, monkeypatch
    ):
        settings.DEBUG = False  # error reports leave sensitive data out only in production

        def failing_render(request, template, context):
            key, address = context["secret"], context["setup_url"]  # as a template tag might
            raise RuntimeError(f"the template broke after {len(key + address)} characters")

        monkeypatch.setattr(views, "render", failing_render)
        request = rf.get(reverse("units:two_factor_setup"))
        request.user = cast.chairman
        request.user.is_verified = lambda: False
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        with pytest.raises(RuntimeError) as raised:
            views.two_factor_setup(request)
        report = ExceptionReporter(
            request, raised.type, raised.value, raised.tb
        ).get_traceback_html()
        secret = b32encode(TOTPDevice.objects.get(user=cast.chairman).bin_key).decode()
        assert "the template broke" in report and "failing_render" in report
        assert f"{secret[:4]} {secret[4:8]}" not in report  # the grouped key
        assert secret not in report  # the otpauth:// address

    def test_reloading_the_page_keeps_the_key_already_scanned(self, cast, client_for):
        client = client_for(cast.hamlet_head_a)
        client.get(reverse("units:two_factor_setup"))
        client.get(reverse("units:two_factor_setup"))
        assert TOTPDevice.objects.filter(user=cast.hamlet_head_a).count() == 1

    def test_a_correct_code_confirms_the_app_and_shows_ten_recovery_codes_once(
        self, cast, client_for, required, clock
    ):
        client = client_for(cast.chairman)
        next_url = reverse("reports:report_list")
        client.get(reverse("units:two_factor_setup"), {"next": next_url})
        device = TOTPDevice.objects.get(user=cast.chairman)
        response = client.post(
            reverse("units:two_factor_setup"), {"otp_token": code_for(device), "next": next_url}
        )
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert "Đã bật xác thực hai bước." in page
        shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page)
        assert len(shown) == 10
        assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(
            code.replace("-", "") for code in shown
        )
        assert f'href="{next_url}"' in page
        device.refresh_from_db()
        assert device.confirmed
        # This session has given its code by confirming: no second question.
        assert client.get(next_url).status_code == 200
        entry = LogEntry.objects.get(object_id=str(cast.chairman.pk))
        assert entry.user == cast.chairman and entry.change_message == "Bật xác thực hai bước."

    def test_a_wrong_code_does_not_confirm_the_app(self, cast, client_for, required, clock):
        client = client_for(cast.chairman)
        client.get(reverse("units:two_factor_setup"))
        device = TOTPDevice.objects.get(user=cast.chairman)
        response = client.post(reverse("units:two_factor_setup"), {"otp_token": wrong_code(device)})
        assert response.status_code == 200
        assert "Mã không đúng. Hãy kiểm tra giờ trên điện thoại" in response.content.decode()
        device.refresh_from_db()
        assert not device.confirmed and device.throttling_failure_count == 1
        assert not StaticDevice.objects.exists()
        assert client.get(reverse("home")).url.startswith(reverse("units:two_factor_setup"))

    def test_with_two_factor_on_a_second_app_cannot_be_enrolled_to_skip_the_code(
        self, cast, client_for, clock
    ):
        enrol(cast.officer)
        clock.shift(30)
        client = client_for(cast.officer)  # password only
        assert client.get(reverse("units:two_factor_setup")).url == reverse(
            "units:account_security"
        )
        client.post(reverse("units:two_factor_setup"), {"otp_token": "123456"})
        assert TOTPDevice.objects.filter(user=cast.officer).count() == 1
        assert client.get(reverse("home")).url.startswith(reverse("units:two_factor_verify"))
        with pytest.raises(twofactor.TwoFactorError):
            twofactor.enrolment_device(cast.officer)


# --- The security page: recovery codes, turning off ------------------------------------------
class TestSecurityPage:
    def test_the_user_menu_links_to_the_page_which_offers_to_turn_it_on(self, cast, client_for):
        client = client_for(cast.unit_head_b)
        menu = client.get(reverse("notifications:preferences")).content.decode()
        assert f'href="{reverse("units:account_security")}"' in menu
        assert "Bảo mật tài khoản" in menu
        page = client.get(reverse("units:account_security")).content.decode()
        assert "Chưa bật" in page and reverse("units:two_factor_setup") in page

    def test_new_recovery_codes_replace_the_old_ones(self, cast, client_for, clock):
        device, old_codes = enrol(cast.staff_b)
        clock.shift(30)
        client = with_code_given(client_for(cast.staff_b), device)
        assert (
            "Còn 10 mã chưa dùng." in client.get(reverse("units:account_security")).content.decode()
        )
        refused = client.post(reverse("units:recovery_codes_new"), {"codes-otp_token": "000"})
        assert refused.status_code == 200 and "Mã dự phòng không đúng" in refused.content.decode()
        clock.shift(2)
        response = client.post(
            reverse("units:recovery_codes_new"), {"codes-otp_token": code_for(device)}
        )
        assert "no-store" in response["Cache-Control"]
        new_codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
        assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
        with pytest.raises(twofactor.CodeRefused):
            twofactor.verify_code(cast.staff_b, old_codes[0])
        clock.shift(2)
        assert twofactor.verify_code(cast.staff_b, new_codes[0])
        assert LogEntry.objects.filter(change_message="Tạo mã dự phòng mới.").count() == 1

    def test_a_required_role_cannot_turn_two_factor_off(self, cast, client_for, required, clock):
        device, _codes = enrol(cast.vice_chairman)
        clock.shift(30)
        client = with_code_given(client_for(cast.vice_chairman), device)
        page = client.get(reverse("units:account_security")).content.decode()
        assert "không tắt được" in page and reverse("units:two_factor_disable") not in page
        response = client.post(
            reverse("units:two_factor_disable"), {"off-otp_token": code_for(device)}
        )
        assert response.status_code == 403
        assert twofactor.has_two_factor(cast.vice_chairman)
        with pytest.raises(PermissionDenied):
            twofactor.turn_off_two_factor(actor=cast.vice_chairman)

    def test_someone_who_chose_it_turns_it_off_with_a_code(self, cast, client_for, clock):
        device, _codes = enrol(cast.unit_head_b)
        clock.shift(30)
        client = with_code_given(client_for(cast.unit_head_b), device)
        response = client.post(
            reverse("units:two_factor_disable"), {"off-otp_token": code_for(device)}
        )
        assert response.url == reverse("units:account_security")
        assert not TOTPDevice.objects.filter(user=cast.unit_head_b).exists()
        assert not StaticDevice.objects.filter(user=cast.unit_head_b).exists()
        page = reverse("directives:my_assignments")
        assert client_for(cast.unit_head_b).get(page).status_code == 200


# --- The administrator's reset ---------------------------------------------------------------
class TestAdministratorReset:
    def test_an_administrator_resets_a_lost_phone_and_it_is_recorded(
        self, cast, client_for, required, clock
    ):
        device, _codes = enrol(cast.chairman)
        leader = with_code_given(client_for(cast.chairman), device)
        assert leader.get(reverse("home")).status_code == 200
        administrator = f.UserFactory(
            username="quantri", organisation=cast.commune, is_staff=True, is_superuser=True
        )
        admin_device, _ = enrol(administrator)
        client = with_code_given(client_for(administrator), admin_device)
        page = client.get(reverse("admin:units_user_change", args=[cast.chairman.pk]))
        assert "Đang bật từ 10/02/2026." in page.content.decode()
        response = client.post(
            reverse("admin:units_user_changelist"),
            {"action": "reset_two_factor", "_selected_action": [cast.chairman.pk]},
            follow=True,
        )
        assert "Đã đặt lại xác thực hai bước cho 1 người" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=cast.chairman).exists()
        assert not StaticDevice.objects.filter(user=cast.chairman).exists()
        entry = LogEntry.objects.get(object_id=str(cast.chairman.pk), user=administrator)
        assert entry.change_message == "Đặt lại xác thực hai bước (mất điện thoại)."
        history = client.get(reverse("admin:units_user_history", args=[cast.chairman.pk]))
        assert "Đặt lại xác thực hai bước (mất điện thoại)." in history.content.decode()
        # The leader's open session lost its second factor: set it up again before anything.
        assert leader.get(reverse("home")).url == gate_url("units:two_factor_setup", "/")

    def test_staff_cannot_reset_a_superusers_or_another_communes_two_factor(self, cast, clock):
        superuser = f.UserFactory(organisation=cast.commune, is_staff=True, is_superuser=True)
        assert access.can_reset_two_factor(cast.clerk, cast.chairman)
        assert not access.can_reset_two_factor(cast.clerk, superuser)
        assert not access.can_reset_two_factor(cast.clerk, cast.outsider)
        assert not access.can_reset_two_factor(cast.chairman, cast.vice_chairman)  # not staff
        enrol(superuser)
        with pytest.raises(PermissionDenied):
            twofactor.reset_two_factor(superuser, actor=cast.clerk)

    def test_staff_with_change_permission_reset_their_communes_people_only(
        self, cast, client_for, clock
    ):
        cast.clerk.user_permissions.add(
            *Permission.objects.filter(codename__in=["change_user", "view_user"])
        )
        superuser = f.UserFactory(organisation=cast.commune, is_staff=True, is_superuser=True)
        enrol(superuser)
        enrol(cast.vice_chairman)
        response = client_for(cast.clerk).post(
            reverse("admin:units_user_changelist"),
            {
                "action": "reset_two_factor",
                "_selected_action": [cast.vice_chairman.pk, superuser.pk],
            },
            follow=True,
        )
        page = response.content.decode()
        assert "Đã đặt lại xác thực hai bước cho 1 người" in page
        assert "Chỉ quản trị viên cấp cao" in page
        assert not twofactor.has_two_factor(cast.vice_chairman)
        assert twofactor.has_two_factor(superuser)

    def test_django_otps_own_device_pages_are_not_in_the_admin(self):
        for name in (
            "admin:otp_totp_totpdevice_changelist",
            "admin:otp_static_staticdevice_changelist",
        ):
            with pytest.raises(NoReverseMatch):
                reverse(name)


# --- Approving a report ----------------------------------------------------------------------
class TestApproval:
    def approve(self, client, report, **data):
        review = client.get(reverse("reports:report_review", args=[report.pk]))
        submission = review.context["approve_form"].initial["submission"]
        return client.post(
            reverse("reports:report_approve", args=[report.pk]),
            {"password": "matkhau-thu", "submission": submission, **data},
        )

    def leader(self, cast, client_for, clock):
        device, _codes = enrol(cast.chairman)
        clock.shift(30)
        return device, with_code_given(client_for(cast.chairman), device)

    def test_the_approval_form_asks_for_a_code_only_when_two_factor_is_on(
        self, cast, client_for, clock
    ):
        report = rk.submitted_report(cast)
        url = reverse("reports:report_review", args=[report.pk])
        assert 'name="otp_token"' not in client_for(cast.vice_chairman).get(url).content.decode()
        _device, client = self.leader(cast, client_for, clock)
        page = client.get(url).content.decode()
        assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page

    def test_approving_without_a_code_or_with_a_wrong_one_does_not_approve_or_number(
        self, cast, client_for, clock
    ):
        report = rk.submitted_report(cast)
        device, client = self.leader(cast, client_for, clock)
        missing = self.approve(client, report)
        assert missing.status_code == 400 and "Nhập mã xác thực." in missing.content.decode()
        wrong = self.approve(client, report, otp_token=wrong_code(device))
        assert wrong.status_code == 400
        assert "Mã không đúng hoặc đã hết hạn." in wrong.content.decode()
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED and report.number is None

    def test_a_wrong_password_does_not_spend_the_code(self, cast, client_for, clock):
        report = rk.submitted_report(cast)
        device, client = self.leader(cast, client_for, clock)
        code, last_step = code_for(device), device.last_t
        refused = self.approve(client, report, password="sai-mat-khau", otp_token=code)
        assert "Mật khẩu không đúng." in refused.content.decode()
        device.refresh_from_db()
        assert device.last_t == last_step and device.throttling_failure_count == 0
        assert self.approve(client, report, otp_token=code).status_code == 302

    def test_with_the_right_code_the_report_is_approved_and_numbered(self, cast, client_for, clock):
        report = rk.submitted_report(cast)
        device, client = self.leader(cast, client_for, clock)
        response = self.approve(client, report, otp_token=code_for(device))
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == ReportState.APPROVED and report.code == "01/BC-UBND"
