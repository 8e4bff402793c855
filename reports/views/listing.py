"""The list of reports: the periods each directive owes, opening a draft, ad hoc requests and
the schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from directives.models import Directive
from reports import access, services
from reports.choices import ReportState
from reports.forms import AdHocRequestForm, ReportCreateForm, ScheduleForm
from reports.models import Report

#: Ad hoc requests shown on the list (the newest).
AD_HOC_SHOWN = 20


def _open_periods(organisation: object, directive: Directive) -> list[services.DuePeriod]:
    """The periods ``directive`` still owes a report for (none opened yet)."""
    periods = services.due_periods(organisation, [directive], timezone.localdate())
    return [p for p in periods if p.report is None]


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    directives = list(access.reportable_directives(user))
    today = timezone.localdate()
    periods = services.due_periods(user.organisation, directives, today)
    by_directive = [
        {"directive": d, "periods": [p for p in periods if p.directive == d]} for d in directives
    ]
    reports = list(
        access.visible_reports(user)
        .select_related("directive", "ad_hoc_request", "approved_by")
        .order_by("-data_to", "-version", "-pk")[:100]
    )
    ad_hoc_requests = list(
        access.visible_ad_hoc_requests(user).prefetch_related(
            Prefetch("reports", queryset=Report.objects.select_related("directive"))
        )[:AD_HOC_SHOWN]
    )
    for ad_hoc in ad_hoc_requests:
        answered = {
            r.directive_id for r in ad_hoc.reports.all() if r.state != ReportState.DISCARDED
        }
        ad_hoc.unanswered_directives = [d for d in directives if d.pk not in answered]
    return render(
        request,
        "reports/report_list.html",
        {
            "directives": by_directive,
            "reports": reports,
            "ad_hoc_requests": ad_hoc_requests,
            "rights": access.rights_of(user),
            "today": today,
        },
    )


@login_required
@require_POST
def report_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require_drafter(user)
    form = ReportCreateForm(
        request.POST,
        directives=access.reportable_directives(user),
        open_periods=lambda directive: _open_periods(user.organisation, directive),
        ad_hoc_requests=access.visible_ad_hoc_requests(user),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:report_list")
    data = form.cleaned_data
    try:
        report = services.create_report(
            directive=data["directive"],
            actor=user,
            kind="" if data["ad_hoc_request"] else data["kind"],
            period_key="" if data["ad_hoc_request"] else data["period_key"],
            ad_hoc_request=data["ad_hoc_request"],
        )
    except services.ReportError as error:
        messages.error(request, str(error))
        return redirect("reports:report_list")
    messages.success(request, _("Đã lập dự thảo từ dữ liệu; xem lại và sửa phần lời văn."))
    return redirect("reports:report_edit", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def adhoc_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require_drafter(user)
    directives = access.reportable_directives(user)
    if not directives.exists():
        messages.error(request, _("Chưa có văn bản nào của xã để báo cáo."))
        return redirect("reports:report_list")
    form = AdHocRequestForm(request.POST or None, directives=directives)
    if request.method == "POST":
        form.instance.organisation = user.organisation
        form.instance.created_by = user
        if form.is_valid():
            # The request and its draft are kept together or not at all.
            with transaction.atomic():
                ad_hoc = form.save()
                report = services.create_report(
                    directive=form.cleaned_data["directive"],
                    actor=user,
                    kind="",
                    ad_hoc_request=ad_hoc,
                )
            messages.success(request, _("Đã ghi nhận yêu cầu và lập dự thảo báo cáo đột xuất."))
            return redirect("reports:report_edit", pk=report.pk)
    return render(request, "reports/adhoc_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest) -> HttpResponse:
    access.require_drafter(request.user)
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
