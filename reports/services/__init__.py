"""Every change to a report, by job: ``periods`` (what is owed), ``workflow`` (draft to
dispatch), ``generation`` (the signed PDF in the worker) and ``documents`` (names and content of
the files), on ``base`` (errors, the event record, the row lock).

Callers use ``from reports import services`` and the names below.
"""

from reports.services.base import ReportConflict, ReportError
from reports.services.documents import current_snapshot, document_name, edxml_ids
from reports.services.generation import (
    LOST_GENERATION,
    STALE_GENERATION,
    generate_report_pdf,
    render_approved,
    resume_generation,
    retry_generation,
)
from reports.services.periods import DuePeriod, due_periods, schedules_of
from reports.services.workflow import (
    approve_report,
    create_report,
    discard_report,
    next_report_number,
    record_dispatch,
    return_report,
    save_narrative,
    start_correction,
    submission_mark,
    submit_report,
)

__all__ = [
    "LOST_GENERATION",
    "STALE_GENERATION",
    "DuePeriod",
    "ReportConflict",
    "ReportError",
    "approve_report",
    "create_report",
    "current_snapshot",
    "discard_report",
    "document_name",
    "due_periods",
    "edxml_ids",
    "generate_report_pdf",
    "next_report_number",
    "record_dispatch",
    "render_approved",
    "resume_generation",
    "retry_generation",
    "return_report",
    "save_narrative",
    "schedules_of",
    "start_correction",
    "submission_mark",
    "submit_report",
]
