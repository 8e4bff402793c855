from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directives import access as directive_access
from notifications import access, services
from notifications.channels import get_channel
from notifications.choices import DeliveryChannel, DeliveryStatus
from notifications.forms import PreferenceForm, ReminderPolicyForm
from notifications.models import Delivery, Notification, ReminderPolicy, ReminderSchedule
from notifications.policy import effective_policy

PAGE_SIZE = 30


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    """The requested page; a bad or out-of-range ?page= gives the nearest page, never a 500."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- The person's own notifications -------------------------------------------------------------
@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user, in_app=True)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": _page(request, notifications.order_by("-created_at", "-id")),
            "can_view_log": access.can_view_log(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points (or back to the list)."""
    notification = access.get_notification_for(request.user, pk)
    services.mark_read(notification, actor=request.user)
    target = request.POST.get("next") or notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notifications:notification_list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
    return redirect("notifications:notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.channels_for([request.user])[request.user.pk]
    form = PreferenceForm(request.POST or None, initial={"channels": current})
    if request.method == "POST" and form.is_valid():
        services.set_channels(request.user, form.cleaned_data["channels"], actor=request.user)
        messages.success(request, _("Đã lưu lựa chọn nhận thông báo."))
        return redirect("notifications:preferences")
    email_channel = get_channel(DeliveryChannel.EMAIL)
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "email_address": email_channel.address_for(request.user)},
    )


# --- What was sent, for the monitoring office and the unit itself -------------------------------
def _with_deliveries():
    return Notification.objects.select_related("recipient").prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("channel"))
    )


@login_required
@require_GET
def assignment_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    """Per assignment: every reminder, when, to whom, through which channel, and what failed."""
    assignment = directive_access.get_assignment_for(request.user, pk)
    reminders = assignment.reminders.prefetch_related(
        Prefetch("notifications", queryset=_with_deliveries().order_by("recipient_id"))
    ).order_by("-due_at", "-id")
    notices = (
        _with_deliveries()
        .filter(assignment=assignment, reminders__isnull=True)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    schedule = ReminderSchedule.objects.filter(assignment=assignment).first()
    return render(
        request,
        "notifications/assignment_reminders.html",
        {
            "assignment": assignment,
            "task": assignment.task,
            "reminders": list(reminders[:200]),
            "notices": list(notices[:200]),
            "schedule": schedule,
            "policy": effective_policy(assignment),
        },
    )


@login_required
@require_GET
def delivery_log(request: HttpRequest) -> HttpResponse:
    if not access.can_view_log(request.user):
        raise PermissionDenied
    # The bell is delivered by writing the notification: the log is about the other channels.
    deliveries = (
        access.visible_deliveries(request.user)
        .exclude(channel=DeliveryChannel.IN_APP)
        .select_related(
            "notification__recipient",
            "notification__assignment__task__section",
            "notification__assignment__unit",
        )
    )
    problems_only = request.GET.get("loi") == "1"
    if problems_only:
        deliveries = deliveries.filter(
            Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, attempts__gt=0)
        )
    return render(
        request,
        "notifications/delivery_log.html",
        {
            "page": _page(request, deliveries.order_by("-created_at", "-id"), 50),
            "problems_only": problems_only,
            "can_retry": access.can_manage_reminders(request.user),
        },
    )


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = access.get_delivery_for(request.user, pk, write=True)
    if services.retry_delivery(delivery, actor=request.user):
        messages.success(request, _("Đã đưa thư vào hàng gửi lại."))
    else:
        messages.info(request, _("Lượt gửi này không ở trạng thái lỗi nên không cần gửi lại."))
    return redirect(reverse("notifications:delivery_log") + "?loi=1")


# --- Reminder policy ---------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(
    request: HttpRequest, scope: str = "default", pk: int | None = None
) -> HttpResponse:
    """The organisation's default policy, or an override for one directive or task."""
    write = request.method == "POST"
    if scope == "default":
        access.require_policy_reader(request.user)
        if write and not access.can_manage_reminders(request.user):
            raise PermissionDenied
        directive = task = None
    else:
        directive, task = access.get_policy_scope_for(request.user, scope, pk, write=write)
    policies = access.policies_of(request.user)
    default = policies.filter(directive__isnull=True, task__isnull=True).first()
    if default is None:
        default = ReminderPolicy(organisation_id=request.user.organisation_id)
    if scope == "default":
        existing, inherited = default, None
    elif task is not None:
        existing = policies.filter(task=task).first()
        inherited = (
            policies.filter(directive_id=task.section.directive_id, task__isnull=True).first()
            or default
        )
    else:
        existing = policies.filter(directive=directive, task__isnull=True).first()
        inherited = default
    instance = existing or (inherited.copy_for(directive=directive, task=task))
    if write and request.POST.get("action") == "reset" and scope != "default":
        if existing is not None:
            services.delete_policy(existing, actor=request.user)
        messages.success(request, _("Đã bỏ chính sách riêng; áp dụng chính sách chung."))
        return redirect(request.path)
    form = ReminderPolicyForm(request.POST or None, instance=instance)
    if not access.can_manage_reminders(request.user):
        for field in form.fields.values():
            field.disabled = True
    if write and form.is_valid():
        policy = form.save(commit=False)
        policy.organisation_id = request.user.organisation_id
        policy.directive, policy.task = directive, task
        services.save_policy(policy, actor=request.user)
        messages.success(request, _("Đã lưu chính sách nhắc việc."))
        return redirect(request.path)
    overrides = []
    if scope == "default":
        overrides = list(
            policies.exclude(directive__isnull=True, task__isnull=True)
            .select_related("directive__issuing_body", "task__section")
            .order_by("directive_id", "task_id")
        )
    return render(
        request,
        "notifications/policy_form.html",
        {
            "form": form,
            "scope": scope,
            "directive": directive,
            "task": task,
            "has_override": existing is not None and scope != "default",
            "overrides": overrides,
            "can_manage": access.can_manage_reminders(request.user),
        },
    )
