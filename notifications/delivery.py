"""Sending deliveries exactly once, whatever dies, restarts or fails.

The life of a ``Delivery`` row:

1. created ``pending`` with ``next_attempt_at`` (now, or the next working-hours start for
   reminders), in the same transaction as its notification;
2. *claimed* by one conditional UPDATE (pending and due, or sending with a lease older than
   ``NOTIFICATIONS_SENDING_LEASE``) that sets ``sending``, a fresh ``claim_token`` and
   ``claimed_at``: of any number of workers, passes or redelivered Celery messages, exactly one
   gets rowcount 1;
3. handed to its channel; when the SMTP server accepted the message, marked ``sent`` by an
   UPDATE that still requires our claim token;
4. on failure, back to ``pending`` with ``next_attempt_at`` after an exponential, capped
   backoff (or ``failed`` for a permanent error or after ``NOTIFICATIONS_GIVE_UP_HOURS``).

A worker killed while sending leaves the row ``sending``; once its lease has expired the
periodic pass hands it to another worker. Celery messages only say "look at delivery N now":
losing one (Redis restarted) or getting two (two beats, acks_late redelivery) changes nothing.

The one window that is not exactly-once: a worker that dies after the SMTP server accepted the
message and before step 3 committed (a few milliseconds). The delivery is sent again after the
lease, with the same Message-ID, so mail systems and the recipient can recognise the copy. We
accept at-least-once for that instant rather than risk losing a reminder (at-most-once).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from directives.calendar import WorkCalendar
from notifications.channels import ChannelError, get_channel
from notifications.choices import WORKING_HOURS_KINDS, DeliveryStatus
from notifications.models import Delivery

logger = logging.getLogger(__name__)
S = DeliveryStatus


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE)


def requeue_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before attempt ``attempts + 1``: base, 2×base, 4×base … capped at RETRY_MAX."""
    base = settings.NOTIFICATIONS_RETRY_BASE
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX)
    return datetime.timedelta(seconds=seconds)


def new_message_id() -> str:
    """A Message-ID chosen when the delivery is created and kept across attempts."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def first_attempt_at(
    kind: str, now: datetime.datetime, calendar: WorkCalendar
) -> datetime.datetime:
    """Reminders wait for working hours; other notices go out at once."""
    return calendar.next_working_time(now) if kind in WORKING_HOURS_KINDS else now


def _due(now: datetime.datetime) -> Q:
    return Q(status=S.PENDING, next_attempt_at__lte=now) | Q(
        status=S.SENDING, claimed_at__lt=now - lease()
    )


def due_delivery_ids(now: datetime.datetime, limit: int = 500) -> list[int]:
    """Deliveries to attempt now: pending and due, or abandoned by a dead worker."""
    pending = Delivery.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
    abandoned = Delivery.objects.filter(status=S.SENDING, claimed_at__lt=now - lease())
    ids = list(pending.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    ids += list(abandoned.values_list("pk", flat=True)[: max(limit - len(ids), 0)])
    return ids


def claim(delivery_id: int, now: datetime.datetime) -> uuid.UUID | None:
    """Take delivery ``delivery_id`` for sending; None when it is not ours to send."""
    token = uuid.uuid4()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(_due(now))
        .update(status=S.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    )
    return token if claimed else None


def send_delivery(delivery_id: int) -> str:
    """Attempt one delivery if it is due and nobody else holds it. Returns what happened:
    "sent", "retry", "failed" or "skipped" (not due, already sent, or claimed elsewhere)."""
    token = claim(delivery_id, timezone.now())
    if token is None:
        return "skipped"
    delivery = Delivery.objects.select_related(
        "notification__recipient__organisation", "notification__assignment"
    ).get(pk=delivery_id)
    try:
        get_channel(delivery.channel).send(delivery)
    except ChannelError as error:
        return _record_failure(delivery, token, str(error), retryable=error.retryable)
    except Exception as error:  # an unexpected error must not lose the reminder: retry it
        logger.exception("Delivery %s raised an unexpected error", delivery_id)
        return _record_failure(delivery, token, f"{type(error).__name__}: {error}", True)
    _mark_sent(delivery_id, token)
    return "sent"


def _mark_sent(delivery_id: int, token: uuid.UUID) -> None:
    """Record that the channel accepted the message (only while our claim still holds)."""
    finished = Delivery.objects.filter(pk=delivery_id, claim_token=token).update(
        status=S.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    if not finished:
        logger.warning(
            "Delivery %s was sent after its lease expired; raise NOTIFICATIONS_SENDING_LEASE",
            delivery_id,
        )


def _record_failure(delivery: Delivery, token: uuid.UUID, error: str, retryable: bool) -> str:
    now = timezone.now()
    give_up_at = delivery.created_at + datetime.timedelta(
        hours=settings.NOTIFICATIONS_GIVE_UP_HOURS
    )
    if retryable and now < give_up_at:
        retry_at = now + backoff(delivery.attempts)
        if delivery.notification.kind in WORKING_HOURS_KINDS:
            retry_at = WorkCalendar.current().next_working_time(retry_at)
        changes = {"status": S.PENDING, "next_attempt_at": retry_at}
        outcome = "retry"
        logger.warning("Delivery %s failed, retrying at %s: %s", delivery.pk, retry_at, error)
    else:
        changes = {"status": S.FAILED, "next_attempt_at": None}
        outcome = "failed"
        logger.error("Delivery %s failed for good: %s", delivery.pk, error)
    Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        last_error=error[:2000], claimed_at=None, **changes
    )
    return outcome


def enqueue(delivery_ids: Iterable[int]) -> None:
    """Ask the workers to send these deliveries now. Best effort: when the broker is down the
    rows stay due in the database and the next periodic pass enqueues them again."""
    from notifications.tasks import send_delivery_task

    for delivery_id in delivery_ids:
        try:
            send_delivery_task.apply_async((delivery_id,), retry=False)
        except Exception as error:
            logger.warning(
                "Could not enqueue delivery %s (%s); the pass will retry", delivery_id, error
            )
            return


def enqueue_on_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(lambda: enqueue(delivery_ids))


def dispatch_due_deliveries(now: datetime.datetime, limit: int = 500) -> list[int]:
    """Enqueue the deliveries that are due and not enqueued recently (the periodic pass)."""
    ids = due_delivery_ids(now, limit)
    if not ids:
        return []
    recent = now - requeue_after()
    with transaction.atomic():
        fresh = list(
            Delivery.objects.filter(pk__in=ids)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=recent))
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=fresh).update(enqueued_at=now)
        enqueue_on_commit(fresh)
    return fresh


def send_due_deliveries(now: datetime.datetime, limit: int = 500) -> dict[str, int]:
    """Send every due delivery in this process (the management command, the tests)."""
    outcomes: dict[str, int] = {}
    for delivery_id in due_delivery_ids(now, limit):
        outcome = send_delivery(delivery_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
