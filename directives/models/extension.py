from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.choices import ExtensionState
from directives.models.assignment import Assignment
from directives.tracking import TrackedModel
from sonmai.lib.fields import NFCTextField


class ExtensionRequest(TrackedModel):
    """A unit asks for more time (đề nghị gia hạn); a leader (or the office, if so configured)
    approves or refuses."""

    TRACKED_FIELDS = ("state", "decided_by", "decided_at", "decision_note", "approved_due_date")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="extension_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = NFCTextField(_("lý do"))
    current_due_date = models.DateField(_("hạn hiện tại"))
    proposed_due_date = models.DateField(_("hạn đề nghị"))
    state = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=ExtensionState.choices,
        default=ExtensionState.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = NFCTextField(_("ý kiến"), blank=True)
    approved_due_date = models.DateField(_("hạn được duyệt"), null=True, blank=True)
    created_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-created_at", "-id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(state=ExtensionState.PENDING, removed_at__isnull=True),
                name="one_pending_extension_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.proposed_due_date:%d/%m/%Y}"

    @property
    def is_pending(self) -> bool:
        return self.state == ExtensionState.PENDING


class DeadlineChange(models.Model):
    """Every change of an assignment's due date: who, when, from what to what, and why."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="deadline_changes",
    )
    old_due_date = models.DateField(_("hạn cũ"), null=True, blank=True)
    new_due_date = models.DateField(_("hạn mới"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thay đổi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = NFCTextField(_("lý do"), blank=True)
    extension = models.ForeignKey(
        ExtensionRequest,
        verbose_name=_("theo đề nghị gia hạn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_changes",
    )
    created_at = models.DateTimeField(_("thay đổi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi hạn")
        verbose_name_plural = _("thay đổi hạn")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.old_due_date} → {self.new_due_date}"
