"""Counts shown in the navigation bar: work waiting for the person who is signed in (the
reports waiting for approval come from ``reports.context_processors``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from directives import access
from directives.choices import ExtensionState, ReviewState
from units import access as policy


def follows_several_directives(user: object) -> bool:
    from directives.models import Directive

    with_tasks = Directive.objects.filter(
        organisation_id=user.organisation_id, sections__tasks__isnull=False
    )
    return with_tasks.values("pk").distinct()[:2].count() > 1


def waiting_work(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not user.organisation_id:
        return {}
    counts: dict[str, object] = {
        "sees_all": policy.sees_whole_organisation(user),
        # Read only by pages that list tasks of several directives (``task_ref``).
        "many_directives": SimpleLazyObject(lambda: follows_several_directives(user)),
    }
    if policy.has_capability(user, policy.Capability.REVIEW_UPDATES):
        counts["pending_reviews"] = (
            access.visible_updates(user).filter(review_state=ReviewState.PENDING).count()
        )
    if policy.can_decide_extensions(user):
        counts["pending_extensions"] = (
            access.visible_extensions(user).filter(state=ExtensionState.PENDING).count()
        )
    return counts
