from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.forms import DATE_INPUT_FORMATS, DateInput, NfcCharField, crispy_helper
from directives.models import Directive
from reports.choices import DispatchMethod
from reports.models import AdHocRequest, ReportSchedule
from sonmai.lib.files import CheckedFileField, UploadRule
from units import twofactor
from units.forms import OneTimeCodeField, check_code
from units.signin import check_password_again

if TYPE_CHECKING:
    from reports.services import DuePeriod

#: What the verification page accepts: a PDF (recognised by content) up to its cap.
VERIFY_UPLOAD = UploadRule(
    lambda: settings.REPORT_VERIFY_MAX_BYTES, frozenset({".pdf"}), _("văn bản định dạng PDF")
)


class VerifyPdfForm(forms.Form):
    document = CheckedFileField(
        rule=VERIFY_UPLOAD,
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
        # Vetted by the field (size, and a PDF by its content); within the cap, read whole.
        return bytes(self.cleaned_data["document"].read())


# --- Report workflow ----------------------------------------------------------------------------
TEXT_MAX = 10_000


def _text(
    label: str, *, required: bool = False, rows: int = 4, help_text: str = ""
) -> NfcCharField:
    return NfcCharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReportCreateForm(forms.Form):
    """Open a draft: which directive, and which of *its* periods (or which ad hoc request).

    Every directive has its own periods, so the period is checked against the chosen
    directive's: a period already reported for one directive stays open for the others."""

    directive = forms.ModelChoiceField(
        label=_("Văn bản được báo cáo"),
        queryset=Directive.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _("Chọn một văn bản trong danh sách."),
            "required": _("Chọn văn bản được báo cáo."),
        },
    )
    period = forms.CharField(
        label=_("Kỳ báo cáo"),
        error_messages={"required": _("Chọn kỳ báo cáo.")},
    )

    def __init__(
        self,
        *args: Any,
        directives: QuerySet[Directive],
        open_periods: Callable[[Directive], list[DuePeriod]],
        ad_hoc_requests: QuerySet[AdHocRequest],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["directive"].queryset = directives
        self.open_periods = open_periods
        self.ad_hoc_requests = ad_hoc_requests

    def clean(self) -> dict:
        data = super().clean()
        directive, choice = data.get("directive"), data.get("period")
        if directive is None or not choice:
            return data
        kind, _sep, key = choice.partition(":")
        data["kind"], data["period_key"], data["ad_hoc_request"] = kind, key, None
        if kind == "adhoc":
            if key.isascii() and key.isdigit():
                data["ad_hoc_request"] = self.ad_hoc_requests.filter(pk=int(key)).first()
            if data["ad_hoc_request"] is None:
                self.add_error("period", _("Chọn một yêu cầu báo cáo đột xuất trong danh sách."))
        elif choice not in {p.choice for p in self.open_periods(directive)}:
            self.add_error(
                "period",
                _("Kỳ này không còn để lập cho văn bản đã chọn (đã có báo cáo hoặc đã quá xa)."),
            )
        return data


class SubmitConfirmForm(forms.Form):
    """Submitting before the period's window ends stops the figures at that day: the person
    says they mean it."""

    confirm_early = forms.BooleanField(
        label=_("Tôi hiểu số liệu sẽ chỉ tính đến ngày hôm nay và vẫn muốn trình."),
        error_messages={"required": _("Đánh dấu ô xác nhận để trình trước khi kỳ kết thúc.")},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


class ReportNarrativeForm(forms.Form):
    """The parts of the report the office writes; the figures come from the data."""

    leadership = _text(
        _("Công tác lãnh đạo, chỉ đạo, quán triệt, tuyên truyền"),
        rows=9,
        help_text=_("Mỗi đoạn một dòng. Đã gợi ý từ dữ liệu trong kỳ; sửa cho phù hợp."),
    )
    results_note = _text(
        _("Nhận xét chung về kết quả thực hiện"),
        rows=3,
        help_text=_("Không bắt buộc. In sau bảng phân loại kết quả thực hiện nhiệm vụ."),
    )
    next_tasks = _text(
        _("Nhiệm vụ trọng tâm kỳ tới"),
        rows=9,
        help_text=_("Mỗi nhiệm vụ một dòng."),
    )
    distribution = _text(
        _("Nơi nhận"),
        required=True,
        rows=3,
        help_text=_("Mỗi nơi một dòng; dòng cuối thường là “Lưu: VT, VHXH”."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, report: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        self.questions = report.ad_hoc_request.question_list if report.ad_hoc_request else []
        answers = list(report.answers or [])
        for index, question in enumerate(self.questions):
            self.fields[f"answer_{index}"] = _text(
                _("Trả lời nội dung %(number)s: %(question)s")
                % {"number": index + 1, "question": question},
                rows=4,
            )
            if not self.is_bound:
                self.initial[f"answer_{index}"] = answers[index] if index < len(answers) else ""
        self.fields["distribution"].error_messages["required"] = _("Ghi ít nhất một nơi nhận.")
        self.helper = crispy_helper()

    def values(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "leadership": data["leadership"],
            "results_note": data["results_note"],
            "next_tasks": data["next_tasks"],
            "distribution": data["distribution"],
            "answers": [data.get(f"answer_{i}", "") for i in range(len(self.questions))],
        }


class ReportReturnForm(forms.Form):
    comment = _text(_("Ý kiến chỉ đạo sửa"), required=True, rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].error_messages["required"] = _(
            "Ghi ý kiến để Phòng Văn hóa - Xã hội biết cần sửa gì."
        )
        self.helper = crispy_helper()


class ReportApproveForm(forms.Form):
    """Approving is signing: the leader types their password again.

    The password is checked like a sign-in (``units.signin.check_password_again``): a wrong one
    counts towards the lockout of the leader's username and address, and a locked-out leader
    cannot approve, even with the right password, until the cool-off ends.
    """

    password = forms.CharField(
        label=_("Mật khẩu của bạn"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Nhập lại mật khẩu để xác nhận bạn là người ký."),
        error_messages={"required": _("Nhập mật khẩu để phê duyệt.")},
    )
    submission = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.helper = crispy_helper()
        self.user = request.user
        if twofactor.uses_two_factor(self.user):
            self.fields["otp_token"] = OneTimeCodeField(
                help_text=_("Mã 6 chữ số đang hiện trong ứng dụng xác thực trên điện thoại.")
            )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not check_password_again(self.request, password):
            raise forms.ValidationError(_("Mật khẩu không đúng."), code="wrong_password")
        return password

    def clean_otp_token(self) -> str:
        """With two-factor on, a current code too (the field exists only then)."""
        code = self.cleaned_data["otp_token"]
        if "password" in self.cleaned_data:  # after a wrong password the code is not spent
            check_code(self.user, code, self.request)
        return code


class DispatchForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Ngày gửi"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"required": _("Ghi ngày gửi."), "invalid": _("Ngày không hợp lệ.")},
    )
    sent_time = forms.TimeField(
        label=_("Giờ gửi"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Giờ không hợp lệ (ví dụ 14:30).")},
    )
    method = forms.ChoiceField(
        label=_("Hình thức gửi"),
        choices=DispatchMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn hình thức gửi.")},
    )
    reference = NfcCharField(label=_("Số, mã gửi"), required=False, max_length=120)
    note = _text(_("Ghi chú"), rows=2)

    def __init__(self, *args: Any, report: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        self.helper = crispy_helper()

    def clean(self) -> dict:
        data = super().clean()
        day = data.get("sent_on")
        if day is None:
            return data
        moment = datetime.datetime.combine(
            day,
            data.get("sent_time") or datetime.time(0, 0),
            tzinfo=timezone.get_current_timezone(),
        )
        if day > timezone.localdate():
            self.add_error("sent_on", _("Ngày gửi không thể ở tương lai."))
        elif moment > timezone.now():
            self.add_error("sent_time", _("Giờ gửi không thể ở tương lai."))
        elif self.report.issued_on and day < self.report.issued_on:
            self.add_error("sent_on", _("Ngày gửi không thể trước ngày ban hành báo cáo."))
        data["sent_at"] = moment
        return data


class AdHocRequestForm(forms.ModelForm):
    directive = forms.ModelChoiceField(
        label=_("Văn bản được báo cáo"),
        queryset=Directive.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Chọn một văn bản trong danh sách.")},
    )
    field_order = ["directive"]

    class Meta:
        model = AdHocRequest
        fields = [
            "reference",
            "requested_by",
            "received_on",
            "due_date",
            "data_from",
            "data_to",
            "questions",
        ]
        widgets = {
            "received_on": DateInput(),
            "due_date": DateInput(),
            "data_from": DateInput(),
            "data_to": DateInput(),
            "questions": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {
            "reference": NfcCharField,
            "requested_by": NfcCharField,
            "questions": NfcCharField,
        }

    def __init__(self, *args: Any, directives: QuerySet[Directive], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["directive"].queryset = directives
        self.fields["directive"].initial = directives.first()
        for name in ("received_on", "due_date", "data_from", "data_to"):
            self.fields[name].input_formats = DATE_INPUT_FORMATS
            self.fields[name].error_messages.update(
                {"required": _("Ghi ngày."), "invalid": _("Ngày không hợp lệ.")}
            )
        self.fields["reference"].error_messages["required"] = _("Ghi số, ký hiệu văn bản yêu cầu.")
        self.fields["questions"].error_messages["required"] = _(
            "Ghi ít nhất một nội dung cần báo cáo."
        )
        self.fields["questions"].max_length = TEXT_MAX
        self.helper = crispy_helper()


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["is_active", "window_start_day", "due_day"]
        widgets = {"is_active": forms.CheckboxInput(attrs={"class": "form-check-input"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("window_start_day", "due_day"):
            self.fields[name].error_messages.update(
                {
                    "min_value": _("Chọn một ngày từ 1 đến 28."),
                    "max_value": _("Chọn một ngày từ 1 đến 28."),
                    "invalid": _("Ghi một số từ 1 đến 28."),
                    "required": _("Ghi một số từ 1 đến 28."),
                }
            )
