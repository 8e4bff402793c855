from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about. Reminder kinds come from the policy; the others are sent
    by other parts of the portal through ``notifications.services.notify``."""

    REMINDER_BEFORE_DUE = "reminder_before_due", _("Nhắc trước hạn")
    REMINDER_DUE_TODAY = "reminder_due_today", _("Nhắc đến hạn hôm nay")
    REMINDER_OVERDUE = "reminder_overdue", _("Nhắc quá hạn")
    REMINDER_REPORT_DUE = "reminder_report_due", _("Nhắc báo cáo định kỳ")
    ESCALATION = "escalation", _("Báo cáo nhiệm vụ quá hạn lên lãnh đạo")
    DIGEST_UNIT = "digest_unit", _("Bản tin nhắc việc của đơn vị")
    DIGEST_OFFICE = "digest_office", _("Bản tin tuần: đơn vị chưa báo cáo")
    URGE = "urge", _("Đôn đốc")
    EXPLANATION_REQUESTED = "explanation_requested", _("Yêu cầu giải trình")
    EXPLANATION_ANSWERED = "explanation_answered", _("Đơn vị đã giải trình")
    UPDATE_RETURNED = "update_returned", _("Cập nhật bị trả lại")
    UPDATE_ACCEPTED = "update_accepted", _("Cập nhật được chấp nhận")
    EXTENSION_REQUESTED = "extension_requested", _("Đề nghị gia hạn")
    EXTENSION_DECIDED = "extension_decided", _("Kết quả đề nghị gia hạn")
    CONCERN_ANSWERED = "concern_answered", _("Khó khăn, kiến nghị được trả lời")
    REPORT_SUBMITTED = "report_submitted", _("Báo cáo trình phê duyệt")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    REPORT_APPROVED = "report_approved", _("Báo cáo đã được phê duyệt")
    SIGN_IN_LOCKED_OUT = "sign_in_locked_out", _("Tạm khóa đăng nhập")


#: Kinds the reminder policy creates for one assignment (a ``Reminder`` row each).
REMINDER_KINDS = frozenset(
    {
        NotificationKind.REMINDER_BEFORE_DUE,
        NotificationKind.REMINDER_DUE_TODAY,
        NotificationKind.REMINDER_OVERDUE,
        NotificationKind.REMINDER_REPORT_DUE,
        NotificationKind.ESCALATION,
    }
)

#: Kinds whose e-mails wait for working hours; the others (a review, an urge) go out at once.
WORKING_HOURS_KINDS = REMINDER_KINDS | {
    NotificationKind.DIGEST_UNIT,
    NotificationKind.DIGEST_OFFICE,
}


class DeliveryChannel(models.TextChoices):
    IN_APP = "in_app", _("Trong cổng (chuông thông báo)")
    EMAIL = "email", _("Thư điện tử")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")
