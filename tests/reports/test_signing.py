"""Signing approved reports (PAdES) and verifying signed PDFs, including tampered ones."""

import io

import pypdf
import pytest
from django.test import override_settings
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from reports.signing import (
    SigningCredentials,
    SigningNotConfigured,
    VerificationStatus,
    sign_report_pdf,
    validate_pdf_signature,  # pyHanko's, kept outside any running event loop
    verify_report_pdf,
)
from tests.reports import pdfcheck as c
from tests.units.test_settings import run_django


def flip_byte(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def test_pyhanko_validates_the_signed_report_as_intact_valid_and_the_communes(
    signed_pdf, demo_pdf, credentials
):
    certificate = load_cert_from_pemder(str(credentials.cert_path))
    (signature,) = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures
    status = validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=[certificate])
    )
    assert status.intact and status.valid and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.sha256 == certificate.sha256
    assert status.md_algorithm == "sha256"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signed_pdf.startswith(demo_pdf.content)  # one incremental update, nothing rewritten


def test_the_visible_signature_sits_between_the_signers_title_and_name(signed_pdf, demo_pdf):
    box = demo_pdf.signature_box
    page = pypdf.PdfReader(io.BytesIO(signed_pdf)).pages[box.page_index]
    (widget,) = [a.get_object() for a in page["/Annots"] if a.get_object()["/FT"] == "/Sig"]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert box.x1 <= x1 < x2 <= box.x2 and box.y1 <= y1 < y2 <= box.y2
    assert widget["/AP"]["/N"]  # an appearance: the stamp is drawn, not just a field


def test_the_signed_report_still_embeds_liberation_serif_only(signed_pdf):
    names = {name for name, _descriptor in c.fonts(signed_pdf)}
    assert names and all(c.LIBERATION.match(name) for name in names), names


def test_the_verification_confirms_the_communes_signature(signed_pdf, commune_certificate):
    result = verify_report_pdf(signed_pdf)
    assert result.status == VerificationStatus.VALID and result.ok
    assert result.message == "Văn bản do UBND xã Sơn Mai ký số, còn nguyên vẹn, chữ ký hợp lệ."
    assert result.signer_organisation == "Ủy ban nhân dân xã Sơn Mai"
    assert result.intact and result.valid and result.covers_whole_file
    assert result.is_commune_certificate and result.signing_time is not None


def test_changing_one_byte_is_detected(signed_pdf, demo_pdf, commune_certificate):
    changed = flip_byte(signed_pdf, len(demo_pdf.content) // 2)
    result = verify_report_pdf(changed)
    assert result.status == VerificationStatus.ALTERED and not result.intact
    assert "đã bị thay đổi" in result.message


def test_a_damaged_signature_is_not_valid(signed_pdf, commune_certificate):
    contents = signed_pdf.rindex(b"/Contents <") + len(b"/Contents <") + 200
    result = verify_report_pdf(flip_byte(signed_pdf, contents))
    assert not result.ok and result.signed


def test_content_added_after_signing_is_detected(signed_pdf, commune_certificate):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = verify_report_pdf(out.getvalue())
    assert result.status == VerificationStatus.MODIFIED
    assert result.intact and not result.covers_whole_file
    assert "sau khi ký số" in result.message


def test_a_signature_by_another_certificate_is_not_the_communes(signed_pdf, other_credentials):
    with override_settings(
        REPORT_SIGNING_CERT=other_credentials.cert_path,
        REPORT_SIGNING_KEY=other_credentials.key_path,
    ):
        result = verify_report_pdf(signed_pdf)
    assert result.status == VerificationStatus.OTHER_SIGNER and result.intact and result.valid
    assert "không phải chứng thư số của cơ quan" in result.message


def test_without_a_configured_certificate_the_signer_cannot_be_confirmed(signed_pdf):
    with override_settings(REPORT_SIGNING_CERT=None, REPORT_SIGNING_KEY=None):
        result = verify_report_pdf(signed_pdf)
    assert result.status == VerificationStatus.NOT_CONFIGURED and result.intact


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", VerificationStatus.UNREADABLE),
        (b"not a pdf at all", VerificationStatus.UNREADABLE),
        (b"%PDF-1.7\n%garbage\n" + bytes(range(256)) * 4, VerificationStatus.UNREADABLE),
    ],
)
def test_garbage_never_raises(data, status, commune_certificate):
    assert verify_report_pdf(data).status == status


def test_unsigned_truncated_and_encrypted_pdfs(demo_pdf, signed_pdf, commune_certificate):
    assert verify_report_pdf(demo_pdf.content).status == VerificationStatus.UNSIGNED
    for cut in (100, len(signed_pdf) // 2, len(signed_pdf) - 50):
        assert not verify_report_pdf(signed_pdf[:cut]).ok
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(demo_pdf.content)))
    writer.encrypt(user_password="", owner_password="mat-khau")
    out = io.BytesIO()
    writer.write(out)
    result = verify_report_pdf(out.getvalue())
    assert result.status == VerificationStatus.ENCRYPTED
    assert "mã hóa" in result.message


def test_a_draft_is_never_signed(demo, demo_pdf, credentials):
    draft = demo.with_changes(number=None, issued_on=None, signed_at=None)
    with pytest.raises(SigningError, match="draft"):
        sign_report_pdf(
            demo_pdf.content, snapshot=draft, box=demo_pdf.signature_box, credentials=credentials
        )


def test_signing_without_credentials_says_how_to_configure():
    with (
        override_settings(REPORT_SIGNING_CERT=None, REPORT_SIGNING_KEY=None),
        pytest.raises(SigningNotConfigured, match="REPORT_SIGNING_CERT"),
    ):
        SigningCredentials.from_settings()


def test_an_unreadable_key_is_reported_not_crashed(credentials, tmp_path):
    with pytest.raises(SigningNotConfigured, match="Cannot load"):
        SigningCredentials(credentials.cert_path, credentials.key_path, "sai-mat-khau").signer()
    with pytest.raises(SigningNotConfigured):
        SigningCredentials(credentials.cert_path, tmp_path / "missing.pem").signer()


def test_the_demo_key_is_readable_by_its_owner_only(credentials):
    assert credentials.key_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"REPORT_SIGNING_CERT": "/nonexistent/cert.pem", "REPORT_SIGNING_KEY": "/etc/hostname"},
            "REPORT_SIGNING_CERT=/nonexistent/cert.pem cannot be read",
        ),
        ({"REPORT_SIGNING_KEY": "/etc/hostname"}, "go together"),
    ],
)
def test_signing_settings_fail_loudly(env, message):
    result = run_django(["check"], {"DEBUG": "1", **env})
    assert result.returncode != 0
    assert message in result.stderr
