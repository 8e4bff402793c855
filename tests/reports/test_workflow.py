"""A report's life: drafted from the data, frozen when submitted, returned or approved by a
leader, numbered in the year's sequence, signed in the background, sent, corrected."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from directives.choices import AssignmentStatus, ReviewState
from directives.models import Assignment, Concern, ExplanationRequest, IndicatorValue
from notifications.choices import NotificationKind
from notifications.models import Notification
from reports import compilation, services
from reports.choices import GenerationState, ReportEventKind, ReportState
from reports.models import AdHocRequest, Report
from reports.services import generation
from reports.signing import verify_report_pdf
from reports.snapshot import IssueList, LateItems, ReportSnapshot
from tests import factories as f
from tests.reports import reportkit as rk
from tests.reports.conftest import pdf_reader

pytestmark = pytest.mark.django_db


def test_a_new_draft_is_prefilled_from_the_data(cast):
    report = rk.draft_report(cast)
    assert report.state == ReportState.DRAFT
    assert report.number is None and report.snapshot is None
    assert "Phòng Văn hóa - Xã hội theo dõi" in report.leadership
    assert "Quán triệt Kết luận" in report.next_tasks.replace("quán", "Quán")
    assert report.distribution.splitlines()[-1] == "Lưu: VT, VHXH"
    assert report.events.get().kind == ReportEventKind.CREATED


def test_one_report_per_directive_and_period(cast):
    rk.draft_report(cast)
    with pytest.raises(services.ReportError, match="đã có báo cáo"):
        rk.draft_report(cast)


def test_a_period_key_that_does_not_exist_is_refused(cast):
    with pytest.raises(services.ReportError, match="Kỳ báo cáo không hợp lệ"):
        rk.draft_report(cast, period_key="2026-13")


def test_submitting_freezes_the_figures(cast):
    report = rk.submitted_report(cast)
    frozen = ReportSnapshot.from_dict(report.snapshot)
    assert report.state == ReportState.SUBMITTED
    Assignment.objects.filter(pk=cast.assignment_a.pk).update(
        status=AssignmentStatus.DONE, percent_done=100, completed_on=datetime.date(2026, 1, 1)
    )
    report.refresh_from_db()
    assert services.current_snapshot(report) == frozen
    assert services.current_snapshot(report) != compilation.compile_snapshot(report)


def test_leaders_are_told_when_a_report_is_submitted(cast):
    rk.submitted_report(cast)
    told = set(
        Notification.objects.filter(kind=NotificationKind.REPORT_SUBMITTED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"chairman", "vice"}


def test_a_returned_report_goes_back_to_the_office_with_the_comment(cast):
    report = services.return_report(
        rk.submitted_report(cast), actor=cast.chairman, comment="Bổ sung số liệu của thôn."
    )
    assert report.state == ReportState.RETURNED
    assert report.snapshot is None and report.return_comment == "Bổ sung số liệu của thôn."
    assert Notification.objects.filter(
        kind=NotificationKind.REPORT_RETURNED, recipient=cast.officer
    ).exists()
    again = services.submit_report(report, actor=cast.officer)
    assert again.state == ReportState.SUBMITTED


def test_approval_numbers_dates_and_signs_for_the_chairman(cast):
    with time_machine.travel(
        datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False
    ):
        report = rk.approved_report(cast, period_key="2026-11")
    snapshot = ReportSnapshot.from_dict(report.snapshot)
    assert (report.number, report.code, report.year) == (1, "01/BC-UBND", 2026)
    assert report.issued_on == datetime.date(2026, 11, 27)
    assert snapshot.number_line == "Số: 01/BC-UBND"
    assert snapshot.place_date_line == "Sơn Thử, ngày 27 tháng 11 năm 2026"
    assert snapshot.signer.authority_lines == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert snapshot.signer.full_name == cast.chairman.full_name
    assert report.generation_state == GenerationState.PENDING


def test_a_vice_chairman_signs_on_behalf_of_the_chairman(cast):
    report = rk.approved_report(cast, signer=cast.vice_chairman)
    lines = ReportSnapshot.from_dict(report.snapshot).signer.authority_lines
    assert lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_numbers_follow_each_other_within_a_year_and_restart_with_the_next(cast):
    with time_machine.travel(datetime.datetime(2026, 12, 30, 3, 0, tzinfo=datetime.UTC)):
        first = rk.approved_report(cast, period_key="2026-11")
        second = rk.approved_report(cast, period_key="2026-12")
    with time_machine.travel(datetime.datetime(2027, 1, 5, 3, 0, tzinfo=datetime.UTC)):
        third = rk.approved_report(cast, period_key="2027-01")
    assert [first.code, second.code, third.code] == ["01/BC-UBND", "02/BC-UBND", "01/BC-UBND"]
    assert third.year == 2027


def test_another_commune_keeps_its_own_sequence(cast):
    rk.approved_report(cast)
    other = f.OrganisationFactory(name="Ủy ban nhân dân xã Khác Nữa")
    assert services.next_report_number(other, 2026) == 1


def test_an_approved_report_cannot_change(cast):
    report = rk.approved_report(cast)
    report.leadership = "Viết lại sau khi ký."
    with pytest.raises(ValidationError):
        report.save()
    with pytest.raises(services.ReportError):
        services.save_narrative(
            report, actor=cast.officer, values={"leadership": "x"}, revision=report.revision
        )
    with pytest.raises(services.ReportError):
        services.submit_report(report, actor=cast.officer)
    with pytest.raises(services.ReportError):
        services.approve_report(report, actor=cast.chairman)


def test_a_stale_form_is_refused_rather_than_overwriting(cast):
    report = rk.draft_report(cast)
    seen = report.revision
    services.save_narrative(report, actor=cast.officer, values={"results_note": "A"}, revision=seen)
    with pytest.raises(services.ReportConflict):
        services.save_narrative(
            report, actor=cast.officer, values={"results_note": "B"}, revision=seen
        )
    report.refresh_from_db()
    assert report.results_note == "A"


# --- The signed PDF, in the background --------------------------------------------------------
def test_approval_produces_a_signed_pdf_with_its_fingerprint(
    cast, commune_certificate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = rk.approved_report(cast)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE
    data = report.pdf.read()
    assert hashlib.sha256(data).hexdigest() == report.pdf_sha256
    result = verify_report_pdf(data)
    assert result.ok, result.message
    text = pdf_reader(data).pages[0].extract_text()
    assert "Số: 01/BC-UBND" in text


@override_settings(DEBUG=False, REPORT_SIGNING_CERT=None, REPORT_SIGNING_KEY=None)
def test_a_failed_generation_is_shown_and_can_be_retried(
    cast, credentials, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = rk.approved_report(cast)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.FAILED
    assert "REPORT_SIGNING_CERT" in report.generation_error
    assert report.events.filter(kind=ReportEventKind.GENERATION_FAILED).exists()
    with (
        override_settings(
            REPORT_SIGNING_CERT=credentials.cert_path, REPORT_SIGNING_KEY=credentials.key_path
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.retry_generation(report, actor=cast.officer)
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE
    assert report.generation_attempts == 2


def test_generating_twice_gives_the_same_content(cast, commune_certificate):
    report = rk.approved_report(cast)
    assert services.generate_report_pdf(report.pk) == "done"
    report.refresh_from_db()
    first_content, first_text = report.content_sha256, pdf_reader(report.pdf.read()).pages[0]
    first_text = first_text.extract_text()
    Report.objects.filter(pk=report.pk).update(generation_state=GenerationState.FAILED)
    assert services.generate_report_pdf(report.pk) == "done"
    report.refresh_from_db()
    assert report.content_sha256 == first_content
    assert pdf_reader(report.pdf.read()).pages[0].extract_text() == first_text


def test_a_finished_pdf_is_not_generated_again(cast, commune_certificate):
    report = rk.approved_report(cast)
    services.generate_report_pdf(report.pk)
    assert services.generate_report_pdf(report.pk) == "skipped"


def test_lost_and_stalled_jobs_are_queued_again(cast, commune_certificate):
    with time_machine.travel(datetime.datetime(2026, 11, 27, 2, 0, tzinfo=datetime.UTC)):
        report = rk.approved_report(cast)
    now = datetime.datetime(2026, 11, 27, 2, 0, 30, tzinfo=datetime.UTC)
    assert services.resume_generation(now) == []  # queued half a minute ago: still on its way
    later = now + datetime.timedelta(minutes=2)
    assert services.resume_generation(later) == [report.pk]  # eager Celery runs it here
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE


# --- After approval ----------------------------------------------------------------------------
def test_the_clerk_records_the_dispatch(cast):
    with pytest.raises(services.ReportError, match="đã có tệp ký số"):
        services.record_dispatch(
            rk.approved_report(cast, period_key="2026-01"),
            actor=cast.clerk,
            sent_at=datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC),
            method="edoc",
        )
    report = rk.signed_report(cast)
    sent = datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC)
    report = services.record_dispatch(
        report, actor=cast.clerk, sent_at=sent, method="edoc", reference="H12.34-567"
    )
    assert report.dispatched_at == sent and report.dispatched_by == cast.clerk
    assert report.events.filter(kind=ReportEventKind.DISPATCHED).exists()


def test_a_correction_is_a_new_version_pointing_to_the_replaced_one(cast):
    original = rk.approved_report(cast)
    correction = services.start_correction(original, actor=cast.officer)
    assert (correction.version, correction.replaces, correction.state) == (2, original, "draft")
    intro = services.current_snapshot(correction).introduction[0]
    assert intro.startswith("Báo cáo này thay thế Báo cáo số 01/BC-UBND ngày")
    with pytest.raises(services.ReportError, match="đã có bản thay thế"):
        services.start_correction(original, actor=cast.officer)
    approved = services.approve_report(
        services.submit_report(correction, actor=cast.officer), actor=cast.chairman
    )
    assert approved.code == "02/BC-UBND"
    original.refresh_from_db()
    assert original.state == ReportState.APPROVED and original.code == "01/BC-UBND"


# --- What the draft says -----------------------------------------------------------------------
def test_figures_are_summed_over_the_window_without_returned_updates(cast):
    indicator = f.IndicatorFactory(
        task=cast.task_shared, name="Số hội nghị", unit_of_measure="hội nghị"
    )
    kept = f.ProgressUpdateFactory(assignment=cast.assignment_b, author=cast.unit_head_b)
    returned = f.ProgressUpdateFactory(
        assignment=cast.assignment_b, author=cast.unit_head_b, review_state=ReviewState.RETURNED
    )
    IndicatorValue.objects.create(update=kept, indicator=indicator, value=3)
    IndicatorValue.objects.create(update=cast.update_a, indicator=indicator, value=2)
    IndicatorValue.objects.create(update=returned, indicator=indicator, value=40)
    totals = compilation.indicator_totals(rk.draft_report(cast))
    assert [(i.name, i.unit_of_measure, i.total) for i in totals] == [
        ("Số hội nghị", "hội nghị", 5.0)
    ]


def test_difficulties_carry_their_answers_and_late_tasks_their_explanations(cast):
    cast.concern_a.answer = "Dùng nhà văn hóa thôn."
    cast.concern_a.status = "answered"
    cast.concern_a.save()
    Assignment.objects.filter(pk=cast.assignment_b.pk).update(due_date=datetime.date(2026, 1, 31))
    ExplanationRequest.objects.filter(pk=cast.explanation_b.pk).update(
        state="answered", answer="Chờ hướng dẫn của tỉnh.", answered_at="2026-11-20T08:00Z"
    )
    snapshot = services.current_snapshot(rk.draft_report(cast))
    issues = [
        i
        for e in snapshot.outline()
        for b in e.part.blocks
        if b.kind == "issue_list"
        for i in b.items
    ]
    assert [(i.unit_name, i.text, i.answer) for i in issues] == [
        ("Thôn An", "Thiếu hội trường.", "Dùng nhà văn hóa thôn.")
    ]
    late = [b for e in snapshot.outline() for b in e.part.blocks if isinstance(b, LateItems)]
    reasons = {(item.unit_name, item.reason) for block in late for item in block.items}
    assert ("Phòng Kinh tế", "Chờ hướng dẫn của tỉnh.") in reasons


def test_an_ad_hoc_report_answers_each_question(cast):
    request = AdHocRequest.objects.create(
        organisation=cast.commune,
        reference="Công văn số 1234/SNV-XDCQ ngày 10/11/2026 của Sở Nội vụ",
        received_on=datetime.date(2026, 11, 10),
        due_date=datetime.date(2026, 11, 20),
        data_from=datetime.date(2026, 7, 1),
        data_to=datetime.date(2026, 11, 30),
        questions="Số cán bộ đã bồi dưỡng\nKhó khăn khi sắp xếp thôn",
        created_by=cast.officer,
    )
    report = rk.draft_report(cast, kind="", period_key="", ad_hoc_request=request)
    report.answers = ["12 người.", ""]
    report.save()
    snapshot = services.current_snapshot(report)
    first = snapshot.body[0]
    assert first.title == "TRẢ LỜI CÁC NỘI DUNG ĐỀ NGHỊ BÁO CÁO"
    texts = [block.text for block in first.blocks]
    assert texts == [
        "1. Số cán bộ đã bồi dưỡng",
        "12 người.",
        "2. Khó khăn khi sắp xếp thôn",
        "Chưa có nội dung trả lời.",
    ]
    assert snapshot.introduction[0].startswith("Thực hiện Công văn số 1234/SNV-XDCQ")
    assert report.period_label == "đột xuất" and report.due_date == datetime.date(2026, 11, 20)


def test_work_finished_after_the_window_counts_in_the_next_period(cast):
    # Due within the window, still open on its last day, finished two days later.
    report = rk.draft_report(cast, period_key="2026-11")  # data 15/10–14/11/2026
    Assignment.objects.filter(pk=cast.assignment_b.pk).update(
        due_date=datetime.date(2026, 11, 10),
        status=AssignmentStatus.DONE,
        percent_done=100,
        started_on=datetime.date(2026, 10, 1),
        completed_on=datetime.date(2026, 11, 16),
        assigned_on=datetime.date(2026, 9, 1),
    )
    snapshot = compilation.compile_snapshot(report)
    late = [i for b in _blocks(snapshot, LateItems) for i in b.items]
    mine = [
        (i.unit_name, i.days_late)
        for i in late
        if i.unit_name == "Phòng Kinh tế" and i.citation == "1.1"
    ]
    # Overdue on 14/11 (a Saturday) by three working days (11–13/11), not "done late".
    assert mine == [("Phòng Kinh tế", 3)]
    assert snapshot.charts.bucket_totals.done_late == 0
    december = rk.draft_report(cast, period_key="2026-12")
    late = [i for b in _blocks(services.current_snapshot(december), LateItems) for i in b.items]
    mine = [
        (i.unit_name, i.days_late)
        for i in late
        if i.unit_name == "Phòng Kinh tế" and i.citation == "1.1"
    ]
    # Done late (10/11 → 16/11: four working days), reported in December.
    assert mine == [("Phòng Kinh tế", 4)]


def _blocks(snapshot, kind):
    return [b for e in snapshot.outline() for b in e.part.blocks if isinstance(b, kind)]


def test_escalated_concerns_stay_and_returned_ones_go(cast):
    cast.concern_a.status = "escalated"
    cast.concern_a.escalated_at = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    cast.concern_a.escalation_note = "Đã báo cáo Sở Nội vụ."
    cast.concern_a.save()
    returned = f.ProgressUpdateFactory(
        assignment=cast.assignment_b, author=cast.unit_head_b, review_state=ReviewState.RETURNED
    )
    Concern.objects.create(
        assignment=cast.assignment_b, update=returned, kind="proposal", text="Ý bị trả lại"
    )
    issues = [
        i
        for b in _blocks(services.current_snapshot(rk.draft_report(cast)), IssueList)
        for i in b.items
    ]
    assert [(i.text, i.answer) for i in issues] == [("Thiếu hội trường.", "Đã báo cáo Sở Nội vụ.")]


def test_a_leader_approves_only_the_submission_they_read(cast):
    report = rk.submitted_report(cast)
    seen = services.submission_mark(report)
    report = services.return_report(report, actor=cast.vice_chairman, comment="Sửa lại.")
    services.submit_report(report, actor=cast.officer)
    with pytest.raises(services.ReportConflict):
        services.approve_report(report, actor=cast.chairman, seen_submission=seen)
    report.refresh_from_db()
    assert report.number is None
    fresh = services.submission_mark(report)
    assert services.approve_report(report, actor=cast.chairman, seen_submission=fresh).number == 1


def test_a_draft_opened_by_mistake_can_be_discarded(cast):
    original = rk.approved_report(cast)
    mistake = services.start_correction(original, actor=cast.officer)
    assert original.live_correction() == mistake
    services.discard_report(mistake, actor=cast.officer)
    assert original.live_correction() is None
    again = services.start_correction(original, actor=cast.officer)
    assert again.version == 2
    draft = rk.draft_report(cast, period_key="2026-01")
    services.discard_report(draft, actor=cast.officer)
    assert rk.draft_report(cast, period_key="2026-01").state == ReportState.DRAFT
    with pytest.raises(services.ReportError):
        services.discard_report(original, actor=cast.officer)


def test_a_slow_worker_does_not_overwrite_the_one_that_took_over(
    cast, commune_certificate, monkeypatch
):
    report = rk.approved_report(cast)
    real_render = generation.render_approved

    def slow_then_fail(r):
        # Meanwhile another worker claims the job (this one was presumed dead) and succeeds.
        Report.objects.filter(pk=r.pk).update(
            generation_state=GenerationState.PENDING, generation_started_at=None
        )
        monkeypatch.setattr(generation, "render_approved", real_render)
        assert services.generate_report_pdf(r.pk) == "done"
        raise RuntimeError("late failure of the slow worker")

    monkeypatch.setattr(generation, "render_approved", slow_then_fail)
    assert services.generate_report_pdf(report.pk) == "failed"
    report.refresh_from_db()
    assert report.generation_state == GenerationState.DONE
