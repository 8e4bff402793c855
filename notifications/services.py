"""State changes of the notifications app: notify people, read, choose channels, set policy."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from directives.calendar import WorkCalendar
from notifications.channels import available_channels, get_channel
from notifications.choices import DeliveryChannel, DeliveryStatus, NotificationKind
from notifications.delivery import enqueue_on_commit, first_attempt_at, new_message_id
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderPolicy,
    ReminderSchedule,
    default_channels,
)

if TYPE_CHECKING:
    from directives.models import Assignment
    from units.models import User


def notify(
    recipients: Iterable[User],
    *,
    kind: NotificationKind | str,
    title: str,
    body: str,
    url: str,
    actor: User | None = None,
    assignment: Assignment | None = None,
) -> list[Notification]:
    """Tell each of ``recipients`` something, through the channels each of them chose.

    Creates one in-app ``Notification`` per distinct active recipient (shown under the bell
    unless the person turned the portal channel off) and, for every other channel the person
    chose (e-mail …), a ``Delivery`` row in the same transaction. When the transaction commits
    the deliveries are handed to the Celery workers; the database rows are the record, so they
    are sent exactly once even if the broker is down (the periodic pass picks them up), a
    worker dies (the claim's lease expires) or the SMTP server refuses for hours (retried with
    backoff). Reminder kinds wait for working hours; the other kinds go out at once.

    ``kind`` is a ``NotificationKind``; ``title`` and ``body`` are Vietnamese text for the
    person; ``url`` is a path inside the portal ("/nhiem-vu/12/"), made absolute with
    ``settings.SITE_URL`` in e-mails; ``actor`` is who caused it (None for the system);
    ``assignment`` ties it to one unit's task (shown on that task's reminder history).

    Returns the notifications created, in the order of ``recipients``.
    """
    kind = NotificationKind(kind)
    return deliver(
        recipients,
        kind=kind,
        title=title,
        body=body,
        url=url,
        actor=actor,
        assignment=assignment,
    )


def channels_for(users: Sequence[User]) -> dict[int, list[str]]:
    """{user id: channels they chose}; people without a preference row get the defaults."""
    chosen = dict(
        NotificationPreference.objects.filter(user__in=[user.pk for user in users]).values_list(
            "user_id", "channels"
        )
    )
    known = {str(channel.name) for channel in available_channels()}
    return {
        user.pk: [name for name in chosen.get(user.pk, default_channels()) if name in known]
        for user in users
    }


def deliver(
    recipients: Iterable[User],
    *,
    kind: NotificationKind,
    title: str,
    body: str = "",
    url: str = "",
    payload: dict[str, object] | None = None,
    actor: User | None = None,
    assignment: Assignment | None = None,
    reminders: Sequence[Reminder] = (),
    dedup_key: str = "",
    calendar: WorkCalendar | None = None,
    now: datetime.datetime | None = None,
    choices: dict[int, list[str]] | None = None,
) -> list[Notification]:
    """Create notifications and their deliveries (the engine behind ``notify`` and the
    reminder planner). Must not be given a ``dedup_key`` that already exists for a recipient
    (the unique constraint raises IntegrityError)."""
    now = now or timezone.now()
    calendar = calendar or WorkCalendar.current()
    people: list[User] = []
    seen: set[int] = set()
    for person in recipients:
        if person.pk not in seen and person.is_active:
            seen.add(person.pk)
            people.append(person)
    if not people:
        return []
    if choices is None or any(person.pk not in choices for person in people):
        choices = channels_for(people)
    notifications: list[Notification] = []
    deliveries: list[Delivery] = []
    queued_at = first_attempt_at(kind, now, calendar)
    with transaction.atomic():
        for person in people:
            channels = choices[person.pk]
            notification = Notification.objects.create(
                recipient=person,
                kind=kind,
                title=title[:255],
                body=body,
                url=url,
                payload=payload or {},
                actor=actor,
                assignment=assignment,
                in_app=DeliveryChannel.IN_APP in channels,
                dedup_key=dedup_key,
            )
            notifications.append(notification)
            for name in channels:
                channel = get_channel(name)
                delivery = Delivery(
                    notification=notification,
                    channel=name,
                    message_id=new_message_id() if name == DeliveryChannel.EMAIL else "",
                )
                if channel.immediate:
                    delivery.status = DeliveryStatus.SENT
                    delivery.sent_at = now
                elif channel.address_for(person) is None:
                    delivery.status = DeliveryStatus.FAILED
                    delivery.last_error = channel.unreachable_reason(person)
                else:
                    delivery.next_attempt_at = queued_at
                    if queued_at <= now:
                        delivery.enqueued_at = now  # handed to the broker on commit, below
                deliveries.append(delivery)
        if reminders:
            links = Notification.reminders.through
            links.objects.bulk_create(
                links(notification_id=notification.pk, reminder_id=reminder.pk)
                for notification in notifications
                for reminder in reminders
            )
        created = Delivery.objects.bulk_create(deliveries)
        enqueue_on_commit([delivery.pk for delivery in created if delivery.enqueued_at])
    return notifications


# --- Reading -------------------------------------------------------------------------------------
def mark_read(notification: Notification, *, actor: User) -> None:
    """Mark one of ``actor``'s own notifications read (idempotent)."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("Only the recipient marks a notification read.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def set_channels(user: User, channels: Iterable[str], *, actor: User) -> None:
    """Record the channels ``user`` chose (only people themselves change their choice)."""
    if user.pk != actor.pk:
        raise PermissionError("People choose their own channels.")
    known = [str(channel.name) for channel in available_channels()]
    chosen = [name for name in known if name in set(channels)]
    NotificationPreference.objects.update_or_create(user=user, defaults={"channels": chosen})


# --- Policy --------------------------------------------------------------------------------------
def _schedules_in_scope(policy: ReminderPolicy) -> QuerySet[ReminderSchedule]:
    schedules = ReminderSchedule.objects.filter(
        assignment__unit__organisation_id=policy.organisation_id
    )
    if policy.task_id:
        return schedules.filter(assignment__task_id=policy.task_id)
    if policy.directive_id:
        return schedules.filter(assignment__task__section__directive_id=policy.directive_id)
    return schedules


def save_policy(policy: ReminderPolicy, *, actor: User) -> ReminderPolicy:
    """Save a policy and have the planner look again at every assignment it governs."""
    with transaction.atomic():
        policy.updated_by = actor
        policy.full_clean()
        policy.save()
        _schedules_in_scope(policy).update(next_reminder_at=timezone.now())
    return policy


def delete_policy(policy: ReminderPolicy, *, actor: User) -> None:
    """Remove an override: its directive or task follows the broader policy again."""
    if policy.scope == "default":
        raise ValueError("The organisation's default policy is edited, not deleted.")
    with transaction.atomic():
        _schedules_in_scope(policy).update(next_reminder_at=timezone.now())
        policy.delete()


def schedule_again(assignment_ids: Iterable[int]) -> int:
    """Have the next pass look at these assignments again (their deadline or status changed).

    Saving an assignment through the ORM is noticed by itself (its ``updated_at`` moves); call
    this after a ``QuerySet.update`` that does not touch ``updated_at``.
    """
    return ReminderSchedule.objects.filter(assignment_id__in=list(assignment_ids)).update(
        next_reminder_at=timezone.now()
    )


def replan_everything() -> int:
    """After the working calendar changed, every open assignment's dates move: look again."""
    from directives.choices import AssignmentStatus

    return ReminderSchedule.objects.exclude(assignment__status=AssignmentStatus.DONE).update(
        next_reminder_at=timezone.now()
    )


def retry_delivery(delivery: Delivery, *, actor: User) -> bool:
    """Send a failed delivery again now (the monitoring office, after fixing an address)."""
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=timezone.now(),
            enqueued_at=timezone.now(),
            last_error="",
        )
        if updated:
            enqueue_on_commit([delivery.pk])
    return bool(updated)
