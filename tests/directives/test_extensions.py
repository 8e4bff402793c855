"""Asking for more time: who may ask, who decides, and the deadline history it leaves."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from directives.choices import ExtensionState
from directives.models import DeadlineChange, ExtensionRequest
from directives.services.extensions import ExtensionError, decide_extension, request_extension
from units.choices import ExtensionDeciders

NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def ask(client, assignment, date="2026-04-30", reason="Chờ hướng dẫn của tỉnh."):
    return client.post(
        reverse("directives:extension_request", args=[assignment.pk]),
        {"proposed_due_date": date, "reason": reason},
    )


def test_unit_head_asks_and_the_chairman_approves_moving_the_deadline(cast, client_for):
    response = ask(client_for(cast.hamlet_head_a), cast.assignment_a)
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get(assignment=cast.assignment_a)
    assert extension.current_due_date == datetime.date(2026, 3, 31)

    response = client_for(cast.chairman).post(
        reverse("directives:extension_decide", args=[extension.pk]),
        {"decision": "approve", "note": "Đồng ý."},
    )
    assert response.status_code == 302
    cast.assignment_a.refresh_from_db()
    assert cast.assignment_a.due_date == datetime.date(2026, 4, 30)
    change = DeadlineChange.objects.get(assignment=cast.assignment_a)
    assert (change.old_due_date, change.new_due_date, change.changed_by) == (
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 30),
        cast.chairman,
    )
    assert "Chờ hướng dẫn của tỉnh." in change.reason
    page = (
        client_for(cast.hamlet_head_a)
        .get(reverse("directives:assignment_detail", args=[cast.assignment_a.pk]))
        .content.decode()
    )
    assert "31/03/2026 → 30/04/2026" in page
    assert "Đã đồng ý gia hạn" in page


def test_a_leader_may_approve_another_date_or_refuse_with_a_reason(cast, client_for):
    client = client_for(cast.vice_chairman)
    url = reverse("directives:extension_decide", args=[cast.extension_b.pk])
    response = client.post(url, {"decision": "refuse"})
    assert "Không đồng ý thì ghi lý do." in response.content.decode()
    response = client.post(url, {"decision": "approve", "approved_due_date": "2026-04-15"})
    assert response.status_code == 302
    cast.assignment_b.refresh_from_db()
    assert cast.assignment_b.due_date == datetime.date(2026, 4, 15)


def test_proposed_date_must_move_the_deadline_forward(cast, client_for):
    client = client_for(cast.hamlet_head_a)
    for date, message in [
        ("2026-03-01", "Hạn đề nghị phải sau hạn hiện tại."),
        ("2028-01-01", "Chỉ gia hạn tối đa một năm mỗi lần."),
        ("", "bắt buộc"),
    ]:
        response = ask(client, cast.assignment_a, date=date)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not ExtensionRequest.objects.filter(assignment=cast.assignment_a).exists()


def test_one_pending_request_at_a_time(cast):
    with pytest.raises(ExtensionError, match="đang chờ quyết định"):
        request_extension(
            cast.assignment_b,
            actor=cast.unit_head_b,
            reason="Lại xin",
            proposed_due_date=datetime.date(2026, 5, 1),
        )


def test_officer_decides_only_where_the_commune_says_so(cast, client_for):
    url = reverse("directives:extension_decide", args=[cast.extension_b.pk])
    assert client_for(cast.officer).post(url, {"decision": "approve"}).status_code == 403
    cast.commune.extension_deciders = ExtensionDeciders.LEADERS_AND_OFFICER
    cast.commune.save()
    assert client_for(cast.officer).post(url, {"decision": "approve"}).status_code == 302
    cast.extension_b.refresh_from_db()
    assert cast.extension_b.state == ExtensionState.APPROVED


def test_units_cannot_decide_and_staff_cannot_ask(cast, client_for):
    url = reverse("directives:extension_decide", args=[cast.extension_b.pk])
    assert client_for(cast.unit_head_b).post(url, {"decision": "approve"}).status_code == 403
    assert client_for(cast.outsider).post(url, {"decision": "approve"}).status_code == 404
    assert ask(client_for(cast.staff_b), cast.assignment_b_only).status_code == 403
    assert ask(client_for(cast.chairman), cast.assignment_b_only).status_code == 403
    cast.extension_b.refresh_from_db()
    assert cast.extension_b.is_pending


def test_a_decided_request_cannot_be_decided_again(cast):
    decide_extension(cast.extension_b, actor=cast.chairman, approve=False, note="Không đủ căn cứ")
    with pytest.raises(ExtensionError):
        decide_extension(cast.extension_b, actor=cast.vice_chairman, approve=True)


def test_deciders_see_pending_requests_with_a_count(cast, client_for):
    page = client_for(cast.chairman).get(reverse("directives:extension_list")).content.decode()
    assert "Cần quyết định" in page
    assert "Phòng Kinh tế" in page
    home = client_for(cast.chairman).get("/").content.decode()
    assert 'Gia hạn <span class="badge text-bg-light">1</span>' in home


def test_a_deadline_changed_in_the_admin_is_kept_with_who_and_why(cast, client_for, settings):
    from django.contrib.auth.models import Permission

    cast.clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_assignment", "view_assignment"])
    )
    client = client_for(cast.clerk)
    url = reverse("admin:directives_assignment_change", args=[cast.assignment_a.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "task": cast.assignment_a.task_id,
        "unit": cast.assignment_a.unit_id,
        "role": "lead",
        "lead_assignment": "",
        "assigned_on": "2026-01-12",
        "due_date": "2026-05-31",
        "cadence": "",
        "report_day": "15",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = DeadlineChange.objects.get(assignment=cast.assignment_a)
    assert (change.new_due_date, change.changed_by) == (datetime.date(2026, 5, 31), cast.clerk)


def test_finished_work_cannot_have_its_deadline_moved(cast, client_for):
    cast.assignment_b.status = "done"
    cast.assignment_b.percent_done = 100
    cast.assignment_b.completed_on = datetime.date(2026, 2, 9)
    cast.assignment_b.save()
    response = client_for(cast.chairman).post(
        reverse("directives:extension_decide", args=[cast.extension_b.pk]), {"decision": "approve"}
    )
    assert "không gia hạn được nữa" in response.content.decode()
    cast.assignment_b.refresh_from_db()
    assert cast.assignment_b.due_date == datetime.date(2026, 3, 31)
