from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import access
from directives.choices import Bucket
from directives.figures import Figures
from directives.forms import ReviewForm
from directives.history_display import describe, foreign_names, object_label
from directives.models import (
    Assignment,
    Evidence,
    HistoryEntry,
    IndicatorValue,
    ProgressUpdate,
    Task,
)
from directives.services.progress import pending_returns
from directives.services.summaries import bucket_counts_by_directive, summarise_buckets
from units import access as policy


@login_required
def directive_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    directives = list(access.visible_directives(request.user).select_related("issuing_body"))
    counts = bucket_counts_by_directive(access.visible_assignments(request.user), today)
    rows = [(directive, counts.get(directive.pk)) for directive in directives]
    return render(
        request,
        "directives/directive_list.html",
        {
            "rows": rows,
            "today": today,
            "can_register": policy.has_capability(
                request.user, policy.Capability.MANAGE_DIRECTIVES
            ),
        },
    )


@login_required
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    directive = access.get_directive_for(request.user, pk)
    assignments = (
        access.visible_assignments(request.user)
        .select_related("unit")
        .with_bucket(today)
        .order_by("role", "unit__position", "unit__name")
    )
    sections = directive.sections.prefetch_related(
        Prefetch(
            "tasks",
            queryset=Task.objects.order_by("number").prefetch_related(
                Prefetch("assignments", queryset=assignments, to_attr="visible_assignments")
            ),
        )
    )
    sections = list(sections)
    for section in sections:
        for task in section.tasks.all():
            task.bucket_summary = summarise_buckets(task.visible_assignments)
    return render(
        request,
        "directives/directive_detail.html",
        {
            "directive": directive,
            "sections": sections,
            "basis_chain": directive.basis_chain(),
            "can_manage": policy.has_capability(request.user, policy.Capability.MANAGE_DIRECTIVES),
            "implementations": access.visible_directives(request.user)
            .filter(basis=directive)
            .select_related("issuing_body"),
            "today": today,
        },
    )


@dataclass
class AssignmentGroup:
    title: str
    key: str
    assignments: list[Assignment] = field(default_factory=list)


def group_by_urgency(assignments: list[Assignment], today: datetime.date) -> list[AssignmentGroup]:
    """Overdue, due soon (``directives.calendar``: working days), in progress, ongoing, done:
    the order a unit works in."""
    groups = {
        "overdue": AssignmentGroup(_("Quá hạn"), "overdue"),
        "due_soon": AssignmentGroup(_("Sắp đến hạn"), "due_soon"),
        "in_progress": AssignmentGroup(_("Đang thực hiện, còn hạn"), "in_progress"),
        "ongoing": AssignmentGroup(_("Thường xuyên"), "ongoing"),
        "done": AssignmentGroup(_("Đã hoàn thành"), "done"),
    }
    for assignment in assignments:
        assignment.behind_schedule = assignment.is_behind_schedule(today)
        bucket = assignment.current_bucket
        if bucket == Bucket.OVERDUE:
            key = "overdue"
        elif bucket in (Bucket.DONE_ON_TIME, Bucket.DONE_LATE):
            key = "done"
        elif bucket == Bucket.ONGOING:
            key = "ongoing"
        elif assignment.is_due_soon(today):
            key = "due_soon"
        else:
            key = "in_progress"
        groups[key].assignments.append(assignment)
    for group in groups.values():
        group.assignments.sort(key=lambda a: (a.due_date or datetime.date.max, a.task_id))
    return [group for group in groups.values() if group.assignments]


@login_required
def my_assignments(request: HttpRequest) -> HttpResponse:
    """The work of the user's own unit, most urgent first."""
    today = timezone.localdate()
    groups = []
    if request.user.unit_id:
        assignments = list(
            access.visible_assignments(request.user)
            .filter(unit_id=request.user.unit_id)
            .select_related(
                "task__section__directive__issuing_body", "unit", "lead_assignment__unit"
            )
            .with_bucket(today)
        )
        groups = group_by_urgency(assignments, today)
        returned = pending_returns(assignments)
        for assignment in assignments:
            assignment.returned_update = returned.get(assignment.pk)
    else:
        returned = {}
    return render(
        request,
        "directives/my_assignments.html",
        {"groups": groups, "today": today, "returned_count": len(returned)},
    )


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    assignment = access.get_assignment_for(user, pk)
    assignment.current_bucket = assignment.bucket(today)
    partners = list(
        access.visible_assignments(user)
        .filter(task_id=assignment.task_id)
        .exclude(pk=assignment.pk)
        .select_related("unit")
        .with_bucket(today)
    )
    # The lead's page also shows what its coordinating units contributed.
    followers = [a.pk for a in partners if a.lead_assignment_id == assignment.pk]
    updates = list(
        ProgressUpdate.objects.filter(assignment_id__in=[assignment.pk, *followers])
        .select_related("author", "reviewed_by", "assignment__unit")
        .prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.select_related("indicator")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
        )
        .order_by("-created_at", "-id")
    )
    history = list(
        HistoryEntry.objects.filter(assignment=assignment)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")[:200]
    )
    names = foreign_names(history)
    for entry in history:
        entry.lines = describe(entry, names)
        entry.object_label = object_label(entry)
    extensions = list(
        assignment.extension_requests.select_related("requested_by", "decided_by").order_by(
            "-created_at"
        )
    )
    latest_own = next((u for u in updates if u.assignment_id == assignment.pk), None)
    explanations = list(
        assignment.explanation_requests.select_related("requested_by", "answered_by").order_by(
            "-created_at"
        )
    )
    urgings = list(assignment.urgings.select_related("sent_by").order_by("-created_at")[:20])
    concerns = list(assignment.concerns.select_related("answered_by").order_by("-created_at"))
    can_write = policy.can_change_unit_work(user, assignment.unit_id)
    return render(
        request,
        "directives/assignment_detail.html",
        {
            "assignment": assignment,
            "task": assignment.task,
            "directive": assignment.task.section.directive,
            "partners": partners,
            "updates": updates,
            # The figures this task's units entered with the updates that count.
            "indicator_totals": Figures(
                Assignment.objects.filter(pk__in=[assignment.pk, *followers]), today
            ).indicator_totals(),
            "history": history,
            "extensions": extensions,
            "pending_extension": next((e for e in extensions if e.is_pending), None),
            "deadline_changes": list(
                assignment.deadline_changes.select_related("changed_by").order_by("-created_at")
            ),
            "returned": latest_own if latest_own and latest_own.is_returned else None,
            "today": today,
            "behind_schedule": assignment.is_behind_schedule(today),
            "can_write": can_write,
            "can_request_extension": access.can_request_extension(user, assignment)
            and assignment.due_date is not None
            and not assignment.is_done,
            "can_review": policy.has_capability(user, policy.Capability.REVIEW_UPDATES),
            "review_form": ReviewForm(),
            "explanations": explanations,
            "open_explanation": next((e for e in explanations if not e.is_answered), None),
            "urgings": urgings,
            "concerns": concerns,
            "can_urge": policy.has_capability(user, policy.Capability.URGE_UNITS),
        },
    )
