"""What every report service shares: its errors, the event record and the row lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.models import Report, ReportEvent

if TYPE_CHECKING:
    from units.models import User


class ReportError(Exception):
    """A workflow step that is not possible now; the message is for the person."""


class ReportConflict(ReportError):
    """Someone else changed the report since the form was opened."""


def record_event(report: Report, kind: str, actor: User | None, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, kind=kind, actor=actor, note=note)


def lock_report(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("organisation").get(pk=report.pk)
