"""What a pass would do now, computed without writing anything (``send_reminders --dry-run``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from directives.calendar import WorkCalendar
from directives.models import Assignment
from notifications.choices import NotificationKind
from notifications.delivery import due_delivery_ids
from notifications.models import Delivery, Reminder, ReminderSchedule
from notifications.planning import current_occurrences, office_digests_due
from notifications.recipients import escalation_recipients, unit_recipients
from notifications.services import channels_for
from sonmai.lib.vndate import short_date, short_datetime


@dataclass
class DueReminder:
    summary: str
    recipients: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Preview:
    reminders: list[DueReminder] = field(default_factory=list)
    digests: list[DueReminder] = field(default_factory=list)
    deliveries: list[str] = field(default_factory=list)


def _to_look_at(now: datetime.datetime) -> list[int]:
    """Assignments a pass would look at: due schedules, and new or changed assignments."""
    due = set(
        ReminderSchedule.objects.filter(next_reminder_at__lte=now).values_list(
            "assignment_id", flat=True
        )
    )
    stale = Assignment.objects.filter(
        Q(reminder_schedule__isnull=True)
        | ~Q(
            updated_at=Subquery(
                ReminderSchedule.objects.filter(assignment_id=OuterRef("pk")).values(
                    "source_updated_at"
                )[:1]
            )
        )
    ).values_list("pk", flat=True)
    return sorted(due | set(stale))


def _people(users: list) -> list[tuple[str, list[str]]]:
    channels = channels_for(users)
    return [(f"{user} <{user.email or '—'}>", channels[user.pk]) for user in users]


def preview(now: datetime.datetime) -> Preview:
    calendar = WorkCalendar.current()
    result = Preview()
    ids = _to_look_at(now)
    current, _upcoming = current_occurrences(ids, now, calendar)
    keys = {(pk, occ.kind, occ.key) for pk, occs in current.items() for occ in occs}
    existing = set(
        Reminder.objects.filter(assignment_id__in=[key[0] for key in keys]).values_list(
            "assignment_id", "kind", "occurrence_key"
        )
    )
    new = sorted(keys - existing)
    assignments = (
        Assignment.objects.in_bulk([key[0] for key in new], field_name="pk") if new else {}
    )
    heads = unit_recipients({a.unit_id for a in assignments.values()})
    occurrences = {(pk, occ.kind, occ.key): occ for pk, occs in current.items() for occ in occs}
    for key in new:
        assignment = assignments[key[0]]
        occurrence = occurrences[key]
        label = NotificationKind(occurrence.kind).label
        summary = (
            f"{label}: {assignment.task.short_title} – {assignment.unit} "
            f"(mốc {short_date(occurrence.reference_date)}, đến lượt "
            f"{short_datetime(occurrence.due_at)})"
        )
        people = (
            escalation_recipients(assignment.unit.organisation_id)
            if occurrence.kind == NotificationKind.ESCALATION
            else heads.get(assignment.unit_id, [])
        )
        result.reminders.append(DueReminder(summary, _people(people)))
    for organisation, officers in office_digests_due(now, calendar):
        result.digests.append(DueReminder(f"Tổng hợp tuần của {organisation}", _people(officers)))
    for delivery in Delivery.objects.filter(pk__in=due_delivery_ids(now)).select_related(
        "notification__recipient"
    ):
        recipient = delivery.notification.recipient
        result.deliveries.append(
            f"{delivery.get_channel_display()} → {recipient} <{recipient.email or '—'}>: "
            f"{delivery.notification.title} (lần thử {delivery.attempts + 1})"
        )
    return result
