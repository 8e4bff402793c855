"""Phone-sized flows of progress reporting, review, retries and extensions."""

import datetime
import re

import pytest

from directives.demo import DEMO_PASSWORD, load_demo_commune
from directives.models import Assignment, Evidence, ExtensionRequest, ProgressUpdate
from tests.browser.conftest import screenshot, sign_in
from tests.factories import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    load_demo_commune(today=datetime.date(2026, 11, 28), password=DEMO_PASSWORD)


def training_plan(hamlet: str) -> Assignment:
    return Assignment.objects.get(task__section__number=2, task__number=2, unit__name=hamlet)


def fill_update(page, percent: str, results: str, meetings_field: str | None = None) -> None:
    page.check("input[name=status][value=in_progress]")
    page.fill("#id_percent_done", percent)
    page.fill("#id_results", results)
    if meetings_field:
        page.fill(f"#{meetings_field}", "4")


def test_hamlet_head_reports_with_a_photo_and_a_figure_and_the_office_sees_it(
    demo, phone, browser, live_server
):
    assignment = training_plan("Thôn 1")
    indicator = assignment.task.indicators.get()
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{assignment.pk}/")
    phone.click("text=Cập nhật tiến độ")
    fill_update(
        phone, "80", "Đã cử 4 công chức dự lớp bồi dưỡng của tỉnh.", f"id_indicator_{indicator.pk}"
    )
    phone.set_input_files(
        "input[type=file]",
        files=[
            {"name": "bien-ban.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((2400, 1800))}
        ],
    )
    screenshot(phone, "update-form-filled")
    phone.click("button:has-text('Gửi cập nhật')")
    phone.wait_for_url(re.compile(rf"/nhiem-vu/{assignment.pk}/$"))
    assert "Đã gửi cập nhật" in phone.content()
    screenshot(phone, "assignment-after-update")

    update = ProgressUpdate.objects.filter(assignment=assignment).latest("created_at", "id")
    assert update.percent_done == 80
    assert update.values.get().value == 4
    assert update.evidence.get().original_name == "bien-ban.jpg"

    office = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    officer = office.new_page()
    sign_in(officer, "vhxh", DEMO_PASSWORD)
    officer.goto("/xem-xet/")
    assert "Đã cử 4 công chức dự lớp bồi dưỡng của tỉnh." in officer.content()
    assert "bien-ban.jpg" in officer.content()
    screenshot(officer, "review-queue")
    office.close()


def test_a_submit_retried_after_a_lost_answer_makes_one_update(demo, phone):
    assignment = training_plan("Thôn 1")
    before = ProgressUpdate.objects.filter(assignment=assignment).count()
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{assignment.pk}/cap-nhat/")
    fill_update(phone, "85", "Gửi khi sóng yếu.")
    lost = {"done": False}

    def drop_first_answer(route):
        if route.request.method == "POST" and not lost["done"]:
            lost["done"] = True
            route.fetch()  # the server receives and records it...
            route.abort("connectionreset")  # ...but the answer never reaches the phone
        else:
            route.continue_()

    phone.route("**/cap-nhat/", drop_first_answer)
    phone.click("button:has-text('Gửi cập nhật')")
    phone.wait_for_selector("#send-status.alert-warning")
    assert "Chưa gửi được" in phone.inner_text("#send-status")
    assert phone.input_value("#id_results") == "Gửi khi sóng yếu."
    screenshot(phone, "update-offline")
    phone.click("button:has-text('Gửi cập nhật')")
    phone.wait_for_url(re.compile(rf"/nhiem-vu/{assignment.pk}/$"))
    assert ProgressUpdate.objects.filter(assignment=assignment).count() == before + 1


def test_what_was_typed_survives_a_closed_page(demo, phone):
    assignment = training_plan("Thôn 1")
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{assignment.pk}/cap-nhat/")
    fill_update(phone, "55", "Đang soạn dở thì mất sóng.")
    phone.goto(f"/nhiem-vu/{assignment.pk}/")
    phone.goto(f"/nhiem-vu/{assignment.pk}/cap-nhat/")
    assert phone.input_value("#id_results") == "Đang soạn dở thì mất sóng."
    assert "Đã khôi phục nội dung" in phone.inner_text("#send-status")


def test_another_hamlets_task_and_evidence_are_not_found(demo, phone):
    other = training_plan("Thôn 2")
    evidence = Evidence.objects.create(
        assignment=other,
        update=other.updates.first(),
        submission_token=other.updates.first().submission_token,
        file="evidence/x.jpg",
        original_name="x.jpg",
        kind="image",
        content_type="image/jpeg",
        size=1,
        uploaded_by=other.updates.first().author,
        uploaded_at=other.updates.first().created_at,
    )
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    assert phone.goto(f"/nhiem-vu/{other.pk}/").status == 404
    assert phone.goto(f"/nhiem-vu/{other.pk}/cap-nhat/").status == 404
    assert phone.goto(f"/minh-chung/{evidence.pk}/").status == 404


def test_extension_is_asked_approved_and_the_new_deadline_shows_with_history(
    demo, phone, browser, live_server
):
    assignment = training_plan("Thôn 1")
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{assignment.pk}/")
    phone.click("text=Đề nghị gia hạn")
    phone.fill("#id_proposed_due_date", "2027-02-26")
    phone.fill("#id_reason", "Lớp bồi dưỡng của tỉnh dời sang tháng 02/2027.")
    phone.click("button:has-text('Gửi đề nghị')")
    assert "Đang chờ quyết định đề nghị gia hạn đến 26/02/2027" in phone.content()
    extension = ExtensionRequest.objects.get(assignment=assignment)

    leader_context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url
    )
    leader = leader_context.new_page()
    sign_in(leader, "chutich", DEMO_PASSWORD)
    leader.goto("/gia-han/")
    leader.click(f"a[href='/gia-han/{extension.pk}/']")
    leader.check("input[name=decision][value=approve]")
    leader.fill("#id_note", "Đồng ý theo đề nghị.")
    screenshot(leader, "extension-decide")
    leader.click("button:has-text('Ghi nhận quyết định')")
    leader_context.close()

    phone.goto(f"/nhiem-vu/{assignment.pk}/")
    page = phone.content()
    assert "26/02/2027" in page
    assert "31/12/2026 → 26/02/2027" in page
    assert "Đã đồng ý gia hạn" in page
    screenshot(phone, "assignment-extended")


def test_removing_a_staged_file_removes_it_and_sends_nothing(demo, phone):
    assignment = training_plan("Thôn 1")
    before = ProgressUpdate.objects.filter(assignment=assignment).count()
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{assignment.pk}/cap-nhat/")
    fill_update(phone, "150", "Tỷ lệ gõ nhầm.")  # refused: the photo is kept for the retry
    phone.set_input_files(
        "input[type=file]",
        files=[{"name": "nham-anh.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    phone.click("button:has-text('Gửi cập nhật')")
    phone.wait_for_selector("text=Tệp đã nhận, sẽ gửi kèm:")
    phone.click("button:has-text('Gỡ')")
    phone.wait_for_load_state()
    assert "Đã gỡ tệp" in phone.content()
    assert phone.locator("text=Tệp đã nhận, sẽ gửi kèm:").count() == 0
    assert Evidence.all_objects.get(original_name="nham-anh.jpg").removed_at is not None
    assert ProgressUpdate.objects.filter(assignment=assignment).count() == before


def test_content_edited_after_a_lost_answer_is_recorded_as_a_new_update(demo, phone):
    assignment = training_plan("Thôn 1")
    before = ProgressUpdate.objects.filter(assignment=assignment).count()
    sign_in(phone, "truongthon1", DEMO_PASSWORD)
    phone.goto(f"/nhiem-vu/{assignment.pk}/cap-nhat/")
    fill_update(phone, "60", "Lần gửi đầu.")
    lost = {"done": False}

    def drop_first_answer(route):
        if route.request.method == "POST" and not lost["done"]:
            lost["done"] = True
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    phone.route("**/cap-nhat/", drop_first_answer)
    phone.click("button:has-text('Gửi cập nhật')")
    phone.wait_for_selector("#send-status.alert-warning")
    phone.goto(f"/nhiem-vu/{assignment.pk}/cap-nhat/")  # the draft comes back, token included
    assert phone.input_value("#id_results") == "Lần gửi đầu."
    phone.fill("#id_results", "Lần gửi đầu, bổ sung số liệu.")
    phone.click("button:has-text('Gửi cập nhật')")
    phone.wait_for_url(re.compile(rf"/nhiem-vu/{assignment.pk}/$"))
    texts = list(
        ProgressUpdate.objects.filter(assignment=assignment)
        .order_by("-id")
        .values_list("results", flat=True)[:2]
    )
    assert ProgressUpdate.objects.filter(assignment=assignment).count() == before + 2
    assert texts == ["Lần gửi đầu, bổ sung số liệu.", "Lần gửi đầu."]
