"""The verification page: upload a PDF, read the verdict in Vietnamese; never a server error."""

import hashlib
import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests import factories as f
from units.choices import Role

URL = "/bao-cao/xac-minh/"


def upload(client, data: bytes, name: str = "bao-cao.pdf"):
    document = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(URL, {"document": document})


@pytest.fixture
def hamlet_head(cast, client_for):
    return client_for(cast.hamlet_head_a)


def test_the_page_lives_at_its_vietnamese_address():
    assert reverse("reports:pdf_verify") == URL


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_a_user_without_an_organisation_is_refused(client_for, db):
    response = client_for(f.UserFactory(organisation=None, role=Role.CLERK)).get(URL)
    assert response.status_code == 403


def test_a_hamlet_head_confirms_a_report_signed_by_the_commune(
    hamlet_head, signed_pdf, commune_certificate
):
    page = hamlet_head.get(URL).content.decode()
    assert "Xác minh văn bản ký số" in page and 'accept="application/pdf,.pdf"' in page
    response = upload(hamlet_head, signed_pdf)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Văn bản do UBND xã Sơn Mai ký số, còn nguyên vẹn, chữ ký hợp lệ." in text
    assert "alert-success" in text
    assert hashlib.sha256(signed_pdf).hexdigest() in text


def test_one_changed_byte_makes_the_page_say_the_document_was_altered(
    hamlet_head, signed_pdf, demo_pdf, commune_certificate
):
    changed = bytearray(signed_pdf)
    changed[len(demo_pdf.content) // 2] ^= 0x01
    text = upload(hamlet_head, bytes(changed)).content.decode()
    assert "Văn bản đã bị thay đổi sau khi ký" in text
    assert "alert-danger" in text
    assert "chữ ký hợp lệ." not in text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"Xin chao",
            "ghi-chu.txt",
            "Tệp “ghi-chu.txt” không phải văn bản định dạng PDF, dù tên tệp ghi gì.",
        ),
        (b"", "rong.pdf", "Tệp đã chọn không có nội dung."),
        (b"%PDF-1.7\n" + b"\x00\xff" * 300, "hong.pdf", "Không đọc được tệp"),
    ],
)
def test_wrong_files_get_a_clear_vietnamese_answer(hamlet_head, data, name, message):
    response = upload(hamlet_head, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_missing_file_is_asked_for(hamlet_head):
    response = hamlet_head.post(URL, {})
    assert "Chọn một tệp PDF để xác minh." in response.content.decode()


def test_a_file_over_the_limit_is_refused(hamlet_head, demo_pdf):
    with override_settings(REPORT_VERIFY_MAX_BYTES=2048):
        response = upload(hamlet_head, demo_pdf.content)
    assert "vượt giới hạn 2,0\xa0KB" in response.content.decode()


def test_unsigned_and_encrypted_pdfs_are_explained(hamlet_head, demo_pdf, commune_certificate):
    assert "Văn bản không có chữ ký số." in upload(hamlet_head, demo_pdf.content).content.decode()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(demo_pdf.content)))
    writer.encrypt(user_password="mo", owner_password="chu")
    out = io.BytesIO()
    writer.write(out)
    assert "mã hóa" in upload(hamlet_head, out.getvalue()).content.decode()
