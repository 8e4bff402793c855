"""Celery tasks of the directives app: thin wrappers taking ids."""

from celery import shared_task

from directives import imports


@shared_task(acks_late=True)
def check_assignment_import(job_id: int) -> None:
    imports.run_check(job_id)


@shared_task(acks_late=True)
def apply_assignment_import(job_id: int) -> None:
    imports.run_apply(job_id)
