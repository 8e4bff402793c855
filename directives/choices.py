from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    CONCLUSION = "conclusion", _("Kết luận")
    RESOLUTION = "resolution", _("Nghị quyết")
    DIRECTIVE = "directive", _("Chỉ thị")
    DISPATCH = "dispatch", _("Công văn")
    PLAN = "plan", _("Kế hoạch")
    DECISION = "decision", _("Quyết định")
    NOTICE = "notice", _("Thông báo")
    GUIDANCE = "guidance", _("Hướng dẫn")
    PROGRAMME = "programme", _("Chương trình")
    REPORT = "report", _("Báo cáo")
    # Documents cited as the legal basis of a directive.
    DECREE = "decree", _("Nghị định")
    CIRCULAR = "circular", _("Thông tư")
    LAW = "law", _("Luật")
    TELEGRAM = "telegram", _("Công điện")
    REGULATION = "regulation", _("Quy định")
    PROJECT = "project", _("Đề án")
    SUBMISSION = "submission", _("Tờ trình")
    OTHER = "other", _("Văn bản")


#: Abbreviations used in document symbols (Decree 30/2020, Appendix III). A công văn has none.
DOCUMENT_TYPE_ABBREVIATIONS = {
    DocumentType.CONCLUSION: "KL",
    DocumentType.RESOLUTION: "NQ",
    DocumentType.DIRECTIVE: "CT",
    DocumentType.DISPATCH: "",
    DocumentType.PLAN: "KH",
    DocumentType.DECISION: "QĐ",
    DocumentType.NOTICE: "TB",
    DocumentType.GUIDANCE: "HD",
    DocumentType.PROGRAMME: "CTr",
    DocumentType.REPORT: "BC",
    DocumentType.DECREE: "NĐ",
    DocumentType.CIRCULAR: "TT",
    DocumentType.LAW: "",
    DocumentType.TELEGRAM: "CĐ",
    DocumentType.REGULATION: "QyĐ",
    DocumentType.PROJECT: "ĐA",
    DocumentType.SUBMISSION: "TTr",
    DocumentType.OTHER: "",
}

#: How a directive is named in short on labels ("CV 45 · 1.2"): a công văn is "CV".
DOCUMENT_TYPE_SHORT = {
    **DOCUMENT_TYPE_ABBREVIATIONS,
    DocumentType.DISPATCH: "CV",
    DocumentType.LAW: "Luật",
    DocumentType.OTHER: "VB",
}


class SignerAuthority(models.TextChoices):
    NONE = "", _("(ký trực tiếp)")
    ON_BEHALF = "TM.", _("TM. (thay mặt tập thể)")
    FOR_HEAD = "KT.", _("KT. (ký thay người đứng đầu)")
    ACTING = "Q.", _("Q. (quyền)")
    BY_ORDER = "TL.", _("TL. (thừa lệnh)")
    BY_DELEGATION = "TUQ.", _("TUQ. (thừa ủy quyền)")


class TaskType(models.TextChoices):
    INFORM = "inform", _("Để biết")
    DO = "do", _("Thực hiện")
    REPORT = "report", _("Báo cáo, đề xuất")
    APPROVE = "approve", _("Phê duyệt")
    REVIEW = "review", _("Rà soát")
    OPINION = "opinion", _("Cho ý kiến")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATING = "coordinating", _("Phối hợp")


class Cadence(models.TextChoices):
    NONE = "", _("Không định kỳ")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


#: The reporting rhythm of a task without a deadline ("thường xuyên"), unless the document says
#: another: the commune reports to the province monthly (the reports' default schedule).
DEFAULT_ONGOING_CADENCE = Cadence.MONTHLY


class AssignmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class Bucket(models.TextChoices):
    """The official classification of an assignment (the Prime Minister's four buckets + 2)."""

    DONE_ON_TIME = "done_on_time", _("Đã hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Đã hoàn thành quá hạn")
    IN_PROGRESS = "in_progress", _("Đang thực hiện trong hạn")
    OVERDUE = "overdue", _("Đang thực hiện quá hạn")
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    ONGOING = "ongoing", _("Thường xuyên")


#: Colours of the buckets, shared by the pages, the charts and the PDF report.
BUCKET_COLOURS = {
    Bucket.DONE_ON_TIME: "#198754",  # green
    Bucket.DONE_LATE: "#fd7e14",  # orange
    Bucket.IN_PROGRESS: "#0d6efd",  # blue
    Bucket.OVERDUE: "#dc3545",  # red
    Bucket.NOT_STARTED: "#6c757d",  # grey
    Bucket.ONGOING: "#6f42c1",  # purple
}

#: Order in which buckets are listed: the official four first, then the two extra ones.
BUCKET_ORDER = [
    Bucket.DONE_ON_TIME,
    Bucket.DONE_LATE,
    Bucket.IN_PROGRESS,
    Bucket.OVERDUE,
    Bucket.NOT_STARTED,
    Bucket.ONGOING,
]


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", _("Báo cáo tiến độ")
    CONTRIBUTION = "contribution", _("Đóng góp của đơn vị phối hợp")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Bị trả lại")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đã đồng ý gia hạn")
    REFUSED = "refused", _("Không đồng ý gia hạn")
    WITHDRAWN = "withdrawn", _("Đã rút đề nghị")


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("Ảnh")
    PDF = "pdf", _("Tệp PDF")
    DOCUMENT = "document", _("Văn bản, bảng tính")


class HistoryAction(models.TextChoices):
    CREATED = "created", _("Tạo mới")
    CHANGED = "changed", _("Thay đổi")
    REMOVED = "removed", _("Gỡ bỏ")


class ConcernKind(models.TextChoices):
    DIFFICULTY = "difficulty", _("Khó khăn, vướng mắc")
    PROPOSAL = "proposal", _("Kiến nghị, đề xuất")


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("Chưa trả lời")
    ANSWERED = "answered", _("Đã trả lời (cấp xã)")
    ESCALATED = "escalated", _("Đã báo cáo UBND tỉnh")
    RESOLVED = "resolved", _("Đã giải quyết")


class ExplanationState(models.TextChoices):
    REQUESTED = "requested", _("Chờ giải trình")
    ANSWERED = "answered", _("Đã giải trình")


class DocumentSource(models.TextChoices):
    """How the clerk brought a directive's document in."""

    DOCX = "docx", _("Tệp Word (.docx)")
    PDF = "pdf", _("Tệp PDF")
    SCAN = "scan", _("Bản quét (PDF ảnh)")
    PHOTO = "photo", _("Ảnh chụp")
    TEXT = "text", _("Văn bản dán vào")


class DocumentImportState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ đọc")
    READING = "reading", _("Đang đọc văn bản")
    READY = "ready", _("Chờ kiểm tra, đăng ký")
    FAILED = "failed", _("Không đọc được")
    REGISTERED = "registered", _("Đã đăng ký")
    DISCARDED = "discarded", _("Đã hủy")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Đang kiểm tra")
    CHECKED = "checked", _("Đã kiểm tra, chưa áp dụng")
    REJECTED = "rejected", _("Có lỗi, không áp dụng")
    APPLYING = "applying", _("Đang áp dụng")
    APPLIED = "applied", _("Đã áp dụng")
    FAILED = "failed", _("Gặp sự cố, có thể thử lại")


class UnitKindFilter(models.TextChoices):
    """Groups of units a dashboard can be narrowed to."""

    DEPARTMENT = "department", _("Bộ phận chuyên môn, trung tâm")
    HAMLET = "hamlet", _("Thôn")
    SCHOOL = "school", _("Trường học")
    HEALTH = "health", _("Trạm Y tế")

    @classmethod
    def kinds(cls, value: str) -> list[str]:
        return {
            cls.DEPARTMENT: ["department", "service_centre"],
            cls.HAMLET: ["hamlet"],
            cls.SCHOOL: ["school"],
            cls.HEALTH: ["health_station"],
        }.get(value, [])


class WorkdayExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ (nghỉ bù, nghỉ theo thông báo)")
    WORKING_DAY = "working_day", _("Ngày làm việc bù (làm bù vào ngày nghỉ cuối tuần)")
