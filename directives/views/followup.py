"""Acting on the dashboard: difficulties answered, late units urged, explanations, imports."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from directives import access
from directives.choices import ConcernKind, ConcernStatus
from directives.forms import (
    ConcernActionForm,
    ExplanationAnswerForm,
    ExplanationRequestForm,
    ImportForm,
    UrgeForm,
)
from directives.imports import (
    MAX_IMPORT_FILE_BYTES,
    ImportRejected,
    receive_import,
    request_apply,
    retry,
)
from directives.models import Concern
from directives.services.followup import (
    FollowUpError,
    answer_concern,
    answer_explanation,
    escalate_concern,
    request_explanation,
    resolve_concern,
    urge,
)
from sonmai.lib.http import int_list, safe_next
from sonmai.lib.i18n import in_portal_language
from sonmai.lib.uploads import upload_limit
from sonmai.lib.vndate import short_date
from units import access as policy


@login_required
def concern_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("tinh_trang", "")
    kind = request.GET.get("loai", "")
    concerns = (
        Concern.objects.filter(assignment__in=access.visible_assignments(request.user))
        .select_related(
            "assignment__unit", "assignment__task__section__directive__issuing_body", "answered_by"
        )
        .order_by("-created_at")
    )
    if status == "con-mo":
        concerns = concerns.filter(status__in=[ConcernStatus.OPEN, ConcernStatus.ESCALATED])
    elif status in ConcernStatus.values:
        concerns = concerns.filter(status=status)
    if kind in ConcernKind.values:
        concerns = concerns.filter(kind=kind)
    page = Paginator(concerns, 30).get_page(request.GET.get("trang"))
    return render(
        request,
        "directives/concern_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": ConcernStatus.choices,
            "kinds": ConcernKind.choices,
            "can_act": policy.has_capability(request.user, policy.Capability.REVIEW_UPDATES),
            "query": f"tinh_trang={status}&loai={kind}",
        },
    )


@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = access.get_concern_for(request.user, pk, act=request.method == "POST")
    form = ConcernActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, text = form.cleaned_data["action"], form.cleaned_data["text"]
        act = {"answer": answer_concern, "resolve": resolve_concern}.get(action)
        try:
            if act:
                act(concern, actor=request.user, answer=text)
            else:
                escalate_concern(concern, actor=request.user, note=text)
        except FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã ghi nhận xử lý khó khăn, kiến nghị."))
            return redirect("directives:concern_list")
    return render(
        request,
        "directives/concern_detail.html",
        {
            "concern": concern,
            "form": form,
            "can_act": policy.has_capability(request.user, policy.Capability.REVIEW_UPDATES),
        },
    )


@login_required
def urge_units(request: HttpRequest) -> HttpResponse:
    """Đôn đốc one or many late assignments, chosen with the checkboxes of the list."""
    policy.require(request.user, policy.Capability.URGE_UNITS)
    source = request.POST if request.method == "POST" else request.GET
    ids = int_list(source.getlist("phan_cong"))
    assignments = list(
        access.visible_assignments(request.user)
        .filter(pk__in=ids)
        .select_related("unit", "task__section__directive__issuing_body")
        .order_by("unit__position", "task__section__number", "task__number")
    )
    chosen = [a.pk for a in assignments]
    if request.method == "POST" and "message" in request.POST:
        form = UrgeForm(request.POST, assignment_ids=chosen)
        if form.is_valid():
            picked = [a for a in assignments if a.pk in form.cleaned_data["phan_cong"]]
            urge(picked, actor=request.user, message=form.cleaned_data["message"])
            units = len({a.unit_id for a in picked})
            messages.success(
                request,
                ngettext("Đã đôn đốc %(count)d đơn vị.", "Đã đôn đốc %(count)d đơn vị.", units)
                % {"count": units},
            )
            return redirect(safe_next(request, reverse("directives:dashboard")))
    else:
        form = UrgeForm(
            initial={"phan_cong": chosen, "message": _default_urge_message(assignments)},
            assignment_ids=chosen,
        )
    return render(
        request,
        "directives/urge_form.html",
        {
            "form": form,
            "assignments": assignments,
            "next": safe_next(request, ""),
            "today": timezone.localdate(),
        },
    )


@in_portal_language
def _default_urge_message(assignments: list) -> str:
    """The message is sent to units, who read it in Vietnamese."""
    if not assignments:
        return ""
    directives = {assignment.task.section.directive for assignment in assignments}
    directive = next(iter(directives))
    return _(
        "Đề nghị đơn vị khẩn trương thực hiện và cập nhật kết quả các nhiệm vụ được giao "
        "theo %(directive)s; báo cáo khó khăn, vướng mắc (nếu có) để %(office)s tổng hợp, "
        "báo cáo UBND tỉnh."
    ) % {
        "directive": directive.title if len(directives) == 1 else _("các văn bản chỉ đạo"),
        "office": directive.organisation.monitoring_office,
    }


@login_required
def explanation_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for(request.user, pk)
    policy.require(request.user, policy.Capability.URGE_UNITS)
    form = ExplanationRequestForm(
        request.POST or None,
        initial={"answer_due": timezone.localdate() + datetime.timedelta(days=5)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            request_explanation(
                assignment,
                actor=request.user,
                question=form.cleaned_data["question"],
                answer_due=form.cleaned_data["answer_due"],
            )
        except FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Đã yêu cầu %(unit)s giải trình trước ngày %(date)s.")
                % {"unit": assignment.unit, "date": short_date(form.cleaned_data["answer_due"])},
            )
            return redirect("directives:assignment_detail", pk=assignment.pk)
    return render(
        request,
        "directives/explanation_request.html",
        {"assignment": assignment, "task": assignment.task, "form": form},
    )


@login_required
def explanation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    explanation = access.get_explanation_for(request.user, pk, answer=request.method == "POST")
    can_answer = policy.can_change_unit_work(request.user, explanation.assignment.unit_id)
    form = ExplanationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_explanation(explanation, actor=request.user, answer=form.cleaned_data["answer"])
        except FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã gửi giải trình."))
            return redirect("directives:assignment_detail", pk=explanation.assignment_id)
    return render(
        request,
        "directives/explanation_detail.html",
        {"explanation": explanation, "form": form, "can_answer": can_answer},
    )


@login_required
@upload_limit(MAX_IMPORT_FILE_BYTES)
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access.get_directive_for(request.user, pk)
    policy.require(request.user, policy.Capability.MANAGE_DIRECTIVES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = receive_import(directive, actor=request.user, upload=upload)
        except ImportRejected as error:
            form.add_error("file", str(error))
        else:
            return redirect("directives:import_detail", pk=job.pk)
    return render(request, "directives/import_upload.html", {"directive": directive, "form": form})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_import_for(request.user, pk)
    return render(request, "directives/import_detail.html", {"job": job})


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_import_for(request.user, pk)
    try:
        request_apply(job, actor=request.user)
    except ImportRejected as error:
        messages.error(request, str(error))
    return redirect("directives:import_detail", pk=job.pk)


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_import_for(request.user, pk)
    try:
        retry(job)
    except ImportRejected as error:
        messages.error(request, str(error))
    return redirect("directives:import_detail", pk=job.pk)
