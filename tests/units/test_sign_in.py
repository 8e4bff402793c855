"""Guessing passwords no longer works: the attacks of the security review, replayed.

After ``AXES_FAILURE_LIMIT`` wrong passwords for one username, or from one address, every
further attempt is refused with the lockout page, the right password included, until the
cool-off has passed since the last attempt. Every attempt is kept in the sign-in record.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from notifications.choices import NotificationKind
from notifications.models import Notification
from reports import services
from reports.choices import ReportState
from tests import factories as f
from tests.reports import reportkit as rk
from units.choices import SignInEventKind as Kind
from units.models import SignInEvent, SignInLock
from units.signin import client_address

pytestmark = pytest.mark.django_db

VN = datetime.timezone(datetime.timedelta(hours=7))
MORNING = datetime.datetime(2026, 2, 10, 10, 0, tzinfo=VN)
LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF = settings.AXES_COOLOFF_TIME
PASSWORD = "matkhau-thu"  # the cast's password (tests/factories.py)
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"
PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/131 Mobile"


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=PHONE_BROWSER)


def sign_in(client: Client, username: str, password: str, *, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def guess(client: Client, username: str, times: int = LIMIT, *, url: str | None = None) -> list:
    return [sign_in(client, username, f"doan-sai-{n}", url=url).status_code for n in range(times)]


def administrator(cast):
    """The commune's administrator, as the demo loader makes one: staff in "Quản trị cổng"."""
    group = Group.objects.create(name="Quản trị cổng")
    group.permissions.set(
        Permission.objects.filter(
            codename__in=["view_signinevent", "view_signinlock", "delete_signinlock"]
        )
    )
    admin = f.UserFactory(
        username="quantri", full_name="Quản trị hệ thống", role="", organisation=cast.commune
    )
    admin.is_staff = True
    admin.save()
    admin.groups.add(group)
    return admin


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


class TestGuessingPasswords:
    def test_after_the_limit_the_chairmans_right_password_is_refused_with_the_lockout_page(
        self, cast, morning
    ):
        attacker = client_at(ATTACKER)
        # The attempt that reaches the limit is already answered with the lockout page.
        assert guess(attacker, "chairman") == [200] * (LIMIT - 1) + [429]

        response = sign_in(attacker, "chairman", PASSWORD)

        assert response.status_code == 429
        assert "_auth_user_id" not in attacker.session
        page = response.content.decode()
        assert "Tạm khóa đăng nhập" in page
        assert "Có thể đăng nhập lại từ <strong>10:15 ngày 10 tháng 02 năm 2026</strong>" in page
        assert 'class="navbar' in page  # in the portal's layout
        assert response["Retry-After"] == str(int(COOL_OFF.total_seconds()))

    def test_the_lock_on_a_username_holds_from_every_address(self, cast, morning):
        guess(client_at(ATTACKER), "chairman")
        assert sign_in(client_at(OFFICE), "chairman", PASSWORD).status_code == 429

    def test_the_admin_login_is_locked_the_same_way(self, cast, morning):
        admin_login = reverse("admin:login")
        attacker = client_at(ATTACKER)
        assert guess(attacker, "officer", url=admin_login)[-1] == 429
        response = sign_in(attacker, "officer", PASSWORD, url=admin_login)
        assert response.status_code == 429
        assert "Tạm khóa đăng nhập" in response.content.decode()
        # …and the portal's own sign-in, since it is the same username.
        assert sign_in(client_at(OFFICE), "officer", PASSWORD).status_code == 429

    def test_other_usernames_from_another_address_still_sign_in(self, cast, morning):
        guess(client_at(ATTACKER), "chairman")
        response = sign_in(client_at(OFFICE), "vice", PASSWORD)
        assert response.status_code == 302 and response["Location"] == reverse("home")

    def test_one_address_is_locked_across_usernames(self, cast, morning):
        attacker = client_at(ATTACKER)
        for n, username in enumerate(["chairman", "vice", "officer", "clerk", "khong-co-ai"]):
            sign_in(attacker, username, f"doan-sai-{n}")
        # No username reached the limit, but the address did.
        assert sign_in(attacker, "head_b", PASSWORD).status_code == 429
        assert sign_in(client_at(OFFICE), "head_b", PASSWORD).status_code == 302

    def test_after_the_cool_off_the_right_password_works(self, cast, morning):
        attacker = client_at(ATTACKER)
        guess(attacker, "chairman")
        morning.shift(COOL_OFF - datetime.timedelta(seconds=1))
        assert sign_in(client_at(OFFICE), "chairman", PASSWORD).status_code == 429
        morning.shift(datetime.timedelta(seconds=2))
        response = sign_in(client_at(OFFICE), "chairman", PASSWORD)
        assert response.status_code == 302
        assert response.wsgi_request.user == cast.chairman

    def test_an_attempt_during_the_lockout_starts_the_wait_again(self, cast, morning):
        guess(client_at(ATTACKER), "chairman")
        morning.shift(datetime.timedelta(minutes=10))
        response = sign_in(client_at(ATTACKER), "chairman", "mot-lan-nua")
        assert "10:25 ngày 10 tháng 02 năm 2026" in response.content.decode()
        morning.shift(datetime.timedelta(minutes=10))  # 10:20: the first lock would be over
        assert sign_in(client_at(OFFICE), "chairman", PASSWORD).status_code == 429
        morning.shift(datetime.timedelta(minutes=6))
        assert sign_in(client_at(OFFICE), "chairman", PASSWORD).status_code == 302

    def test_a_successful_sign_in_does_not_wipe_the_count_against_another_username(
        self, cast, morning
    ):
        # From a shared address, someone with an account cannot reset the count against the
        # chairman by signing in as themselves between guesses.
        office = client_at(OFFICE)
        guess(office, "chairman", LIMIT - 1)
        assert sign_in(client_at(OFFICE), "staff_b", PASSWORD).status_code == 302
        assert sign_in(office, "chairman", "doan-sai-cuoi").status_code == 429


class TestApprovalPasswordRecheck:
    def test_wrong_passwords_then_the_right_one_neither_approve_nor_number_the_report(
        self, cast, morning
    ):
        report = rk.submitted_report(cast)
        chairman = client_at(ATTACKER)
        chairman.force_login(cast.chairman)
        approve = reverse("reports:report_approve", args=[report.pk])
        statuses = [
            chairman.post(approve, {"password": f"doan-sai-{n}"}).status_code for n in range(LIMIT)
        ]
        assert statuses == [400] * (LIMIT - 1) + [429]

        submission = services.submission_mark(report)
        response = chairman.post(approve, {"password": PASSWORD, "submission": submission})

        assert response.status_code == 429
        assert "Tạm khóa đăng nhập" in response.content.decode()
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED
        assert report.number is None and report.approved_by is None

    def test_the_recheck_counts_against_the_same_username_as_the_sign_in_page(self, cast, morning):
        report = rk.submitted_report(cast)
        chairman = client_at(OFFICE)
        chairman.force_login(cast.chairman)
        approve = reverse("reports:report_approve", args=[report.pk])
        for n in range(LIMIT - 1):
            chairman.post(approve, {"password": f"doan-sai-{n}"})
        # One more guess, on the sign-in page from elsewhere, completes the count.
        assert sign_in(client_at(ATTACKER), "chairman", "doan-sai").status_code == 429
        assert chairman.post(approve, {"password": PASSWORD}).status_code == 429

    def test_after_the_cool_off_the_right_password_approves(self, cast, morning):
        report = rk.submitted_report(cast)
        chairman = client_at(OFFICE)
        chairman.force_login(cast.chairman)
        approve = reverse("reports:report_approve", args=[report.pk])
        for n in range(LIMIT):
            chairman.post(approve, {"password": f"doan-sai-{n}"})
        morning.shift(COOL_OFF + datetime.timedelta(seconds=1))
        submission = services.submission_mark(report)
        response = chairman.post(approve, {"password": PASSWORD, "submission": submission})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == ReportState.APPROVED and report.number == 1


class TestSignInRecord:
    def test_sign_in_failure_sign_out_and_lockout_are_recorded_with_the_address(
        self, cast, morning
    ):
        office = client_at(OFFICE)
        sign_in(office, "chairman", "nham-mat-khau")
        sign_in(office, "chairman", PASSWORD)
        office.post(reverse("logout"))
        guess(client_at(ATTACKER), "vice", LIMIT + 2)

        events = list(SignInEvent.objects.order_by("at", "id"))
        rows = [(e.kind, e.username, e.user, e.ip_address) for e in events]
        assert rows[:3] == [
            (Kind.FAILED, "chairman", cast.chairman, OFFICE),
            (Kind.SIGNED_IN, "chairman", cast.chairman, OFFICE),
            (Kind.SIGNED_OUT, "chairman", cast.chairman, OFFICE),
        ]
        attack = rows[3:]
        assert attack.count((Kind.FAILED, "vice", cast.vice_chairman, ATTACKER)) == LIMIT + 2
        # One lockout, however many attempts are refused during it.
        assert attack.count((Kind.LOCKED_OUT, "vice", cast.vice_chairman, ATTACKER)) == 1
        lockout = SignInEvent.objects.get(kind=Kind.LOCKED_OUT)
        until = "10:15 ngày 10 tháng 02 năm 2026"
        assert lockout.note == f"Khóa tên đăng nhập và địa chỉ IP đến {until}."
        assert all(e.user_agent == PHONE_BROWSER and e.at == MORNING for e in events)
        assert {e.path for e in events} == {reverse("login"), reverse("logout")}

    def test_a_username_that_names_nobody_is_recorded_as_typed(self, cast, morning):
        sign_in(client_at(ATTACKER), "admin", "admin")
        event = SignInEvent.objects.get()
        assert (event.kind, event.username, event.user) == (Kind.FAILED, "admin", None)

    def test_a_wrong_password_at_the_approval_is_recorded_with_its_page(self, cast, morning):
        report = rk.submitted_report(cast)
        chairman = client_at(OFFICE)
        chairman.force_login(cast.chairman)
        approve = reverse("reports:report_approve", args=[report.pk])
        chairman.post(approve, {"password": "sai"})
        failed = SignInEvent.objects.get(kind=Kind.FAILED)
        assert (failed.user, failed.ip_address, failed.path) == (cast.chairman, OFFICE, approve)


class TestLockoutNotice:
    def test_the_person_and_the_administrator_are_told_once(
        self, cast, morning, django_capture_on_commit_callbacks
    ):
        admin = administrator(cast)
        with django_capture_on_commit_callbacks(execute=True):
            guess(client_at(ATTACKER), "chairman", LIMIT + 3)

        to_person = [m for m in mail.outbox if m.to == [cast.chairman.email]]
        to_admin = [m for m in mail.outbox if m.to == [admin.email]]
        assert len(to_person) == 1 and len(to_admin) == 1
        assert len(mail.outbox) == 2  # staff who cannot lift locks (the officer) are not told
        [person], [administrator_mail] = to_person, to_admin
        assert person.subject == "Tài khoản chairman tạm bị khóa đăng nhập"
        for part in (person.body, person.alternatives[0][0]):
            assert f"vì mật khẩu bị nhập sai {LIMIT} lần" in part
            assert ATTACKER in part
            assert "Có thể đăng nhập lại từ 10:15 ngày 10 tháng 02 năm 2026" in part
            assert "http://127.0.0.1:8000/quen-mat-khau/" in part
        assert administrator_mail.subject == "Tạm khóa đăng nhập: tài khoản chairman"
        for part in (administrator_mail.body, administrator_mail.alternatives[0][0]):
            assert "chairman (Người dùng" in part  # with the person's name
            assert "Khóa tự hết lúc 10:15 ngày 10 tháng 02 năm 2026" in part
            assert "/quan-tri/units/signinlock/?q=chairman" in part
        assert set(
            Notification.objects.filter(kind=NotificationKind.SIGN_IN_LOCKED_OUT).values_list(
                "recipient", flat=True
            )
        ) == {cast.chairman.pk, admin.pk}

    def test_a_locked_address_is_reported_to_the_administrator_only(
        self, cast, morning, django_capture_on_commit_callbacks
    ):
        admin = administrator(cast)
        attacker = client_at(ATTACKER)
        with django_capture_on_commit_callbacks(execute=True):
            for n, username in enumerate(["chairman", "vice", "officer", "clerk", "admin"]):
                sign_in(attacker, username, f"doan-sai-{n}")
        [message] = mail.outbox
        assert message.to == [admin.email]
        assert message.subject == f"Tạm khóa đăng nhập: địa chỉ {ATTACKER}"
        assert "lần cuối với tên đăng nhập admin" in message.body


class TestAdministratorsAdmin:
    def test_the_record_is_read_only_and_filtered_by_kind_and_person(self, cast, morning):
        admin = administrator(cast)
        guess(client_at(ATTACKER), "vice", 2)
        sign_in(client_at(OFFICE), "chairman", PASSWORD)
        client = client_at(OFFICE)
        client.force_login(admin)
        changelist = reverse("admin:units_signinevent_changelist")

        failed = client.get(changelist, {"kind__exact": Kind.FAILED})
        assert failed.status_code == 200
        assert list(failed.context["cl"].result_list.values_list("username", flat=True)) == [
            "vice",
            "vice",
        ]
        by_person = client.get(changelist, {"user__id__exact": cast.chairman.pk})
        assert {e.kind for e in by_person.context["cl"].result_list} == {Kind.SIGNED_IN}

        event = SignInEvent.objects.filter(kind=Kind.FAILED).first()
        change = reverse("admin:units_signinevent_change", args=[event.pk])
        assert client.get(change).status_code == 200  # to read
        client.post(change, {"username": "sua-doi"})
        event.refresh_from_db()
        assert event.username == "vice"
        assert client.get(reverse("admin:units_signinevent_add")).status_code == 403
        delete = reverse("admin:units_signinevent_delete", args=[event.pk])
        assert client.get(delete).status_code == 403

    def test_the_administrator_unlocks_a_locked_person(self, cast, morning):
        admin = administrator(cast)
        guess(client_at(ATTACKER), "chairman")
        client = client_at(OFFICE)
        client.force_login(admin)
        changelist = reverse("admin:units_signinlock_changelist")
        page = client.get(changelist).content.decode()
        assert "Khóa đến 10:15 ngày 10 tháng 02 năm 2026" in page

        row = SignInLock.objects.get(username="chairman")
        response = client.post(
            changelist, {"action": "unlock_usernames", "_selected_action": [row.pk]}
        )

        assert response.status_code == 302
        assert not SignInLock.objects.filter(username="chairman").exists()
        assert sign_in(client_at(OFFICE), "chairman", PASSWORD).status_code == 302
        unlocked = SignInEvent.objects.get(kind=Kind.UNLOCKED)
        assert (unlocked.user, unlocked.actor) == (cast.chairman, admin)

    def test_staff_without_the_permission_see_no_locks(self, cast, client_for):
        officer = client_for(cast.officer)  # staff, but not in "Quản trị cổng"
        assert officer.get(reverse("admin:units_signinlock_changelist")).status_code == 403
        assert officer.get(reverse("admin:units_signinevent_changelist")).status_code == 403


class TestClientAddress:
    def test_served_directly_the_address_is_the_connections(self):
        request = RequestFactory().get("/", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=ATTACKER)
        assert client_address(request) == OFFICE

    @override_settings(
        AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        AXES_IPWARE_PROXY_COUNT=0,
        IPWARE_STRICT=False,
    )
    def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(self):
        # nginx appends the address it saw; what the client wrote itself stays to the left.
        spoofed = RequestFactory().get(
            "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.9, {ATTACKER}"
        )
        assert client_address(spoofed) == ATTACKER
        honest = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OFFICE)
        assert client_address(honest) == OFFICE
