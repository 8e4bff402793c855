"""What the pages and files of a report are named and built from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from reports import compilation
from reports.models import Report
from reports.services.base import ReportError
from reports.snapshot import ReportSnapshot
from sonmai.lib.i18n import portal_language

if TYPE_CHECKING:
    pass


def document_name(report: Report, extension: str) -> str:
    """ "bao-cao-05-2026.pdf", or "du-thao-bao-cao-12.docx" for a draft."""
    if report.number:
        return f"bao-cao-{report.number:02d}-{report.year}.{extension}"
    return f"du-thao-bao-cao-{report.pk}.{extension}"


def current_snapshot(report: Report) -> ReportSnapshot:
    """What the report says now: the frozen content once submitted, else compiled live."""
    if report.snapshot is not None:
        return ReportSnapshot.from_dict(report.snapshot)
    with portal_language():
        return compilation.compile_snapshot(report)


def edxml_ids(report: Report) -> tuple[str, str]:
    """(sender, receiver) organ ids for the edXML header, from the current configuration (set
    by the administrator, possibly after the report was approved)."""
    from reports import samples

    sender = report.organisation.edxml_organ_id or (
        samples.DEMO_SENDER_ORGAN_ID if settings.DEBUG else ""
    )
    receiver = settings.EDXML_RECEIVER_ORGAN_ID or (
        samples.DEMO_RECEIVER_ORGAN_ID if settings.DEBUG else ""
    )
    if not sender or not receiver:
        raise ReportError(
            _(
                "Chưa cấu hình mã định danh cơ quan gửi, nhận cho gói edXML; liên hệ quản trị "
                "hệ thống."
            )
        )
    return sender, receiver
