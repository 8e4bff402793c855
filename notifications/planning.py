"""The periodic pass: find what is due, record it once, notify the right people.

``run_pass(now)`` is the plain, idempotent function behind the beat task (and
``manage.py send_reminders``); tests call it with time frozen. Each step can be interrupted at
any point and run again, by this process or a concurrent one, without sending anything twice:

1. ``sync_schedules``: every assignment has a ``ReminderSchedule``; one whose assignment
   changed since (new deadline, done) is marked due for a fresh look.
2. ``plan_due_reminders``: schedules whose ``next_reminder_at`` has come (one indexed range
   query) get their current occurrences inserted as ``Reminder`` rows (the unique constraint
   drops any that exist) and their next time computed.
3. ``notify_planned_reminders``: reminders not yet notified are grouped (one message per unit,
   one per organisation for escalations) and turned into notifications and deliveries in the
   same transaction that stamps them ``notified_at``.
4. ``plan_office_digests``: on the first working day of each week, one summary per monitoring
   officer (unique per person and week).
5. the deliveries that are due are handed to the workers (or sent here, by the command).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from directives.calendar import WorkCalendar
from directives.models import Assignment
from notifications import digests
from notifications.choices import NotificationKind
from notifications.models import Notification, Reminder, ReminderSchedule
from notifications.policy import AssignmentFacts, Occurrence, PolicyBook, plan
from notifications.recipients import escalation_recipients, office_recipients, unit_recipients
from notifications.services import channels_for, deliver
from units.models import Organisation

logger = logging.getLogger(__name__)
K = NotificationKind
BATCH = 1000
#: How far before the newest change already seen the quick sync looks again.
SYNC_MARGIN = datetime.timedelta(minutes=10)
#: Above this many recent changes the quick sync gives way to the full one.
QUICK_SYNC_LIMIT = 2000
#: A guard against a planning loop that would not end (each batch moves its schedules ahead).
MAX_BATCHES = 1000
FACT_FIELDS = (
    "pk",
    "unit__organisation_id",
    "task__section__directive_id",
    "task_id",
    "status",
    "assigned_on",
    "due_date",
    "cadence",
    "report_day",
)


@dataclass
class PassResult:
    schedules_marked: int = 0
    schedules_planned: int = 0
    reminders_created: int = 0
    notifications_created: int = 0
    digests_created: int = 0
    deliveries: dict[str, int] = field(default_factory=dict)


def _facts(row: tuple) -> AssignmentFacts:
    return AssignmentFacts(*row)


def sync_schedules(now: datetime.datetime, *, full: bool = False) -> int:
    """Give every new assignment a schedule, and mark changed assignments for a fresh look.

    The quick form (every pass) reads only assignments whose ``updated_at`` is newer than the
    newest change already seen, less SYNC_MARGIN for late commits and clocks that disagree.
    The full form compares every assignment with its schedule: the first time, hourly, and from
    ``manage.py send_reminders``.
    """
    watermark = ReminderSchedule.objects.aggregate(Max("source_updated_at"))[
        "source_updated_at__max"
    ]
    if full or watermark is None:
        return _sync_all(now)
    recent = Assignment.objects.filter(updated_at__gt=watermark - SYNC_MARGIN)
    rows = dict(recent.values_list("pk", "updated_at")[: QUICK_SYNC_LIMIT + 1])
    if len(rows) > QUICK_SYNC_LIMIT:
        return _sync_all(now)  # a bulk change: one join is cheaper than a long IN list
    if not rows:
        return 0
    known = dict(
        ReminderSchedule.objects.filter(assignment_id__in=rows).values_list(
            "assignment_id", "source_updated_at"
        )
    )
    ReminderSchedule.objects.bulk_create(
        [
            ReminderSchedule(assignment_id=pk, next_reminder_at=now, source_updated_at=updated)
            for pk, updated in rows.items()
            if pk not in known
        ],
        ignore_conflicts=True,
    )
    changed = defaultdict(list)
    for pk, updated in rows.items():
        if pk in known and known[pk] != updated:
            changed[updated].append(pk)
    _mark_changed(changed, now)
    return len(rows) - len(known) + sum(len(pks) for pks in changed.values())


def schedule_assignments(assignment_ids: list[int], now: datetime.datetime) -> None:
    """Give new assignments their schedule now, in the caller's transaction, so a directive
    registered a moment ago has its reminders planned by the very next pass."""
    rows = Assignment.objects.filter(pk__in=assignment_ids).values_list("pk", "updated_at")
    ReminderSchedule.objects.bulk_create(
        [
            ReminderSchedule(assignment_id=pk, next_reminder_at=now, source_updated_at=updated)
            for pk, updated in rows
        ],
        ignore_conflicts=True,
    )


def first_reminders(
    assignment_ids: list[int], now: datetime.datetime, calendar: WorkCalendar | None = None
) -> dict[int, datetime.datetime | None]:
    """When each assignment is first reminded: now if something is due already, else the
    policy's next time (None: nothing to remind, such as finished work)."""
    calendar = calendar or WorkCalendar.current()
    current, upcoming = current_occurrences(assignment_ids, now, calendar)
    return {pk: now if current.get(pk) else upcoming.get(pk) for pk in current}


def _sync_all(now: datetime.datetime) -> int:
    missing = Assignment.objects.filter(reminder_schedule__isnull=True).values_list(
        "pk", "updated_at"
    )
    created = ReminderSchedule.objects.bulk_create(
        [
            ReminderSchedule(assignment_id=pk, next_reminder_at=now, source_updated_at=updated)
            for pk, updated in missing.iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    # One join (not a subquery per row) finds what changed; the updates go by timestamp.
    changed = defaultdict(list)
    for pk, updated in (
        ReminderSchedule.objects.exclude(source_updated_at=F("assignment__updated_at"))
        .values_list("assignment_id", "assignment__updated_at")
        .iterator(chunk_size=2000)
    ):
        changed[updated].append(pk)
    _mark_changed(changed, now)
    return len(created) + sum(len(pks) for pks in changed.values())


def _mark_changed(changed: dict[datetime.datetime, list[int]], now: datetime.datetime) -> None:
    for updated, pks in changed.items():
        for start in range(0, len(pks), 2000):
            ReminderSchedule.objects.filter(pk__in=pks[start : start + 2000]).update(
                next_reminder_at=now, source_updated_at=updated
            )


def due_schedules(now: datetime.datetime, limit: int = BATCH) -> list[int]:
    """Assignments whose schedule says "look now" (range scan on reminder_schedule_next)."""
    return list(
        ReminderSchedule.objects.filter(next_reminder_at__lte=now)
        .order_by("next_reminder_at")
        .values_list("assignment_id", flat=True)[:limit]
    )


def current_occurrences(
    assignment_ids: list[int], now: datetime.datetime, calendar: WorkCalendar
) -> tuple[dict[int, list[Occurrence]], dict[int, datetime.datetime | None]]:
    """For each assignment: what the policy asks for now, and when it next asks."""
    rows = list(Assignment.objects.filter(pk__in=assignment_ids).values_list(*FACT_FIELDS))
    facts = [_facts(row) for row in rows]
    book = PolicyBook.load(fact.organisation_id for fact in facts)
    current: dict[int, list[Occurrence]] = {}
    upcoming: dict[int, datetime.datetime | None] = {}
    for fact in facts:
        current[fact.pk], upcoming[fact.pk] = plan(fact, book.for_facts(fact), calendar, now)
    return current, upcoming


def plan_due_reminders(
    now: datetime.datetime, calendar: WorkCalendar | None = None
) -> tuple[int, int]:
    """Record the reminders due at ``now``; returns (schedules looked at, reminders created)."""
    calendar = calendar or WorkCalendar.current()
    looked = created = 0
    for _batch in range(MAX_BATCHES):
        ids = due_schedules(now)
        if not ids:
            return looked, created
        current, upcoming = current_occurrences(ids, now, calendar)
        with transaction.atomic():
            before = Reminder.objects.filter(assignment_id__in=ids).aggregate(Max("id"))
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        assignment_id=pk,
                        kind=occurrence.kind,
                        occurrence_key=occurrence.key,
                        reference_date=occurrence.reference_date,
                        working_days=occurrence.working_days,
                        due_at=occurrence.due_at,
                    )
                    for pk, occurrences in current.items()
                    for occurrence in occurrences
                ],
                ignore_conflicts=True,
            )
            created += Reminder.objects.filter(
                assignment_id__in=ids, id__gt=before["id__max"] or 0
            ).count()
            # Next times fall on a few working-hours starts: one UPDATE per distinct time is
            # much cheaper than a CASE over a thousand rows (bulk_update).
            by_time: dict[datetime.datetime | None, list[int]] = defaultdict(list)
            for pk in ids:
                by_time[upcoming.get(pk)].append(pk)
            for moment, pks in by_time.items():
                ReminderSchedule.objects.filter(pk__in=pks).update(next_reminder_at=moment)
        looked += len(ids)
        if len(ids) < BATCH:
            break
    return looked, created


def _unnotified(limit: int) -> list[Reminder]:
    query = (
        Reminder.objects.filter(notified_at__isnull=True)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("created_at", "pk")
    )
    return list(query[:limit])


def notify_planned_reminders(now: datetime.datetime, calendar: WorkCalendar | None = None) -> int:
    """Turn reminders not yet notified into messages; returns the notifications created."""
    calendar = calendar or WorkCalendar.current()
    today = timezone.localtime(now).date()
    count = 0
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            reminders = _unnotified(BATCH)
            if not reminders:
                return count
            count += _notify(reminders, today, calendar, now)
            Reminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).update(
                notified_at=now
            )
        if len(reminders) < BATCH:
            break
    return count


def _notify(
    reminders: list[Reminder],
    today: datetime.date,
    calendar: WorkCalendar,
    now: datetime.datetime,
) -> int:
    assignments = {
        assignment.pk: assignment
        for assignment in Assignment.objects.filter(
            pk__in={reminder.assignment_id for reminder in reminders}
        ).select_related("task__section__directive__issuing_body", "unit")
    }
    by_unit: dict[int, list[tuple[Assignment, Reminder]]] = defaultdict(list)
    by_organisation: dict[int, list[tuple[Assignment, Reminder]]] = defaultdict(list)
    skipped = []
    for reminder in reminders:
        assignment = assignments[reminder.assignment_id]
        if assignment.is_done:
            # Finished between planning and now: nobody needs reminding.
            skipped.append(reminder.pk)
        elif reminder.kind == K.ESCALATION:
            by_organisation[assignment.unit.organisation_id].append((assignment, reminder))
        else:
            by_unit[assignment.unit_id].append((assignment, reminder))
    if skipped:
        Reminder.objects.filter(pk__in=skipped).update(skipped=True)

    count = 0
    people = unit_recipients(by_unit)
    escalated = {pk: escalation_recipients(pk) for pk in by_organisation}
    everybody = [user for users in [*people.values(), *escalated.values()] for user in users]
    choices = channels_for(everybody)
    for unit_id, triggered in by_unit.items():
        unit = triggered[0][0].unit
        message = digests.unit_message(unit, triggered, today, calendar)
        count += len(
            deliver(
                people[unit_id],
                reminders=[reminder for _assignment, reminder in triggered],
                calendar=calendar,
                now=now,
                choices=choices,
                **message,
            )
        )
    for organisation_id, triggered in by_organisation.items():
        message = digests.escalation_message(triggered, today, calendar)
        count += len(
            deliver(
                escalated[organisation_id],
                kind=K.ESCALATION,
                reminders=[reminder for _assignment, reminder in triggered],
                calendar=calendar,
                now=now,
                choices=choices,
                **message,
            )
        )
    return count


def office_digest_key(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"digest_office:{year}-W{week:02d}"


def office_digests_due(
    now: datetime.datetime, calendar: WorkCalendar
) -> list[tuple[Organisation, list]]:
    """[(organisation, officers still without this week's summary)], from the start of working
    hours on the week's first working day (a week of holidays has none)."""
    today = timezone.localtime(now).date()
    monday = today - datetime.timedelta(days=today.weekday())
    first_day = calendar.working_day_on_or_after(monday)
    if first_day > today or now < calendar.window_start(first_day):
        return []
    key = office_digest_key(today)
    due = []
    for organisation in Organisation.objects.filter(hosts_portal=True):
        officers = office_recipients(organisation.pk)
        done = set(
            Notification.objects.filter(recipient__in=officers, dedup_key=key).values_list(
                "recipient_id", flat=True
            )
        )
        waiting = [officer for officer in officers if officer.pk not in done]
        if waiting:
            due.append((organisation, waiting))
    return due


def plan_office_digests(now: datetime.datetime, calendar: WorkCalendar | None = None) -> int:
    """Once a week, from the start of working hours on its first working day, each monitoring
    officer gets the summary of who has not reported. Returns the digests created."""
    calendar = calendar or WorkCalendar.current()
    today = timezone.localtime(now).date()
    key = office_digest_key(today)
    created = 0
    for organisation, waiting in office_digests_due(now, calendar):
        message = digests.office_digest(organisation.pk, today, calendar)
        for officer in waiting:
            try:
                with transaction.atomic():
                    created += len(
                        deliver(
                            [officer],
                            kind=K.DIGEST_OFFICE,
                            dedup_key=key,
                            calendar=calendar,
                            now=now,
                            **message,
                        )
                    )
            except IntegrityError:
                # A concurrent pass made this officer's digest first.
                logger.info("Weekly digest for %s already exists", officer.pk)
    return created


def run_pass(now: datetime.datetime | None = None) -> PassResult:
    """One full pass up to handing deliveries to the queue (the beat task's job)."""
    from notifications.delivery import dispatch_due_deliveries

    result = plan_pass(now)
    dispatched = dispatch_due_deliveries(now or timezone.now())
    result.deliveries = {"enqueued": len(dispatched)}
    return result


def plan_pass(now: datetime.datetime | None = None, *, full_sync: bool | None = None) -> PassResult:
    """Steps 1–4: everything except sending. The schedules are fully reconciled with the
    assignments on the hour (and when ``full_sync``), quickly in the other passes."""
    now = now or timezone.now()
    if full_sync is None:
        full_sync = timezone.localtime(now).minute == 0
    calendar = WorkCalendar.current()
    result = PassResult()
    result.schedules_marked = sync_schedules(now, full=full_sync)
    result.schedules_planned, result.reminders_created = plan_due_reminders(now, calendar)
    result.notifications_created = notify_planned_reminders(now, calendar)
    result.digests_created = plan_office_digests(now, calendar)
    return result
