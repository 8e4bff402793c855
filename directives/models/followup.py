"""What the monitoring office does about the work: answers difficulties, urges, asks why."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.choices import ConcernKind, ConcernStatus, ExplanationState, ImportState
from directives.models.assignment import Assignment
from directives.models.directive import Directive
from directives.models.progress import ProgressUpdate
from directives.tracking import TrackedModel
from sonmai.lib.fields import NFCTextField
from sonmai.lib.vntext import fold


class Concern(TrackedModel):
    """A difficulty or proposal a unit raised, followed until it is answered or resolved.

    Concerns are created from the difficulties and proposals written in progress updates; the
    office answers at commune level or escalates to the province, and the open ones go into the
    next report.
    """

    TRACKED_FIELDS = ("status", "answer", "escalation_note")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="concerns"
    )
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("nêu trong cập nhật"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=ConcernKind.choices)
    text = NFCTextField(_("nội dung"))
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    answer = NFCTextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    escalation_note = NFCTextField(_("nội dung báo cáo cấp trên"), blank=True)
    escalated_at = models.DateTimeField(_("báo cáo cấp trên lúc"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("giải quyết xong lúc"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("nêu lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("khó khăn, kiến nghị")
        verbose_name_plural = _("khó khăn, kiến nghị")
        ordering = ["-created_at", "-id"]
        base_manager_name = "all_objects"
        indexes = [models.Index(fields=["status", "created_at"], name="concern_status_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.text} {self.answer}")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in (ConcernStatus.OPEN, ConcernStatus.ESCALATED)

    @property
    def is_unanswered(self) -> bool:
        return self.status == ConcernStatus.OPEN

    @property
    def is_escalated(self) -> bool:
        return self.status == ConcernStatus.ESCALATED

    @property
    def is_resolved(self) -> bool:
        return self.status == ConcernStatus.RESOLVED


class Urging(models.Model):
    """A reminder sent by hand (đôn đốc) to a late unit about one assignment."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="urgings"
    )
    message = NFCTextField(_("nội dung đôn đốc"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đôn đốc"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("đôn đốc lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lần đôn đốc")
        verbose_name_plural = _("lần đôn đốc")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.created_at:%d/%m/%Y}"


class ExplanationRequest(TrackedModel):
    """A written explanation demanded of an overdue unit (yêu cầu giải trình) and its answer."""

    TRACKED_FIELDS = ("state", "answer", "answered_by", "answered_at")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="explanation_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = NFCTextField(_("nội dung yêu cầu"))
    answer_due = models.DateField(_("hạn giải trình"))
    state = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=ExplanationState.choices,
        default=ExplanationState.REQUESTED,
    )
    answer = NFCTextField(_("nội dung giải trình"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giải trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")
        ordering = ["-created_at", "-id"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return f"{self.assignment} – {self.created_at:%d/%m/%Y}"

    @property
    def is_answered(self) -> bool:
        return self.state == ExplanationState.ANSWERED


def import_path(job: AssignmentImport, filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{job.token}.xlsx"


class AssignmentImport(models.Model):
    """A sheet of assignments (tasks × units with due dates) checked before it is applied.

    The report of a check is kept row by row; a sheet with any error is never applied, so an
    import changes everything it lists or nothing.
    """

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.PROTECT, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token = models.UUIDField(unique=True, editable=False)
    file = models.FileField(_("tệp Excel"), upload_to=import_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    state = models.CharField(_("tình trạng"), max_length=20, choices=ImportState.choices)
    rows = models.JSONField(_("các dòng hợp lệ"), default=list)
    errors = models.JSONField(_("lỗi theo dòng"), default=list)
    summary = models.JSONField(_("tóm tắt"), default=dict)
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người áp dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("áp dụng lúc"), null=True, blank=True)
    failed_step = models.CharField(_("bước gặp sự cố"), max_length=10, blank=True)
    error = models.TextField(_("sự cố"), blank=True)

    class Meta:
        verbose_name = _("nhập phân công từ Excel")
        verbose_name_plural = _("nhập phân công từ Excel")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_queued(self) -> bool:
        return self.state == ImportState.QUEUED

    @property
    def is_busy(self) -> bool:
        """Being checked or applied by the worker: the page refreshes itself."""
        return self.state in (ImportState.QUEUED, ImportState.APPLYING)

    @property
    def is_checked(self) -> bool:
        return self.state == ImportState.CHECKED

    @property
    def has_failed(self) -> bool:
        return self.state == ImportState.FAILED
