"""The announced changes to the working calendar (see ``directives.calendar``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.choices import WorkdayExceptionKind
from sonmai.lib.fields import NFCCharField


class WorkdayException(models.Model):
    """A day the government announced as off (nghỉ bù) or as a make-up working day (làm bù).

    Public holidays, Tết included, come from the ``holidays`` package; these rows add what is
    announced each year and override the package where they disagree.
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=WorkdayExceptionKind.choices)
    description = NFCCharField(
        _("căn cứ, ghi chú"),
        max_length=255,
        help_text=_("Ví dụ: Nghỉ bù dịp Tết Nguyên đán theo Thông báo số …/TB-BNV."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["-date"]
        # Kept in notifications until the calendar moved here: the rows stay where they are.
        db_table = "notifications_workdayexception"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"
