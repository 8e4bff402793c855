"""Asking for more time, and deciding on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from directives import access
from directives.choices import ExtensionState
from directives.forms import ExtensionDecisionForm, ExtensionRequestForm
from directives.services.extensions import ExtensionError, decide_extension, request_extension
from units import access as policy


@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for(request.user, pk, write=True)
    if not access.can_request_extension(request.user, assignment):
        raise PermissionDenied
    form = ExtensionRequestForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        try:
            request_extension(
                assignment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                proposed_due_date=form.cleaned_data["proposed_due_date"],
            )
        except ExtensionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã gửi đề nghị gia hạn. Lãnh đạo sẽ xem xét."))
            return redirect("directives:assignment_detail", pk=assignment.pk)
    return render(
        request,
        "directives/extension_form.html",
        {"assignment": assignment, "task": assignment.task, "form": form},
    )


@login_required
def extension_list(request: HttpRequest) -> HttpResponse:
    extensions = access.visible_extensions(request.user).select_related(
        "assignment__unit",
        "assignment__task__section__directive__issuing_body",
        "requested_by",
        "decided_by",
    )
    pending = list(extensions.filter(state=ExtensionState.PENDING).order_by("created_at"))
    decided = Paginator(
        extensions.exclude(state=ExtensionState.PENDING).order_by("-created_at"), 20
    ).get_page(request.GET.get("trang"))
    return render(
        request,
        "directives/extension_list.html",
        {
            "pending": pending,
            "decided": decided,
            "can_decide": policy.can_decide_extensions(request.user),
        },
    )


@login_required
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        extension = access.get_extension_for(request.user, pk, decide=True)
    else:
        extension = access.get_extension_for(request.user, pk)
    can_decide = policy.can_decide_extensions(request.user)
    form = ExtensionDecisionForm(request.POST or None, extension=extension)
    if request.method == "POST" and form.is_valid():
        try:
            decide_extension(
                extension,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                approved_due_date=form.cleaned_data["approved_due_date"],
            )
        except ExtensionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã ghi nhận quyết định về đề nghị gia hạn."))
            return redirect(reverse("directives:extension_list"))
    return render(
        request,
        "directives/extension_decide.html",
        {"extension": extension, "form": form, "can_decide": can_decide},
    )
