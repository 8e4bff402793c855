"""How fast the reminder planner finds what is due among 100,000 assignments, whether that query
uses its index, and how long a due reminder takes to reach the mail server.

The figures come from a throwaway database (a SQLite file under var/bench/, or a fresh
PostgreSQL database on the server of DATABASE_URL, dropped afterwards), filled with one commune
of 200 units, 500 tasks and one assignment per task and unit (100,000), with due dates spread
from two months ago to ten months ahead, a tenth done and a tenth ongoing with a monthly report.

Latency is measured end to end with the real processes: Redis (a private redis-server), a
Celery worker and beat with the production pass interval (60 s), and an SMTP sink. The
reminder window is set to open at the next whole minute T; every reminder of the day becomes
due at T, and the figure is how long after T the sink received each e-mail.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = int(os.environ.get("BENCH_ASSIGNMENTS", "100000"))
UNITS = 200
PASS_SECONDS = int(os.environ.get("BENCH_PASS_SECONDS", "60"))


# --- In the parent process -----------------------------------------------------------------------
def _database(workdir: Path) -> tuple[str, callable]:
    sys.path.insert(0, str(ROOT))
    from tests.notifications.integration import make_database

    return make_database(workdir)


def _child(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_reminders", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench child {args} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run() -> dict[str, object]:
    from tests.notifications.integration import PrivateRedis, Sink, Stack, wait_for

    workdir = ROOT / "var" / "bench" / "reminders"
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*"):
        if old.is_file():
            old.unlink()
    (workdir / "var").mkdir(exist_ok=True)
    database_url, drop = _database(workdir)
    redis = PrivateRedis(workdir).start()
    sink = Sink().start()
    stack = Stack(workdir, database_url, redis.url, sink.port)
    env = stack.env | {
        "NOTIFICATIONS_PASS_SECONDS": str(PASS_SECONDS),
        "NOTIFICATIONS_SENDING_LEASE": "300",
        "NOTIFICATIONS_REQUEUE_AFTER": "120",
        "BENCH_ASSIGNMENTS": str(ASSIGNMENTS),
    }
    try:
        # Build and plan with today's window at 23:58, so that today's reminders all wait for
        # it; then open the window at the next whole minute T instead (the worker and beat run
        # with that setting) and move today's schedules to T.
        late = env | {"REMINDER_WINDOW_START": "23:58", "REMINDER_WINDOW_END": "23:59"}
        figures = _child(late, "build")
        figures |= _child(late, "prepare")
        window_open = _next_minute(margin=15)
        env["REMINDER_WINDOW_START"] = window_open.strftime("%H:%M")
        figures |= _child(late, "retime", window_open.isoformat())
        _start(stack, env)
        deadline = (window_open - datetime.datetime.now(window_open.tzinfo)).total_seconds()
        wait_for(
            lambda: sink.messages and _child(env, "settled", window_open.isoformat())["settled"],
            deadline + PASS_SECONDS * 3 + 120,
            "every e-mail due at the window to be sent",
            interval=3,
        )
        outcome = _child(env, "settled", window_open.isoformat())
        figures["emails_due_at_window_open"] = outcome["emails"]
        delays = sorted(m["received"] - window_open.timestamp() for m in sink.messages)
        figures |= {
            "emails_received": len(sink.messages),
            "emails_received_exactly_once": len(sink.messages) == outcome["emails"]
            and len({m["message_id"] for m in sink.messages}) == len(sink.messages),
            "due_to_smtp_first_s": round(delays[0], 1),
            "due_to_smtp_median_s": round(delays[len(delays) // 2], 1),
            "due_to_smtp_max_s": round(delays[-1], 1),
            "pass_interval_s": PASS_SECONDS,
        }
        figures |= _child(late, "measure")
    finally:
        for process in getattr(stack, "processes", []):
            if process.poll() is None:
                process.terminate()
        for process in getattr(stack, "processes", []):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        sink.stop()
        redis.stop()
        drop()
    figures["variant"] = "postgresql" if database_url.startswith("postgres") else "sqlite"
    return figures


def _next_minute(margin: int) -> datetime.datetime:
    tz = datetime.timezone(datetime.timedelta(hours=7))
    now = datetime.datetime.now(tz)
    start = (now + datetime.timedelta(seconds=margin)).replace(second=0, microsecond=0)
    return start + datetime.timedelta(minutes=1)


def _start(stack, env: dict[str, str]) -> None:
    celery = str(Path(sys.executable).with_name("celery"))
    for name, args in (
        (
            "worker",
            [
                celery,
                "-A",
                "sonmai",
                "worker",
                "--concurrency=2",
                "-Q",
                stack.queue,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
        ),
        (
            "beat",
            [
                celery,
                "-A",
                "sonmai",
                "beat",
                "--pidfile=",
                "-s",
                str(stack.workdir / "beat-schedule"),
                "--loglevel=WARNING",
            ],
        ),
    ):
        log = open(stack.workdir / f"{name}.log", "ab")  # noqa: SIM115
        stack.processes.append(
            subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )


# --- In the child process ------------------------------------------------------------------------
def _timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return value, round(time.perf_counter() - started, 3)


def build() -> dict[str, object]:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from directives.choices import AssignmentStatus, Cadence, DocumentType
    from directives.models import Assignment, Directive, Section, Task
    from units.choices import OrganisationLevel, Role, UnitKind
    from units.models import Organisation, Unit, User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    today = timezone.localdate()
    tasks_count = ASSIGNMENTS // UNITS
    with transaction.atomic():
        commune = Organisation.objects.create(
            name="Ủy ban nhân dân xã Đo Tải", level=OrganisationLevel.COMMUNE, hosts_portal=True
        )
        units = Unit.objects.bulk_create(
            Unit(organisation=commune, name=f"Thôn {n}", kind=UnitKind.HAMLET, position=n)
            for n in range(UNITS)
        )
        User.objects.bulk_create(
            [
                User(
                    username=f"truongthon{n}",
                    full_name=f"Trưởng thôn {n}",
                    email=f"truongthon{n}@example.test",
                    organisation=commune,
                    unit=unit,
                    role=Role.HAMLET_HEAD,
                )
                for n, unit in enumerate(units)
            ]
            + [
                User(
                    username="vhxh",
                    full_name="Công chức theo dõi",
                    email="vhxh@example.test",
                    organisation=commune,
                    role=Role.MONITORING_OFFICER,
                ),
                User(
                    username="chutich",
                    full_name="Chủ tịch",
                    email="chutich@example.test",
                    organisation=commune,
                    role=Role.CHAIRMAN,
                ),
            ]
        )
        directive = Directive.objects.create(
            organisation=commune,
            issuing_body=commune,
            document_type=DocumentType.DISPATCH,
            number="1",
            symbol="UBND-VP",
            subject="Đo tải",
        )
        section = Section.objects.create(directive=directive, number=1, title="Nhiệm vụ")
        tasks = Task.objects.bulk_create(
            Task(section=section, number=n, short_title=f"Nhiệm vụ {n}", text="Đo tải.")
            for n in range(1, tasks_count + 1)
        )
        assignments = []
        for t, task in enumerate(tasks):
            for u, unit in enumerate(units):
                n = t * UNITS + u
                due = today + datetime.timedelta(days=(n * 7919) % 360 - 60)
                done = n % 10 == 0
                ongoing = n % 10 == 1
                assignments.append(
                    Assignment(
                        task=task,
                        unit=unit,
                        assigned_on=today - datetime.timedelta(days=90),
                        due_date=None if ongoing else due,
                        cadence=Cadence.MONTHLY if ongoing else "",
                        status=AssignmentStatus.DONE if done else AssignmentStatus.IN_PROGRESS,
                        completed_on=due if done else None,
                        percent_done=100 if done else (n * 13) % 100,
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        # As if entered weeks ago, with a few changed yesterday (the newest change seen).
        Assignment.objects.update(updated_at=timezone.now() - datetime.timedelta(days=30))
        Assignment.objects.filter(pk__in=[a.pk for a in assignments[::10000]]).update(
            updated_at=timezone.now() - datetime.timedelta(days=1)
        )
    return {
        "assignments": Assignment.objects.count(),
        "build_s": round(time.perf_counter() - started, 1),
    }


def prepare() -> dict[str, object]:
    """Steady state just before the window opens: schedules made, past reminders sent."""
    from django.utils import timezone

    from directives.calendar import WorkCalendar
    from directives.choices import WorkdayExceptionKind
    from directives.models import WorkdayException
    from notifications import planning
    from notifications.choices import DeliveryStatus
    from notifications.models import Delivery

    today = timezone.localdate()
    for day in (today, today + datetime.timedelta(days=1)):
        WorkdayException.objects.update_or_create(
            date=day, defaults={"kind": WorkdayExceptionKind.WORKING_DAY, "description": "Đo"}
        )
    WorkCalendar.forget()
    now = timezone.now()
    _value, sync_s = _timed(planning.sync_schedules, now)
    (_looked, created), first_plan_s = _timed(planning.plan_due_reminders, now)
    _count, first_notify_s = _timed(planning.notify_planned_reminders, now)
    planning.plan_office_digests(now)
    # What the portal sent before today is not what we measure.
    Delivery.objects.exclude(status=DeliveryStatus.SENT).update(
        status=DeliveryStatus.SENT, sent_at=now
    )
    return {
        "first_sync_s": sync_s,
        "first_plan_s": first_plan_s,
        "first_plan_reminders": created,
        "first_notify_s": first_notify_s,
    }


def retime(window_open: str) -> dict[str, object]:
    """Move the schedules waiting for today's (late) window to the window opening at T."""
    from django.utils import timezone

    from directives.calendar import WorkCalendar
    from notifications.models import ReminderSchedule

    late_window = WorkCalendar.current().window_start(timezone.localdate())
    moved = ReminderSchedule.objects.filter(next_reminder_at=late_window).update(
        next_reminder_at=datetime.datetime.fromisoformat(window_open)
    )
    return {"schedules_due_at_window_open": moved}


def settled(window_open: str) -> dict[str, object]:
    """Whether everything due at the window has been planned, notified and sent."""
    from notifications.choices import DeliveryChannel, DeliveryStatus
    from notifications.models import Delivery, Reminder, ReminderSchedule

    moment = datetime.datetime.fromisoformat(window_open)
    emails = Delivery.objects.filter(channel=DeliveryChannel.EMAIL, created_at__gte=moment)
    done = (
        not ReminderSchedule.objects.filter(next_reminder_at__lte=moment).exists()
        and not Reminder.objects.filter(notified_at__isnull=True).exists()
        and emails.exists()
        and not emails.exclude(status=DeliveryStatus.SENT).exists()
    )
    return {"settled": done, "emails": emails.count()}


def measure() -> dict[str, object]:
    """Timings of the pieces of a pass at a given moment, and the plan of the due query."""
    from django.db import connection
    from django.utils import timezone

    from directives.calendar import WorkCalendar
    from directives.models import Assignment
    from notifications import planning
    from notifications.models import ReminderSchedule

    calendar = WorkCalendar.current()
    tomorrow = calendar.add_working_days(timezone.localdate(), 1)
    moment = calendar.window_start(tomorrow) + datetime.timedelta(minutes=1)
    query = ReminderSchedule.objects.filter(next_reminder_at__lte=moment).order_by(
        "next_reminder_at"
    )
    ids, find_s = _timed(planning.due_schedules, moment)
    due_count, count_s = _timed(query.count)
    quiet = timezone.now()
    _ids, find_quiet_s = _timed(planning.due_schedules, quiet)
    # A normal minute: a hundred assignments changed since the last pass.
    changed = list(Assignment.objects.values_list("pk", flat=True)[:100])
    Assignment.objects.filter(pk__in=changed).update(updated_at=quiet)
    marked, sync_s = _timed(planning.sync_schedules, quiet)
    _marked, full_sync_s = _timed(lambda: planning.sync_schedules(quiet, full=True))
    plan_text = query.values_list("assignment_id", flat=True)[:1000].explain()
    (_looked, created), plan_s = _timed(planning.plan_due_reminders, moment)
    notified, notify_s = _timed(planning.notify_planned_reminders, moment)
    return {
        "find_due_next_morning_s": find_s,
        "found_due_next_morning_first_batch": len(ids),
        "due_next_morning": due_count,
        "count_due_next_morning_s": count_s,
        "find_due_quiet_minute_s": find_quiet_s,
        "sync_schedules_quiet_minute_s": sync_s,
        "sync_schedules_quiet_minute_marked": marked,
        "sync_schedules_full_hourly_s": full_sync_s,
        "plan_next_morning_s": plan_s,
        "reminders_next_morning": created,
        "notify_next_morning_s": notify_s,
        "notifications_next_morning": notified,
        "index_used": "reminder_schedule_next" in plan_text,
        "plan": plan_text,
        "vendor": connection.vendor,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonmai.settings")
    import django

    django.setup()
    steps = {
        "build": build,
        "prepare": prepare,
        "retime": retime,
        "measure": measure,
        "settled": settled,
    }
    print(json.dumps(steps[sys.argv[1]](*sys.argv[2:])))


if __name__ == "__main__":
    main()
