"""Who may use the report pages. Every report view asks these functions and decides nothing
itself.

Verifying a PDF reveals nothing that is not in the file itself (who signed it, whether it was
changed), so every signed-in member of an organisation may do it: a hamlet head who receives a
report on Zalo can check it as well as the clerk.

Reports themselves are the commune's documents to the province: the monitoring office drafts
them, leaders approve them, the clerk sends them, and all of them (everyone who sees the whole
organisation) may read them. Units do not see reports (403). A report of another organisation
does not exist for the person asking (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from directives.models import Directive
from reports.choices import EDITABLE_STATES, ReportState
from reports.models import AdHocRequest, Report
from units.access import Capability, Person, has_capability, require, sees_whole_organisation
from units.models import User


@dataclass(frozen=True)
class ReportRights:
    """What one person may do on the report pages (the buttons they are shown)."""

    draft: bool
    approve: bool
    dispatch: bool

    @property
    def retry(self) -> bool:
        """Making the PDF again after a failure: whoever drafts or sends reports."""
        return self.draft or self.dispatch


def rights_of(user: Person) -> ReportRights:
    return ReportRights(
        draft=has_capability(user, Capability.DRAFT_REPORTS),
        approve=has_capability(user, Capability.APPROVE_REPORTS),
        dispatch=has_capability(user, Capability.RECORD_DISPATCH),
    )


def require_verifier(user: Person) -> None:
    """403 unless ``user`` is signed in and belongs to an organisation."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "organisation_id", None):
        raise PermissionDenied


def require_reader(user: Person) -> int:
    """403 unless ``user`` may read the organisation's reports; their organisation's id."""
    if not sees_whole_organisation(user) or not isinstance(user, User):
        raise PermissionDenied
    if user.organisation_id is None:
        raise PermissionDenied
    return user.organisation_id


def require_drafter(user: Person) -> None:
    """403 unless ``user`` may read reports and open, edit and schedule drafts."""
    require_reader(user)
    require(user, Capability.DRAFT_REPORTS)


def visible_reports(user: Person) -> QuerySet[Report]:
    """The reports of ``user``'s organisation, for a person who may read them (else 403)."""
    return Report.objects.filter(organisation_id=require_reader(user))


def reportable_directives(user: Person) -> QuerySet[Directive]:
    """The commune's own directives, the ones it reports on to the province, newest first."""
    organisation_id = require_reader(user)
    return (
        Directive.objects.filter(organisation_id=organisation_id, issuing_body_id=organisation_id)
        .select_related("issuing_body")
        .order_by("-issued_on", "-pk")
    )


def get_reportable_directive(user: Person, key: object) -> Directive | None:
    """The directive ``key`` (a pk as text, from a form or the query string) if it is one of
    ``reportable_directives``; ``None`` when no such choice was made or it is not one of them."""
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return reportable_directives(user).filter(pk=int(key)).first()
    return None


def visible_ad_hoc_requests(user: Person) -> QuerySet[AdHocRequest]:
    return AdHocRequest.objects.filter(organisation_id=require_reader(user))


def get_report_for(user: Person, pk: int, *, capability: Capability | None = None) -> Report:
    """The report ``pk`` of ``user``'s organisation: 404 outside it, 403 for a person who
    may not read reports or lacks ``capability``."""
    if not isinstance(user, User) or user.organisation_id is None:
        raise Http404
    report = (
        Report.objects.select_related(
            "organisation", "directive", "ad_hoc_request", "replaces", "approved_by", "created_by"
        )
        .filter(organisation_id=user.organisation_id)
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    require_reader(user)
    if capability is not None:
        require(user, capability)
    return report


def get_report_to_retry(user: Person, pk: int) -> Report:
    """The report whose PDF ``user`` asks to make again: 403 unless they draft or send."""
    report = get_report_for(user, pk)
    if not rights_of(user).retry:
        raise PermissionDenied
    return report


def get_ad_hoc_request_for(user: Person, pk: int) -> AdHocRequest:
    if not isinstance(user, User) or user.organisation_id is None:
        raise Http404
    request = AdHocRequest.objects.filter(organisation_id=user.organisation_id, pk=pk).first()
    if request is None:
        raise Http404
    require_reader(user)
    return request


def can(user: Person, capability: Capability) -> bool:
    return has_capability(user, capability)


def reports_waiting_for(user: Person) -> list[Report]:
    """The reports waiting for ``user``'s step: approval for leaders, drafts and returned ones
    for the monitoring office, sending for the clerk (shown on the home page)."""
    if not isinstance(user, User) or user.organisation_id is None:
        return []
    if not sees_whole_organisation(user):
        return []
    rights = rights_of(user)
    wanted = Q(pk__in=[])
    if rights.approve:
        wanted |= Q(state=ReportState.SUBMITTED)
    if rights.draft:
        wanted |= Q(state__in=EDITABLE_STATES)
    if rights.dispatch:
        wanted |= Q(state=ReportState.APPROVED, dispatched_at__isnull=True)
    return list(
        Report.objects.filter(wanted, organisation_id=user.organisation_id)
        .select_related("directive")
        .order_by("due_date", "pk")[:10]
    )
