"""The leader's step: read the submitted report, then approve (sign) or return it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from reports import access, services
from reports.choices import ReportState
from reports.forms import ReportApproveForm, ReportReturnForm
from reports.models import Report
from reports.renderers.html import screen_view
from units.access import Capability

C = Capability


def _review_page(
    request: HttpRequest, report: Report, approve_form=None, return_form=None, status: int = 200
) -> HttpResponse:
    snapshot = services.current_snapshot(report)
    return render(
        request,
        "reports/report_review.html",
        {
            "report": report,
            "snapshot": snapshot,
            "document": screen_view(snapshot),
            "approve_form": approve_form
            or ReportApproveForm(
                request=request, initial={"submission": services.submission_mark(report)}
            ),
            "return_form": return_form or ReportReturnForm(),
        },
        status=status,
    )


@login_required
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk, capability=C.APPROVE_REPORTS)
    if report.state != ReportState.SUBMITTED:
        return redirect("reports:report_detail", pk=report.pk)
    return _review_page(request, report)


@login_required
@require_POST
@sensitive_post_parameters("password", "otp_token")
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk, capability=C.APPROVE_REPORTS)
    form = ReportApproveForm(request.POST, request=request)
    if not form.is_valid():
        return _review_page(request, report, approve_form=form, status=400)
    try:
        report = services.approve_report(
            report, actor=request.user, seen_submission=form.cleaned_data["submission"]
        )
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Đã phê duyệt và cấp số %(code)s.") % {"code": report.code},
        )
    return redirect("reports:report_detail", pk=report.pk)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk, capability=C.APPROVE_REPORTS)
    form = ReportReturnForm(request.POST)
    if not form.is_valid():
        return _review_page(request, report, return_form=form, status=400)
    try:
        services.return_report(report, actor=request.user, comment=form.cleaned_data["comment"])
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã trả lại báo cáo kèm ý kiến."))
    return redirect("reports:report_detail", pk=report.pk)
