"""Searching tasks and updates, ignoring Vietnamese accents and case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from directives import access
from directives.forms import SearchForm
from sonmai.lib.vntext import fold
from units.models import Unit

RESULT_LIMIT = 50


@login_required
def search(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    directives = list(access.visible_directives(user).select_related("issuing_body"))
    assignments = access.visible_assignments(user)
    units = list(Unit.objects.filter(pk__in=assignments.values("unit_id")).order_by("position"))
    form = SearchForm(request.GET or None, directives=directives, units=units)
    found_assignments, found_updates, searched = [], [], False
    if form.is_valid() and any(form.cleaned_data.values()):
        searched = True
        data = form.cleaned_data
        needle = fold(data["q"] or "")
        matches = assignments.with_bucket(today)
        updates = access.visible_updates(user)
        if needle:
            matches = matches.filter(task__search_text__contains=needle)
            updates = updates.filter(search_text__contains=needle)
        if data["directive"]:
            matches = matches.filter(task__section__directive_id=data["directive"])
            updates = updates.filter(assignment__task__section__directive_id=data["directive"])
        if data["unit"]:
            matches = matches.filter(unit_id=data["unit"])
            updates = updates.filter(assignment__unit_id=data["unit"])
        if data["bucket"]:
            matches = matches.filter(current_bucket=data["bucket"])
            updates = updates.filter(
                assignment__in=assignments.with_bucket(today)
                .filter(current_bucket=data["bucket"])
                .values("id")
            )
        if data["review"]:
            # Review state belongs to updates: the list of tasks is not filtered by it.
            updates = updates.filter(review_state=data["review"])
            matches = matches.none()
        found_assignments = list(
            matches.select_related("task__section__directive__issuing_body", "unit").order_by(
                "task__section__directive_id",
                "task__section__number",
                "task__number",
                "unit__position",
            )[:RESULT_LIMIT]
        )
        found_updates = list(
            updates.select_related(
                "assignment__unit", "assignment__task__section__directive__issuing_body", "author"
            ).order_by("-created_at")[:RESULT_LIMIT]
        )
    return render(
        request,
        "directives/search.html",
        {
            "form": form,
            "assignments": found_assignments,
            "updates": found_updates,
            "searched": searched,
            "limit": RESULT_LIMIT,
            "today": today,
        },
    )
