"""What people are told when the office or a leader acts on their work.

Each function composes one Vietnamese notice and hands it to ``notifications.services.notify``,
which records it under the bell and, on commit, sends it through the channels each person chose.
Called from inside the services' transactions, so a rolled-back action tells nobody.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from directives.models import (
    Assignment,
    Concern,
    ExplanationRequest,
    ExtensionRequest,
    ProgressUpdate,
    Urging,
)
from notifications.choices import NotificationKind
from notifications.recipients import unit_recipients
from notifications.services import notify
from sonmai.lib.i18n import in_portal_language
from sonmai.lib.vndate import short_date
from units.access import can_decide_extensions
from units.models import User


def _task_url(assignment: Assignment) -> str:
    return reverse("directives:assignment_detail", args=[assignment.pk])


def _unit_people(assignment: Assignment, *also: object) -> list[object]:
    people = list(unit_recipients([assignment.unit_id]).get(assignment.unit_id, []))
    for person in also:
        if person is not None and person not in people:
            people.append(person)
    return people


def _label(assignment: Assignment) -> str:
    return f"{assignment.task.citation} – {assignment.task.short_title}"


@in_portal_language
def update_returned(update: ProgressUpdate, *, actor: object) -> None:
    assignment = update.assignment
    notify(
        _unit_people(assignment, update.author),
        kind=NotificationKind.UPDATE_RETURNED,
        title=_("Cập nhật bị trả lại: %(task)s") % {"task": _label(assignment)},
        body=_("Lý do: %(reason)s. Cập nhật này không được tính; vui lòng gửi lại.")
        % {"reason": update.review_note.rstrip(".")},
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def extension_requested(extension: ExtensionRequest, *, actor: object) -> None:
    assignment = extension.assignment
    deciders = [
        user
        for user in User.objects.filter(
            organisation_id=assignment.unit.organisation_id, is_active=True
        ).select_related("organisation")
        if can_decide_extensions(user)
    ]
    notify(
        deciders,
        kind=NotificationKind.EXTENSION_REQUESTED,
        title=_("%(unit)s đề nghị gia hạn: %(task)s")
        % {"unit": assignment.unit, "task": _label(assignment)},
        body=_("Từ %(old)s đến %(new)s. Lý do: %(reason)s")
        % {
            "old": short_date(extension.current_due_date),
            "new": short_date(extension.proposed_due_date),
            "reason": extension.reason,
        },
        url=reverse("directives:extension_decide", args=[extension.pk]),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def extension_decided(extension: ExtensionRequest, *, actor: object) -> None:
    assignment = extension.assignment
    if extension.approved_due_date:
        body = _("Đồng ý gia hạn đến %(date)s.") % {"date": short_date(extension.approved_due_date)}
    else:
        body = _("Không đồng ý gia hạn.")
    if extension.decision_note:
        body = f"{body} {extension.decision_note}"
    notify(
        _unit_people(assignment, extension.requested_by),
        kind=NotificationKind.EXTENSION_DECIDED,
        title=_("Kết quả đề nghị gia hạn: %(task)s") % {"task": _label(assignment)},
        body=body,
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def urged(urging: Urging, *, actor: object) -> None:
    assignment = urging.assignment
    notify(
        _unit_people(assignment),
        kind=NotificationKind.URGE,
        title=_("Đôn đốc: %(task)s") % {"task": _label(assignment)},
        body=urging.message,
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def explanation_requested(explanation: ExplanationRequest, *, actor: object) -> None:
    assignment = explanation.assignment
    notify(
        _unit_people(assignment),
        kind=NotificationKind.EXPLANATION_REQUESTED,
        title=_("Yêu cầu giải trình: %(task)s") % {"task": _label(assignment)},
        body=_("%(question)s Hạn gửi giải trình: %(date)s.")
        % {"question": explanation.question, "date": short_date(explanation.answer_due)},
        url=reverse("directives:explanation_detail", args=[explanation.pk]),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def explanation_answered(explanation: ExplanationRequest, *, actor: object) -> None:
    assignment = explanation.assignment
    notify(
        [explanation.requested_by],
        kind=NotificationKind.EXPLANATION_ANSWERED,
        title=_("%(unit)s đã giải trình: %(task)s")
        % {"unit": assignment.unit, "task": _label(assignment)},
        body=explanation.answer,
        url=reverse("directives:explanation_detail", args=[explanation.pk]),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def concern_answered(concern: Concern, *, actor: object) -> None:
    assignment = concern.assignment
    author = concern.update.author if concern.update_id else None
    notify(
        _unit_people(assignment, author),
        kind=NotificationKind.CONCERN_ANSWERED,
        title=_("Trả lời %(kind)s: %(task)s")
        % {"kind": concern.get_kind_display().lower(), "task": _label(assignment)},
        body=concern.answer,
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )
