"""The Celery application. Periodic jobs are declared here, in code, next to the app."""

import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.schedules import crontab

from sonmai.lib.env import Env

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonmai.settings")
# The same variables the settings read (the environment, then a development .env).
_env = Env.for_project()

app = Celery("sonmai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _prepare_filesystem_broker(sender: Celery, **kwargs: Any) -> None:
    """Create the folders of the embedded file broker before anything connects to it."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


# Each entry wraps one idempotent job function; run exactly one beat process. The database, not
# the broker, records what is due, so a pass that is lost (broker down, beat restarted) or run
# twice (two beats) changes nothing: the next pass does the same work once. ``expires`` drops a
# pass that waited in the queue longer than its interval instead of running a backlog of them.
_pass_seconds = _env.int("NOTIFICATIONS_PASS_SECONDS", 60, minimum=1)
# Built whole and set once: reading app.conf here would configure the app at import, before
# anything else could hook its configuration.
beat_schedule = {
    "notifications-pass": {
        "task": "notifications.tasks.run_notification_pass",
        # On the minute when it runs every minute: working hours start on a whole minute, so
        # the reminders due at 07:30 are found at 07:30:00, not up to a minute later.
        "schedule": crontab() if _pass_seconds == 60 else float(_pass_seconds),
        "options": {"expires": max(_pass_seconds - 1, 1)},
    },
    # Approved reports whose PDF job was lost (broker down) or whose worker died.
    "reports-resume-generation": {
        "task": "reports.tasks.resume_report_generation",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # Directive documents whose reading job was lost or whose worker died.
    "directives-resume-documents": {
        "task": "directives.tasks.resume_directive_documents",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
}


# The daily backup at a quiet hour, commune time (CELERY_TIMEZONE), then the retention policy;
# BACKUP_SCHEDULE=off leaves backups to the operator. A pass that waited half a day in the
# queue is dropped: the next night's does the same work.
_backup_at = _env.str("BACKUP_SCHEDULE", "02:30")
if _backup_at.lower() != "off":
    _backup_time = _env.time("BACKUP_SCHEDULE", "02:30")
    beat_schedule["backup-daily"] = {
        "task": "units.tasks.run_scheduled_backup",
        "schedule": crontab(hour=_backup_time.hour, minute=_backup_time.minute),
        "options": {"expires": 12 * 3600},
    }
app.conf.beat_schedule = beat_schedule
