"""export_report and create_demo_certificate, as an administrator runs them."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from docx import Document
from lxml import etree

from reports.renderers.edxml import read_attachments
from reports.signing import VerificationStatus, verify_report_pdf
from units.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_dir(tmp_path):
    """No configured certificate: the export creates the demo one in a fresh directory."""
    with override_settings(
        REPORT_SIGNING_DIR=tmp_path / "signing", REPORT_SIGNING_CERT=None, REPORT_SIGNING_KEY=None
    ):
        yield tmp_path / "signing"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_demo_report_is_exported_signed_and_leaves_no_demo_rows(signing_dir, tmp_path):
    target = tmp_path / "bao-cao.pdf"
    output = run("export_report", "--demo", "--format", "pdf", "--out", str(target))
    assert "Đã ghi" in output and "SHA-256" in output
    assert (signing_dir / "demo-cert.pem").is_file()
    with override_settings(
        REPORT_SIGNING_CERT=signing_dir / "demo-cert.pem",
        REPORT_SIGNING_KEY=signing_dir / "demo-key.pem",
    ):
        result = verify_report_pdf(target.read_bytes())
    assert result.status == VerificationStatus.VALID
    assert result.message == "Văn bản do UBND xã Sơn Mai ký số, còn nguyên vẹn, chữ ký hợp lệ."
    assert not Organisation.objects.exists()  # the demo commune was rolled back


def test_docx_and_edxml_exports(signing_dir, tmp_path):
    run("export_report", "--demo", "--format", "docx", "--out", str(tmp_path / "r.docx"))
    assert "Số: 05/BC-UBND" in Document(str(tmp_path / "r.docx")).tables[0].rows[1].cells[0].text
    run("export_report", "--demo", "--format", "edxml", "--out", str(tmp_path / "r.edxml"))
    data = (tmp_path / "r.edxml").read_bytes()
    assert etree.fromstring(data).tag.endswith("edXML")
    assert read_attachments(data)[0].data.startswith(b"%PDF-")


def test_a_draft_is_exported_unsigned_but_never_as_edxml(signing_dir, tmp_path):
    run("export_report", "--demo", "--draft", "--out", str(tmp_path / "draft.pdf"))
    assert verify_report_pdf((tmp_path / "draft.pdf").read_bytes()).status == "unsigned"
    with pytest.raises(CommandError, match="dự thảo"):
        run("export_report", "--demo", "--draft", "--format", "edxml", "--out", "x.edxml")


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "pdf", "--out", "x.pdf"),
        ("--demo", "--report", "5", "--out", "x.pdf"),
        ("--demo", "--format", "odt", "--out", "x.odt"),
    ],
)
def test_only_the_demo_can_be_exported_for_now(args):
    with pytest.raises(CommandError):
        run("export_report", *args)


def test_the_demo_certificate_is_created_once_unless_forced(tmp_path):
    output = run("create_demo_certificate", "--directory", str(tmp_path))
    assert "REPORT_SIGNING_CERT=" in output
    assert (tmp_path / "demo-key.pem").stat().st_mode & 0o777 == 0o600
    first = (tmp_path / "demo-cert.pem").read_bytes()
    with pytest.raises(CommandError, match="--force"):
        run("create_demo_certificate", "--directory", str(tmp_path))
    run("create_demo_certificate", "--directory", str(tmp_path), "--force")
    assert (tmp_path / "demo-cert.pem").read_bytes() != first
