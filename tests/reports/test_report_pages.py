"""The report pages as the office, the leaders and the clerk use them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.choices import ReportState
from reports.models import AdHocRequest, Report, ReportSchedule
from sonmai.lib.vndate import short_date
from tests import factories as f
from tests.reports import reportkit as rk

pytestmark = pytest.mark.django_db


def test_the_office_opens_a_draft_from_the_list(cast, client_for):
    client = client_for(cast.officer)
    page = client.get(reverse("reports:report_list")).content.decode()
    assert "Lập dự thảo" in page
    assert f'data-period="{cast.directive.pk}:monthly:{rk.current_key()}"' in page
    response = client.post(
        reverse("reports:report_create"),
        {"directive": cast.directive.pk, "period": f"monthly:{rk.current_key()}"},
    )
    report = Report.objects.get()
    assert response.url == reverse("reports:report_edit", args=[report.pk])


def test_a_second_draft_for_the_same_period_is_refused_with_a_message(cast, client_for):
    rk.draft_report(cast)
    client = client_for(cast.officer)
    response = client.post(
        reverse("reports:report_create"),
        {"directive": cast.directive.pk, "period": f"monthly:{rk.current_key()}"},
        follow=True,
    )
    assert Report.objects.count() == 1
    assert "Kỳ này không còn để lập cho văn bản đã chọn" in response.content.decode()


def test_editing_saves_the_text_and_bad_input_keeps_what_was_typed(cast, client_for):
    report = rk.draft_report(cast)
    client = client_for(cast.officer)
    url = reverse("reports:report_edit", args=[report.pk])
    too_long = {
        "leadership": "x" * 10_001,
        "results_note": "Nhận xét giữ lại",
        "next_tasks": "",
        "distribution": "Như trên\nLưu: VT, VHXH",
        "revision": report.revision,
    }
    response = client.post(url, too_long)
    assert response.status_code == 200
    assert "Nội dung quá dài" in response.content.decode()
    assert "Nhận xét giữ lại" in response.content.decode()
    decomposed = "Nhận xét".replace("ậ", "a\u0323\u0302")
    ok = too_long | {"leadership": "Đã quán triệt.", "results_note": decomposed}
    assert client.post(url, ok).status_code == 302
    report.refresh_from_db()
    assert report.leadership == "Đã quán triệt."
    assert report.results_note == "Nhận xét"  # stored as NFC


def test_a_stale_edit_is_refused_and_keeps_the_text(cast, client_for):
    report = rk.draft_report(cast)
    client = client_for(cast.officer)
    url = reverse("reports:report_edit", args=[report.pk])
    form = {"leadership": "Bản của tôi", "distribution": "Như trên", "revision": report.revision}
    assert client.post(url, form).status_code == 302
    response = client.post(url, form | {"leadership": "Bản cũ hơn"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "vừa được người khác sửa" in content and "Bản cũ hơn" in content
    report.refresh_from_db()
    assert report.leadership == "Bản của tôi"
    # Having read the message, saving again keeps their text.
    assert client.post(url, response.context["form"].data).status_code == 302


def test_save_and_submit_in_one_click(cast, client_for):
    report = rk.draft_report(cast, period_key=rk.previous_key())
    client = client_for(cast.officer)
    client.post(
        reverse("reports:report_edit", args=[report.pk]),
        {"leadership": "A", "distribution": "Như trên", "revision": 0, "submit": "1"},
    )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.leadership == "A"


def test_submitting_before_the_period_ends_asks_first_and_says_where_figures_stop(cast, client_for):
    report = rk.draft_report(cast)  # the current period: its window ends after today
    client = client_for(cast.officer)
    url = reverse("reports:report_submit", args=[report.pk])
    page = client.post(url)
    content = page.content.decode()
    assert page.status_code == 200
    end, today = short_date(report.data_to), short_date(timezone.localdate())
    assert f"Kỳ báo cáo chưa kết thúc (đến ngày {end})." in content
    assert f"Số liệu sẽ tính đến ngày hôm nay ({today})" in content
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    unticked = client.post(url, {"confirming": "1"})
    assert "Đánh dấu ô xác nhận để trình trước khi kỳ kết thúc." in unticked.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert client.post(url, {"confirming": "1", "confirm_early": "on"}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_saving_and_submitting_early_keeps_the_text_and_asks_first(cast, client_for):
    report = rk.draft_report(cast)
    client = client_for(cast.officer)
    page = client.post(
        reverse("reports:report_edit", args=[report.pk]),
        {"leadership": "Đã lưu", "distribution": "Như trên", "revision": 0, "submit": "1"},
    )
    assert "Kỳ báo cáo chưa kết thúc" in page.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and report.leadership == "Đã lưu"


def test_a_period_that_has_ended_is_submitted_without_asking(cast, client_for):
    report = rk.draft_report(cast, period_key=rk.previous_key())
    response = client_for(cast.officer).post(reverse("reports:report_submit", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_each_directive_has_its_own_periods(cast, client_for):
    """Approving a period for one directive leaves it open for the other."""
    other = f.DirectiveFactory(
        organisation=cast.commune,
        issuing_body=cast.commune,
        issued_on=cast.directive.issued_on,
        number="77",
    )
    rk.approved_report(cast)
    client = client_for(cast.officer)
    page = client.get(reverse("reports:report_list")).content.decode()
    key = rk.current_key()
    assert f'data-period="{other.pk}:monthly:{key}"' in page
    response = client.post(
        reverse("reports:report_create"), {"directive": other.pk, "period": f"monthly:{key}"}
    )
    report = Report.objects.get(directive=other)
    assert response.url == reverse("reports:report_edit", args=[report.pk])
    assert report.period_key == key
    # And the first directive's period, approved, is not offered again.
    again = client.post(
        reverse("reports:report_create"),
        {"directive": cast.directive.pk, "period": f"monthly:{key}"},
        follow=True,
    )
    assert "Kỳ này không còn để lập cho văn bản đã chọn" in again.content.decode()
    assert Report.objects.filter(directive=cast.directive).count() == 1


def test_a_directive_of_another_organisation_cannot_be_reported_on(cast, client_for):
    stranger = f.DirectiveFactory()
    response = client_for(cast.officer).post(
        reverse("reports:report_create"),
        {"directive": stranger.pk, "period": f"monthly:{rk.current_key()}"},
        follow=True,
    )
    assert "Chọn một văn bản trong danh sách." in response.content.decode()
    assert not Report.objects.exists()


def test_a_wrong_password_does_not_approve(cast, client_for):
    report = rk.submitted_report(cast)
    client = client_for(cast.chairman)
    response = client.post(
        reverse("reports:report_approve", args=[report.pk]), {"password": "sai-mat-khau"}
    )
    assert response.status_code == 400
    assert "Mật khẩu không đúng." in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.number is None


def test_the_right_password_approves(cast, client_for):
    report = rk.submitted_report(cast)
    client = client_for(cast.chairman)
    review = client.get(reverse("reports:report_review", args=[report.pk]))
    submission = review.context["approve_form"].initial["submission"]
    assert f'value="{submission}"' in review.content.decode()
    response = client.post(
        reverse("reports:report_approve", args=[report.pk]),
        {"password": "matkhau-thu", "submission": submission},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.code == "01/BC-UBND"
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Báo cáo số 01/BC-UBND" in page and 'http-equiv="refresh"' in page


def test_returning_needs_a_comment(cast, client_for):
    report = rk.submitted_report(cast)
    client = client_for(cast.vice_chairman)
    response = client.post(reverse("reports:report_return", args=[report.pk]), {"comment": " "})
    assert response.status_code == 400
    assert "Ghi ý kiến" in response.content.decode()


def test_the_clerk_cannot_record_a_dispatch_in_the_future(cast, client_for):
    report = rk.signed_report(cast)
    client = client_for(cast.clerk)
    url = reverse("reports:report_dispatch", args=[report.pk])
    tomorrow = report.issued_on + datetime.timedelta(days=1)
    response = client.post(
        url, {"sent_on": tomorrow.isoformat(), "method": "post", "reference": "BĐ-1"}
    )
    assert "Ngày gửi không thể ở tương lai." in response.content.decode()
    assert 'value="BĐ-1"' in response.content.decode()
    response = client.post(
        url, {"sent_on": report.issued_on.isoformat(), "sent_time": "00:05", "method": "post"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.dispatch_method == "post"


def test_an_ad_hoc_request_opens_its_draft(cast, client_for):
    client = client_for(cast.officer)
    data = {
        "reference": "Công văn số 99/SNV-XDCQ",
        "requested_by": "Sở Nội vụ tỉnh Quảng Ngãi",
        "received_on": "2026-11-20",
        "due_date": "2026-11-10",
        "data_from": "2026-11-30",
        "data_to": "2026-07-01",
        "questions": "Số thôn đã sắp xếp",
        "directive": cast.directive.pk,
    }
    response = client.post(reverse("reports:adhoc_create"), data)
    content = response.content.decode()
    assert "Hạn gửi không thể trước ngày nhận yêu cầu." in content
    assert "Ngày cuối của số liệu phải sau ngày đầu." in content
    assert "Công văn số 99/SNV-XDCQ" in content
    response = client.post(
        reverse("reports:adhoc_create"),
        data | {"due_date": "2026-11-30", "data_from": "2026-07-01", "data_to": "2026-11-30"},
    )
    report = Report.objects.get()
    assert report.ad_hoc_request == AdHocRequest.objects.get()
    assert response.url == reverse("reports:report_edit", args=[report.pk])
    edit = client.get(response.url).content.decode()
    assert "Trả lời nội dung 1: Số thôn đã sắp xếp" in edit


def test_the_schedule_is_configurable(cast, client_for):
    client = client_for(cast.officer)
    url = reverse("reports:schedule_edit")
    client.get(url)
    data = {}
    for schedule in ReportSchedule.objects.filter(organisation=cast.commune):
        data |= {
            f"{schedule.kind}-window_start_day": "15",
            f"{schedule.kind}-due_day": "20",
        }
    data["quarterly-is_active"] = "on"
    response = client.post(url, data | {"monthly-due_day": "31"})
    assert "Chọn một ngày từ 1 đến 28." in response.content.decode()
    assert client.post(url, data | {"quarterly-due_day": "5"}).status_code == 302
    quarterly = ReportSchedule.objects.get(organisation=cast.commune, kind="quarterly")
    assert quarterly.is_active and quarterly.due_day == 5
    monthly = ReportSchedule.objects.get(organisation=cast.commune, kind="monthly")
    assert not monthly.is_active


def test_downloads(cast, client_for, commune_certificate, settings):
    settings.EDXML_RECEIVER_ORGAN_ID = "000.00.00.X02"
    cast.commune.edxml_organ_id = "000.00.00.X01"
    cast.commune.save()
    report = rk.approved_report(cast)
    client = client_for(cast.clerk)
    url = reverse("reports:report_download", args=[report.pk, "pdf"])
    assert client.get(url).status_code == 302  # not generated yet
    from reports import services

    services.generate_report_pdf(report.pk)
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        "attachment; filename=\"bao-cao-01-2026.pdf\"; filename*=UTF-8''bao-cao-01-2026.pdf"
    )
    edxml = client.get(reverse("reports:report_download", args=[report.pk, "edxml"]))
    assert edxml.content.startswith(b"<?xml")
    docx = client.get(reverse("reports:report_download", args=[report.pk, "docx"]))
    assert docx.content[:2] == b"PK"
    assert (
        client.get(reverse("reports:report_download", args=[report.pk, "exe"])).status_code == 404
    )


def _grow(cast, units: int) -> None:
    for index in range(units):
        unit = f.HamletFactory(organisation=cast.commune, name=f"Thôn mới {index}")
        f.AssignmentFactory(task=cast.task_shared, unit=unit)
        f.AssignmentFactory(task=cast.task_b_only, unit=unit)


def test_the_report_page_queries_do_not_grow_with_the_commune(
    cast, client_for, django_assert_num_queries
):
    report = rk.draft_report(cast)
    client = client_for(cast.officer)
    url = reverse("reports:report_detail", args=[report.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(cast, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_the_home_page_shows_each_person_the_reports_waiting_for_them(cast, client_for):
    submitted = rk.submitted_report(cast)
    approved = rk.approved_report(cast, period_key="2026-01")
    home = reverse("home")
    chairman = client_for(cast.chairman).get(home).content.decode()
    assert reverse("reports:report_detail", args=[submitted.pk]) in chairman
    assert reverse("reports:report_detail", args=[approved.pk]) not in chairman
    clerk = client_for(cast.clerk).get(home).content.decode()
    assert "Đã phê duyệt, chưa gửi" in clerk and approved.code in clerk
    assert reverse("reports:report_detail", args=[submitted.pk]) not in clerk


def test_a_strange_directive_parameter_is_ignored(cast, client_for):
    response = client_for(cast.officer).get(reverse("reports:report_list") + "?van-ban=²")
    assert response.status_code == 200


def test_impossible_ad_hoc_dates_are_refused_and_nothing_is_saved(cast, client_for):
    response = client_for(cast.officer).post(
        reverse("reports:adhoc_create"),
        {
            "reference": "Công văn số 1/SNV",
            "requested_by": "Sở Nội vụ tỉnh Quảng Ngãi",
            "received_on": "2026-11-20",
            "due_date": "2026-11-30",
            "data_from": "2026-07-01",
            "data_to": "9999-12-31",
            "questions": "Một nội dung",
            "directive": cast.directive.pk,
        },
    )
    assert "Ngày phải trong khoảng năm 2000 đến 2100." in response.content.decode()
    assert not AdHocRequest.objects.exists() and not Report.objects.exists()


def test_an_ad_hoc_request_answered_for_one_directive_is_offered_for_the_other(cast, client_for):
    other = f.DirectiveFactory(organisation=cast.commune, issuing_body=cast.commune, number="78")
    client = client_for(cast.officer)
    client.post(
        reverse("reports:adhoc_create"),
        {
            "directive": cast.directive.pk,
            "reference": "Công văn số 5/SNV",
            "requested_by": "Sở Nội vụ",
            "received_on": "2026-11-20",
            "due_date": "2026-11-30",
            "data_from": "2026-07-01",
            "data_to": "2026-11-15",
            "questions": "Một nội dung",
        },
    )
    ad_hoc = AdHocRequest.objects.get()
    assert Report.objects.get().directive == cast.directive
    page = client.get(reverse("reports:report_list")).content.decode()
    assert f"Lập báo cáo về {other.short_label}" in page
    assert f"Lập báo cáo về {cast.directive.short_label}" not in page
    response = client.post(
        reverse("reports:report_create"), {"directive": other.pk, "period": f"adhoc:{ad_hoc.pk}"}
    )
    report = Report.objects.get(directive=other)
    assert report.ad_hoc_request == ad_hoc
    assert response.url == reverse("reports:report_edit", args=[report.pk])
