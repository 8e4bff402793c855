"""A draft: editing its text, submitting it to the leaders (asking first when the period has
not ended), discarding it, and opening a correction of a signed report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reports import access, compilation, services
from reports.forms import ReportNarrativeForm, SubmitConfirmForm
from units.access import Capability

C = Capability


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk, capability=C.DRAFT_REPORTS)
    if not report.is_editable:
        messages.info(request, _("Báo cáo không còn ở dạng dự thảo nên không sửa được."))
        return redirect("reports:report_detail", pk=report.pk)
    if request.method == "POST":
        form = ReportNarrativeForm(request.POST, report=report)
        if form.is_valid():
            try:
                services.save_narrative(
                    report,
                    actor=request.user,
                    values=form.values(),
                    revision=form.cleaned_data["revision"],
                )
            except services.ReportError as error:
                report.refresh_from_db()
                # Keep what they typed; a second save, after reading the message, wins.
                data = request.POST.copy()
                data["revision"] = report.revision
                form = ReportNarrativeForm(data, report=report)
                form.is_valid()
                form.add_error(None, str(error))
            else:
                if "submit" in request.POST:
                    return report_submit(request, pk)
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect("reports:report_detail", pk=report.pk)
    else:
        form = ReportNarrativeForm(
            report=report,
            initial={
                "leadership": report.leadership,
                "results_note": report.results_note,
                "next_tasks": report.next_tasks,
                "distribution": report.distribution,
                "revision": report.revision,
            },
        )
    return render(request, "reports/report_edit.html", {"report": report, "form": form})


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the draft. Before the period's window ends the figures stop at today's date, so
    the office is asked to confirm that first (a page with one checkbox)."""
    report = access.get_report_for(request.user, pk, capability=C.DRAFT_REPORTS)
    cut = compilation.figures_cut(report)
    if report.is_editable and cut < report.data_to:
        # Bound only when sent from the question itself (its form carries "confirming").
        form = SubmitConfirmForm(request.POST if "confirming" in request.POST else None)
        if not form.is_valid():
            return render(
                request,
                "reports/report_submit_confirm.html",
                {"report": report, "form": form, "cut_on": cut},
            )
    try:
        services.submit_report(report, actor=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã trình lãnh đạo; số liệu được chốt tại thời điểm này."))
    return redirect("reports:report_detail", pk=report.pk)


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk, capability=C.DRAFT_REPORTS)
    try:
        correction = services.start_correction(report, actor=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
        return redirect("reports:report_detail", pk=report.pk)
    messages.success(
        request, _("Đã lập bản thay thế; báo cáo cũ giữ nguyên và ghi rõ đã được thay thế.")
    )
    return redirect("reports:report_edit", pk=correction.pk)


@login_required
@require_POST
def report_discard(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk, capability=C.DRAFT_REPORTS)
    try:
        services.discard_report(report, actor=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
        return redirect("reports:report_detail", pk=report.pk)
    messages.success(request, _("Đã hủy bản dự thảo."))
    return redirect("reports:report_list")
