"""Registering a directive from its document, or by hand, and editing it: the clerk's pages."""

import datetime
import io

import lxml.html
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from msoffcrypto.format.ooxml import OOXMLFile

from directives.choices import AssignmentRole, Cadence, DocumentImportState
from directives.demo import load_demo_commune
from directives.models import (
    Assignment,
    DeadlineChange,
    Directive,
    DirectiveImport,
    HistoryEntry,
    Task,
)
from notifications.models import ReminderSchedule
from tests.directives.seed_documents import seed_docx, seed_pdf
from units.choices import Role, UnitKind
from units.models import Unit, User

TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def demo(db):
    return load_demo_commune(today=TODAY, password=None)


@pytest.fixture
def clerk(demo):
    return User.objects.get(username="vanthu")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def upload(client, capture, content: bytes, name: str):
    with capture(execute=True):
        return client.post(
            reverse("directives:document_upload"),
            {"file": SimpleUploadedFile(name, content)},
        )


def review_post(client, job, data, action="register"):
    return client.post(
        reverse("directives:document_review", args=[job.pk]), {**data, "action": action}
    )


def form_data(response) -> dict:
    """Every field of the editor as the page filled it in: what a browser would send."""
    page = lxml.html.fromstring(response.content.decode())
    (form,) = page.xpath("//form[@data-editor]")
    textareas = set(form.xpath(".//textarea/@name"))
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        if name in textareas and value.startswith("\n"):
            value = value[1:]  # a browser drops the newline that opens a textarea
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_the_clerk_registers_the_seed_dispatch_from_its_docx(
    clerk_client, django_capture_on_commit_callbacks
):
    response = upload(clerk_client, django_capture_on_commit_callbacks, seed_docx(), "cv.docx")
    job = DirectiveImport.objects.get()
    assert response.url == reverse("directives:document_review", args=[job.pk])
    assert job.state == DocumentImportState.READY
    page = clerk_client.get(response.url)
    assert "Kiểm tra và đăng ký văn bản" in page.content.decode()
    data = form_data(page)
    data["vb-number"] = ["15"]
    response = review_post(clerk_client, job, data)
    directive = Directive.objects.get(number="15", symbol="UBND-VP")
    assert response.url == reverse("directives:directive_detail", args=[directive.pk])
    assert directive.sections.count() == 3
    assert Task.objects.filter(section__directive=directive).count() == 9
    assert directive.original_file.read().startswith(b"PK")
    # The basis chain: Kết luận 221-KL/TW → Công văn 120/UBND-NC → this dispatch.
    assert [d.code for d in directive.basis_chain()] == ["221-KL/TW", "120/UBND-NC"]
    assignments = Assignment.objects.filter(task__section__directive=directive)
    first = assignments.filter(task__section__number=1, task__number=1)
    kinds = set(first.values_list("unit__kind", flat=True))
    assert kinds == {UnitKind.DEPARTMENT, UnitKind.HAMLET}
    monitoring = assignments.get(task__section__number=3, task__number=1)
    assert monitoring.unit.code == "VHXH" and monitoring.role == AssignmentRole.LEAD
    # No deadline in the text: ongoing, reported monthly, marked so on the page.
    assert set(assignments.values_list("due_date", "cadence")) == {(None, Cadence.MONTHLY)}
    assert (
        ReminderSchedule.objects.filter(assignment__in=assignments).count() == assignments.count()
    )
    job.refresh_from_db()
    assert (job.state, job.directive) == (DocumentImportState.REGISTERED, directive)
    assert HistoryEntry.objects.filter(
        assignment__in=assignments, actor__username="vanthu"
    ).exists()


def test_pasted_text_is_read_and_what_the_parser_is_unsure_of_is_marked(
    clerk_client, django_capture_on_commit_callbacks
):
    from directives.seed import SON_MAI_DISPATCH

    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(
            reverse("directives:document_upload"),
            {"text": SON_MAI_DISPATCH.read_text(encoding="utf-8")},
        )
    page = clerk_client.get(response.url).content.decode()
    assert page.count("cần kiểm tra") >= 3  # the blank number, the date without a day, …
    assert "các cơ quan chuyên môn cấp trên" in page  # a name that is no unit of the commune


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "trong.docx", "Tệp trống"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cu.doc", "Tệp Word đời cũ (.doc)"),
        (b"MZ\x90\x00" + b"\0" * 100, "virus.pdf", "Không nhận ra loại tệp"),
    ],
)
def test_files_that_cannot_be_read_are_refused_at_once_and_nothing_is_kept(
    clerk_client, django_capture_on_commit_callbacks, content, name, message
):
    response = upload(clerk_client, django_capture_on_commit_callbacks, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DirectiveImport.objects.exists()


def test_a_password_protected_docx_is_refused_with_a_clear_message(
    clerk_client, django_capture_on_commit_callbacks
):
    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(seed_docx())).encrypt("matkhau", locked)
    response = upload(clerk_client, django_capture_on_commit_callbacks, locked.getvalue(), "a.docx")
    assert "đang đặt mật khẩu" in response.content.decode()
    assert not DirectiveImport.objects.exists()


def test_a_file_the_worker_cannot_read_shows_why_and_creates_no_directive(
    clerk_client, django_capture_on_commit_callbacks
):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(300):
        writer.add_blank_page(595, 842)
    pdf = io.BytesIO()
    writer.write(pdf)
    before = Directive.objects.count()
    response = upload(clerk_client, django_capture_on_commit_callbacks, pdf.getvalue(), "dai.pdf")
    job = DirectiveImport.objects.get()
    assert job.state == DocumentImportState.FAILED and job.error_code == "too_many_pages"
    page = clerk_client.get(response.url).content.decode()
    assert "Tệp có 300 trang" in page and "Đọc lại" in page
    assert Directive.objects.count() == before


def test_text_that_is_not_a_document_is_refused(clerk_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(
            reverse("directives:document_upload"), {"text": "Chào cả nhà, tối nay họp thôn nhé."}
        )
    job = DirectiveImport.objects.get()
    assert job.error_code == "not_a_document"
    assert "không giống một văn bản hành chính" in clerk_client.get(response.url).content.decode()


# --- Entering by hand ------------------------------------------------------------------------
def manual(demo, **overrides) -> dict:
    kt = Unit.objects.get(code="KT")
    hamlets = Unit.objects.filter(kind=UnitKind.HAMLET)
    data = {
        "vb-document_type": "plan",
        "vb-number": "12",
        "vb-symbol": "KH-UBND",
        "vb-issued_on": "15/12/2026",
        "vb-issuer": "ỦY BAN NHÂN DÂN XÃ SƠN MAI",
        "vb-subject": "Về việc tổ chức Ngày hội Đại đoàn kết",
        "cc-TOTAL_FORMS": "0",
        "cc-INITIAL_FORMS": "0",
        "muc-TOTAL_FORMS": "2",
        "muc-INITIAL_FORMS": "0",
        "muc-0-key": "s1",
        "muc-0-title": "Chuẩn bị",
        "muc-1-key": "s2",
        "muc-1-title": "Tổ chức",
        "nv-TOTAL_FORMS": "3",
        "nv-INITIAL_FORMS": "0",
        "nv-0-key": "t1",
        "nv-0-section": "s1",
        "nv-0-text": "Lập danh sách hộ gia đình tham dự",
        "nv-0-task_type": "do",
        "nv-0-due_date": "20/12/2026",
        "nv-0-report_day": "15",
        **{f"nv-0-role_{h.pk}": "lead" for h in hamlets},
        "nv-1-key": "t2",
        "nv-1-section": "s1",
        "nv-1-text": "Bố trí kinh phí",
        "nv-1-task_type": "do",
        "nv-1-due_date": "18/12/2026",
        "nv-1-report_day": "15",
        f"nv-1-role_{kt.pk}": "lead",
        "nv-2-key": "t3",
        "nv-2-section": "s2",
        "nv-2-text": "Báo cáo kết quả",
        "nv-2-task_type": "report",
        "nv-2-cadence": "monthly",
        "nv-2-report_day": "20",
        f"nv-2-role_{kt.pk}": "lead",
        f"nv-2-due_{kt.pk}": "",
        "action": "register",
    }
    data.update(overrides)
    return data


def test_a_directive_entered_by_hand_with_day_first_dates(clerk_client, demo):
    response = clerk_client.post(reverse("directives:directive_create"), manual(demo))
    directive = Directive.objects.get(symbol="KH-UBND")
    assert response.url == reverse("directives:directive_detail", args=[directive.pk])
    assert directive.issued_on == datetime.date(2026, 12, 15)
    assert directive.subject == "tổ chức Ngày hội Đại đoàn kết"  # no doubled "Về việc"
    assert [s.title for s in directive.sections.all()] == ["Chuẩn bị", "Tổ chức"]
    hamlet_tasks = Assignment.objects.filter(task__text__startswith="Lập danh sách")
    assert hamlet_tasks.count() == 10
    assert set(hamlet_tasks.values_list("due_date", flat=True)) == {datetime.date(2026, 12, 20)}
    report = Assignment.objects.get(task__text="Báo cáo kết quả")
    assert (report.cadence, report.report_day, report.due_date) == ("monthly", 20, None)


def test_a_wrong_date_is_explained_and_everything_typed_stays(clerk_client, demo):
    data = manual(demo, **{"vb-issued_on": "31/02/2026", "nv-1-text": "Bố trí kinh phí tổ chức"})
    response = clerk_client.post(reverse("directives:directive_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ngày chưa đúng: hãy ghi dạng ngày/tháng/năm" in page
    assert "Bố trí kinh phí tổ chức" in page and "Lập danh sách hộ gia đình tham dự" in page
    assert "Chưa đăng ký được" in page
    assert not Directive.objects.filter(symbol="KH-UBND").exists()


def test_a_task_needs_a_lead_unit_and_a_deadline_or_a_rhythm(clerk_client, demo):
    kt = Unit.objects.get(code="KT")
    data = manual(demo, **{"nv-2-cadence": "", f"nv-1-role_{kt.pk}": ""})
    page = clerk_client.post(reverse("directives:directive_create"), data).content.decode()
    assert "Chọn ít nhất một đơn vị chủ trì." in page
    assert "Cần có hạn hoàn thành hoặc chu kỳ báo cáo." in page
    assert not Directive.objects.filter(symbol="KH-UBND").exists()


def test_adding_a_task_keeps_what_was_typed(clerk_client, demo):
    data = manual(demo, action="add-task:s2", **{"nv-2-text": "Báo cáo kết quả, gửi Phòng VHXH"})
    page = clerk_client.post(reverse("directives:directive_create"), data).content.decode()
    assert "Báo cáo kết quả, gửi Phòng VHXH" in page
    assert 'name="nv-TOTAL_FORMS" value="4"' in page
    assert "Chưa đăng ký được" not in page
    assert not Directive.objects.filter(symbol="KH-UBND").exists()


def test_registering_the_same_document_twice_asks_first(clerk_client, demo):
    clerk_client.post(reverse("directives:directive_create"), manual(demo))
    again = clerk_client.post(reverse("directives:directive_create"), manual(demo))
    assert "Văn bản này có vẻ đã được đăng ký" in again.content.decode()
    assert Directive.objects.filter(symbol="KH-UBND").count() == 1
    confirmed = manual(demo, **{"vb-confirm_duplicate": "on"})
    clerk_client.post(reverse("directives:directive_create"), confirmed)
    assert Directive.objects.filter(symbol="KH-UBND").count() == 2


def test_names_the_portal_cannot_match_are_mapped_once_for_every_task(
    clerk_client, django_capture_on_commit_callbacks
):
    from directives.seed import SON_MAI_DISPATCH

    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(
            reverse("directives:document_upload"),
            {"text": SON_MAI_DISPATCH.read_text(encoding="utf-8")},
        )
    job = DirectiveImport.objects.get()
    data = form_data(clerk_client.get(response.url))
    tyt = Unit.objects.get(code="TYT")
    assert data["map-name"] == ["các cơ quan chuyên môn cấp trên"]
    data["map-target-0"] = [f"unit:{tyt.pk}"]
    page = review_post(clerk_client, job, data, action="map")
    data = form_data(page)
    data["vb-number"] = ["16"]
    review_post(clerk_client, job, data)
    task = Task.objects.get(section__directive__number="16", section__number=1, number=4)
    coordinating = task.assignments.get(unit=tyt)
    assert coordinating.role == AssignmentRole.COORDINATING
    assert coordinating.lead_assignment is None  # 13 leads: the unit supports the task as a whole


def test_a_draft_is_kept_for_later(clerk_client, django_capture_on_commit_callbacks):
    response = upload(clerk_client, django_capture_on_commit_callbacks, seed_docx(), "cv.docx")
    job = DirectiveImport.objects.get()
    data = form_data(clerk_client.get(response.url))
    data["vb-number"] = ["77"]
    review_post(clerk_client, job, data, action="draft")
    job.refresh_from_db()
    assert job.draft["header"]["number"] == "77"
    assert 'value="77"' in clerk_client.get(response.url).content.decode()


# --- Editing afterwards ----------------------------------------------------------------------
def test_moving_a_deadline_is_recorded_like_an_extension(clerk_client, demo):
    clerk_client.post(reverse("directives:directive_create"), manual(demo))
    directive = Directive.objects.get(symbol="KH-UBND")
    url = reverse("directives:directive_edit", args=[directive.pk])
    data = form_data(clerk_client.get(url))
    first_task = next(
        k for k, v in data.items() if k.endswith("-text") and v == ["Bố trí kinh phí"]
    )
    prefix = first_task.removesuffix("-text")
    data[f"{prefix}-due_date"] = ["28/12/2026"]
    data["vb-change_reason"] = ["Chờ phân bổ kinh phí"]
    data["action"] = ["save"]
    response = clerk_client.post(url, data)
    assert response.status_code == 302
    assignment = Assignment.objects.get(task__text="Bố trí kinh phí")
    assert assignment.due_date == datetime.date(2026, 12, 28)
    change = DeadlineChange.objects.get(assignment=assignment)
    assert (change.old_due_date, change.reason) == (
        datetime.date(2026, 12, 18),
        "Chờ phân bổ kinh phí",
    )


def test_a_unit_taken_off_a_task_is_removed_softly_and_a_new_one_gets_reminders(clerk_client, demo):
    clerk_client.post(reverse("directives:directive_create"), manual(demo))
    directive = Directive.objects.get(symbol="KH-UBND")
    kt, vhxh = Unit.objects.get(code="KT"), Unit.objects.get(code="VHXH")
    url = reverse("directives:directive_edit", args=[directive.pk])
    data = form_data(clerk_client.get(url))
    prefix = next(k for k, v in data.items() if k.endswith("-text") and v == ["Bố trí kinh phí"])
    prefix = prefix.removesuffix("-text")
    data[f"{prefix}-role_{kt.pk}"] = [""]
    data[f"{prefix}-role_{vhxh.pk}"] = ["lead"]
    data["action"] = ["save"]
    assert clerk_client.post(url, data).status_code == 302
    old = Assignment.all_objects.get(task__text="Bố trí kinh phí", unit=kt)
    assert old.removed_at is not None
    new = Assignment.objects.get(task__text="Bố trí kinh phí", unit=vhxh)
    assert ReminderSchedule.objects.filter(assignment=new).exists()


def test_units_cannot_open_the_registration_pages(client, demo):
    client.force_login(User.objects.get(role=Role.HAMLET_HEAD, username="truongthon1"))
    assert client.get(reverse("directives:document_upload")).status_code == 403
    assert client.get(reverse("directives:directive_create")).status_code == 403


# --- Nothing a person sends breaks the page ----------------------------------------------------
@pytest.mark.parametrize(
    "garbage",
    [
        {"muc-TOTAL_FORMS": "abc", "nv-TOTAL_FORMS": "-3", "action": "register"},
        {
            "muc-TOTAL_FORMS": "2",
            "muc-0-key": "",
            "nv-TOTAL_FORMS": "1",
            "nv-0-section": "zz",
            "nv-0-report_day": "99",
            "vb-issued_on": "32/13/2026",
            "action": "register",
        },
        {"action": "add-task:không-có", "muc-TOTAL_FORMS": "0", "nv-TOTAL_FORMS": "0"},
        {"action": "map", "map-name": ["x"], "map-target-0": "unit:999999"},
        {"action": "map", "map-name": ["x"], "map-target-0": "kind:không-có"},
        {"action": "add-section", "nv-TOTAL_FORMS": "5000"},
    ],
)
def test_the_editor_answers_any_post_without_a_server_error(clerk_client, demo, garbage):
    response = clerk_client.post(reverse("directives:directive_create"), garbage)
    assert response.status_code == 200


def test_an_upload_bigger_than_the_limit_is_refused_before_it_is_read(clerk_client, demo, settings):
    settings.DIRECTIVE_IMPORT_MAX_BYTES = 1024
    response = clerk_client.post(
        reverse("directives:document_upload"),
        {"file": SimpleUploadedFile("lon.pdf", b"%PDF-1.4 " + b"0" * 3 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "Trang này nhận tệp đến 1,0\xa0KB" in response.content.decode()
    assert not DirectiveImport.objects.exists()


def test_a_failed_document_is_read_again_and_can_be_discarded(
    clerk_client, demo, django_capture_on_commit_callbacks, monkeypatch
):
    from directives.services import documents

    real = documents.extract_in_child
    monkeypatch.setattr(
        documents,
        "extract_in_child",
        lambda *a, **k: (_ for _ in ()).throw(documents.ExtractionError("memory")),
    )
    response = upload(clerk_client, django_capture_on_commit_callbacks, seed_pdf(), "cv.pdf")
    job = DirectiveImport.objects.get()
    assert job.state == DocumentImportState.FAILED
    assert "quá nhiều bộ nhớ" in clerk_client.get(response.url).content.decode()
    monkeypatch.setattr(documents, "extract_in_child", real)
    with django_capture_on_commit_callbacks(execute=True):
        clerk_client.post(reverse("directives:document_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == DocumentImportState.READY and job.attempts == 2
    kept = [job.file.name, *job.previews]
    assert job.previews and all(default_storage.exists(name) for name in kept)
    with django_capture_on_commit_callbacks(execute=True):
        clerk_client.post(reverse("directives:document_discard", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == DocumentImportState.DISCARDED
    assert not any(default_storage.exists(name) for name in kept)
    assert not Directive.objects.filter(imports_from_document=job).exists()


def test_the_original_file_and_its_pages_are_served_privately(
    clerk_client, django_capture_on_commit_callbacks
):

    response = upload(clerk_client, django_capture_on_commit_callbacks, seed_pdf(), "cv.pdf")
    job = DirectiveImport.objects.get()
    assert len(job.previews) == 2
    picture = clerk_client.get(reverse("directives:document_page", args=[job.pk, 1]))
    assert picture["Content-Type"] == "image/png"
    assert picture["Cache-Control"] == "private, no-store"
    original = clerk_client.get(reverse("directives:document_file", args=[job.pk]))
    assert b"".join(original.streaming_content).startswith(b"%PDF")
    assert (
        clerk_client.get(reverse("directives:document_page", args=[job.pk, 3])).status_code == 404
    )
    assert response.status_code == 302


def test_a_stuck_reading_is_taken_over_after_its_lease(demo, clerk):
    import datetime as dt

    from django.utils import timezone

    from directives.services.documents import resume_reading

    job = DirectiveImport.objects.create(
        organisation=clerk.organisation,
        uploaded_by=clerk,
        token=__import__("uuid").uuid4(),
        source="text",
        text="x",
        state=DocumentImportState.READING,
        claimed_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert resume_reading(timezone.now()) == [job.pk]
