from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.choices import HistoryAction


class HistoryEntry(models.Model):
    """One recorded change: who, when, to which object, and each field's old and new value.

    Rows are only ever added. ``assignment`` groups everything that happened around one unit's
    task so the task page can show its whole history in one query.
    """

    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="history",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(_("hành động"), max_length=20, choices=HistoryAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes = models.JSONField(_("thay đổi"), default=dict, encoder=DjangoJSONEncoder)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lịch sử thay đổi")
        verbose_name_plural = _("lịch sử thay đổi")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["assignment", "created_at"], name="history_assignment_time"),
            models.Index(fields=["content_type", "object_id"], name="history_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model} #{self.object_id}"

    def model_class(self) -> type[models.Model] | None:
        return self.content_type.model_class()
