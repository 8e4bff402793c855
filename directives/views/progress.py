"""Sending progress updates, their evidence, and their review by the monitoring office."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives import access
from directives.choices import ReviewState
from directives.forms import ProgressUpdateForm, ReviewForm
from directives.models import ProgressUpdate
from directives.services.evidence import (
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_PER_UPDATE,
    remove_evidence,
    stage_evidence,
    staged_evidence,
)
from directives.services.progress import (
    EditConflict,
    ProgressInput,
    ReviewError,
    accept_update,
    find_retry,
    return_update,
    submit_progress,
)
from sonmai.lib import downloads
from sonmai.lib.files import RejectedFile
from sonmai.lib.http import safe_next
from sonmai.lib.uploads import upload_limit
from units import access as policy


def _token(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _input(form: ProgressUpdateForm) -> ProgressInput:
    data = form.cleaned_data
    return ProgressInput(
        status=data.get("status", ""),
        percent_done=data.get("percent_done"),
        completed_on=data.get("completed_on"),
        results=data["results"],
        difficulties=data["difficulties"],
        proposals=data["proposals"],
        indicator_values=form.indicator_values(),
    )


@login_required
@upload_limit(MAX_EVIDENCE_BYTES, files=MAX_EVIDENCE_PER_UPDATE)
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for(request.user, pk, write=True)
    indicators = list(assignment.task.indicators.all())
    detail_url = reverse("directives:assignment_detail", args=[assignment.pk])
    conflict = None
    status = 200
    if request.method == "POST":
        token = _token(request.POST.get("submission_token"))
        form = ProgressUpdateForm(
            request.POST, request.FILES, assignment=assignment, indicators=indicators
        )
        form_valid = form.is_valid()
        if token and form_valid:
            retry = find_retry(assignment, token=token, actor=request.user, data=_input(form))
            if retry is not None:
                # The same form again: it went through, only the answer was lost on the way.
                return redirect(f"{detail_url}#cap-nhat-{retry.pk}")
        if token:
            for upload in request.FILES.getlist("evidence"):
                try:
                    stage_evidence(assignment, actor=request.user, token=token, upload=upload)
                except RejectedFile as rejected:
                    form.add_error("evidence", rejected.reason)
                    form_valid = False
        if form_valid:
            data = form.cleaned_data
            try:
                update = submit_progress(
                    assignment,
                    actor=request.user,
                    token=data["submission_token"],
                    base_version=data["version"],
                    data=_input(form),
                )
            except EditConflict as error:
                conflict = error
                status = 409
                fresh = request.POST.copy()
                fresh["version"] = str(error.assignment.version)
                form = ProgressUpdateForm(fresh, assignment=assignment, indicators=indicators)
                form.is_valid()
            else:
                office = capfirst(request.user.organisation.monitoring_office)
                messages.success(
                    request, _("Đã gửi cập nhật. %(office)s sẽ xem xét.") % {"office": office}
                )
                return redirect(f"{detail_url}#cap-nhat-{update.pk}")
    else:
        # ?token= continues a form whose files were already uploaded (after removing one).
        token = _token(request.GET.get("token"))
        if token is None or ProgressUpdate.all_objects.filter(submission_token=token).exists():
            token = uuid.uuid4()
        form = ProgressUpdateForm(
            assignment=assignment,
            indicators=indicators,
            initial={
                "status": assignment.status,
                "percent_done": assignment.percent_done,
                "completed_on": assignment.completed_on,
                "submission_token": token,
                "version": assignment.version,
            },
        )
    staged = list(staged_evidence(assignment, token=token, actor=request.user)) if token else []
    return render(
        request,
        "directives/update_form.html",
        {
            "assignment": assignment,
            "task": assignment.task,
            "form": form,
            "staged": staged,
            "conflict": conflict,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Evidence only ever leaves as a download, never as a page the browser would run."""
    evidence = access.get_evidence_for(request.user, pk)
    return downloads.attachment(
        evidence.file.open("rb"),
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for(request.user, pk, write=True)
    remove_evidence(evidence, actor=request.user)
    messages.info(request, _("Đã gỡ tệp “%(name)s”.") % {"name": evidence.original_name})
    fallback = reverse("directives:assignment_detail", args=[evidence.assignment_id])
    return redirect(safe_next(request, fallback))


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.REVIEW_UPDATES)
    pending = (
        access.visible_updates(request.user)
        .filter(review_state=ReviewState.PENDING)
        .select_related(
            "assignment__unit", "assignment__task__section__directive__issuing_body", "author"
        )
        .prefetch_related("evidence", "values__indicator")
        .order_by("created_at", "id")
    )
    page = Paginator(pending, 20).get_page(request.GET.get("trang"))
    return render(request, "directives/review_queue.html", {"page": page})


@login_required
def update_review(request: HttpRequest, pk: int) -> HttpResponse:
    update = access.get_update_for(request.user, pk, review=True)
    fallback = reverse("directives:review_queue")
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == ReviewState.ACCEPTED:
                    accept_update(update, actor=request.user)
                    messages.success(
                        request,
                        _("Đã tiếp nhận cập nhật của %(unit)s.") % {"unit": update.assignment.unit},
                    )
                else:
                    return_update(update, actor=request.user, reason=form.cleaned_data["reason"])
                    messages.warning(
                        request,
                        _("Đã trả lại cập nhật cho %(unit)s.") % {"unit": update.assignment.unit},
                    )
            except ReviewError as error:
                messages.error(request, str(error))
            return redirect(safe_next(request, fallback))
    else:
        form = ReviewForm(initial={"decision": ReviewState.ACCEPTED})
    return render(
        request,
        "directives/update_review.html",
        {"update": update, "form": form, "next": safe_next(request, fallback)},
    )
