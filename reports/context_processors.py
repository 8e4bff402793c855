"""The navigation bar's count of reports waiting for the signed-in leader's approval."""

from __future__ import annotations

from django.http import HttpRequest

from reports.choices import ReportState
from reports.models import Report
from units import access
from units.models import User


def waiting_reports(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or user.organisation_id is None:
        return {}
    if not access.has_capability(user, access.Capability.APPROVE_REPORTS):
        return {}
    return {
        "pending_reports": Report.objects.filter(
            organisation_id=user.organisation_id, state=ReportState.SUBMITTED
        ).count()
    }
