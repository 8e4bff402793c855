"""What is due, what was sent, and what each person and office chose.

The database, not the broker, is the record: a ``Reminder`` row exists once per assignment and
occurrence (unique constraint), a ``Notification`` once per person, and a ``Delivery`` once per
notification and channel, whose status moves pending → sending → sent under conditional
UPDATEs (see ``notifications.delivery``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.choices import (
    REMINDER_KINDS,
    DeliveryChannel,
    DeliveryStatus,
    NotificationKind,
)

#: Defaults of the reminder policy when the monitoring office has set nothing.
DEFAULT_DAYS_BEFORE = "7, 3, 1"
DEFAULT_REPORT_DAYS_BEFORE = "5, 1"
DEFAULT_OVERDUE_EVERY_DAYS = 3
DEFAULT_ESCALATE_AFTER_DAYS = 5
MAX_WORKING_DAYS = 60


def parse_day_list(value: str) -> list[int]:
    """ "7, 3, 1" → [7, 3, 1] (largest first, no repeats). Raises ValidationError on bad input."""
    days: set[int] = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= MAX_WORKING_DAYS:
            raise ValidationError(
                _(
                    "Nhập các số ngày làm việc từ 1 đến %(max)d, cách nhau bằng dấu phẩy, "
                    "ví dụ: 7, 3, 1."
                ),
                params={"max": MAX_WORKING_DAYS},
                code="invalid_day_list",
            )
        days.add(int(part))
    return sorted(days, reverse=True)


def validate_day_list(value: str) -> None:
    parse_day_list(value)


class ReminderPolicy(models.Model):
    """When to remind: the organisation's default, or an override for one directive or task.

    Day counts are working days. The most specific policy wins: task, then directive, then the
    organisation's default, then the built-in defaults above.
    """

    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="reminder_policies",
    )
    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name=_("riêng cho văn bản"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_policies",
    )
    task = models.ForeignKey(
        "directives.Task",
        verbose_name=_("riêng cho nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_policies",
    )
    is_enabled = models.BooleanField(_("gửi nhắc việc"), default=True)
    days_before = models.CharField(
        _("nhắc trước hạn (ngày làm việc)"),
        max_length=60,
        default=DEFAULT_DAYS_BEFORE,
        validators=[validate_day_list],
        help_text=_("Các mốc cách nhau bằng dấu phẩy, ví dụ: 7, 3, 1. Để trống: không nhắc."),
        blank=True,
    )
    remind_on_due_day = models.BooleanField(_("nhắc vào ngày đến hạn"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("khi quá hạn, nhắc lại sau mỗi (ngày làm việc)"),
        default=DEFAULT_OVERDUE_EVERY_DAYS,
        validators=[MaxValueValidator(MAX_WORKING_DAYS)],
        help_text=_("0: chỉ nhắc một lần vào ngày làm việc đầu tiên sau hạn."),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("báo lãnh đạo khi quá hạn (ngày làm việc)"),
        default=DEFAULT_ESCALATE_AFTER_DAYS,
        validators=[MaxValueValidator(MAX_WORKING_DAYS)],
        help_text=_(
            "Sau số ngày này, Phòng Văn hóa - Xã hội và lãnh đạo UBND được báo. 0: không báo."
        ),
    )
    report_days_before = models.CharField(
        _("nhắc báo cáo định kỳ trước (ngày làm việc)"),
        max_length=60,
        default=DEFAULT_REPORT_DAYS_BEFORE,
        validators=[validate_day_list],
        blank=True,
        help_text=_("Với nhiệm vụ thường xuyên có chu kỳ báo cáo, ví dụ: 5, 1."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chính sách nhắc việc")
        verbose_name_plural = _("chính sách nhắc việc")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(directive__isnull=True, task__isnull=True),
                name="reminder_policy_one_default",
            ),
            models.UniqueConstraint(
                fields=["directive"],
                condition=Q(task__isnull=True),
                name="reminder_policy_one_per_directive",
            ),
            models.UniqueConstraint(fields=["task"], name="reminder_policy_one_per_task"),
            models.CheckConstraint(
                condition=Q(directive__isnull=True) | Q(task__isnull=True),
                name="reminder_policy_directive_or_task",
            ),
        ]

    def __str__(self) -> str:
        if self.task_id:
            return str(_("Chính sách nhắc việc riêng của nhiệm vụ %(task)s") % {"task": self.task})
        if self.directive_id:
            return str(
                _("Chính sách nhắc việc riêng của %(directive)s") % {"directive": self.directive}
            )
        return str(_("Chính sách nhắc việc chung"))

    @property
    def scope(self) -> str:
        return "task" if self.task_id else "directive" if self.directive_id else "default"

    @property
    def before_due_days(self) -> list[int]:
        return parse_day_list(self.days_before)

    @property
    def report_before_days(self) -> list[int]:
        return parse_day_list(self.report_days_before)

    def copy_for(self, **scope: object) -> ReminderPolicy:
        """An unsaved policy with the same settings, for a narrower scope."""
        fields = [
            "is_enabled",
            "days_before",
            "remind_on_due_day",
            "overdue_every_days",
            "escalate_after_days",
            "report_days_before",
        ]
        return ReminderPolicy(
            organisation_id=self.organisation_id,
            **{name: getattr(self, name) for name in fields},
            **scope,
        )


class ReminderSchedule(models.Model):
    """When the planner must next look at one assignment (the indexed ``next_reminder_at``).

    Only the notifications app writes it. ``source_updated_at`` is the assignment's
    ``updated_at`` when the schedule was computed; a different value means the assignment
    changed since (its deadline, its status) and the schedule is recomputed.
    """

    assignment = models.OneToOneField(
        "directives.Assignment",
        verbose_name=_("phân công"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="reminder_schedule",
    )
    next_reminder_at = models.DateTimeField(_("lần nhắc tới"), null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lịch nhắc việc")
        verbose_name_plural = _("lịch nhắc việc")
        indexes = [
            models.Index(fields=["next_reminder_at"], name="reminder_schedule_next"),
            # The quick sync starts from the newest change it has seen: MAX() on an index.
            models.Index(fields=["source_updated_at"], name="reminder_schedule_seen"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} @ {self.next_reminder_at}"


class Reminder(models.Model):
    """One occurrence the policy asked for: "3 working days before 31/03 for Thôn An".

    Unique per assignment, kind and occurrence key, so however many passes run, it exists
    once; ``notified_at`` records that its notifications were created (in the same
    transaction), so a pass that died in between is finished by the next one.
    """

    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(
        _("loại nhắc"),
        max_length=30,
        choices=[(kind.value, kind.label) for kind in NotificationKind if kind in REMINDER_KINDS],
    )
    occurrence_key = models.CharField(_("mã lần nhắc"), max_length=64)
    reference_date = models.DateField(_("hạn hoặc kỳ báo cáo"))
    working_days = models.SmallIntegerField(
        _("số ngày làm việc"), default=0, help_text=_("Trước hạn (dương) hoặc quá hạn (âm).")
    )
    due_at = models.DateTimeField(_("đến lượt nhắc lúc"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    notified_at = models.DateTimeField(_("đã tạo thông báo lúc"), null=True, blank=True)
    skipped = models.BooleanField(
        _("bỏ qua"), default=False, help_text=_("Nhiệm vụ đã xong trước khi kịp nhắc.")
    )

    class Meta:
        verbose_name = _("lần nhắc việc")
        verbose_name_plural = _("lần nhắc việc")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "occurrence_key"], name="reminder_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(notified_at__isnull=True),
                name="reminder_not_notified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurrence_key})"


class Notification(models.Model):
    """One message to one person; shown under the bell when ``in_app``; sent by ``deliveries``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    payload = models.JSONField(_("dữ liệu thư"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    reminders = models.ManyToManyField(
        Reminder, verbose_name=_("lần nhắc"), blank=True, related_name="notifications"
    )
    in_app = models.BooleanField(_("hiện trong cổng"), default=True)
    dedup_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Digests are made once per person and period, however many passes run.
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, in_app=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def absolute_url(self) -> str:
        """The link for e-mails: ``url`` is a path inside the portal."""
        if not self.url:
            return settings.SITE_URL.rstrip("/") + "/"
        if self.url.startswith(("http://", "https://")):
            return self.url
        return settings.SITE_URL.rstrip("/") + "/" + self.url.lstrip("/")


class Delivery(models.Model):
    """One notification through one channel, with its attempts; the exactly-once record."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("thông báo"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("kênh"), max_length=20, choices=DeliveryChannel.choices)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lượt gửi")
        verbose_name_plural = _("lượt gửi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.notification.recipient_id}"

    @property
    def is_sent(self) -> bool:
        return self.status == DeliveryStatus.SENT

    @property
    def is_pending(self) -> bool:
        return self.status == DeliveryStatus.PENDING

    @property
    def has_failed(self) -> bool:
        return self.status == DeliveryStatus.FAILED

    @property
    def is_in_app(self) -> bool:
        """The bell: "sent" the moment it is written, so no time is worth showing."""
        return self.channel == DeliveryChannel.IN_APP


def default_channels() -> list[str]:
    return [DeliveryChannel.IN_APP.value, DeliveryChannel.EMAIL.value]


class NotificationPreference(models.Model):
    """The channels one person chose. No row means the defaults: in the portal and by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    channels = models.JSONField(_("kênh nhận"), default=default_channels, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")

    def __str__(self) -> str:
        return str(self.user)
