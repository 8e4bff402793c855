"""Uploads and imports with bounded memory: each attack of the issue replayed, and what holds.

- A body over its page's cap is answered (413, in Vietnamese) before a byte of it is read.
- A 48-megapixel phone photo is decoded at a quarter of its width; a 60-megapixel PNG is
  decoded by a child process under a memory limit, never by the web process; a PNG whose
  header claims ten billion pixels is refused from the header.
- An Excel file that unpacks to millions of shared strings is refused on the page, from the
  zip's directory; openpyxl only ever runs in the worker's limited child.

How much memory the web process keeps while all this happens is measured by ``make bench``
(``bench/bench_uploads.py``), not here.
"""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image, ImageFile

from directives import xlsx
from directives.choices import ImportState
from directives.models import Assignment, AssignmentImport, DirectiveImport, Evidence
from sonmai.lib import files
from tests.directives.upload_samples import (
    a_sheet,
    finding_png,
    phone_photo,
    png_claiming,
    shared_strings_bomb,
    with_dimension,
    with_shared_strings,
)

CLAIMED = 300 * 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads more than a few bytes of it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.taken += size if size and size > 0 else CLAIMED
        assert self.taken <= 64, "the body was read"
        return b"-" * max(size, 0)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else 64)


def _upload_pages(cast):
    return [
        (cast.hamlet_head_a, reverse("directives:update_create", args=[cast.assignment_a.pk])),
        (cast.officer, reverse("directives:import_upload", args=[cast.directive.pk])),
        (cast.hamlet_head_a, reverse("reports:pdf_verify")),
        (cast.clerk, reverse("directives:document_upload")),
    ]


@pytest.mark.parametrize("page", range(4), ids=["evidence", "excel", "verify", "document"])
def test_a_300_mb_upload_is_refused_before_its_body_is_read(cast, page):
    user, url = _upload_pages(cast)[page]
    # CSRF enforced, as in production: its check is the first thing that would read the body.
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body = UnreadableBody()
    before = (Evidence.all_objects.count(), AssignmentImport.objects.count())
    response = client.post(
        url,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(CLAIMED),
        **{"wsgi.input": body},
    )
    page_text = response.content.decode()
    assert response.status_code == 413
    assert body.taken == 0
    assert "Tệp gửi lên quá lớn" in page_text
    assert "Nội dung gửi lên nặng 300,0\xa0MB, vượt giới hạn của trang này" in page_text
    assert 'class="navbar' in page_text  # the portal's layout, with its menu
    assert (Evidence.all_objects.count(), AssignmentImport.objects.count()) == before
    assert not DirectiveImport.objects.exclude(pk=cast.document_import.pk).exists()


def test_the_refusal_says_what_the_page_takes(cast, client_for):
    url = reverse("directives:update_create", args=[cast.assignment_a.pk])
    response = client_for(cast.hamlet_head_a).post(
        url, b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(CLAIMED)
    )
    assert "Trang này nhận tối đa 6 tệp, mỗi tệp đến 10,0\xa0MB." in response.content.decode()
    assert f'href="{url}"' in response.content.decode()


def test_a_page_without_uploads_takes_no_large_body(cast, client_for):
    response = client_for(cast.hamlet_head_a).post(
        reverse("notifications:preferences"),
        {"file": SimpleUploadedFile("lon.bin", b"0" * (4 * 1024 * 1024))},
    )
    assert response.status_code == 413


def test_a_body_that_grows_past_its_cap_is_stopped_while_streaming(settings):
    """Django's WSGI request reads no further than Content-Length, which the middleware has
    checked; a body without one (chunked, under ASGI) meets the handler instead."""
    request = RequestFactory().post("/", {"file": SimpleUploadedFile("a.bin", b"0" * (300 * 1024))})
    request.upload_limit = 100 * 1024
    assert "file" not in request.FILES
    assert request.upload_stopped


# --- Photos ----------------------------------------------------------------------------------
@pytest.fixture
def decoded(monkeypatch):
    """The sizes at which this process decodes pictures."""
    sizes = []
    real = ImageFile.ImageFile.load

    def load(image):
        if image.tile:
            sizes.append(image.size)
        return real(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


@pytest.fixture
def children(monkeypatch):
    """The pictures handed to a child process."""
    calls = []
    real = files.run_in_child

    def run(script, args, **limits):
        calls.append((script, args, limits))
        return real(script, args, **limits)

    monkeypatch.setattr(files, "run_in_child", run)
    return calls


def send_photo(client, assignment, content, name):
    return client.post(
        reverse("directives:update_create", args=[assignment.pk]),
        {
            "status": "in_progress",
            "percent_done": "20",
            "results": "Đã họp thôn.",
            "submission_token": str(uuid.uuid4()),
            "version": str(assignment.version),
            "evidence": [SimpleUploadedFile(name, content)],
        },
    )


def test_a_48_megapixel_phone_photo_is_kept_decoded_at_a_quarter_of_its_size(
    cast, client_for, decoded, children
):
    response = send_photo(client_for(cast.hamlet_head_a), cast.assignment_a, phone_photo(), "a.jpg")
    assert response.status_code == 302
    assert decoded == [(2000, 1500)]  # libjpeg's 1/4 scale: 3 megapixels, not 48
    assert children == []
    stored = Evidence.objects.exclude(pk=cast.evidence_a.pk).get()
    image = Image.open(stored.file)
    assert image.size == (1200, 1600)  # upright, 1,600 px on its long side
    assert not image.getexif()


def test_the_60_megapixel_png_is_shrunk_by_a_limited_child_not_by_the_web_process(
    cast, client_for, decoded, children, settings
):
    content = finding_png()
    assert len(content) < 300 * 1024
    response = send_photo(client_for(cast.hamlet_head_a), cast.assignment_a, content, "so-do.png")
    assert response.status_code == 302
    assert decoded == []  # the web process decoded nothing
    [(script, _args, limits)] = children
    assert script.endswith("photos.py")
    assert limits["memory_mb"] == settings.UPLOAD_CHILD_MEMORY_MB
    stored = Evidence.objects.exclude(pk=cast.evidence_a.pk).get()
    assert stored.original_name == "so-do.jpg"
    assert Image.open(stored.file).size == (1600, 1600)


def test_a_child_over_its_memory_limit_gives_a_message_and_no_server_error(
    cast, client_for, settings
):
    settings.UPLOAD_CHILD_MEMORY_MB = 200  # enough to start, not for 240 MB of pixels
    response = send_photo(client_for(cast.hamlet_head_a), cast.assignment_a, finding_png(), "a.png")
    assert response.status_code == 200
    assert "Ảnh cần quá nhiều bộ nhớ để thu nhỏ nên đã dừng." in response.content.decode()
    assert Evidence.objects.count() == 1  # only the cast's own


@pytest.mark.parametrize("side", [100_000, 8_000])
def test_a_png_claiming_too_many_pixels_is_refused_from_its_header(
    cast, client_for, decoded, children, side
):
    response = send_photo(
        client_for(cast.hamlet_head_a), cast.assignment_a, png_claiming(side, side), "a.png"
    )
    assert response.status_code == 200
    assert "Ảnh có kích thước điểm ảnh quá lớn (tối đa 60 triệu điểm ảnh)" in (
        response.content.decode()
    )
    assert decoded == [] and children == []
    assert Evidence.objects.count() == 1


# --- Excel imports ---------------------------------------------------------------------------
@pytest.fixture
def openpyxl_calls(monkeypatch):
    import openpyxl.reader.excel

    calls = []
    real = openpyxl.reader.excel.load_workbook

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", spy)
    monkeypatch.setattr("openpyxl.load_workbook", spy)
    return calls


def post_sheet(client, directive, content, name="phan-cong.xlsx"):
    return client.post(
        reverse("directives:import_upload", args=[directive.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_the_shared_strings_bomb_is_refused_on_the_page_and_nothing_is_kept(
    cast, client_for, openpyxl_calls, django_capture_on_commit_callbacks
):
    bomb = shared_strings_bomb()
    assert len(bomb) < 400 * 1024
    assignments = Assignment.all_objects.count()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = post_sheet(client_for(cast.officer), cast.directive, bomb)
    assert response.status_code == 200
    assert "Tệp Excel giải nén ra quá lớn so với một bảng phân công" in response.content.decode()
    assert openpyxl_calls == [] and queued == []
    assert AssignmentImport.objects.count() == 1  # only the cast's own
    assert Assignment.all_objects.count() == assignments


def test_the_request_only_stores_the_sheet_and_the_worker_reads_it(
    cast, client_for, openpyxl_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_sheet(client_for(cast.officer), cast.directive, a_sheet())
    job = AssignmentImport.objects.latest("id")
    assert response.url == reverse("directives:import_detail", args=[job.pk])
    assert job.state == ImportState.QUEUED and openpyxl_calls == []
    for callback in queued:  # what the worker does once the request has committed
        callback()
    job.refresh_from_db()
    assert job.state == ImportState.CHECKED and len(job.rows) == 1
    assert openpyxl_calls == []  # not even in the worker: in its child


def test_a_sheet_whose_dimension_says_too_many_rows_is_refused_on_the_page(cast, client_for):
    content = with_dimension(a_sheet(), b"A1:D90000")
    response = post_sheet(client_for(cast.officer), cast.directive, content)
    assert "Bảng có hơn 5000 dòng; hãy chia thành nhiều tệp." in response.content.decode()
    assert AssignmentImport.objects.count() == 1


def test_a_dimension_that_hides_the_rows_does_not_fool_the_streamed_count(tmp_path, openpyxl_calls):
    path = tmp_path / "a.xlsx"
    path.write_bytes(with_dimension(a_sheet(rows=40), b"A1:D2"))
    xlsx.check_archive(path, max_rows=10)  # the dimension alone lets it through
    with pytest.raises(xlsx.SheetRejected) as refused:
        xlsx.read_first_sheet(path, max_rows=10, header_rows=0)
    assert refused.value.code == "too_many_rows"
    assert openpyxl_calls == []  # counted before openpyxl opened it


def test_too_many_distinct_texts_are_refused_before_openpyxl_loads_them(
    tmp_path, monkeypatch, openpyxl_calls
):
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 3)
    path = tmp_path / "a.xlsx"
    path.write_bytes(with_shared_strings(a_sheet(), b"<si><t>a</t></si>" * 6, 6))
    with pytest.raises(xlsx.SheetRejected) as refused:
        xlsx.read_first_sheet(path, max_rows=10, header_rows=0)
    assert refused.value.code == "too_many_strings"
    assert openpyxl_calls == []


def test_a_sheet_over_the_childs_memory_is_rejected_with_a_message(
    cast, client_for, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_CHILD_MEMORY_MB = 30  # Python with openpyxl and lxml needs about 40
    with django_capture_on_commit_callbacks(execute=True):
        post_sheet(client_for(cast.officer), cast.directive, a_sheet())
    job = AssignmentImport.objects.latest("id")
    assert job.state == ImportState.REJECTED
    assert "Đọc tệp cần quá nhiều bộ nhớ nên đã dừng." in job.errors[0]["message"]
