"""Reports at each step of their life, built through the services, for the cast of the suite."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from directives.choices import Cadence
from directives.periods import period_containing
from reports import services
from reports.choices import GenerationState
from reports.models import Report


def current_key() -> str:
    """The monthly period whose data window holds today (so the cast's assignments count)."""
    return period_containing(timezone.localdate(), Cadence.MONTHLY).key


def previous_key() -> str:
    """The monthly period before the current one: its window has ended."""
    current = period_containing(timezone.localdate(), Cadence.MONTHLY)
    return period_containing(current.start - datetime.timedelta(days=1), Cadence.MONTHLY).key


def draft_report(cast, **kwargs) -> Report:
    return services.create_report(
        directive=cast.directive,
        actor=cast.officer,
        kind=kwargs.pop("kind", Cadence.MONTHLY),
        period_key=kwargs.pop("period_key", current_key()),
        **kwargs,
    )


def submitted_report(cast, **kwargs) -> Report:
    return services.submit_report(draft_report(cast, **kwargs), actor=cast.officer)


def approved_report(cast, *, signer=None, **kwargs) -> Report:
    """Approved, its PDF left pending (the on-commit job does not run inside a test)."""
    return services.approve_report(submitted_report(cast, **kwargs), actor=signer or cast.chairman)


def signed_report(cast) -> Report:
    """Approved, with a stand-in file where the worker's signed PDF would be (for the pages
    that need one; the real generation is tested in test_workflow)."""
    report = approved_report(cast)
    report.pdf.save("bao-cao-thu.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=False)
    report.generation_state = GenerationState.DONE
    report.page_count = 1
    report.save()
    return report


def failed_report(cast) -> Report:
    report = approved_report(cast)
    Report.objects.filter(pk=report.pk).update(
        generation_state=GenerationState.FAILED, generation_error="Lỗi thử"
    )
    return Report.objects.get(pk=report.pk)


def cached(cast, name: str, build) -> Report:
    """One report per cast and name: a matrix case builds its URL once, then every person
    requests it."""
    key = f"_report_{name}"
    if not hasattr(cast, key):
        setattr(cast, key, build(cast))
    return getattr(cast, key)
