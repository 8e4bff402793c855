"""One validator for every uploaded file: size and kind, with the same Vietnamese messages."""

import importlib
import inspect
import io
import re
import zipfile

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

from directives.models import Directive
from sonmai.lib.files import (
    CheckedFileField,
    RejectedFile,
    UploadRule,
    vet_size,
    vet_upload,
)
from tests.factories import jpeg_bytes

PDF_ONLY = UploadRule(2048, frozenset({".pdf"}), "văn bản định dạng PDF")


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


class TestVetUpload:
    def test_a_file_of_an_accepted_kind_is_recognised_by_content_whatever_its_name(self):
        found = vet_upload(SimpleUploadedFile("scan.jpg", b"%PDF-1.7\n%%EOF"), PDF_ONLY)
        assert (found.kind, found.extension) == ("pdf", ".pdf")

    def test_a_pdf_header_after_some_bytes_is_still_a_pdf(self):
        upload = SimpleUploadedFile("bao-cao.pdf", b"\n" * 100 + b"%PDF-1.4\n")
        assert vet_upload(upload, PDF_ONLY).extension == ".pdf"

    def test_the_wrong_kind_is_refused_naming_the_file_and_what_is_accepted(self):
        with pytest.raises(RejectedFile) as refused:
            vet_upload(SimpleUploadedFile("bao-cao.pdf", jpeg_bytes()), PDF_ONLY)
        assert refused.value.reason == (
            "Tệp “bao-cao.pdf” không phải văn bản định dạng PDF, dù tên tệp ghi gì."
        )

    def test_an_office_file_is_told_apart_from_another_zip(self):
        sheet_only = UploadRule(10_000, frozenset({".xlsx"}), "tệp Excel .xlsx")
        assert vet_upload(SimpleUploadedFile("a.xlsx", xlsx_bytes()), sheet_only).extension == (
            ".xlsx"
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "xin chào")
        with pytest.raises(RejectedFile, match=re.escape("không phải tệp Excel .xlsx")):
            vet_upload(SimpleUploadedFile("a.xlsx", buffer.getvalue()), sheet_only)

    def test_a_file_over_the_limit_is_refused_with_its_size_before_its_content_is_read(self):
        with pytest.raises(RejectedFile) as refused:
            vet_upload(SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * 4096), PDF_ONLY)
        assert refused.value.reason == "Tệp “lon.pdf” nặng 4,0\xa0KB, vượt giới hạn 2,0\xa0KB."

    def test_an_empty_file_is_refused(self):
        with pytest.raises(RejectedFile, match=re.escape("Tệp “rong.pdf” trống.")):
            vet_size(SimpleUploadedFile("rong.pdf", b""), PDF_ONLY)

    def test_a_limit_read_from_the_settings_follows_them(self, settings):
        rule = UploadRule(lambda: settings.REPORT_VERIFY_MAX_BYTES, frozenset({".pdf"}), "PDF")
        settings.REPORT_VERIFY_MAX_BYTES = 10
        with pytest.raises(RejectedFile, match="vượt giới hạn 10\xa0byte"):
            vet_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7 and more"), rule)

    def test_a_rule_that_leaves_the_kind_to_the_reader_cannot_vet_the_kind(self):
        with pytest.raises(ValueError, match="use vet_size"):
            vet_upload(SimpleUploadedFile("a.docx", b"x"), UploadRule(10, None))

    def test_the_file_is_left_at_its_start_for_whoever_reads_it_next(self):
        upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7 body")
        vet_upload(upload, PDF_ONLY)
        assert upload.read() == b"%PDF-1.7 body"


class TestCheckedFileField:
    def test_the_form_shows_the_reason_under_the_field(self):
        class Form(forms.Form):
            document = CheckedFileField(rule=PDF_ONLY)

        form = Form(files={"document": SimpleUploadedFile("anh.pdf", jpeg_bytes())})

        assert not form.is_valid()
        assert form.errors["document"] == [
            "Tệp “anh.pdf” không phải văn bản định dạng PDF, dù tên tệp ghi gì."
        ]

    def test_a_rule_without_kinds_checks_the_size_only(self):
        class Form(forms.Form):
            document = CheckedFileField(rule=UploadRule(100, None))

        assert Form(files={"document": SimpleUploadedFile("a.txt", b"text")}).is_valid()
        too_big = Form(files={"document": SimpleUploadedFile("a.txt", b"x" * 101)})
        assert not too_big.is_valid()
        assert "vượt giới hạn 100\xa0byte" in too_big.errors["document"][0]


FORM_MODULES = ["directives.forms", "directives.forms.registration", "reports.forms", "units.forms"]


def test_every_form_that_takes_a_file_vets_it_with_the_one_validator():
    """A form's file field is a CheckedFileField, or (evidence) one whose files a service vets
    one by one with ``vet_upload`` so that a bad photo does not lose the good ones."""
    from directives.forms import MultipleFileField
    from directives.services import evidence

    seen = []
    for module in map(importlib.import_module, FORM_MODULES):
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.FileField):
                    seen.append(f"{form.__name__}.{field_name}")
                    assert isinstance(field, CheckedFileField | MultipleFileField), seen[-1]
    assert {"ImportForm.file", "VerifyPdfForm.document", "DocumentUploadForm.file"} <= set(seen)
    assert "ProgressUpdateForm.evidence" in seen
    assert "vet_upload(upload, EVIDENCE_UPLOAD)" in inspect.getsource(evidence.check_upload)


def test_the_admin_vets_a_directives_source_document(rf, cast):
    model_admin = admin.site._registry[Directive]
    request = rf.get("/")
    request.user = cast.clerk
    field = model_admin.get_form(request)().fields["original_file"]

    assert isinstance(field, CheckedFileField)
    with pytest.raises(forms.ValidationError, match="không phải văn bản Word"):
        field.clean(SimpleUploadedFile("cong-van.docx", b"MZ\x90\x00 an executable"))
    assert field.clean(SimpleUploadedFile("cong-van.pdf", b"%PDF-1.7\n")).name == "cong-van.pdf"
