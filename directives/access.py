"""Scoped access to directives and assignments; every view fetches through these functions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from directives.models import Assignment, Directive
from units import access as policy


def visible_directives(user: object) -> QuerySet[Directive]:
    """Directives of the user's organisation. Unit members see those that give their unit work
    and the reference documents (those without tasks, such as the basis of a dispatch)."""
    if not getattr(user, "organisation_id", None):
        return Directive.objects.none()
    directives = Directive.objects.filter(organisation_id=user.organisation_id)
    if policy.sees_whole_organisation(user):
        return directives
    if policy.works_in_unit(user):
        assigned = Directive.objects.filter(sections__tasks__assignments__unit_id=user.unit_id)
        with_tasks = Directive.objects.filter(sections__tasks__isnull=False)
        return directives.filter(
            Q(id__in=assigned.values("id")) | ~Q(id__in=with_tasks.values("id"))
        )
    return Directive.objects.none()


def get_directive_for(user: object, pk: int) -> Directive:
    directive = (
        visible_directives(user).select_related("issuing_body", "monitoring_unit").filter(pk=pk)
    ).first()
    if directive is None:
        raise Http404
    return directive


def visible_assignments(user: object) -> QuerySet[Assignment]:
    """Assignments the user may see: all of the organisation's, or only their unit's."""
    if not getattr(user, "organisation_id", None):
        return Assignment.objects.none()
    assignments = Assignment.objects.filter(unit__organisation_id=user.organisation_id)
    if policy.sees_whole_organisation(user):
        return assignments
    if policy.works_in_unit(user):
        return assignments.filter(unit_id=user.unit_id)
    return Assignment.objects.none()


def get_assignment_for(user: object, pk: int, *, write: bool = False) -> Assignment:
    """The assignment ``pk`` if ``user`` may see it (else 404); with ``write``, 403 unless they
    may also report on it."""
    assignment = (
        visible_assignments(user)
        .select_related("task__section__directive__issuing_body", "unit")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if write and not policy.can_change_unit_work(user, assignment.unit_id):
        raise PermissionDenied
    return assignment
