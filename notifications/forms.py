from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.channels import available_channels
from notifications.models import ReminderPolicy


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Nhận thông báo qua"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Bỏ chọn hết nếu bạn không muốn nhận thông báo nào (không khuyến khích)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [
            (str(channel.name), channel.label) for channel in available_channels()
        ]


class ReminderPolicyForm(forms.ModelForm):
    class Meta:
        model = ReminderPolicy
        fields = [
            "is_enabled",
            "days_before",
            "remind_on_due_day",
            "overdue_every_days",
            "escalate_after_days",
            "report_days_before",
        ]
        widgets = {
            "days_before": forms.TextInput(attrs={"inputmode": "numeric"}),
            "report_days_before": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        error_messages = {
            "overdue_every_days": {
                "invalid": _("Nhập một số nguyên từ 0 đến 60."),
                "max_value": _("Nhập một số nguyên từ 0 đến 60."),
                "min_value": _("Nhập một số nguyên từ 0 đến 60."),
            },
            "escalate_after_days": {
                "invalid": _("Nhập một số nguyên từ 0 đến 60."),
                "max_value": _("Nhập một số nguyên từ 0 đến 60."),
                "min_value": _("Nhập một số nguyên từ 0 đến 60."),
            },
        }

    def clean_days_before(self) -> str:
        return self._normalise("days_before")

    def clean_report_days_before(self) -> str:
        return self._normalise("report_days_before")

    def _normalise(self, name: str) -> str:
        from notifications.models import parse_day_list

        return ", ".join(str(day) for day in parse_day_list(self.cleaned_data[name] or ""))
