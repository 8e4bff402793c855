from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.choices import AssignmentStatus, Bucket, ReviewState, UnitKindFilter
from directives.dashboard import Filters
from directives.imports import SHEET_UPLOAD
from directives.models import Assignment, Indicator
from directives.periods import recent_periods
from sonmai.formats.vi.formats import DATE_INPUT_FORMATS
from sonmai.lib.files import CheckedFileField
from sonmai.lib.formhelpers import crispy_helper
from sonmai.lib.vntext import nfc

RESULTS_MAX = 5000
NOTE_MAX = 3000
TOO_LONG = _("Nội dung quá dài: tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")
PERCENT_RANGE = _("Tỷ lệ hoàn thành phải là số từ 0 đến 100.")
FIGURE_RANGE = _("Số liệu phải là số nguyên từ 0 đến 10.000.000.")


class NfcCharField(forms.CharField):
    """Text stored in Unicode NFC whatever form the phone's keyboard produced."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {}).setdefault("max_length", TOO_LONG)
        super().__init__(*args, **kwargs)

    def to_python(self, value: object) -> str:
        return nfc(super().to_python(value))


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value: object) -> str | None:
        if isinstance(value, datetime.date):
            return value.isoformat()
        return super().format_value(value)


class VNDateInput(forms.TextInput):
    """A date typed as the commune writes it ("15/12/2026"), with a calendar button beside it
    (``static/js/vndate.js``; without JavaScript the field is typed)."""

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-vndate": "",
            "maxlength": 10,
            "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: object) -> str | None:
        if isinstance(value, datetime.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year}"
        return super().format_value(value)


class VNDateField(forms.DateField):
    widget = VNDateInput
    default_error_messages = {
        "invalid": _("Ngày chưa đúng: hãy ghi dạng ngày/tháng/năm, ví dụ 15/12/2026."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the view's service call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProgressUpdateForm(forms.Form):
    """Status, percent, results, figures, difficulties, proposals and evidence in one form.

    A coordinating unit that follows its lead reports a contribution: no status fields.
    """

    status = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=AssignmentStatus.choices,
        widget=forms.RadioSelect,
    )
    percent_done = forms.IntegerField(
        label=_("Tỷ lệ hoàn thành (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": PERCENT_RANGE,
            "max_value": PERCENT_RANGE,
            "invalid": PERCENT_RANGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100, "step": 5}),
    )
    completed_on = forms.DateField(
        label=_("Ngày hoàn thành"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=_("Chỉ ghi khi đã hoàn thành."),
    )
    results = NfcCharField(
        label=_("Kết quả đạt được"),
        max_length=RESULTS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Đã làm gì, ở đâu, khi nào; ví dụ: tổ chức hội nghị thôn ngày 15/01."),
    )
    difficulties = NfcCharField(
        label=_("Khó khăn, vướng mắc"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proposals = NfcCharField(
        label=_("Kiến nghị, đề xuất"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = MultipleFileField(
        label=_("Minh chứng (ảnh biên bản, PDF, Word, Excel)"),
        required=False,
        help_text=_("Tối đa 6 tệp, mỗi tệp đến 10 MB; ảnh được thu nhỏ và xóa thông tin vị trí."),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, assignment: Assignment, indicators: list[Indicator], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.indicators = indicators
        self.is_contribution = assignment.follows_lead
        if self.is_contribution:
            for name in ("status", "percent_done", "completed_on"):
                del self.fields[name]
        self.fields["evidence"].widget.attrs["accept"] = (
            "image/jpeg,image/png,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.odt,.ods"
        )
        for indicator in indicators:
            self.fields[self.indicator_field(indicator)] = forms.IntegerField(
                label=f"{indicator.name} ({indicator.unit_of_measure})",
                required=False,
                min_value=0,
                max_value=10_000_000,
                error_messages={
                    "min_value": FIGURE_RANGE,
                    "max_value": FIGURE_RANGE,
                    "invalid": FIGURE_RANGE,
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                help_text=_("Số phát sinh trong lần báo cáo này (không cộng dồn)."),
            )
        indicator_names = [self.indicator_field(indicator) for indicator in indicators]
        self.order_fields(["status", "percent_done", "completed_on", "results", *indicator_names])
        self.helper = crispy_helper()

    @staticmethod
    def indicator_field(indicator: Indicator) -> str:
        return f"indicator_{indicator.pk}"

    def clean_completed_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("completed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Ngày hoàn thành không được ở tương lai."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        if self.is_contribution:
            return data
        status = data.get("status")
        percent = data.get("percent_done")
        if status == AssignmentStatus.DONE:
            if not data.get("completed_on") and "completed_on" not in self.errors:
                self.add_error("completed_on", _("Đã hoàn thành thì ghi ngày hoàn thành."))
            data["percent_done"] = 100
        elif status == AssignmentStatus.IN_PROGRESS and percent == 100:
            self.add_error(
                "percent_done",
                _("Đạt 100% là đã hoàn thành: chọn “Đã hoàn thành” và ghi ngày hoàn thành."),
            )
        elif status == AssignmentStatus.NOT_STARTED and percent:
            self.add_error("percent_done", _("Đã có tiến độ thì chọn “Đang thực hiện”."))
        if status != AssignmentStatus.DONE:
            data["completed_on"] = None
        return data

    def indicator_values(self) -> dict[int, int]:
        return {
            indicator.pk: self.cleaned_data[self.indicator_field(indicator)]
            for indicator in self.indicators
            if self.cleaned_data.get(self.indicator_field(indicator)) is not None
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Ý kiến"),
        choices=[(ReviewState.ACCEPTED, _("Tiếp nhận")), (ReviewState.RETURNED, _("Trả lại"))],
    )
    reason = NfcCharField(
        label=_("Lý do trả lại"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == ReviewState.RETURNED and not data.get("reason"):
            self.add_error("reason", _("Trả lại thì ghi rõ lý do để đơn vị sửa."))
        return data


class ExtensionRequestForm(forms.Form):
    proposed_due_date = forms.DateField(
        label=_("Đề nghị gia hạn đến ngày"), input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )
    reason = NfcCharField(
        label=_("Lý do"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.helper = crispy_helper()

    def clean_proposed_due_date(self) -> datetime.date:
        value = self.cleaned_data["proposed_due_date"]
        if self.assignment.due_date and value <= self.assignment.due_date:
            raise forms.ValidationError(_("Hạn đề nghị phải sau hạn hiện tại."))
        if value < timezone.localdate():
            raise forms.ValidationError(_("Hạn đề nghị không được ở trong quá khứ."))
        if value > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("Chỉ gia hạn tối đa một năm mỗi lần."))
        return value


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Đồng ý gia hạn")), ("refuse", _("Không đồng ý"))],
        widget=forms.RadioSelect,
    )
    approved_due_date = forms.DateField(
        label=_("Gia hạn đến ngày"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=_("Để trống để lấy ngày đơn vị đề nghị."),
    )
    note = NfcCharField(
        label=_("Ý kiến"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, extension: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extension = extension
        self.helper = crispy_helper()

    def clean(self) -> dict:
        data = super().clean()
        approved = data.get("approved_due_date")
        if data.get("decision") == "refuse" and not data.get("note"):
            self.add_error("note", _("Không đồng ý thì ghi lý do."))
        if approved and approved <= self.extension.current_due_date:
            self.add_error("approved_due_date", _("Hạn được duyệt phải sau hạn hiện tại."))
        return data


class SearchForm(forms.Form):
    q = NfcCharField(
        label=_("Từ khóa"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: quan triet, hoi nghi thon")}),
    )
    directive = forms.TypedChoiceField(label=_("Văn bản"), required=False, coerce=int)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int)
    bucket = forms.ChoiceField(
        label=_("Phân loại"), required=False, choices=[("", _("Tất cả")), *Bucket.choices]
    )
    review = forms.ChoiceField(
        label=_("Xem xét cập nhật"),
        required=False,
        choices=[("", _("Tất cả")), *ReviewState.choices],
    )

    def __init__(self, *args: Any, directives: list, units: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["directive"].choices = [("", _("Tất cả"))] + [
            (d.pk, d.title) for d in directives
        ]
        self.fields["unit"].choices = [("", _("Tất cả"))] + [(u.pk, str(u)) for u in units]


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, all in the URL so a view can be bookmarked and shared."""

    van_ban = forms.TypedChoiceField(label=_("Văn bản"), required=False, coerce=int)
    muc = forms.TypedChoiceField(label=_("Mục"), required=False, coerce=int)
    loai = forms.ChoiceField(
        label=_("Loại đơn vị"), required=False, choices=[("", _("Tất cả")), *UnitKindFilter.choices]
    )
    phan_loai = forms.ChoiceField(
        label=_("Phân loại"), required=False, choices=[("", _("Tất cả")), *Bucket.choices]
    )
    ky = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    q = NfcCharField(
        label=_("Tìm đơn vị, nhiệm vụ"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: thon 3, quan triet")}),
    )
    don_vi = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    cham = forms.BooleanField(required=False, widget=forms.HiddenInput)
    han_truoc = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, directives: list, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["van_ban"].choices = [("", _("Tất cả văn bản"))] + [
            (d.pk, d.title) for d in directives
        ]
        self.fields["muc"].choices = [("", _("Tất cả")), *self._section_choices(directives)]
        self.periods = {p.key: p for p in recent_periods(today)}
        self.fields["ky"].choices = [("", _("Mọi thời hạn"))] + [
            (key, f"{p.label} ({p.start:%d/%m}–{p.end:%d/%m/%Y})")
            for key, p in self.periods.items()
        ]

    def _section_choices(self, directives: list) -> list[tuple[int, str]]:
        """The sections that exist: those of the chosen directive with their titles, or the
        numbers the directives have between them."""
        chosen = str(self.data.get("van_ban", "")) if self.is_bound else ""
        for directive in directives:
            if str(directive.pk) == chosen:
                return [
                    (
                        s.number,
                        _("Mục %(number)d. %(title)s")
                        % {"number": s.number, "title": s.title[:50]},
                    )
                    if s.title
                    else (s.number, _("Mục %(number)d") % {"number": s.number})
                    for s in directive.sections.all()
                ]
        numbers = sorted({s.number for d in directives for s in d.sections.all()})
        return [(n, _("Mục %(number)d") % {"number": n}) for n in numbers]

    def to_filters(self) -> Filters:
        """The valid filters; a value that does not fit is ignored (and shown as an error)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return Filters(
            directive=data.get("van_ban") or None,
            section=data.get("muc") or None,
            unit_kind=data.get("loai") or "",
            bucket=data.get("phan_loai") or "",
            period=self.periods.get(data.get("ky") or ""),
            q=data.get("q") or "",
            unit=data.get("don_vi") or None,
            behind=bool(data.get("cham")),
            due_before=data.get("han_truoc"),
        )


class ConcernActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Xử lý"),
        choices=[
            ("answer", _("Trả lời (giải quyết ở cấp xã)")),
            ("escalate", _("Báo cáo UBND tỉnh (vượt thẩm quyền)")),
            ("resolve", _("Đã giải quyết xong")),
        ],
        widget=forms.RadioSelect,
    )
    text = NfcCharField(
        label=_("Nội dung trả lời hoặc báo cáo"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UrgeForm(forms.Form):
    message = NfcCharField(
        label=_("Nội dung đôn đốc"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    phan_cong = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, assignment_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phan_cong"].choices = [(pk, pk) for pk in assignment_ids]
        self.fields["phan_cong"].error_messages["required"] = _(
            "Chưa chọn nhiệm vụ nào để đôn đốc."
        )


class ExplanationRequestForm(forms.Form):
    question = NfcCharField(
        label=_("Nội dung yêu cầu giải trình"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer_due = forms.DateField(
        label=_("Hạn gửi giải trình"), input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )

    def clean_answer_due(self) -> datetime.date:
        value = self.cleaned_data["answer_due"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Hạn giải trình không được ở trong quá khứ."))
        return value


class ExplanationAnswerForm(forms.Form):
    answer = NfcCharField(
        label=_("Nội dung giải trình"),
        max_length=RESULTS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ImportForm(forms.Form):
    file = CheckedFileField(
        rule=SHEET_UPLOAD,
        label=_("Tệp Excel (.xlsx)"),
        help_text=_(
            "Các cột: Mục, ý · Đơn vị · Vai trò · Hạn hoàn thành · Chu kỳ báo cáo · "
            "Ngày báo cáo trong tháng."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
