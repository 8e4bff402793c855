"""Sending progress: what the form accepts, what it refuses, and what the assignment becomes."""

import datetime
import html
import re
import unicodedata
import uuid

import pytest
import time_machine
from django.urls import reverse

from directives.choices import AssignmentRole, AssignmentStatus, ReviewState, UpdateKind
from directives.models import Assignment, HistoryEntry, ProgressUpdate
from directives.services.progress import (
    EditConflict,
    ProgressInput,
    ReviewError,
    accept_update,
    return_update,
    submit_progress,
)
from tests import factories as f

NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def form_data(assignment, **overrides):
    data = {
        "status": AssignmentStatus.IN_PROGRESS,
        "percent_done": "40",
        "completed_on": "",
        "results": "Đã tổ chức hội nghị thôn quán triệt Kết luận.",
        "difficulties": "",
        "proposals": "",
        "submission_token": str(uuid.uuid4()),
        "version": str(assignment.version),
    }
    data.update(overrides)
    return data


def errors_shown_for(page: str, field: str) -> list[str]:
    """The error texts rendered under one field (crispy's ``<span id="error_N_id_FIELD">``)."""
    pattern = rf'<span id="error_\d+_id_{field}"><strong>(.*?)</strong></span>'
    return [html.unescape(text) for text in re.findall(pattern, page, flags=re.S)]


def send(client, assignment, **overrides):
    return client.post(
        reverse("directives:update_create", args=[assignment.pk]),
        form_data(assignment, **overrides),
    )


class TestSubmitting:
    def test_hamlet_head_update_drives_status_and_percent(self, cast, client_for):
        response = send(client_for(cast.hamlet_head_a), cast.assignment_a)
        assert response.status_code == 302
        cast.assignment_a.refresh_from_db()
        assert (cast.assignment_a.status, cast.assignment_a.percent_done) == ("in_progress", 40)
        assert cast.assignment_a.started_on == datetime.date(2026, 2, 10)
        update = cast.assignment_a.updates.latest("created_at", "id")
        assert update.author == cast.hamlet_head_a
        assert update.review_state == ReviewState.PENDING

    def test_done_needs_a_date_and_counts_as_one_hundred_percent(self, cast, client_for):
        client = client_for(cast.hamlet_head_a)
        response = send(client, cast.assignment_a, status="done", percent_done="60")
        assert response.status_code == 200
        assert "Đã hoàn thành thì ghi ngày hoàn thành." in response.content.decode()
        response = send(
            client, cast.assignment_a, status="done", percent_done="60", completed_on="2026-02-09"
        )
        assert response.status_code == 302
        cast.assignment_a.refresh_from_db()
        assert cast.assignment_a.percent_done == 100
        assert cast.assignment_a.completed_on == datetime.date(2026, 2, 9)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"percent_done": "150"}, "percent_done", "Tỷ lệ hoàn thành phải là số từ 0 đến 100."),
            ({"percent_done": "-5"}, "percent_done", "Tỷ lệ hoàn thành phải là số từ 0 đến 100."),
            (
                {"percent_done": "năm mươi"},
                "percent_done",
                "Tỷ lệ hoàn thành phải là số từ 0 đến 100.",
            ),
            (
                {"status": "done", "completed_on": "2026-02-11"},
                "completed_on",
                "Ngày hoàn thành không được ở tương lai.",
            ),
            ({"results": ""}, "results", "bắt buộc"),
            ({"results": "x" * 5001}, "results", "tối đa 5000 ký tự (hiện có 5001)"),
            (
                {"status": "in_progress", "percent_done": "100"},
                "percent_done",
                "Đạt 100% là đã hoàn thành",
            ),
        ],
    )
    def test_bad_input_is_explained_next_to_the_field_and_the_rest_is_kept(
        self, cast, client_for, overrides, field, message
    ):
        typed = {"difficulties": "Thiếu kinh phí tổ chức hội nghị.", "proposals": "Đề nghị hỗ trợ."}
        response = send(client_for(cast.hamlet_head_a), cast.assignment_a, **typed, **overrides)
        page = response.content.decode()
        assert response.status_code == 200
        # Next to the field: in the error crispy renders under that field's input, not anywhere.
        assert any(message in error for error in errors_shown_for(page, field)), page
        assert "Thiếu kinh phí tổ chức hội nghị." in page and "Đề nghị hỗ trợ." in page
        assert (
            not ProgressUpdate.objects.filter(
                assignment=cast.assignment_a, author=cast.hamlet_head_a
            )
            .exclude(pk=cast.update_a.pk)
            .exists()
        )

    def test_decomposed_unicode_is_stored_composed(self, cast, client_for):
        nfd = unicodedata.normalize("NFD", "Đã quán triệt đến toàn thể Nhân dân")
        send(client_for(cast.hamlet_head_a), cast.assignment_a, results=nfd, difficulties=nfd)
        update = cast.assignment_a.updates.latest("created_at", "id")
        assert update.results == unicodedata.normalize("NFC", nfd)
        assert unicodedata.is_normalized("NFC", update.difficulties)

    def test_figures_are_recorded_per_update_and_add_up(self, cast, client_for):
        meetings = f.IndicatorFactory(
            task=cast.task_shared, name="Số hội nghị", unit_of_measure="cuộc"
        )
        client = client_for(cast.hamlet_head_a)
        send(client, cast.assignment_a, **{f"indicator_{meetings.pk}": "2"})
        cast.assignment_a.refresh_from_db()
        send(client, cast.assignment_a, **{f"indicator_{meetings.pk}": "3"})
        page = client.get(
            reverse("directives:assignment_detail", args=[cast.assignment_a.pk])
        ).content.decode()
        assert "Số hội nghị: <strong>5</strong> cuộc" in page

    def test_negative_figure_is_refused(self, cast, client_for):
        meetings = f.IndicatorFactory(task=cast.task_shared)
        response = send(
            client_for(cast.hamlet_head_a), cast.assignment_a, **{f"indicator_{meetings.pk}": "-1"}
        )
        assert response.status_code == 200
        assert "Số liệu phải là số nguyên từ 0 đến 10.000.000." in response.content.decode()


class TestWeakLinks:
    def test_sending_the_same_form_twice_makes_one_update(self, cast, client_for):
        client = client_for(cast.hamlet_head_a)
        data = form_data(cast.assignment_a)
        url = reverse("directives:update_create", args=[cast.assignment_a.pk])
        first = client.post(url, data)
        second = client.post(url, data)  # the retry after a timeout: same token, old version
        assert first.status_code == second.status_code == 302
        assert first.url == second.url
        assert cast.assignment_a.updates.count() == 2  # the cast's own update + this one

    def test_service_is_idempotent_by_token(self, cast):
        token = uuid.uuid4()
        version = cast.assignment_a.version
        data = ProgressInput(results="Đã làm.", status="in_progress", percent_done=10)
        one = submit_progress(
            cast.assignment_a,
            actor=cast.hamlet_head_a,
            data=data,
            token=token,
            base_version=version,
        )
        two = submit_progress(
            cast.assignment_a,
            actor=cast.hamlet_head_a,
            data=data,
            token=token,
            base_version=version,
        )
        assert one.pk == two.pk


class TestTwoPeopleOneTask:
    def test_second_person_is_told_and_keeps_what_they_typed(self, cast, client_for):
        opened_version = cast.assignment_b.version
        send(client_for(cast.unit_head_b), cast.assignment_b, percent_done="60")
        response = send(
            client_for(cast.staff_b),
            cast.assignment_b,
            percent_done="30",
            results="Kết quả của người thứ hai",
            version=str(opened_version),
        )
        page = response.content.decode()
        assert response.status_code == 409
        assert "Nhiệm vụ vừa được người khác cập nhật." in page
        assert "Kết quả của người thứ hai" in page
        cast.assignment_b.refresh_from_db()
        assert cast.assignment_b.percent_done == 60
        assert f'name="version" value="{cast.assignment_b.version}"' in page

    def test_service_refuses_a_stale_version(self, cast):
        data = ProgressInput(results="Đã làm.", status="in_progress", percent_done=10)
        with pytest.raises(EditConflict):
            submit_progress(
                cast.assignment_b,
                actor=cast.unit_head_b,
                data=data,
                token=uuid.uuid4(),
                base_version=cast.assignment_b.version - 1,
            )


class TestReview:
    def test_returned_update_no_longer_counts_and_the_unit_sees_why(self, cast, client_for):
        client = client_for(cast.hamlet_head_a)
        send(client, cast.assignment_a, percent_done="30")
        cast.assignment_a.refresh_from_db()
        send(client, cast.assignment_a, status="done", completed_on="2026-02-09")
        done = cast.assignment_a.updates.latest("created_at", "id")
        cast.assignment_a.refresh_from_db()
        assert cast.assignment_a.status == AssignmentStatus.DONE

        response = client_for(cast.officer).post(
            reverse("directives:update_review", args=[done.pk]),
            {"decision": "returned", "reason": "Thiếu biên bản hội nghị."},
        )
        assert response.status_code == 302
        cast.assignment_a.refresh_from_db()
        assert (cast.assignment_a.status, cast.assignment_a.percent_done) == ("in_progress", 30)
        assert cast.assignment_a.completed_on is None
        page = client.get(reverse("directives:my_assignments")).content.decode()
        assert "đã bị Phòng Văn hóa - Xã hội trả lại" in page
        detail = client.get(
            reverse("directives:assignment_detail", args=[cast.assignment_a.pk])
        ).content.decode()
        assert "Thiếu biên bản hội nghị." in detail

    def test_returning_without_a_reason_is_refused(self, cast, client_for):
        response = client_for(cast.officer).post(
            reverse("directives:update_review", args=[cast.update_a.pk]), {"decision": "returned"}
        )
        assert response.status_code == 200
        assert "Trả lại thì ghi rõ lý do để đơn vị sửa." in response.content.decode()
        cast.update_a.refresh_from_db()
        assert cast.update_a.review_state == ReviewState.PENDING

    def test_an_update_is_reviewed_once(self, cast):
        accept_update(cast.update_a, actor=cast.officer)
        with pytest.raises(ReviewError):
            return_update(cast.update_a, actor=cast.officer, reason="Muộn")

    def test_officer_sees_new_updates_in_the_queue(self, cast, client_for):
        page = client_for(cast.officer).get(reverse("directives:review_queue")).content.decode()
        assert cast.update_a.results in page
        assert "Thôn An" in page


class TestCoordinatingUnits:
    def test_contribution_has_no_status_and_the_follower_mirrors_the_lead(self, cast, client_for):
        lead = cast.assignment_b
        helper = f.AssignmentFactory(
            task=cast.task_shared,
            unit=f.UnitFactory(organisation=cast.commune),
            role=AssignmentRole.COORDINATING,
            lead_assignment=lead,
        )
        helper_head = f.UserFactory(organisation=cast.commune, unit=helper.unit)
        client = client_for(helper_head)
        form_page = client.get(
            reverse("directives:update_create", args=[helper.pk])
        ).content.decode()
        assert 'name="status"' not in form_page
        response = send(client, helper, status="", percent_done="")
        assert response.status_code == 302
        contribution = helper.updates.get()
        assert contribution.kind == UpdateKind.CONTRIBUTION
        assert contribution.status == "" and contribution.percent_done is None

        send(client_for(cast.unit_head_b), lead, percent_done="70")
        helper.refresh_from_db()
        assert (helper.status, helper.percent_done) == ("in_progress", 70)
        lead_page = (
            client_for(cast.unit_head_b)
            .get(reverse("directives:assignment_detail", args=[lead.pk]))
            .content.decode()
        )
        assert contribution.results in lead_page

    def test_coordinating_unit_can_see_the_lead_it_supports_but_not_change_it(
        self, cast, client_for
    ):
        helper = f.AssignmentFactory(
            task=cast.task_shared,
            unit=f.UnitFactory(organisation=cast.commune),
            role=AssignmentRole.COORDINATING,
            lead_assignment=cast.assignment_b,
        )
        client = client_for(f.UserFactory(organisation=cast.commune, unit=helper.unit))
        assert (
            client.get(
                reverse("directives:assignment_detail", args=[cast.assignment_b.pk])
            ).status_code
            == 200
        )
        assert (
            client.get(reverse("directives:update_create", args=[cast.assignment_b.pk])).status_code
            == 403
        )
        assert (
            client.get(
                reverse("directives:assignment_detail", args=[cast.assignment_a.pk])
            ).status_code
            == 404
        )


class TestAccessForUpdates:
    def test_read_only_roles_and_outsiders_cannot_send(self, cast, client_for):
        for person, expected in [
            (cast.chairman, 403),
            (cast.clerk, 403),
            (cast.officer, 403),
            (cast.outsider, 404),
            (cast.unit_head_b, 404),
        ]:
            response = send(client_for(person), cast.assignment_a)
            assert response.status_code == expected, person
        assert cast.assignment_a.updates.count() == 1

    def test_only_the_monitoring_office_reviews(self, cast, client_for):
        url = reverse("directives:update_review", args=[cast.update_a.pk])
        for person, expected in [
            (cast.chairman, 403),
            (cast.hamlet_head_a, 403),
            (cast.outsider, 404),
        ]:
            assert client_for(person).post(url, {"decision": "accepted"}).status_code == expected
        cast.update_a.refresh_from_db()
        assert cast.update_a.review_state == ReviewState.PENDING


class TestHistory:
    def test_every_change_of_the_assignment_is_recorded_with_who(self, cast, client_for):
        send(client_for(cast.hamlet_head_a), cast.assignment_a, percent_done="40")
        entries = HistoryEntry.objects.filter(
            assignment=cast.assignment_a, actor=cast.hamlet_head_a
        )
        changes = {key for entry in entries for key in entry.changes}
        assert {"status", "percent_done", "started_on"} <= changes

    def test_bulk_changes_are_recorded_too(self, cast):
        from sonmai.lib.actor import acting_as

        with acting_as(cast.officer):
            Assignment.objects.filter(unit=cast.unit_b).update(report_day=20)
        entries = HistoryEntry.objects.filter(changes__has_key="report_day", actor=cast.officer)
        assert entries.count() == 3

    def test_removing_keeps_the_row_and_records_who(self, cast):
        from sonmai.lib.actor import acting_as

        assignment_id = cast.assignment_b_only.pk
        cast.assignment_b_only.delete()
        assert not Assignment.objects.filter(pk=assignment_id).exists()
        assert Assignment.all_objects.get(pk=assignment_id).removed_at is not None
        with acting_as(cast.officer):
            Assignment.objects.filter(unit=cast.unit_b).delete()
        assert Assignment.all_objects.filter(unit=cast.unit_b).count() == 3
        removals = HistoryEntry.objects.filter(action="removed", actor=cast.officer)
        assert removals.count() == 2  # the two still shown; the first was removed already

    def test_history_is_shown_on_the_task_page(self, cast, client_for):
        send(client_for(cast.hamlet_head_a), cast.assignment_a, percent_done="40")
        page = (
            client_for(cast.officer)
            .get(reverse("directives:assignment_detail", args=[cast.assignment_a.pk]))
            .content.decode()
        )
        assert "Lịch sử thay đổi" in page
        assert "Tỷ lệ hoàn thành (%): 0% → 40%" in page
