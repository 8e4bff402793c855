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
#: The PDF's stylesheet (templates/reports/pdf/report.css) repeats them; keep both in step.
BUCKET_TINTS = {
    Bucket.DONE_ON_TIME: "#d1e7dd",
    Bucket.DONE_LATE: "#ffe5d0",
    Bucket.IN_PROGRESS: "#cfe2ff",
    Bucket.OVERDUE: "#f8d7da",
    Bucket.NOT_STARTED: "#e2e3e5",
    Bucket.ONGOING: "#e2d9f3",
}
