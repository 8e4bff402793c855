"""Who may use the report pages.

Verifying a PDF reveals nothing that is not in the file itself (who signed it, whether it was
changed), so every signed-in member of an organisation may do it: a hamlet head who receives a
report on Zalo can check it as well as the clerk.

Reports themselves are the commune's documents to the province: the monitoring office drafts
them, leaders approve them, the clerk sends them, and all of them (everyone who sees the whole
organisation) may read them. Units do not see reports (403). A report of another organisation
does not exist for the person asking (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from reports.models import AdHocRequest, Report
from units.access import Capability, Person, has_capability, require, sees_whole_organisation
from units.models import User


def require_verifier(user: Person) -> None:
    """403 unless ``user`` is signed in and belongs to an organisation."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "organisation_id", None):
        raise PermissionDenied


def require_reader(user: Person) -> None:
    """403 unless ``user`` may read the organisation's reports."""
    if not sees_whole_organisation(user):
        raise PermissionDenied


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
    from django.db.models import Q

    from reports.choices import EDITABLE_STATES, ReportState

    wanted = Q(pk__in=[])
    if has_capability(user, Capability.APPROVE_REPORTS):
        wanted |= Q(state=ReportState.SUBMITTED)
    if has_capability(user, Capability.DRAFT_REPORTS):
        wanted |= Q(state__in=EDITABLE_STATES)
    if has_capability(user, Capability.RECORD_DISPATCH):
        wanted |= Q(state=ReportState.APPROVED, dispatched_at__isnull=True)
    if not isinstance(user, User) or user.organisation_id is None:
        return []
    if not sees_whole_organisation(user):
        return []
    return list(
        Report.objects.filter(wanted, organisation_id=user.organisation_id)
        .select_related("directive")
        .order_by("due_date", "pk")[:10]
    )
