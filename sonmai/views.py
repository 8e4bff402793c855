"""The project's own pages: the front page, which gathers every app's waiting work.

It lives here, at the top of the layers (README "Architecture"), because it reads from
directives and reports alike; no app imports another one above it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from directives import access as directive_access
from directives.choices import BUCKET_ORDER
from directives.services.documents import documents_waiting_for
from directives.services.summaries import bucket_counts_by_directive
from reports.access import reports_waiting_for
from units import access


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Take each role where its work is: units to their task list, others to the overview."""
    user = request.user
    if access.works_in_unit(user):
        return redirect("directives:my_assignments")
    today = timezone.localdate()
    directives = list(
        directive_access.visible_directives(user)
        .filter(sections__isnull=False)
        .distinct()
        .select_related("issuing_body")
    )
    counts = bucket_counts_by_directive(directive_access.visible_assignments(user), today)
    overview = []
    for directive in directives:
        directive_counts = counts.get(directive.pk, {})
        total = sum(directive_counts.values())
        overview.append(
            {
                "directive": directive,
                "counts": [(bucket, directive_counts.get(bucket, 0)) for bucket in BUCKET_ORDER],
                "total": total,
            }
        )
    can_manage = access.has_capability(user, access.Capability.MANAGE_DIRECTIVES)
    return render(
        request,
        "units/home.html",
        {
            "overview": overview,
            "today": today,
            "can_manage": can_manage,
            "waiting_reports": reports_waiting_for(user),
            "documents_waiting": documents_waiting_for(user) if can_manage else [],
        },
    )
