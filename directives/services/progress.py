"""Progress updates: sending one, reviewing it, and the assignment state they drive."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import signals
from directives.choices import AssignmentStatus, ReviewState, UpdateKind
from directives.models import Assignment, Evidence, IndicatorValue, ProgressUpdate
from directives.services.followup import record_concerns
from sonmai.lib.actor import acting_as

if TYPE_CHECKING:
    from units.models import User


class EditConflict(Exception):
    """Someone else changed the assignment after this person opened the form."""

    def __init__(self, assignment: Assignment) -> None:
        super().__init__("assignment changed since the form was opened")
        self.assignment = assignment
        self.latest_update = (
            assignment.updates.select_related("author").order_by("-created_at", "-id").first()
        )


class ReviewError(Exception):
    """The update has already been reviewed."""


@dataclass
class ProgressInput:
    results: str
    status: str = ""
    percent_done: int | None = None
    completed_on: datetime.date | None = None
    difficulties: str = ""
    proposals: str = ""
    indicator_values: dict[int, int] = field(default_factory=dict)


def submit_progress(
    assignment: Assignment,
    *,
    actor: User,
    data: ProgressInput,
    token: uuid.UUID,
    base_version: int,
) -> ProgressUpdate:
    """Record what the unit reports and let it drive the assignment.

    Sending the same form twice (a retry after a timeout) returns the first update. A token
    that was already spent on something else (another task, another person, or content edited
    since) is not a retry: the update gets a fresh token. If the assignment changed since the
    form was opened (``base_version``), raise ``EditConflict`` so the person can look before
    overwriting; nothing is written then. Files staged with ``token`` are attached either way.
    """
    staging_token = token
    with acting_as(actor), transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        existing = ProgressUpdate.all_objects.filter(submission_token=token).first()
        if existing is not None:
            if is_retry(existing, assignment=locked, actor=actor, data=data):
                return existing
            token = uuid.uuid4()
        if locked.version != base_version:
            raise EditConflict(locked)
        kind = UpdateKind.CONTRIBUTION if locked.follows_lead else UpdateKind.PROGRESS
        try:
            with transaction.atomic():
                update = ProgressUpdate.objects.create(
                    assignment=locked,
                    author=actor,
                    kind=kind,
                    status=data.status if kind == UpdateKind.PROGRESS else "",
                    percent_done=data.percent_done if kind == UpdateKind.PROGRESS else None,
                    completed_on=data.completed_on if kind == UpdateKind.PROGRESS else None,
                    results=data.results,
                    difficulties=data.difficulties,
                    proposals=data.proposals,
                    submission_token=token,
                    based_on_version=base_version,
                )
        except IntegrityError:
            # The same token arrived twice at once; the other request created the update.
            return ProgressUpdate.all_objects.get(submission_token=token)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(update=update, indicator_id=indicator_id, value=value)
            for indicator_id, value in data.indicator_values.items()
            if value is not None
        )
        Evidence.objects.filter(
            assignment=locked,
            submission_token=staging_token,
            uploaded_by=actor,
            update__isnull=True,
        ).update(update=update)
        record_concerns(update)
        if kind == UpdateKind.PROGRESS:
            refresh_state(locked)
        else:
            locked.version += 1
            locked.save(update_fields=["version", "updated_at"])
    return update


def is_retry(
    update: ProgressUpdate, *, assignment: Assignment, actor: User, data: ProgressInput
) -> bool:
    """Whether ``data`` is the same submission as ``update`` sent again (not new content)."""
    if update.assignment_id != assignment.pk or update.author_id != getattr(actor, "pk", None):
        return False
    same_text = (update.results, update.difficulties, update.proposals) == (
        data.results,
        data.difficulties,
        data.proposals,
    )
    if update.kind == UpdateKind.CONTRIBUTION:
        return same_text
    percent = 100 if data.status == AssignmentStatus.DONE else data.percent_done
    return same_text and (update.status, update.percent_done, update.completed_on) == (
        data.status,
        percent,
        data.completed_on,
    )


def find_retry(
    assignment: Assignment, *, token: uuid.UUID, actor: User, data: ProgressInput
) -> ProgressUpdate | None:
    existing = ProgressUpdate.all_objects.filter(submission_token=token).first()
    if existing and is_retry(existing, assignment=assignment, actor=actor, data=data):
        return existing
    return None


def refresh_state(assignment: Assignment) -> None:
    """Set status, percent and dates from the latest update that was not returned, then pass
    them on to the coordinating units that follow this assignment. ``assignment`` is locked."""
    latest = (
        assignment.updates.counting()
        .filter(kind=UpdateKind.PROGRESS)
        .order_by("-created_at", "-id")
        .first()
    )
    status: str
    if latest is None:
        status, percent, completed = AssignmentStatus.NOT_STARTED, 0, None
    else:
        status, percent, completed = latest.status, latest.percent_done or 0, latest.completed_on
        if status == AssignmentStatus.DONE:
            percent = 100
        else:
            completed = None
    _set_state(assignment, status, percent, completed)
    for follower in Assignment.objects.select_for_update().filter(lead_assignment=assignment):
        _set_state(follower, status, percent, completed)


def _set_state(
    assignment: Assignment, status: str, percent: int, completed: datetime.date | None
) -> None:
    assignment.status = status
    assignment.percent_done = percent
    assignment.completed_on = completed
    if status == AssignmentStatus.NOT_STARTED:
        assignment.started_on = None
    elif assignment.started_on is None:
        assignment.started_on = timezone.localdate()
    assignment.version += 1
    assignment.save()


def accept_update(update: ProgressUpdate, *, actor: User, note: str = "") -> ProgressUpdate:
    """The monitoring office takes the update as reported."""
    return _review(update, actor=actor, state=ReviewState.ACCEPTED, note=note)


def return_update(update: ProgressUpdate, *, actor: User, reason: str) -> ProgressUpdate:
    """Send the update back (trả lại): it no longer counts, and the unit sees why."""
    return _review(update, actor=actor, state=ReviewState.RETURNED, note=reason)


def remove_update(update: ProgressUpdate, *, actor: User) -> None:
    """Take an update back (removed, never deleted): it stops counting, and the assignment's
    status follows the updates that still count."""
    with acting_as(actor), transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=update.assignment_id)
        locked = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
        locked.delete()
        if locked.kind == UpdateKind.PROGRESS:
            refresh_state(assignment)


def _review(update: ProgressUpdate, *, actor: User, state: str, note: str) -> ProgressUpdate:
    with acting_as(actor), transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=update.assignment_id)
        locked = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
        if locked.review_state != ReviewState.PENDING:
            raise ReviewError(_("Cập nhật này đã được xem xét trước đó."))
        locked.review_state = state
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.review_note = note
        locked.save()
        if state == ReviewState.RETURNED:
            if locked.kind == UpdateKind.PROGRESS:
                refresh_state(assignment)
            signals.update_returned.send(sender=ProgressUpdate, instance=locked, actor=actor)
    return locked


def pending_returns(assignments: list[Assignment]) -> dict[int, ProgressUpdate]:
    """For each assignment, its latest update if that one was returned (the unit must redo it)."""
    latest: dict[int, ProgressUpdate] = {}
    updates = (
        ProgressUpdate.objects.filter(assignment__in=[a.pk for a in assignments])
        .select_related("reviewed_by")
        .order_by("assignment_id", "-created_at", "-id")
    )
    for update in updates:
        latest.setdefault(update.assignment_id, update)
    return {pk: update for pk, update in latest.items() if update.is_returned}
