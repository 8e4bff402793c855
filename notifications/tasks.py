"""Thin Celery wrappers: each task takes ids (or nothing) and calls one plain function.

No task waits on a countdown or an ETA: what is due lives in the database, and the beat task
``run_notification_pass`` (every minute, see ``sonmai/celery.py``) finds it.
"""

from __future__ import annotations

from celery import shared_task

from notifications import delivery, planning


@shared_task(name="notifications.tasks.run_notification_pass", ignore_result=True)
def run_notification_pass() -> None:
    planning.run_pass()


@shared_task(name="notifications.tasks.send_delivery", ignore_result=True)
def send_delivery_task(delivery_id: int) -> None:
    delivery.send_delivery(delivery_id)
