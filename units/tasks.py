"""Celery tasks of the units app, which also holds the portal-wide jobs: thin wrappers."""

from celery import shared_task
from django.utils import timezone

from sonmai.backup import schedule


@shared_task(name="units.tasks.run_scheduled_backup", ignore_result=True)
def run_scheduled_backup() -> None:
    schedule.run_scheduled_backup(timezone.now())
