from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.choices import Bucket


class IssueCategory(models.TextChoices):
    DIFFICULTY = "difficulty", _("Khó khăn, vướng mắc")
    PROPOSAL = "proposal", _("Kiến nghị, đề xuất")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Chưa trả lời")
    ANSWERED = "answered", _("Đã trả lời")
    RESOLVED = "resolved", _("Đã giải quyết")
    ESCALATED = "escalated", _("Đã báo cáo UBND tỉnh")


class ChartKind(models.TextChoices):
    BUCKET_TOTALS = "bucket_totals", _("Phân loại nhiệm vụ")
    UNIT_PERCENT = "unit_percent", _("Tỷ lệ hoàn thành theo đơn vị")
    WEEKLY_DONE = "weekly_done", _("Tỷ lệ hoàn thành theo tuần")


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    EDXML = "edxml", "edXML"


#: Two-letter codes printed in the appendix matrix, so the table reads in black and white too.
BUCKET_CODES = {
    Bucket.DONE_ON_TIME: "HT",
    Bucket.DONE_LATE: "HQ",
    Bucket.IN_PROGRESS: "ĐT",
    Bucket.OVERDUE: "QH",
    Bucket.NOT_STARTED: "CT",
    Bucket.ONGOING: "TX",
}

#: Light tints of the bucket colours for table cells: the code stays legible on top of them.
#: The document's stylesheet (static/css/report-document.css) repeats them; keep both in step.
BUCKET_TINTS = {
    Bucket.DONE_ON_TIME: "#d1e7dd",
    Bucket.DONE_LATE: "#ffe5d0",
    Bucket.IN_PROGRESS: "#cfe2ff",
    Bucket.OVERDUE: "#f8d7da",
    Bucket.NOT_STARTED: "#e2e3e5",
    Bucket.ONGOING: "#e2d9f3",
}


class ReportKind(models.TextChoices):
    """How often a report is due; ad hoc reports answer a request from the province."""

    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")
    AD_HOC = "ad_hoc", _("Đột xuất")


#: The periodic kinds, in the order the configuration page lists them.
PERIODIC_KINDS = (
    ReportKind.MONTHLY,
    ReportKind.QUARTERLY,
    ReportKind.HALF_YEARLY,
    ReportKind.YEARLY,
)


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Chờ lãnh đạo phê duyệt")
    RETURNED = "returned", _("Lãnh đạo trả lại để sửa")
    APPROVED = "approved", _("Đã phê duyệt")
    DISCARDED = "discarded", _("Đã hủy dự thảo")


#: States in which the monitoring office may still edit the report.
EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})


class GenerationState(models.TextChoices):
    """The final PDF of an approved report, produced by a Celery worker."""

    NONE = "", _("Chưa tạo")
    PENDING = "pending", _("Đang chờ tạo tệp")
    RUNNING = "running", _("Đang tạo tệp")
    DONE = "done", _("Đã tạo tệp")
    FAILED = "failed", _("Tạo tệp gặp sự cố")


class DispatchMethod(models.TextChoices):
    EDOC = "edoc", _("Hệ thống quản lý văn bản và điều hành (gói edXML)")
    EMAIL = "email", _("Thư điện tử công vụ")
    POST = "post", _("Bưu điện")
    HAND = "hand", _("Gửi trực tiếp")


class ReportEventKind(models.TextChoices):
    CREATED = "created", _("Lập dự thảo")
    EDITED = "edited", _("Sửa nội dung")
    SUBMITTED = "submitted", _("Trình lãnh đạo")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Phê duyệt, cấp số")
    GENERATED = "generated", _("Tạo tệp PDF đã ký số")
    GENERATION_FAILED = "generation_failed", _("Tạo tệp gặp sự cố")
    GENERATION_RETRIED = "generation_retried", _("Tạo lại tệp")
    DISPATCHED = "dispatched", _("Ghi nhận gửi đi")
    CORRECTED = "corrected", _("Lập bản thay thế")
    DISCARDED = "discarded", _("Hủy dự thảo")
