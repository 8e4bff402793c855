from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from reports import access
from reports.forms import VerifyPdfForm
from reports.signing import verify_report_pdf


@login_required
@require_http_methods(["GET", "POST"])
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
