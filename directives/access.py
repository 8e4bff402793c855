"""Scoped access to directives, assignments, updates, evidence and extension requests.

Every view fetches through these functions. What a person may not see is a 404 (its existence
is not revealed); what they may see but not change is a 403. Role capabilities come from the
single table in ``units.access``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from directives.models import (
    Assignment,
    AssignmentImport,
    Concern,
    Directive,
    DirectiveImport,
    Evidence,
    ExplanationRequest,
    ExtensionRequest,
    ProgressUpdate,
)
from directives.models.assignment import AssignmentQuerySet
from directives.services.evidence import can_remove_evidence
from units import access as policy
from units.access import Person
from units.models import User


def visible_directives(user: Person) -> QuerySet[Directive]:
    """Directives of the user's organisation. Unit members see those that give their unit work
    and the reference documents (those without tasks, such as the basis of a dispatch)."""
    if not isinstance(user, User) or not user.organisation_id:
        return Directive.objects.none()
    directives = Directive.objects.filter(organisation_id=user.organisation_id)
    if policy.sees_whole_organisation(user):
        return directives
    if policy.works_in_unit(user) and user.unit_id is not None:
        assigned = Directive.objects.filter(
            sections__tasks__assignments__unit_id=user.unit_id,
            sections__tasks__assignments__removed_at__isnull=True,
        )
        with_tasks = Directive.objects.filter(sections__tasks__isnull=False)
        return directives.filter(
            Q(id__in=assigned.values("id")) | ~Q(id__in=with_tasks.values("id"))
        )
    return Directive.objects.none()


def get_directive_for(user: Person, pk: int) -> Directive:
    directive = (
        visible_directives(user)
        .select_related("issuing_body", "monitoring_unit")
        .filter(pk=pk)
        .first()
    )
    if directive is None:
        raise Http404
    return directive


def visible_assignments(user: Person) -> AssignmentQuerySet:
    """Assignments the user may see: all of the organisation's, or their unit's own plus the
    lead assignments their unit coordinates with."""
    if not isinstance(user, User) or not user.organisation_id:
        return Assignment.objects.none()
    assignments = Assignment.objects.filter(unit__organisation_id=user.organisation_id)
    if policy.sees_whole_organisation(user):
        return assignments
    if policy.works_in_unit(user) and user.unit_id is not None:
        supported = Assignment.objects.filter(unit_id=user.unit_id).values("lead_assignment_id")
        return assignments.filter(Q(unit_id=user.unit_id) | Q(id__in=supported))
    return Assignment.objects.none()


def get_assignment_for(user: Person, pk: int, *, write: bool = False) -> Assignment:
    """The assignment ``pk`` if ``user`` may see it (else 404); with ``write``, 403 unless they
    may also report on it."""
    assignment = (
        visible_assignments(user)
        .select_related("task__section__directive__issuing_body", "unit", "lead_assignment__unit")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if write and not policy.can_change_unit_work(user, assignment.unit_id):
        raise PermissionDenied
    return assignment


def visible_updates(user: Person) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(assignment__in=visible_assignments(user))


def get_update_for(user: Person, pk: int, *, review: bool = False) -> ProgressUpdate:
    update = (
        visible_updates(user)
        .select_related(
            "assignment__unit", "assignment__task__section__directive__issuing_body", "author"
        )
        .filter(pk=pk)
        .first()
    )
    if update is None:
        raise Http404
    if review:
        policy.require(user, policy.Capability.REVIEW_UPDATES)
    return update


def get_evidence_for(user: Person, pk: int, *, write: bool = False) -> Evidence:
    """Evidence of an assignment the user may see; staged files only to their uploader."""
    evidence = (
        Evidence.objects.filter(assignment__in=visible_assignments(user), pk=pk)
        .select_related("update", "assignment")
        .first()
    )
    if evidence is None or (
        evidence.update_id is None and evidence.uploaded_by_id != getattr(user, "pk", None)
    ):
        raise Http404
    if write and not (isinstance(user, User) and can_remove_evidence(evidence, user)):
        raise PermissionDenied
    return evidence


def visible_extensions(user: Person) -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(assignment__in=visible_assignments(user))


def get_extension_for(user: Person, pk: int, *, decide: bool = False) -> ExtensionRequest:
    extension = (
        visible_extensions(user)
        .select_related("assignment__unit", "assignment__task__section", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if extension is None:
        raise Http404
    if decide and not policy.can_decide_extensions(user):
        raise PermissionDenied
    return extension


def can_request_extension(user: Person, assignment: Assignment) -> bool:
    return policy.has_capability(
        user, policy.Capability.REQUEST_EXTENSION
    ) and policy.can_change_unit_work(user, assignment.unit_id)


def get_concern_for(user: Person, pk: int, *, act: bool = False) -> Concern:
    concern = (
        Concern.objects.filter(assignment__in=visible_assignments(user), pk=pk)
        .select_related("assignment__unit", "assignment__task__section", "update__author")
        .first()
    )
    if concern is None:
        raise Http404
    if act:
        policy.require(user, policy.Capability.REVIEW_UPDATES)
    return concern


def get_explanation_for(user: Person, pk: int, *, answer: bool = False) -> ExplanationRequest:
    explanation = (
        ExplanationRequest.objects.filter(assignment__in=visible_assignments(user), pk=pk)
        .select_related("assignment__unit", "assignment__task__section", "requested_by")
        .first()
    )
    if explanation is None:
        raise Http404
    if answer and not policy.can_change_unit_work(user, explanation.assignment.unit_id):
        raise PermissionDenied
    return explanation


def get_import_for(user: Person, pk: int) -> AssignmentImport:
    job = (
        AssignmentImport.objects.filter(directive__in=visible_directives(user), pk=pk)
        .select_related("directive__issuing_body", "uploaded_by")
        .first()
    )
    if job is None:
        raise Http404
    policy.require(user, policy.Capability.MANAGE_DIRECTIVES)
    return job


def require_registering(user: Person) -> None:
    """The clerk and the monitoring office register and edit directives (403 for others)."""
    policy.require(user, policy.Capability.MANAGE_DIRECTIVES)


def get_directive_for_editing(user: Person, pk: int) -> Directive:
    directive = get_directive_for(user, pk)
    require_registering(user)
    return directive


def get_document_import_for(user: Person, pk: int) -> DirectiveImport:
    """A document brought in for registration: the organisation's people who see everything
    may know it exists (else 404); only those who register may open it (else 403)."""
    if not isinstance(user, User) or user.organisation_id is None:
        raise Http404
    if not policy.sees_whole_organisation(user):
        raise Http404
    job = (
        DirectiveImport.objects.filter(organisation_id=user.organisation_id, pk=pk)
        .select_related("uploaded_by", "directive")
        .first()
    )
    if job is None:
        raise Http404
    require_registering(user)
    return job
