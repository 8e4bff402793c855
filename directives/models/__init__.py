"""Directives, their tasks and each unit's assignment, with progress and history."""

from directives.models.assignment import BEHIND_SCHEDULE_TOLERANCE, Assignment, AssignmentQuerySet
from directives.models.calendar import WorkdayException
from directives.models.directive import Directive, Indicator, Section, Task
from directives.models.extension import DeadlineChange, ExtensionRequest
from directives.models.followup import AssignmentImport, Concern, ExplanationRequest, Urging
from directives.models.history import HistoryEntry
from directives.models.progress import Evidence, IndicatorValue, ProgressUpdate
from directives.models.registration import DirectiveImport

__all__ = [
    "BEHIND_SCHEDULE_TOLERANCE",
    "Assignment",
    "AssignmentImport",
    "AssignmentQuerySet",
    "Concern",
    "DeadlineChange",
    "Directive",
    "DirectiveImport",
    "Evidence",
    "ExplanationRequest",
    "ExtensionRequest",
    "HistoryEntry",
    "Indicator",
    "IndicatorValue",
    "ProgressUpdate",
    "Section",
    "Task",
    "Urging",
    "WorkdayException",
]
