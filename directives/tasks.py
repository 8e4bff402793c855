"""Celery tasks of the directives app: thin wrappers taking ids."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from directives import imports
from directives.services import documents


@shared_task(
    acks_late=True,
    # The sheet is read by a child process with its own limits; these only catch a worker
    # stuck around it.
    soft_time_limit=settings.UPLOAD_CHILD_TIMEOUT + 30,
    time_limit=settings.UPLOAD_CHILD_TIMEOUT + 60,
)
def check_assignment_import(job_id: int) -> None:
    imports.run_check(job_id)


@shared_task(acks_late=True)
def apply_assignment_import(job_id: int) -> None:
    imports.run_apply(job_id)


@shared_task(
    acks_late=True,
    # The child process has its own limits; these only catch a worker stuck around it.
    soft_time_limit=settings.DIRECTIVE_IMPORT_TIMEOUT + 30,
    time_limit=settings.DIRECTIVE_IMPORT_TIMEOUT + 60,
)
def read_directive_document(job_id: int) -> str:
    return documents.read_document(job_id)


@shared_task
def resume_directive_documents() -> list[int]:
    return documents.resume_reading(timezone.now())
