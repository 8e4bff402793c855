"""A commune of another province uses the portal: its report, its e-mails and its pages speak of
Nam Đàn and Nghệ An, and never of Sơn Mai, Quảng Ngãi, a Culture–Society office it does not
have, or Kết luận 221."""

from __future__ import annotations

import datetime
import io
import json

import pdfplumber
import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from directives.choices import Cadence
from directives.periods import period_containing
from directives.services.followup import urge
from notifications import planning
from reports import services
from reports.choices import GenerationState
from reports.signing import create_self_signed_certificate
from tests.reports.pdfcheck import full_text
from tests.second_commune import SON_MAI_WORDS, make_second_commune

pytestmark = pytest.mark.django_db
VN = timezone.get_fixed_timezone(7 * 60)
#: Inside the February report's data window (15/01–14/02/2026).
IN_FEBRUARY_WINDOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=VN)
#: After that window closed: the report is drafted, submitted and approved then.
AFTER_FEBRUARY_WINDOW = datetime.datetime(2026, 2, 16, 9, 0, tzinfo=VN)


@pytest.fixture
def nam_dan():
    with time_machine.travel(IN_FEBRUARY_WINDOW, tick=False):
        return make_second_commune()


def assert_nothing_of_son_mai(text: str, where: str) -> None:
    for word in SON_MAI_WORDS:
        assert word not in text, f"{where} says {word!r}"


def mail_texts() -> list[tuple[str, str]]:
    """(what, text) for every part of every e-mail sent: subject, plain text, HTML."""
    parts: list[tuple[str, str]] = []
    for message in mail.outbox:
        parts.append((f"subject of {message.subject!r}", str(message.subject)))
        parts.append((f"text of {message.subject!r}", str(message.body)))
        alternatives = getattr(message, "alternatives", ())
        parts += [(f"HTML of {message.subject!r}", str(html)) for html, _type in alternatives]
    return parts


@pytest.fixture
def approved(nam_dan, tmp_path, django_capture_on_commit_callbacks):
    """Nam Đàn's February report, drafted, submitted and approved, with its signed PDF."""
    credentials = create_self_signed_certificate(
        tmp_path,
        common_name=nam_dan.commune.short_name,
        organisation=nam_dan.commune.name,
        locality=nam_dan.commune.place_name,
        province=nam_dan.commune.province_name,
    )
    key = period_containing(IN_FEBRUARY_WINDOW.date(), Cadence.MONTHLY).key
    with (
        time_machine.travel(AFTER_FEBRUARY_WINDOW, tick=False),
        override_settings(
            REPORT_SIGNING_CERT=credentials.cert_path, REPORT_SIGNING_KEY=credentials.key_path
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.create_report(
            directive=nam_dan.directive,
            actor=nam_dan.officer,
            kind=Cadence.MONTHLY,
            period_key=key,
        )
        report = services.submit_report(report, actor=nam_dan.officer)
        report = services.approve_report(report, actor=nam_dan.chairman)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE, report.generation_error
    return report


def test_the_province_is_found_from_the_bodies_above_the_commune(nam_dan):
    assert nam_dan.commune.province_name == "Nghệ An"
    assert nam_dan.commune.report_addressee == "Ủy ban nhân dân tỉnh Nghệ An (qua Sở Nội vụ)"
    assert nam_dan.commune.monitoring_office == "Văn phòng HĐND và UBND"


def test_its_report_speaks_of_its_own_commune_province_and_office(nam_dan, approved):
    snapshot = json.dumps(approved.snapshot, ensure_ascii=False)
    with pdfplumber.open(io.BytesIO(approved.pdf.read())) as pdf:
        text = full_text(pdf)
    assert_nothing_of_son_mai(snapshot, "the snapshot")
    assert_nothing_of_son_mai(text, "the PDF")
    assert "Kính gửi: Ủy ban nhân dân tỉnh Nghệ An (qua Sở Nội vụ)." in text
    assert "Nam Đàn, ngày 16 tháng 02 năm 2026" in text
    assert "kính báo cáo Ủy ban nhân dân tỉnh Nghệ An (qua Sở Nội vụ) theo dõi, chỉ đạo" in text
    assert "Văn phòng HĐND và UBND theo dõi, đôn đốc" in text
    assert "Lưu: VT, VP." in text
    assert "Nguyễn Văn Lâm" in text


def test_its_report_notices_speak_of_its_own_commune(nam_dan, approved):
    assert mail.outbox, "submitting and approving tells the leaders and the office"
    for where, text in mail_texts():
        assert_nothing_of_son_mai(text, where)


def test_its_reminders_digests_and_urgings_speak_of_its_own_commune(
    nam_dan, django_capture_on_commit_callbacks
):
    # Before the hamlet's deadline (27/02), on it, after it, and the Monday office digest.
    for moment in (
        datetime.datetime(2026, 2, 26, 8, 0, tzinfo=VN),
        datetime.datetime(2026, 2, 27, 8, 0, tzinfo=VN),
        datetime.datetime(2026, 3, 2, 8, 0, tzinfo=VN),
        datetime.datetime(2026, 3, 20, 8, 0, tzinfo=VN),
    ):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            planning.run_pass(timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        urge([nam_dan.assignment_hamlet], actor=nam_dan.officer, message="Đề nghị xóm báo cáo.")
    recipients = {address for message in mail.outbox for address in message.to}
    assert nam_dan.hamlet_head.email in recipients  # reminders and the urging
    assert nam_dan.officer.email in recipients  # the office's weekly digest
    for where, text in mail_texts():
        assert_nothing_of_son_mai(text, where)


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_its_pages_speak_of_its_own_commune(nam_dan, approved):
    by_officer = [
        reverse("home"),
        reverse("directives:dashboard"),
        reverse("directives:dashboard_assignments"),
        reverse("directives:directive_detail", args=[nam_dan.directive.pk]),
        reverse("directives:assignment_detail", args=[nam_dan.assignment_economy.pk]),
        reverse("directives:assignment_detail", args=[nam_dan.assignment_hamlet.pk]),
        reverse("directives:review_queue"),
        reverse("directives:urge_units") + f"?phan_cong={nam_dan.assignment_hamlet.pk}",
        reverse("reports:report_list") + f"?van_ban={nam_dan.directive.pk}",
        reverse("reports:report_detail", args=[approved.pk]),
    ]
    by_hamlet_head = [
        reverse("directives:my_assignments"),
        reverse("directives:assignment_detail", args=[nam_dan.assignment_hamlet.pk]),
    ]
    with time_machine.travel(AFTER_FEBRUARY_WINDOW, tick=False):
        seen = [(url, page(nam_dan.officer, url)) for url in by_officer]
        seen += [(url, page(nam_dan.hamlet_head, url)) for url in by_hamlet_head]
        seen.append(("home of the chairman", page(nam_dan.chairman, reverse("home"))))
    for url, html in seen:
        assert_nothing_of_son_mai(html, url)
    urge_page = dict(seen)[by_officer[7]]
    assert "để Văn phòng HĐND và UBND tổng hợp" in urge_page
    assert "Kế hoạch số 35/KH-UBND" in urge_page
