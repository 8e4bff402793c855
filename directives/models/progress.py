from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.choices import AssignmentStatus, EvidenceKind, ReviewState, UpdateKind
from directives.models.assignment import Assignment
from directives.models.directive import Indicator
from directives.tracking import AliveManager, TrackedModel, TrackedQuerySet
from sonmai.lib.fields import NFCTextField
from sonmai.lib.vntext import fold


def counting_condition(prefix: str = "", *, until: datetime.datetime | None = None) -> models.Q:
    """The rule of "updates that count", as a condition on ``prefix`` (``"update__"`` from an
    indicator value, ``"updates__"`` from an assignment).

    An update counts unless the office returned it or it was removed. With ``until`` (an aware
    moment), it is the rule as it stood then: sent before ``until``, and not yet returned or
    removed at that moment (an update returned later still counted then).
    """
    if until is None:
        return models.Q(**{f"{prefix}removed_at__isnull": True}) & ~models.Q(
            **{f"{prefix}review_state": ReviewState.RETURNED}
        )
    return (
        models.Q(**{f"{prefix}created_at__lt": until})
        & (
            models.Q(**{f"{prefix}removed_at__isnull": True})
            | models.Q(**{f"{prefix}removed_at__gte": until})
        )
        & (
            ~models.Q(**{f"{prefix}review_state": ReviewState.RETURNED})
            | models.Q(**{f"{prefix}reviewed_at__gte": until})
        )
    )


class ProgressUpdateQuerySet(TrackedQuerySet["ProgressUpdate"]):
    def counting(self, *, until: datetime.datetime | None = None) -> ProgressUpdateQuerySet:
        """The updates that count (see ``counting_condition``), now or at ``until``."""
        return self.filter(counting_condition(until=until))


class ProgressUpdate(TrackedModel):
    """What a unit reported on one assignment at one moment; the assignment keeps the history.

    A lead unit's update carries status, percent and completion date, which drive the
    assignment; a coordinating unit's contribution carries results, figures and evidence only.
    Updates are never deleted; the monitoring office accepts or returns them.
    """

    TRACKED_FIELDS = ("review_state", "reviewed_by", "reviewed_at", "review_note")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    kind = models.CharField(
        _("loại cập nhật"), max_length=20, choices=UpdateKind.choices, default=UpdateKind.PROGRESS
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=AssignmentStatus.choices, blank=True
    )
    percent_done = models.PositiveSmallIntegerField(
        _("tỷ lệ hoàn thành (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    results = NFCTextField(_("kết quả đạt được"))
    difficulties = NFCTextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = NFCTextField(_("kiến nghị, đề xuất"), blank=True)
    review_state = models.CharField(
        _("xem xét"), max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem xét"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    review_note = NFCTextField(_("ý kiến khi xem xét"), blank=True)
    submission_token = models.UUIDField(
        _("mã lần gửi"),
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text=_("Gửi lại cùng một biểu mẫu (mạng chập chờn) không tạo cập nhật mới."),
    )
    based_on_version = models.PositiveIntegerField(editable=False, default=0)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True, db_index=True)

    # The base class declares plain managers; these add the queryset's methods (django-stubs
    # reads the override as a class variable replaced by an instance one).
    objects = AliveManager.from_queryset(ProgressUpdateQuerySet)()  # type: ignore[misc]
    all_objects = models.Manager.from_queryset(ProgressUpdateQuerySet)()  # type: ignore[misc]

    class Meta:
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")
        ordering = ["-created_at", "-id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["review_state", "created_at"], name="update_review_state"),
            models.Index(fields=["assignment", "created_at"], name="update_assignment_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_done__isnull=True) | models.Q(percent_done__lte=100),
                name="update_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.created_at:%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.results} {self.difficulties} {self.proposals}")
        super().save(*args, **kwargs)

    @property
    def is_contribution(self) -> bool:
        """A coordinating unit's share: results and figures, no status of its own."""
        return self.kind == UpdateKind.CONTRIBUTION

    @property
    def is_returned(self) -> bool:
        return self.review_state == ReviewState.RETURNED

    @property
    def is_pending(self) -> bool:
        return self.review_state == ReviewState.PENDING

    @property
    def drives_status(self) -> bool:
        return self.kind == UpdateKind.PROGRESS


class IndicatorValue(models.Model):
    """A figure reported with one update; totals are sums over the updates that were not
    returned (pending ones count until the office returns them)."""

    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("cập nhật"), on_delete=models.PROTECT, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.PositiveIntegerField(_("số liệu"), validators=[MaxValueValidator(10_000_000)])

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["update", "indicator"], name="indicator_value_once_per_update"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.value}"


def evidence_path(evidence: Evidence, filename: str) -> str:
    # Stored names are random: the original name is only ever shown, never used as a path.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{evidence.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Evidence(TrackedModel):
    """A file that proves the work: a photo of the minutes, a PDF, an office document.

    Files are uploaded with the form before the update exists (``submission_token`` ties them
    together), so a form sent back for a mistake does not lose them. They are only ever served
    through an access check, as downloads.
    """

    TRACKED_FIELDS = ("update", "original_name")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="evidence"
    )
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("cập nhật"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    submission_token = models.UUIDField(_("mã lần gửi"), db_index=True)
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=EvidenceKind.choices)
    content_type = models.CharField(_("kiểu nội dung"), max_length=120)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["uploaded_at", "id"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.original_name
