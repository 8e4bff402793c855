from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

#: A PDF starts with "%PDF-" within its first 1024 bytes (ISO 32000-1, 7.5.2).
PDF_MAGIC = b"%PDF-"


class VerifyPdfForm(forms.Form):
    document = forms.FileField(
        label=_("Tệp PDF cần xác minh"),
        help_text=_("Chọn tệp báo cáo đã ký số (định dạng PDF)."),
        error_messages={
            "required": _("Chọn một tệp PDF để xác minh."),
            "empty": _("Tệp đã chọn không có nội dung."),
            "invalid": _("Không nhận được tệp, vui lòng chọn lại."),
            "missing": _("Không nhận được tệp, vui lòng chọn lại."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        limit = settings.REPORT_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn quá %(limit)s, không xác minh được."),
                code="too_large",
                params={"limit": filesizeformat(limit)},
            )
        data = upload.read()
        if not data:
            raise forms.ValidationError(self.fields["document"].error_messages["empty"])
        if PDF_MAGIC not in data[:1024]:
            raise forms.ValidationError(
                _("Tệp này không phải PDF. Chỉ xác minh được văn bản định dạng PDF."),
                code="not_pdf",
            )
        return data
