"""Excel: formatted exports that re-import, and imports that change everything or nothing."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from directives.choices import ImportState
from directives.models import Assignment, AssignmentImport, DeadlineChange
from sonmai.lib.spreadsheets import workbook_bytes

NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def export(client, **params):
    response = client.get(
        reverse("directives:dashboard_assignments"), {"xuat": "danh-sach", **params}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Checking and applying run in Celery (eager in tests) once the request commits."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def upload(run_jobs):
    def send(client, directive, content, name="phan-cong.xlsx"):
        return run_jobs(
            client.post,
            reverse("directives:import_upload", args=[directive.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )

    return send


def sheet(*rows, header=("Mục, ý", "Đơn vị", "Vai trò", "Hạn hoàn thành")):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_assignment_list_has_vietnamese_headers_and_real_dates(cast, client_for):
    sheet = load_workbook(io.BytesIO(export(client_for(cast.officer)))).active
    assert sheet["A1"].value == "DANH SÁCH PHÂN CÔNG NHIỆM VỤ"
    headers = [cell.value for cell in sheet[4]]
    assert headers[:7] == [
        "Mục, ý",
        "Nhiệm vụ",
        "Đơn vị",
        "Vai trò",
        "Hạn hoàn thành",
        "Chu kỳ báo cáo",
        "Ngày báo cáo trong tháng",
    ]
    due = sheet["E5"].value
    assert isinstance(due, datetime.datetime) and due.date() == datetime.date(2026, 3, 31)
    assert sheet["E5"].number_format == "DD/MM/YYYY"


def test_unit_table_and_matrix_exports_open(cast, client_for):
    client = client_for(cast.officer)
    for kind, title in [
        ("don-vi", "BẢNG TỔNG HỢP TIẾN ĐỘ THEO ĐƠN VỊ"),
        ("ma-tran", "MA TRẬN ĐƠN VỊ × NHIỆM VỤ"),
    ]:
        response = client.get(reverse("directives:dashboard"), {"xuat": kind})
        assert load_workbook(io.BytesIO(response.content)).active["A1"].value == title


FORMULA_LIKE = [
    '=HYPERLINK("http://evil.example","Bấm vào đây")',
    '+HYPERLINK("http://evil.example","Bấm vào đây")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def cells_of(content: bytes) -> tuple[bytes, list]:
    """The first sheet's XML, and its cells as openpyxl reads them back."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(io.BytesIO(content)).active
    return xml, [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("title", FORMULA_LIKE)
def test_a_task_title_that_looks_like_a_formula_is_exported_as_text(cast, client_for, title):
    cast.task_shared.short_title = title
    cast.task_shared.save()
    xml, cells = cells_of(export(client_for(cast.officer)))
    assert b"<f>" not in xml and b"<f " not in xml
    written = [cell for cell in cells if cell.value == title]
    assert len(written) == 2  # the task's two assignments, to hamlet A and department B
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in written)
    # Numbers stay numbers: the percent column of department B's row.
    percents = [cell.value for cell in cells if cell.column == 9 and cell.row > 4]
    assert 40 in percents and all(isinstance(value, int) for value in percents)


@pytest.mark.parametrize("kind", ["don-vi", "ma-tran"])
def test_a_unit_name_that_looks_like_a_formula_is_exported_as_text(cast, client_for, kind):
    cast.unit_b.name = FORMULA_LIKE[0]
    cast.unit_b.save()
    response = client_for(cast.officer).get(reverse("directives:dashboard"), {"xuat": kind})
    xml, cells = cells_of(response.content)
    assert b"<f>" not in xml and b"<f " not in xml
    assert [cell.data_type for cell in cells if cell.value == FORMULA_LIKE[0]] == ["s"]


def test_only_text_is_made_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["=1+1", "#N/A", "Thôn An", -5, 2.5, datetime.date(2026, 2, 10)])
    xml, cells = cells_of(workbook_bytes(workbook))
    assert b"<f>" not in xml
    assert [cell.data_type for cell in cells] == ["s", "s", "s", "n", "n", "d"]
    assert [cell.value for cell in cells][:5] == ["=1+1", "#N/A", "Thôn An", -5, 2.5]
    # The quote prefix marks only what a spreadsheet would otherwise read as a formula.
    assert [bool(cell.quotePrefix) for cell in cells[:3]] == [True, False, False]


def test_an_exported_sheet_re_imports_without_changes(cast, client_for, upload, run_jobs):
    client = client_for(cast.officer)
    content = export(client, van_ban=cast.directive.pk)
    response = upload(client, cast.directive, content)
    job = AssignmentImport.objects.latest("id")
    assert response.url == reverse("directives:import_detail", args=[job.pk])
    assert job.state == ImportState.CHECKED and job.errors == []
    run_jobs(client.post, reverse("directives:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.APPLIED
    assert job.summary["unchanged"] == 3 and job.summary["created"] == 0


def test_an_edited_sheet_moves_a_deadline_and_adds_an_assignment(
    cast, client_for, upload, run_jobs
):
    client = client_for(cast.officer)
    workbook = load_workbook(io.BytesIO(export(client, van_ban=cast.directive.pk)))
    sheet = workbook.active
    sheet["E5"].value = datetime.date(2026, 4, 30)
    sheet.append(["1.2", "", "Thôn An", "Phối hợp", "15/05/2026", "", 15])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(client, cast.directive, buffer.getvalue())
    job = AssignmentImport.objects.latest("id")
    run_jobs(client.post, reverse("directives:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert (job.summary["created"], job.summary["changed"]) == (1, 1)
    change = DeadlineChange.objects.get()
    assert change.new_due_date == datetime.date(2026, 4, 30) and change.changed_by == cast.officer
    assert Assignment.objects.get(task=cast.task_b_only, unit=cast.hamlet_a).role == "coordinating"


def test_one_bad_row_changes_nothing_and_is_named(cast, client_for, upload, run_jobs):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mục, ý", "Đơn vị", "Vai trò", "Hạn hoàn thành"])
    sheet.append(["1.1", "Thôn An", "Chủ trì", "30/06/2026"])
    sheet.append(["1.1", "Thôn Không Có", "Chủ trì", "30/06/2026"])
    sheet.append(["9.9", "Phòng Kinh tế", "Lãnh đạo", "ngày mai"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(cast.officer)
    upload(client, cast.directive, buffer.getvalue())
    job = AssignmentImport.objects.latest("id")
    assert job.state == ImportState.REJECTED
    assert [e["row"] for e in job.errors] == [3, 4]
    assert "không có đơn vị “Thôn Không Có”" in job.errors[0]["message"]
    assert "không có nhiệm vụ “9.9”" in job.errors[1]["message"]
    assert "vai trò phải là" in job.errors[1]["message"]
    page = client.get(reverse("directives:import_detail", args=[job.pk])).content.decode()
    assert "Có 2 dòng lỗi; chưa thay đổi gì." in page
    response = run_jobs(client.post, reverse("directives:import_apply", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.REJECTED
    cast.assignment_a.refresh_from_db()
    assert cast.assignment_a.due_date == datetime.date(2026, 3, 31)


def test_a_file_that_is_not_excel_is_refused_clearly(cast, client_for, upload):
    response = upload(
        client_for(cast.officer), cast.directive, b"MZ\x90\x00not excel", name="x.xlsx"
    )
    assert "Tệp “x.xlsx” không phải tệp Excel .xlsx, dù tên tệp ghi gì." in (
        response.content.decode()
    )
    assert AssignmentImport.objects.count() == 1  # only the cast's own


def test_only_the_office_and_the_clerk_import(cast, client_for):
    url = reverse("directives:import_upload", args=[cast.directive.pk])
    for person, expected in [
        (cast.chairman, 403),
        (cast.hamlet_head_a, 403),
        (cast.outsider, 404),
        (cast.clerk, 200),
        (cast.officer, 200),
    ]:
        assert client_for(person).get(url).status_code == expected, person


def test_a_sheet_longer_than_the_limit_is_refused_whole(cast, client_for, upload, monkeypatch):
    from directives import imports

    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 2)
    upload(
        client_for(cast.officer),
        cast.directive,
        sheet(*[("1.1", "Thôn An", "Chủ trì", "30/06/2026")] * 3),
    )
    job = AssignmentImport.objects.latest("id")
    assert job.state == ImportState.REJECTED
    assert "hơn 2 dòng" in job.errors[0]["message"]


def test_a_citation_excel_turned_into_a_number_is_read_when_unambiguous(cast, client_for, upload):
    upload(
        client_for(cast.officer), cast.directive, sheet((1.2, "Thôn An", "Phối hợp", "30/06/2026"))
    )
    job = AssignmentImport.objects.latest("id")
    assert job.state == ImportState.CHECKED
    assert job.rows[0]["task"] == cast.task_b_only.pk


def test_an_ambiguous_numeric_citation_is_an_error(cast, client_for, upload):
    from tests import factories as f

    f.TaskFactory(section=cast.task_shared.section, number=10)
    upload(
        client_for(cast.officer), cast.directive, sheet((1.1, "Thôn An", "Chủ trì", "30/06/2026"))
    )
    job = AssignmentImport.objects.latest("id")
    assert job.state == ImportState.REJECTED
    assert "hãy ghi dạng chữ" in job.errors[0]["message"]


def test_a_row_for_a_removed_assignment_gives_it_back(cast, client_for, upload, run_jobs):
    cast.assignment_b_only.delete()
    client = client_for(cast.officer)
    upload(client, cast.directive, sheet(("1.2", "Phòng Kinh tế", "Chủ trì", "31/03/2026")))
    job = AssignmentImport.objects.latest("id")
    run_jobs(client.post, reverse("directives:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.APPLIED
    assert Assignment.objects.filter(pk=cast.assignment_b_only.pk).exists()


def test_a_failure_is_shown_and_can_be_retried(cast, client_for, upload, run_jobs, monkeypatch):
    from directives import imports

    client = client_for(cast.officer)
    upload(client, cast.directive, sheet(("1.2", "Thôn An", "Phối hợp", "30/06/2026")))
    job = AssignmentImport.objects.latest("id")

    def broken(job):
        raise RuntimeError("database went away")

    monkeypatch.setattr(imports, "_apply", broken)
    run_jobs(client.post, reverse("directives:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.FAILED and "database went away" in job.error
    page = client.get(reverse("directives:import_detail", args=[job.pk])).content.decode()
    assert "Thử lại" in page
    monkeypatch.undo()
    run_jobs(client.post, reverse("directives:import_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.APPLIED
    assert Assignment.objects.filter(task=cast.task_b_only, unit=cast.hamlet_a).exists()
