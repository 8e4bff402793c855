"""Celery tasks of the reports app: thin wrappers taking ids."""

from celery import shared_task
from django.utils import timezone

from reports import services


@shared_task(acks_late=True)
def generate_report_pdf(report_id: int) -> str:
    return services.generate_report_pdf(report_id)


@shared_task
def resume_report_generation() -> list[int]:
    return services.resume_generation(timezone.now())
