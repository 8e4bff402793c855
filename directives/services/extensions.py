"""Deadline extensions and every other change of a due date."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import signals
from directives.choices import ExtensionState
from directives.models import Assignment, DeadlineChange, ExtensionRequest
from sonmai.lib.actor import acting_as
from sonmai.lib.i18n import portal_language

if TYPE_CHECKING:
    from units.models import User


class ExtensionError(Exception):
    """The request cannot be made or decided; the message says why, in Vietnamese."""


def request_extension(
    assignment: Assignment, *, actor: User, reason: str, proposed_due_date: datetime.date
) -> ExtensionRequest:
    today = timezone.localdate()
    with acting_as(actor), transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.due_date is None:
            raise ExtensionError(_("Nhiệm vụ thường xuyên không có hạn để gia hạn."))
        if locked.is_done:
            raise ExtensionError(_("Nhiệm vụ đã hoàn thành, không cần gia hạn."))
        if proposed_due_date <= locked.due_date:
            raise ExtensionError(_("Hạn đề nghị phải sau hạn hiện tại."))
        if proposed_due_date < today:
            raise ExtensionError(_("Hạn đề nghị không được ở trong quá khứ."))
        try:
            with transaction.atomic():
                extension = ExtensionRequest.objects.create(
                    assignment=locked,
                    requested_by=actor,
                    reason=reason,
                    current_due_date=locked.due_date,
                    proposed_due_date=proposed_due_date,
                )
        except IntegrityError:
            raise ExtensionError(
                _("Đã có một đề nghị gia hạn đang chờ quyết định cho nhiệm vụ này.")
            ) from None
        signals.extension_requested.send(sender=ExtensionRequest, instance=extension, actor=actor)
        return extension


def decide_extension(
    extension: ExtensionRequest,
    *,
    actor: User,
    approve: bool,
    note: str = "",
    approved_due_date: datetime.date | None = None,
) -> ExtensionRequest:
    """Approve (moving the deadline, possibly to another date than proposed) or refuse."""
    with acting_as(actor), transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=extension.assignment_id)
        locked = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if not locked.is_pending:
            raise ExtensionError(_("Đề nghị này đã được quyết định hoặc đã rút."))
        if approve and (assignment.is_done or assignment.due_date is None):
            # Moving the deadline of finished work would turn "done late" into "on time".
            raise ExtensionError(
                _("Nhiệm vụ đã hoàn thành hoặc không có hạn: không gia hạn được nữa.")
            )
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        if approve:
            new_date = approved_due_date or locked.proposed_due_date
            if assignment.due_date and new_date <= assignment.due_date:
                raise ExtensionError(_("Hạn được duyệt phải sau hạn hiện tại."))
            locked.state = ExtensionState.APPROVED
            locked.approved_due_date = new_date
            locked.save()
            with portal_language():
                reason = _("Gia hạn theo đề nghị: %(reason)s") % {"reason": locked.reason}
            _move_deadline(assignment, new_date, actor=actor, reason=reason, extension=locked)
        else:
            locked.state = ExtensionState.REFUSED
            locked.save()
        signals.extension_decided.send(sender=ExtensionRequest, instance=locked, actor=actor)
    return locked


def withdraw_extension(extension: ExtensionRequest, *, actor: User) -> ExtensionRequest:
    with acting_as(actor), transaction.atomic():
        locked = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if not locked.is_pending:
            raise ExtensionError(_("Đề nghị này đã được quyết định hoặc đã rút."))
        locked.state = ExtensionState.WITHDRAWN
        locked.save()
    return locked


def change_due_date(
    assignment: Assignment, *, actor: User, new_due_date: datetime.date | None, reason: str
) -> None:
    """Move a deadline directly (the office or the admin), keeping who, when and why."""
    with acting_as(actor), transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.due_date != new_due_date:
            _move_deadline(locked, new_due_date, actor=actor, reason=reason)


def _move_deadline(
    assignment: Assignment,
    new_date: datetime.date | None,
    *,
    actor: User,
    reason: str,
    extension: ExtensionRequest | None = None,
) -> None:
    DeadlineChange.objects.create(
        assignment=assignment,
        old_due_date=assignment.due_date,
        new_due_date=new_date,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        extension=extension,
    )
    assignment.due_date = new_date
    assignment.version += 1
    assignment.save(history_note=reason)
