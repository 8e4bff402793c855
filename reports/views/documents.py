"""A report's page and its files: the document, the signed PDF, edXML and DOCX downloads,
making the PDF again, recording how it was sent, and verifying a signed PDF."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reports import access, services
from reports.choices import ExportFormat
from reports.forms import DispatchForm, VerifyPdfForm
from reports.renderers.html import screen_view
from reports.signing import verify_report_pdf
from sonmai.lib import downloads
from sonmai.lib.uploads import upload_limit
from units.access import Capability

C = Capability


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk)
    snapshot = services.current_snapshot(report)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "snapshot": snapshot,
            "document": screen_view(snapshot),
            "events": report.events.select_related("actor"),
            "correction": report.live_correction(),
            "rights": access.rights_of(request.user),
        },
    )


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_to_retry(request.user, pk)
    try:
        services.retry_generation(report, actor=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đang tạo lại tệp PDF."))
    return redirect("reports:report_detail", pk=report.pk)


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
    from reports.renderers.docx_export import render_report_docx
    from reports.renderers.edxml import build_edxml

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
