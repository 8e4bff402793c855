"""The forms of the directive editor: the document's header, its legal basis, its sections and
its tasks with the units that carry them out (``directives.editor`` puts them together)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from directives.choices import AssignmentRole, Cadence, DocumentType, SignerAuthority, TaskType
from directives.forms import NfcCharField, VNDateField
from directives.models import Assignment
from directives.models.directive import normalise_subject
from directives.services.documents import DOCUMENT_UPLOAD, error_message
from sonmai.lib.files import CheckedFileField

LINES_HELP = _("Mỗi dòng một mục.")
ROLE_CHOICES = [("", "—"), *AssignmentRole.choices]


def _lines(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class BootstrapMixin:
    """Bootstrap's classes on every widget, and ``is-invalid`` on fields with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if self.is_bound and hasattr(self, "_errors") and self._errors and name in self._errors:
                css += " is-invalid"
            widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()
        self.style()


class HeaderForm(BootstrapMixin, forms.Form):
    document_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentType.choices)
    number = NfcCharField(
        label=_("Số"), max_length=20, required=False, help_text=_("Để trống khi chưa cấp số.")
    )
    symbol = NfcCharField(
        label=_("Ký hiệu"), max_length=50, help_text=_("Ví dụ: UBND-VP, KH-UBND, KL/TW.")
    )
    issued_on = VNDateField(label=_("Ngày ban hành"), required=False)
    issued_month = forms.IntegerField(
        label=_("Tháng (khi không ghi ngày)"), min_value=1, max_value=12, required=False
    )
    issued_year = forms.IntegerField(
        label=_("Năm (khi không ghi ngày)"), min_value=1945, max_value=2100, required=False
    )
    issuer = NfcCharField(
        label=_("Cơ quan ban hành"),
        max_length=200,
        help_text=_("Như in ở góc trái, ví dụ: ỦY BAN NHÂN DÂN XÃ SƠN MAI."),
    )
    issuer_parent = NfcCharField(
        label=_("Cơ quan cấp trên in phía trên"), max_length=200, required=False
    )
    place = NfcCharField(label=_("Địa danh"), max_length=100, required=False)
    subject = NfcCharField(
        label=_("Trích yếu"),
        max_length=1000,
        widget=_lines(2),
        help_text=_("Không cần gõ “V/v” hay “Về việc”."),
    )
    addressees = NfcCharField(
        label=_("Kính gửi"), required=False, max_length=3000, widget=_lines(), help_text=LINES_HELP
    )
    preamble = NfcCharField(
        label=_("Căn cứ, mở đầu"), required=False, max_length=20000, widget=_lines(4)
    )
    closing = NfcCharField(label=_("Phần kết"), required=False, max_length=5000, widget=_lines(2))
    signer_authority = forms.ChoiceField(
        label=_("Thẩm quyền ký"), choices=SignerAuthority.choices, required=False
    )
    signer_title = NfcCharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    signer_name = NfcCharField(label=_("Người ký"), max_length=100, required=False)
    distribution = NfcCharField(
        label=_("Nơi nhận"), required=False, max_length=3000, widget=_lines(), help_text=LINES_HELP
    )
    attachments = NfcCharField(
        label=_("Tài liệu kèm theo"),
        required=False,
        max_length=3000,
        widget=_lines(2),
        help_text=LINES_HELP,
    )
    monitoring_unit = forms.ModelChoiceField(
        label=_("Đơn vị theo dõi, tổng hợp"),
        queryset=None,
        required=False,
        empty_label=_("(chưa chọn)"),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: vẫn đăng ký văn bản này"), required=False
    )
    change_reason = NfcCharField(
        label=_("Lý do thay đổi hạn"),
        max_length=500,
        required=False,
        help_text=_("Ghi vào lịch sử của từng nhiệm vụ có hạn thay đổi."),
    )

    def __init__(self, *args: Any, units: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["monitoring_unit"].queryset = units
        self.fields["monitoring_unit"].label_from_instance = lambda unit: unit.display_name
        self.style()

    def clean_subject(self) -> str:
        return normalise_subject(self.cleaned_data["subject"])

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("issued_on") is None
            and not data.get("issued_year")
            and not self.errors.get("issued_on")
        ):
            self.add_error("issued_on", _("Cần ngày ban hành, hoặc ít nhất tháng và năm."))
        if data.get("issued_month") and not data.get("issued_year"):
            self.add_error("issued_year", _("Ghi cả năm ban hành."))
        return data


class ReferenceForm(BootstrapMixin, forms.Form):
    document_type = forms.ChoiceField(
        label=_("Loại"), choices=DocumentType.choices, initial=DocumentType.OTHER
    )
    number = NfcCharField(label=_("Số"), max_length=20, required=False)
    symbol = NfcCharField(label=_("Ký hiệu"), max_length=50)
    issued_on = VNDateField(label=_("Ngày"), required=False)
    issuer = NfcCharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    implements = NfcCharField(
        label=_("Thực hiện văn bản (số, ký hiệu)"), max_length=80, required=False
    )


class SectionForm(BootstrapMixin, forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = NfcCharField(label=_("Tiêu đề mục"), max_length=1000, required=False, widget=_lines(1))


class TaskForm(BootstrapMixin, forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    section = forms.ChoiceField(label=_("Thuộc mục"))
    text = NfcCharField(label=_("Nội dung nhiệm vụ"), max_length=10000, widget=_lines(3))
    short_title = NfcCharField(
        label=_("Tên ngắn"),
        max_length=160,
        required=False,
        help_text=_("Để trống: lấy từ đầu nội dung."),
    )
    task_type = forms.ChoiceField(label=_("Loại nhiệm vụ"), choices=TaskType.choices)
    due_date = VNDateField(
        label=_("Hạn chung cho các đơn vị"),
        required=False,
        help_text=_("Đơn vị nào có hạn riêng thì ghi ở dòng của đơn vị."),
    )
    cadence = forms.ChoiceField(label=_("Chu kỳ báo cáo"), choices=Cadence.choices, required=False)
    report_day = forms.IntegerField(
        label=_("Báo cáo trước ngày"), min_value=1, max_value=28, initial=15
    )

    def __init__(self, *args: Any, units: list, sections: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        self.fields["section"].choices = sections
        for unit in units:
            self.fields[f"role_{unit.pk}"] = forms.ChoiceField(
                label=unit.display_name, choices=ROLE_CHOICES, required=False
            )
            self.fields[f"due_{unit.pk}"] = VNDateField(
                label=_("Hạn riêng của %(unit)s") % {"unit": unit.display_name}, required=False
            )
        self.style()

    def unit_rows(self) -> list[tuple[object, forms.BoundField, forms.BoundField]]:
        return [(unit, self[f"role_{unit.pk}"], self[f"due_{unit.pk}"]) for unit in self.units]

    def chosen(self) -> list[tuple[object, str]]:
        """(unit, role) of the units ticked, from the bound data or the initial values."""
        chosen = []
        for unit in self.units:
            role = self[f"role_{unit.pk}"].value()
            if role:
                chosen.append((unit, role))
        return chosen

    def clean(self) -> dict:
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        roles = {unit.pk: data.get(f"role_{unit.pk}") for unit in self.units}
        if not any(role == AssignmentRole.LEAD for role in roles.values()):
            self.add_error(None, _("Chọn ít nhất một đơn vị chủ trì."))
        for unit in self.units:
            if not roles[unit.pk]:
                continue
            due = data.get(f"due_{unit.pk}") or data.get("due_date")
            problem = Assignment.timing_problem(due, data.get("cadence") or "")
            if problem:
                self.add_error(
                    "due_date",
                    _("%(problem)s Nhiệm vụ thường xuyên thì chọn chu kỳ báo cáo.")
                    % {"problem": problem},
                )
                break
        return data


class DocumentUploadForm(BootstrapMixin, forms.Form):
    file = CheckedFileField(
        rule=DOCUMENT_UPLOAD,
        label=_("Tệp văn bản"),
        required=False,
        error_messages={"empty": lazy(error_message, str)("empty")},
        help_text=_("Word (.docx), PDF (có chữ hoặc bản quét) hoặc ảnh chụp văn bản (JPG, PNG)."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,.pdf,.jpg,.jpeg,.png,.txt,image/*,application/pdf"}
        ),
    )
    text = NfcCharField(
        label=_("Hoặc dán nội dung văn bản"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Chọn tệp văn bản hoặc dán nội dung vào ô bên dưới."))
        if data.get("file") and (data.get("text") or "").strip():
            raise forms.ValidationError(_("Chỉ chọn một cách: tải tệp hoặc dán nội dung."))
        return data
