"""The monitoring office's follow-up: difficulties answered, late units urged, explanations."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import signals
from directives.choices import ConcernKind, ConcernStatus, ExplanationState
from directives.models import Assignment, Concern, ExplanationRequest, ProgressUpdate, Urging
from sonmai.lib.actor import acting_as

if TYPE_CHECKING:
    from units.models import User


class FollowUpError(Exception):
    """The action does not fit the item's state; the message says why, in Vietnamese."""


def record_concerns(update: ProgressUpdate) -> list[Concern]:
    """Open one concern per difficulty and per proposal written in an update."""
    concerns = []
    for kind, text in (
        (ConcernKind.DIFFICULTY, update.difficulties),
        (ConcernKind.PROPOSAL, update.proposals),
    ):
        if text.strip():
            concerns.append(
                Concern.objects.create(
                    assignment_id=update.assignment_id, update=update, kind=kind, text=text
                )
            )
    return concerns


def answer_concern(concern: Concern, *, actor: User, answer: str) -> Concern:
    """Answer at commune level; the unit sees the answer on its task."""
    return _move_concern(concern, actor=actor, status=ConcernStatus.ANSWERED, answer=answer)


def escalate_concern(concern: Concern, *, actor: User, note: str) -> Concern:
    """Beyond the commune's authority: report it to the province (it goes into the report)."""
    with acting_as(actor), transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.status == ConcernStatus.RESOLVED:
            raise FollowUpError(_("Nội dung này đã được giải quyết."))
        locked.status = ConcernStatus.ESCALATED
        locked.escalation_note = note
        locked.escalated_at = timezone.now()
        locked.save()
    return locked


def resolve_concern(concern: Concern, *, actor: User, answer: str) -> Concern:
    """Closed: solved at commune level or by the province's answer."""
    return _move_concern(concern, actor=actor, status=ConcernStatus.RESOLVED, answer=answer)


def _move_concern(concern: Concern, *, actor: User, status: str, answer: str) -> Concern:
    with acting_as(actor), transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.status == ConcernStatus.RESOLVED:
            raise FollowUpError(_("Nội dung này đã được giải quyết."))
        locked.status = status
        locked.answer = answer
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        if status == ConcernStatus.RESOLVED:
            locked.resolved_at = locked.answered_at
        locked.save()
        signals.concern_answered.send(sender=Concern, instance=locked, actor=actor)
    return locked


def urge(assignments: list[Assignment], *, actor: User, message: str) -> list[Urging]:
    """Đôn đốc: log a reminder for each assignment (the notice goes to the unit's people)."""
    with acting_as(actor), transaction.atomic():
        urgings = [
            Urging.objects.create(assignment=assignment, message=message, sent_by=actor)
            for assignment in assignments
        ]
        for urging in urgings:
            signals.urged.send(sender=Urging, instance=urging, actor=actor)
    return urgings


def request_explanation(
    assignment: Assignment, *, actor: User, question: str, answer_due: datetime.date
) -> ExplanationRequest:
    with acting_as(actor), transaction.atomic():
        open_request = ExplanationRequest.objects.filter(
            assignment=assignment, state=ExplanationState.REQUESTED
        ).exists()
        if open_request:
            raise FollowUpError(_("Đơn vị chưa trả lời yêu cầu giải trình trước."))
        explanation = ExplanationRequest.objects.create(
            assignment=assignment, requested_by=actor, question=question, answer_due=answer_due
        )
        signals.explanation_requested.send(
            sender=ExplanationRequest, instance=explanation, actor=actor
        )
    return explanation


def answer_explanation(
    explanation: ExplanationRequest, *, actor: User, answer: str
) -> ExplanationRequest:
    with acting_as(actor), transaction.atomic():
        locked = ExplanationRequest.objects.select_for_update().get(pk=explanation.pk)
        if locked.is_answered:
            raise FollowUpError(_("Yêu cầu này đã được giải trình."))
        locked.state = ExplanationState.ANSWERED
        locked.answer = answer
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save()
        signals.explanation_answered.send(sender=ExplanationRequest, instance=locked, actor=actor)
    return locked
