"""Evidence files: recognised by content, photos shrunk and stripped, served only as downloads."""

import io
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.ExifTags import IFD

from directives.models import Evidence
from directives.services.evidence import MAX_EVIDENCE_BYTES
from tests import factories as f


def photo_with_location(size=(3000, 2000)) -> bytes:
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x010F] = "Điện thoại thôn"  # camera maker
    exif.get_ifd(IFD.GPSInfo).update({1: "N", 2: (15.0, 1.0, 30.0), 3: "E", 4: (108.0, 40.0, 5.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def post_with_files(client, assignment, *files, **fields):
    data = {
        "status": "in_progress",
        "percent_done": "20",
        "results": "Đã họp thôn.",
        "submission_token": str(uuid.uuid4()),
        "version": str(assignment.version),
        "evidence": list(files),
    }
    data.update(fields)
    return client.post(reverse("directives:update_create", args=[assignment.pk]), data)


def test_a_photo_is_shrunk_and_loses_its_location(cast, client_for):
    original = photo_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(IFD.GPSInfo)
    response = post_with_files(
        client_for(cast.hamlet_head_a),
        cast.assignment_a,
        SimpleUploadedFile("bien-ban.JPG", original, content_type="image/jpeg"),
    )
    assert response.status_code == 302
    evidence = Evidence.objects.exclude(pk=cast.evidence_a.pk).get()
    stored = evidence.file.read()
    image = Image.open(io.BytesIO(stored))
    assert max(image.size) == 1600
    assert not image.getexif()
    assert evidence.size == len(stored) < len(original)
    assert evidence.update is not None and evidence.original_name == "bien-ban.jpg"


def test_pdf_and_office_files_are_kept_as_they_are(cast, client_for):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    response = post_with_files(
        client_for(cast.hamlet_head_a),
        cast.assignment_a,
        SimpleUploadedFile("bao-cao.pdf", pdf, content_type="application/pdf"),
        SimpleUploadedFile("danh-sach.docx", docx_bytes(), content_type="application/octet-stream"),
    )
    assert response.status_code == 302
    kinds = set(
        Evidence.objects.exclude(pk=cast.evidence_a.pk).values_list("kind", "original_name")
    )
    assert kinds == {("pdf", "bao-cao.pdf"), ("document", "danh-sach.docx")}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a Windows program
        ("anh.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),  # a Linux program
        ("so-do.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("bao-cao.pdf", b"<html>not a pdf</html>"),
    ],
)
def test_files_of_the_wrong_kind_are_refused_whatever_their_name(cast, client_for, name, content):
    typed = "Kết quả đã nhập trước khi chọn tệp"
    response = post_with_files(
        client_for(cast.hamlet_head_a),
        cast.assignment_a,
        SimpleUploadedFile(name, content, content_type="image/jpeg"),
        results=typed,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Tệp “{name}” không phải ảnh" in page
    assert typed in page
    assert Evidence.objects.count() == 1


def test_too_large_files_are_refused_with_their_size(cast, client_for):
    big = SimpleUploadedFile("video.jpg", b"\xff\xd8\xff" + b"0" * MAX_EVIDENCE_BYTES)
    response = post_with_files(client_for(cast.hamlet_head_a), cast.assignment_a, big)
    assert "vượt giới hạn 10,0\xa0MB" in response.content.decode()
    assert Evidence.objects.count() == 1


def test_good_files_are_kept_when_another_field_is_wrong(cast, client_for):
    client = client_for(cast.hamlet_head_a)
    token = str(uuid.uuid4())
    photo = SimpleUploadedFile("bien-ban.jpg", f.jpeg_bytes())
    response = post_with_files(
        client, cast.assignment_a, photo, percent_done="150", submission_token=token
    )
    assert response.status_code == 200
    assert "bien-ban.jpg" in response.content.decode()
    response = post_with_files(client, cast.assignment_a, submission_token=token)
    assert response.status_code == 302
    update = cast.assignment_a.updates.latest("created_at", "id")
    assert [e.original_name for e in update.evidence.all()] == ["bien-ban.jpg"]


def test_evidence_is_a_download_never_a_page(cast, client_for):
    response = client_for(cast.officer).get(
        reverse("directives:evidence_download", args=[cast.evidence_a.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_another_hamlet_cannot_download_or_remove(cast, client_for):
    other_head = f.UserFactory(
        organisation=cast.commune,
        role="hamlet_head",
        unit=f.HamletFactory(organisation=cast.commune),
    )
    client = client_for(other_head)
    assert (
        client.get(reverse("directives:evidence_download", args=[cast.evidence_a.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("directives:evidence_remove", args=[cast.evidence_a.pk])).status_code
        == 404
    )


def test_uploader_can_take_a_file_back_before_acceptance_and_it_is_kept(cast, client_for):
    response = client_for(cast.hamlet_head_a).post(
        reverse("directives:evidence_remove", args=[cast.evidence_a.pk])
    )
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=cast.evidence_a.pk).exists()
    kept = Evidence.all_objects.get(pk=cast.evidence_a.pk)
    assert kept.removed_by == cast.hamlet_head_a and kept.file.read()


def test_files_staged_by_someone_else_stay_private(cast, client_for):
    token = uuid.uuid4()
    staged = f.EvidenceFactory(
        update=None,
        assignment=cast.assignment_a,
        submission_token=token,
        uploaded_by=cast.hamlet_head_a,
    )
    assert (
        client_for(cast.officer)
        .get(reverse("directives:evidence_download", args=[staged.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(cast.hamlet_head_a)
        .get(reverse("directives:evidence_download", args=[staged.pk]))
        .status_code
        == 200
    )


def test_a_zip_with_a_huge_mimetype_entry_is_refused_without_inflating_it(cast, client_for):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"0" * 50_000_000)  # compresses to a few dozen KB
    response = post_with_files(
        client_for(cast.hamlet_head_a),
        cast.assignment_a,
        SimpleUploadedFile("bang.ods", out.getvalue()),
    )
    assert "không phải ảnh" in response.content.decode()


def test_abandoned_uploads_are_capped(cast, client_for, monkeypatch):
    from directives.services import evidence as service

    monkeypatch.setattr(service, "MAX_STAGED_PER_DAY", 2)
    client = client_for(cast.hamlet_head_a)
    for _ in range(2):  # two forms left half-way, each with a photo
        post_with_files(
            client,
            cast.assignment_a,
            SimpleUploadedFile("a.jpg", f.jpeg_bytes()),
            percent_done="150",
            submission_token=str(uuid.uuid4()),
        )
    response = post_with_files(
        client,
        cast.assignment_a,
        SimpleUploadedFile("b.jpg", f.jpeg_bytes()),
        percent_done="150",
        submission_token=str(uuid.uuid4()),
    )
    assert "nhiều tệp chưa gửi" in response.content.decode()
