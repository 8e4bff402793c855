from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import calendar
from directives.choices import (
    BUCKET_COLOURS,
    AssignmentRole,
    AssignmentStatus,
    Bucket,
    Cadence,
)
from directives.models.directive import Task
from directives.tracking import AliveManager, TrackedModel, TrackedQuerySet
from units.models import Unit

#: Percentage points by which progress may trail the time elapsed before we warn.
BEHIND_SCHEDULE_TOLERANCE = 10


def behind_schedule(
    status: str,
    percent_done: int,
    assigned_on: datetime.date,
    due_date: datetime.date | None,
    today: datetime.date,
) -> bool:
    """The rule of ``Assignment.is_behind_schedule`` on plain values (for pages that read
    thousands of rows without building model instances)."""
    if status == AssignmentStatus.DONE or due_date is None or today > due_date:
        return False
    span = (due_date - assigned_on).days
    elapsed = (today - assigned_on).days
    if span <= 0 or elapsed <= 0:
        return False
    return percent_done + BEHIND_SCHEDULE_TOLERANCE < 100 * elapsed / span


def classify(
    status: str,
    due_date: datetime.date | None,
    completed_on: datetime.date | None,
    today: datetime.date,
) -> Bucket:
    """The official classification on ``today`` from plain values (``Assignment.bucket``; the
    same rule in SQL is ``AssignmentQuerySet.with_bucket``).

    The due date itself is still within the deadline; a task finished on its due date is done
    on time. Without a due date the task is ongoing (thường xuyên) until it is done.
    """
    if status == AssignmentStatus.DONE:
        if due_date is None or completed_on <= due_date:
            return Bucket.DONE_ON_TIME
        return Bucket.DONE_LATE
    if due_date is None:
        return Bucket.ONGOING
    if today > due_date:
        return Bucket.OVERDUE
    if status == AssignmentStatus.NOT_STARTED:
        return Bucket.NOT_STARTED
    return Bucket.IN_PROGRESS


class AssignmentQuerySet(TrackedQuerySet["Assignment"]):
    def with_bucket(self, today: datetime.date) -> AssignmentQuerySet:
        """Annotate ``current_bucket``: the same rule as ``Assignment.bucket``, in SQL."""
        return self.annotate(
            current_bucket=Case(
                When(
                    status=AssignmentStatus.DONE,
                    due_date__isnull=True,
                    then=Value(Bucket.DONE_ON_TIME),
                ),
                When(
                    status=AssignmentStatus.DONE,
                    completed_on__lte=F("due_date"),
                    then=Value(Bucket.DONE_ON_TIME),
                ),
                When(status=AssignmentStatus.DONE, then=Value(Bucket.DONE_LATE)),
                When(due_date__isnull=True, then=Value(Bucket.ONGOING)),
                When(due_date__lt=today, then=Value(Bucket.OVERDUE)),
                When(status=AssignmentStatus.NOT_STARTED, then=Value(Bucket.NOT_STARTED)),
                default=Value(Bucket.IN_PROGRESS),
                output_field=models.CharField(),
            )
        )


class Assignment(TrackedModel):
    """One unit's share of one task: lead or coordinating, with its own deadline and progress.

    Status, percent and completion date are set only by progress updates (see
    ``directives.services.progress``); a coordinating assignment that names its
    ``lead_assignment`` follows the lead's progress.
    """

    TRACKED_FIELDS = (
        "unit",
        "role",
        "lead_assignment",
        "assigned_on",
        "due_date",
        "cadence",
        "report_day",
        "status",
        "percent_done",
        "started_on",
        "completed_on",
    )
    HISTORY_ASSIGNMENT_FIELD = "id"

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        _("vai trò"), max_length=20, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )
    lead_assignment = models.ForeignKey(
        "self",
        verbose_name=_("phối hợp với"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinating_assignments",
        help_text=_("Đơn vị chủ trì mà đơn vị phối hợp hỗ trợ; tiến độ theo đơn vị chủ trì."),
    )
    assigned_on = models.DateField(_("ngày giao"), default=timezone.localdate)
    due_date = models.DateField(
        _("hạn hoàn thành"),
        null=True,
        blank=True,
        help_text=_("Để trống với nhiệm vụ thường xuyên."),
    )
    cadence = models.CharField(
        _("chu kỳ báo cáo"), max_length=20, choices=Cadence.choices, blank=True
    )
    report_day = models.PositiveSmallIntegerField(
        _("ngày báo cáo trong tháng"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Báo cáo định kỳ trước ngày này của tháng cuối kỳ."),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.NOT_STARTED,
    )
    percent_done = models.PositiveSmallIntegerField(
        _("tỷ lệ hoàn thành (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    started_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = AliveManager.from_queryset(AssignmentQuerySet)()
    all_objects = models.Manager.from_queryset(AssignmentQuerySet)()

    class Meta:
        base_manager_name = "all_objects"
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["task__section__number", "task__number", "unit__position", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_task_unit_unique"),
            models.CheckConstraint(
                condition=Q(percent_done__lte=100), name="assignment_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status=AssignmentStatus.DONE) | Q(completed_on__isnull=False),
                name="assignment_done_has_completion_date",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "due_date"], name="assignment_unit_status_due"),
            models.Index(fields=["status", "due_date"], name="assignment_status_due"),
            # The reminder schedule syncs from a watermark on this column every minute.
            models.Index(fields=["updated_at"], name="assignment_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.task.citation} – {self.unit}"

    @staticmethod
    def timing_problem(due_date: datetime.date | None, cadence: str) -> str | None:
        """Why a deadline and a reporting cadence cannot go together, or None."""
        if due_date is None and not cadence:
            return _("Cần có hạn hoàn thành hoặc chu kỳ báo cáo.")
        return None

    def clean(self) -> None:
        errors = {}
        problem = self.timing_problem(self.due_date, self.cadence)
        if problem:
            errors["due_date"] = problem
        if self.status == AssignmentStatus.DONE and self.completed_on is None:
            errors["completed_on"] = _("Nhiệm vụ đã hoàn thành cần có ngày hoàn thành.")
        if (
            self.task_id
            and self.unit_id
            and self.unit.organisation_id != self.task.section.directive.organisation_id
        ):
            errors["unit"] = _("Đơn vị không thuộc cơ quan theo dõi văn bản.")
        if self.lead_assignment_id:
            lead = self.lead_assignment
            if self.role != AssignmentRole.COORDINATING:
                errors["lead_assignment"] = _("Chỉ đơn vị phối hợp mới ghi đơn vị chủ trì.")
            elif lead.task_id != self.task_id or lead.role != AssignmentRole.LEAD:
                errors["lead_assignment"] = _("Phải là đơn vị chủ trì của cùng nhiệm vụ.")
        if errors:
            raise ValidationError(errors)

    # --- Classification ----------------------------------------------------------------------
    @property
    def follows_lead(self) -> bool:
        """A coordinating unit whose status mirrors the lead unit's."""
        return self.role == AssignmentRole.COORDINATING and self.lead_assignment_id is not None

    @property
    def is_coordinating(self) -> bool:
        return self.role == AssignmentRole.COORDINATING

    @property
    def is_done(self) -> bool:
        return self.status == AssignmentStatus.DONE

    @property
    def is_ongoing(self) -> bool:
        return self.due_date is None

    def bucket(self, today: datetime.date) -> Bucket:
        """The official classification on ``today`` (see ``classify``)."""
        return classify(self.status, self.due_date, self.completed_on, today)

    def bucket_colour(self, today: datetime.date) -> str:
        return BUCKET_COLOURS[self.bucket(today)]

    def days_left(self, today: datetime.date) -> int | None:
        """Working days until the due date; negative when late; None when ongoing."""
        return calendar.days_left(self.due_date, today)

    def is_due_soon(self, today: datetime.date) -> bool:
        """Due within the calendar's "due soon" working days (see ``directives.calendar``)."""
        return not self.is_done and calendar.is_due_soon(self.due_date, today)

    def is_behind_schedule(self, today: datetime.date) -> bool:
        """Early warning (có nguy cơ chậm): progress trails the share of time already elapsed."""
        return behind_schedule(
            self.status, self.percent_done, self.assigned_on, self.due_date, today
        )

    def next_report_date(self, today: datetime.date) -> datetime.date | None:
        """The next periodic reporting date on or after ``today`` for a cadenced assignment."""
        if self.cadence not in calendar.CADENCE_MONTHS:
            return None
        return calendar.report_date_on_or_after(self.cadence, self.report_day, today)
