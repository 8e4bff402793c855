from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.choices import DocumentImportState, DocumentSource
from directives.models.directive import Directive
from units.models import Organisation


def import_path(job: DirectiveImport, filename: str) -> str:
    # The stored name never comes from the uploader.
    return f"directive-imports/{timezone.now():%Y/%m}/{job.token}{job.extension}"


class DirectiveImport(models.Model):
    """A directive's document brought in by the clerk, read in the background, reviewed, then
    registered as a directive (which keeps the file as its source document).

    The page polls this row while the worker reads the file; ``parsed`` is what the parser
    found (never changed, so the review page can show what was read and what the clerk
    changed), ``draft`` the review form as last saved.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="directive_imports",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token = models.UUIDField(unique=True, editable=False)
    source = models.CharField(_("nguồn"), max_length=10, choices=DocumentSource.choices)
    file = models.FileField(_("tệp văn bản"), upload_to=import_path, blank=True)
    extension = models.CharField(max_length=8, blank=True, editable=False)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    state = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=DocumentImportState.choices,
        default=DocumentImportState.QUEUED,
    )
    progress_step = models.CharField(max_length=10, blank=True)
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=40, blank=True)
    error_detail = models.JSONField(default=dict, blank=True)
    method = models.CharField(_("cách đọc"), max_length=10, blank=True)
    page_count = models.PositiveSmallIntegerField(_("số trang"), default=0)
    ocr_confidence = models.FloatField(_("độ tin cậy nhận dạng chữ"), null=True, blank=True)
    text = models.TextField(_("văn bản đã đọc"), blank=True)
    previews = models.JSONField(_("ảnh các trang"), default=list, blank=True)
    parsed = models.JSONField(_("kết quả phân tích"), default=dict, blank=True)
    draft = models.JSONField(_("bản nháp đang sửa"), default=dict, blank=True)
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản đã đăng ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="imports_from_document",
    )
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("nhập văn bản từ tệp")
        verbose_name_plural = _("nhập văn bản từ tệp")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "state"], name="directive_import_state")]

    def __str__(self) -> str:
        return self.original_name or str(self.get_source_display())

    @property
    def is_working(self) -> bool:
        return self.state in (DocumentImportState.QUEUED, DocumentImportState.READING)

    @property
    def is_queued(self) -> bool:
        return self.state == DocumentImportState.QUEUED

    @property
    def has_failed(self) -> bool:
        return self.state == DocumentImportState.FAILED

    @property
    def is_open(self) -> bool:
        """Still the clerk's to review, retry or discard."""
        return self.state in (
            DocumentImportState.QUEUED,
            DocumentImportState.READING,
            DocumentImportState.READY,
            DocumentImportState.FAILED,
        )

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 5 if self.state == DocumentImportState.READING else 0
        return min(100, round(100 * self.progress_done / self.progress_total))
