"""Reports to the province: their schedule, ad hoc requests, the reports and their history.

A ``Report`` is drafted by the monitoring office for one directive and one period (or one ad
hoc request), submitted to a leader, returned or approved. Approval numbers it in the year's
sequence (``ReportNumber``), freezes its content (``snapshot``) and queues the signed PDF. After
that nothing of its content may change: only the generation status and the clerk's record of
sending it. A correction is a new report that ``replaces`` the approved one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DEFERRED
from django.utils.translation import gettext_lazy as _

from directives.choices import Cadence
from directives.periods import Period as DataPeriod
from directives.periods import period as make_period
from reports.choices import (
    EDITABLE_STATES,
    DispatchMethod,
    GenerationState,
    ReportEventKind,
    ReportKind,
    ReportState,
)
from sonmai.lib.fields import NFCCharField, NFCTextField


class ReportSchedule(models.Model):
    """How the province wants one kind of periodic report: the data window and the due day."""

    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="report_schedules",
    )
    kind = models.CharField(
        _("loại kỳ báo cáo"),
        max_length=20,
        choices=[(k.value, k.label) for k in ReportKind if k != ReportKind.AD_HOC],
    )
    is_active = models.BooleanField(_("phải báo cáo"), default=True)
    window_start_day = models.PositiveSmallIntegerField(
        _("số liệu tính từ ngày"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "Ngày bắt đầu lấy số liệu trong tháng trước kỳ (thường là ngày 15: số liệu từ ngày 15 "
            "tháng trước đến ngày 14 tháng cuối kỳ). Chọn 1 để tính theo tháng dương lịch."
        ),
    )
    due_day = models.PositiveSmallIntegerField(
        _("hạn gửi: chậm nhất ngày"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Ngày trong tháng cuối kỳ (hoặc tháng sau nếu số liệu chưa chốt)."),
    )

    class Meta:
        verbose_name = _("lịch báo cáo định kỳ")
        verbose_name_plural = _("lịch báo cáo định kỳ")
        ordering = ["organisation", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="report_schedule_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.organisation}"

    def period(self, year: int, index: int) -> DataPeriod:
        return make_period(self.kind, year, index, start_day=self.window_start_day)

    def due_date(self, period: DataPeriod) -> datetime.date:
        """The due day in the period's last month, or in the next month when the data window
        is still open on that day."""
        due = period.end.replace(day=self.due_day)
        if due <= period.end:
            month = period.end.month % 12 + 1
            year = period.end.year + (period.end.month == 12)
            due = datetime.date(year, month, self.due_day)
        return due


class AdHocRequest(models.Model):
    """A request from the province for a report outside the schedule (báo cáo đột xuất)."""

    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="ad_hoc_requests",
    )
    reference = NFCCharField(
        _("văn bản yêu cầu"),
        max_length=200,
        help_text=_("Ví dụ: Công văn số 1234/SNV-XDCQ ngày 10/11/2026 của Sở Nội vụ."),
    )
    requested_by = NFCCharField(
        _("cơ quan yêu cầu"), max_length=200, default="Sở Nội vụ tỉnh Quảng Ngãi"
    )
    received_on = models.DateField(_("ngày nhận"))
    due_date = models.DateField(_("hạn gửi báo cáo"))
    data_from = models.DateField(_("số liệu từ ngày"))
    data_to = models.DateField(_("số liệu đến ngày"))
    questions = NFCTextField(
        _("nội dung cần báo cáo"),
        help_text=_("Mỗi dòng một nội dung; báo cáo sẽ trả lời từng nội dung."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu báo cáo đột xuất")
        verbose_name_plural = _("yêu cầu báo cáo đột xuất")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors = {}
        if self.data_from and self.data_to and self.data_from > self.data_to:
            errors["data_to"] = _("Ngày cuối của số liệu phải sau ngày đầu.")
        if self.received_on and self.due_date and self.due_date < self.received_on:
            errors["due_date"] = _("Hạn gửi không thể trước ngày nhận yêu cầu.")
        for name in ("received_on", "due_date", "data_from", "data_to"):
            value = getattr(self, name)
            if value and not 2000 <= value.year <= 2100:
                errors.setdefault(name, _("Ngày phải trong khoảng năm 2000 đến 2100."))
        if (
            self.data_from
            and self.data_to
            and "data_to" not in errors
            and (self.data_to - self.data_from).days > 3 * 366
        ):
            errors["data_to"] = _("Khoảng số liệu dài quá 3 năm; kiểm tra lại ngày.")
        if errors:
            raise ValidationError(errors)

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class ReportNumber(models.Model):
    """The last number given to a report of one organisation in one year (NN/BC-UBND)."""

    organisation = models.ForeignKey(
        "units.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="report_number_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_number}"


class Report(models.Model):
    #: What an approved report may still change: the file and the record of sending it.
    MUTABLE_AFTER_APPROVAL = frozenset(
        {
            "generation_state",
            "generation_error",
            "generation_attempts",
            "generation_started_at",
            "pdf",
            "pdf_sha256",
            "content_sha256",
            "page_count",
            "dispatched_at",
            "dispatch_method",
            "dispatch_reference",
            "dispatch_note",
            "dispatched_by",
            "updated_at",
        }
    )

    organisation = models.ForeignKey(
        "units.Organisation", verbose_name=_("cơ quan"), on_delete=models.PROTECT
    )
    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name=_("văn bản được báo cáo"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=ReportKind.choices)
    period_key = models.CharField(
        _("kỳ báo cáo"), max_length=10, blank=True, help_text=_("2026-11, 2026-Q4, 2026-H2, 2026")
    )
    ad_hoc_request = models.ForeignKey(
        AdHocRequest,
        verbose_name=_("yêu cầu đột xuất"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    period_label = models.CharField(_("kỳ"), max_length=120)
    data_from = models.DateField(_("số liệu từ ngày"))
    data_to = models.DateField(_("số liệu đến ngày"))
    due_date = models.DateField(_("hạn gửi"))
    version = models.PositiveSmallIntegerField(_("lần"), default=1)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế báo cáo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    state = models.CharField(
        _("tình trạng"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # The narrative the office writes; the figures come from the data.
    leadership = NFCTextField(
        _("công tác lãnh đạo, chỉ đạo, tuyên truyền"),
        blank=True,
        help_text=_("Mỗi đoạn một dòng."),
    )
    results_note = NFCTextField(
        _("nhận xét chung về kết quả"), blank=True, help_text=_("Mỗi đoạn một dòng.")
    )
    next_tasks = NFCTextField(
        _("nhiệm vụ trọng tâm kỳ tới"), blank=True, help_text=_("Mỗi nhiệm vụ một dòng.")
    )
    answers = models.JSONField(_("trả lời nội dung yêu cầu"), default=list, blank=True)
    distribution = NFCTextField(_("nơi nhận"), help_text=_("Mỗi nơi một dòng."))
    #: Bumped by each save of the text: a form opened at an older revision is refused.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Frozen when submitted (figures) and completed when approved (number, date, signer).
    snapshot = models.JSONField(_("nội dung đã chốt"), null=True, blank=True, editable=False)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("năm"))
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    return_comment = NFCTextField(_("ý kiến trả lại"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    # The signed PDF, produced in the background after approval.
    generation_state = models.CharField(
        _("tệp PDF"), max_length=20, choices=GenerationState.choices, blank=True, default=""
    )
    generation_error = models.TextField(_("sự cố khi tạo tệp"), blank=True)
    generation_attempts = models.PositiveSmallIntegerField(_("số lần tạo tệp"), default=0)
    generation_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf = models.FileField(_("tệp PDF đã ký số"), upload_to="reports/%Y/", blank=True)
    pdf_sha256 = models.CharField(_("mã băm SHA-256 của tệp đã ký"), max_length=64, blank=True)
    content_sha256 = models.CharField(
        _("mã băm SHA-256 của nội dung trước khi ký"), max_length=64, blank=True
    )
    page_count = models.PositiveSmallIntegerField(_("số trang"), null=True, blank=True)
    # The clerk's record of sending it.
    dispatched_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    dispatch_method = models.CharField(
        _("hình thức gửi"), max_length=20, choices=DispatchMethod.choices, blank=True
    )
    dispatch_reference = NFCCharField(
        _("số, mã gửi"),
        max_length=120,
        blank=True,
        help_text=_("Mã văn bản trên hệ thống, số biên nhận, … (nếu có)."),
    )
    dispatch_note = NFCTextField(_("ghi chú khi gửi"), blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["-data_to", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"],
                condition=models.Q(number__isnull=False),
                name="report_number_unique_per_year",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "state"], name="report_org_state"),
            models.Index(fields=["generation_state"], name="report_generation_state"),
        ]

    def __str__(self) -> str:
        if self.number:
            return _("Báo cáo số %(code)s") % {"code": self.code}
        return _("Dự thảo báo cáo %(period)s") % {"period": self.period_label}

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to change the content of a report that was approved when it was loaded."""
        if getattr(self, "_loaded_state", None) == ReportState.APPROVED:
            changed = [
                name
                for name, value in self._loaded_values.items()
                if name.removesuffix("_id") not in self.MUTABLE_AFTER_APPROVAL
                and value is not DEFERRED
                and getattr(self, name) != value
            ]
            if changed:
                raise ValidationError(
                    _("Báo cáo đã phê duyệt không thể sửa; hãy lập bản thay thế.")
                )
        super().save(*args, **kwargs)
        self._loaded_state = self.state
        self._loaded_values = {
            field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields
        }

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_state = instance.state
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    @property
    def code(self) -> str:
        """ "05/BC-UBND" once numbered, "" before."""
        if not self.number:
            return ""
        return f"{self.number:02d}/BC-{self.organisation.document_code or 'UBND'}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_approved(self) -> bool:
        return self.state == ReportState.APPROVED

    @property
    def is_draft(self) -> bool:
        return self.state == ReportState.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state == ReportState.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.state == ReportState.RETURNED

    @property
    def is_discarded(self) -> bool:
        return self.state == ReportState.DISCARDED

    @property
    def is_live(self) -> bool:
        return self.state != ReportState.DISCARDED

    def live_correction(self) -> Report | None:
        """The correction drafted or approved to replace this report, if any."""
        return self.corrections.exclude(state=ReportState.DISCARDED).order_by("-pk").first()

    @property
    def is_ad_hoc(self) -> bool:
        return self.kind == ReportKind.AD_HOC

    @property
    def has_pdf(self) -> bool:
        return self.generation_state == GenerationState.DONE and bool(self.pdf)

    @property
    def is_generating(self) -> bool:
        return self.generation_state in (GenerationState.PENDING, GenerationState.RUNNING)

    @property
    def generation_running(self) -> bool:
        return self.generation_state == GenerationState.RUNNING

    @property
    def generation_failed(self) -> bool:
        return self.generation_state == GenerationState.FAILED

    @property
    def cadence(self) -> str:
        return self.kind if self.kind != ReportKind.AD_HOC else Cadence.NONE

    def next_tasks_list(self) -> list[str]:
        return [line.strip(" -–•;.") for line in self.next_tasks.splitlines() if line.strip(" -–•")]

    def paragraphs(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class ReportEvent(models.Model):
    """One step in a report's life: who did what, when, and what they said."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("việc"), max_length=30, choices=ReportEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("diễn biến báo cáo")
        verbose_name_plural = _("diễn biến báo cáo")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.report})"
