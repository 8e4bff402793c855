"""Directives, their tasks and each unit's assignment, with progress and history."""

from directives.models.assignment import BEHIND_SCHEDULE_TOLERANCE, Assignment, AssignmentQuerySet
from directives.models.directive import Directive, Section, Task

__all__ = [
    "BEHIND_SCHEDULE_TOLERANCE",
    "Assignment",
    "AssignmentQuerySet",
    "Directive",
    "Section",
    "Task",
]
