"""The report pages: drafting, sign-off, the signed documents, sending, verification.

Thin views: fetch through ``reports.access``, validate a form, call a ``reports.services``
function, render or redirect.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from directives.models import Directive
from reports import access, services
from reports.choices import ExportFormat, ReportState
from reports.forms import (
    AdHocRequestForm,
    DispatchForm,
    ReportApproveForm,
    ReportCreateForm,
    ReportNarrativeForm,
    ReportReturnForm,
    ScheduleForm,
    VerifyPdfForm,
)
from reports.models import AdHocRequest, Report
from reports.rendering import screen_view
from reports.signing import verify_report_pdf
from sonmai.lib import downloads
from sonmai.lib.uploads import upload_limit
from units.access import Capability

C = Capability


@login_required
@require_http_methods(["GET", "POST"])
@upload_limit(lambda: settings.REPORT_VERIFY_MAX_BYTES)
def pdf_verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF and learn whether the commune signed it and it is unchanged."""
    access.require_verifier(request.user)
    result = digest = None
    if request.method == "POST":
        form = VerifyPdfForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["document"]
            result = verify_report_pdf(data)
            digest = hashlib.sha256(data).hexdigest()
    else:
        form = VerifyPdfForm()
    return render(
        request,
        "reports/pdf_verify.html",
        {"form": form, "result": result, "digest": digest},
    )


# --- List and creation --------------------------------------------------------------------------
def _main_directive(user: object, key: str | None) -> Directive | None:
    """The commune's own directive the list is about (its latest, unless ``?van-ban=`` says)."""
    own = Directive.objects.filter(
        organisation_id=user.organisation_id, issuing_body_id=user.organisation_id
    ).order_by("-issued_on", "-pk")
    if key and key.isascii() and key.isdigit():
        chosen = own.filter(pk=int(key)).first()
        if chosen is not None:
            return chosen
    return own.first()


def _create_form(request: HttpRequest, directive: Directive | None, data=None) -> ReportCreateForm:
    organisation = request.user.organisation
    periods = services.due_periods(organisation, directive, timezone.localdate())
    requests = list(AdHocRequest.objects.filter(organisation=organisation)[:20])
    return ReportCreateForm(
        data,
        organisation=organisation,
        periods=[p for p in periods if p.report is None],
        requests=requests,
        initial={"directive": directive},
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    user = request.user
    directive = _main_directive(user, request.GET.get("van-ban"))
    today = timezone.localdate()
    reports = list(
        Report.objects.filter(organisation_id=user.organisation_id)
        .select_related("directive", "ad_hoc_request", "approved_by")
        .order_by("-data_to", "-version", "-pk")[:100]
    )
    return render(
        request,
        "reports/report_list.html",
        {
            "directive": directive,
            "periods": services.due_periods(user.organisation, directive, today),
            "reports": reports,
            "ad_hoc_requests": AdHocRequest.objects.filter(
                organisation_id=user.organisation_id
            ).prefetch_related("reports")[:20],
            "create_form": _create_form(request, directive)
            if access.can(user, C.DRAFT_REPORTS)
            else None,
            "can_draft": access.can(user, C.DRAFT_REPORTS),
            "today": today,
        },
    )


@login_required
@require_POST
def report_create(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    access.require(request.user, C.DRAFT_REPORTS)
    directive = _main_directive(request.user, request.POST.get("directive"))
    form = _create_form(request, directive, request.POST)
    if form.is_valid():
        kind, _sep, key = form.cleaned_data["period"].partition(":")
        try:
            if kind == "adhoc":
                report = services.create_report(
                    directive=form.cleaned_data["directive"],
                    actor=request.user,
                    kind="",
                    ad_hoc_request=access.get_ad_hoc_request_for(request.user, int(key)),
                )
            else:
                report = services.create_report(
                    directive=form.cleaned_data["directive"],
                    actor=request.user,
                    kind=kind,
                    period_key=key,
                )
        except services.ReportError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã lập dự thảo từ dữ liệu; xem lại và sửa phần lời văn."))
            return redirect("reports:report_edit", pk=report.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("reports:report_list")


@login_required
@require_http_methods(["GET", "POST"])
def adhoc_create(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    access.require(request.user, C.DRAFT_REPORTS)
    form = AdHocRequestForm(request.POST or None)
    if request.method == "POST":
        form.instance.organisation = request.user.organisation
        form.instance.created_by = request.user
        directive = _main_directive(request.user, None)
        if directive is None:
            messages.error(request, _("Chưa có văn bản nào của xã để báo cáo."))
            return redirect("reports:report_list")
        if form.is_valid():
            # The request and its draft are kept together or not at all.
            with transaction.atomic():
                ad_hoc = form.save()
                report = services.create_report(
                    directive=directive, actor=request.user, kind="", ad_hoc_request=ad_hoc
                )
            messages.success(request, _("Đã ghi nhận yêu cầu và lập dự thảo báo cáo đột xuất."))
            return redirect("reports:report_edit", pk=report.pk)
    return render(request, "reports/adhoc_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest) -> HttpResponse:
    access.require_reader(request.user)
    access.require(request.user, C.DRAFT_REPORTS)
    schedules = services.schedules_of(request.user.organisation)
    data = request.POST if request.method == "POST" else None
    forms = [ScheduleForm(data, instance=s, prefix=s.kind) for s in schedules]
    if data is not None:
        if all(form.is_valid() for form in forms):
            for form in forms:
                form.save()
            messages.success(request, _("Đã lưu lịch báo cáo định kỳ."))
            return redirect("reports:report_list")
        messages.error(request, _("Có ô chưa hợp lệ; xem thông báo bên dưới."))
    return render(request, "reports/schedule_form.html", {"forms": forms})


# --- One report ---------------------------------------------------------------------------------
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk)
    snapshot = services.current_snapshot(report)
    user = request.user
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "snapshot": snapshot,
            "preview": screen_view(snapshot),
            "events": report.events.select_related("actor"),
            "correction": report.live_correction(),
            "can_draft": access.can(user, C.DRAFT_REPORTS),
            "can_approve": access.can(user, C.APPROVE_REPORTS),
            "can_dispatch": access.can(user, C.RECORD_DISPATCH),
        },
    )


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
    report = access.get_report_for(request.user, pk, capability=C.DRAFT_REPORTS)
    try:
        services.submit_report(report, actor=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã trình lãnh đạo; số liệu được chốt tại thời điểm này."))
    return redirect("reports:report_detail", pk=report.pk)


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
            "preview": screen_view(snapshot),
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


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk)
    user = request.user
    if not (access.can(user, C.DRAFT_REPORTS) or access.can(user, C.RECORD_DISPATCH)):
        raise PermissionDenied
    try:
        services.retry_generation(report, actor=user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đang tạo lại tệp PDF."))
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


@login_required
@require_http_methods(["GET", "POST"])
def report_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk, capability=C.RECORD_DISPATCH)
    if not report.is_approved:
        messages.error(request, _("Chỉ gửi được báo cáo đã phê duyệt."))
        return redirect("reports:report_detail", pk=report.pk)
    now = timezone.localtime()
    form = DispatchForm(
        request.POST or None,
        report=report,
        initial={"sent_on": now.date(), "sent_time": now.strftime("%H:%M"), "method": "edoc"},
    )
    if not report.has_pdf:
        messages.error(request, _("Tệp đã ký số chưa sẵn sàng; chưa gửi được."))
        return redirect("reports:report_detail", pk=report.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_dispatch(
            report,
            actor=request.user,
            sent_at=data["sent_at"],
            method=data["method"],
            reference=data["reference"],
            note=data["note"],
        )
        messages.success(request, _("Đã ghi nhận việc gửi báo cáo."))
        return redirect("reports:report_detail", pk=report.pk)
    return render(request, "reports/report_dispatch.html", {"report": report, "form": form})


@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The report as a file: the signed PDF, the edXML package holding it, or a DOCX."""
    from reports.docx_export import render_report_docx
    from reports.edxml import build_edxml

    report = access.get_report_for(request.user, pk)
    if fmt not in ExportFormat.values:
        raise Http404
    if fmt == ExportFormat.DOCX:
        content = render_report_docx(services.current_snapshot(report))
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        if not report.has_pdf:
            messages.error(request, _("Tệp đã ký số chưa sẵn sàng."))
            return redirect("reports:report_detail", pk=report.pk)
        with report.pdf.open("rb") as handle:
            signed = handle.read()
        if fmt == ExportFormat.PDF:
            content, content_type = signed, "application/pdf"
        else:
            snapshot = services.current_snapshot(report)
            try:
                sender, receiver = services.edxml_ids(report)
            except services.ReportError as error:
                messages.error(request, str(error))
                return redirect("reports:report_detail", pk=report.pk)
            content = build_edxml(
                snapshot,
                signed,
                page_count=report.page_count or 1,
                sender_organ_id=sender,
                receiver_organ_id=receiver,
            )
            content_type = "application/xml"
    extension = {"pdf": "pdf", "docx": "docx", "edxml": "edxml"}[fmt]
    return downloads.attachment(
        content, filename=services.document_name(report, extension), content_type=content_type
    )
