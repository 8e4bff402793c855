import math

from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from directives import access as directive_access
from directives.choices import BUCKET_ORDER
from directives.services.documents import documents_waiting_for
from directives.services.summaries import bucket_counts_by_directive
from reports.access import reports_waiting_for
from units import access, signin
from units.forms import ChangePasswordForm, NewPasswordForm, ResetPasswordForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Take each role where its work is: units to their task list, others to the overview."""
    user = request.user
    if access.works_in_unit(user):
        return redirect("directives:my_assignments")
    today = timezone.localdate()
    directives = list(
        directive_access.visible_directives(user)
        .filter(sections__isnull=False)
        .distinct()
        .select_related("issuing_body")
    )
    counts = bucket_counts_by_directive(directive_access.visible_assignments(user), today)
    overview = []
    for directive in directives:
        directive_counts = counts.get(directive.pk, {})
        total = sum(directive_counts.values())
        overview.append(
            {
                "directive": directive,
                "counts": [(bucket, directive_counts.get(bucket, 0)) for bucket in BUCKET_ORDER],
                "total": total,
            }
        )
    can_manage = access.has_capability(user, access.Capability.MANAGE_DIRECTIVES)
    return render(
        request,
        "units/home.html",
        {
            "overview": overview,
            "today": today,
            "can_manage": can_manage,
            "waiting_reports": reports_waiting_for(user),
            "documents_waiting": documents_waiting_for(user) if can_manage else [],
        },
    )


# --- Signing in: the lockout page and passwords -------------------------------------------------
def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page django-axes shows instead of the sign-in (or the approval) once a username or
    an address is locked out (``AXES_LOCKOUT_CALLABLE``): until when, in the commune's time."""
    username = get_client_username(request, credentials)
    until = signin.lock_ends_at(username=username, ip_address=signin.client_address(request))
    if until is None:  # lifted between the refusal and this page: the cool-off is the bound
        until = timezone.now() + signin.cool_off()
    response = render(
        request,
        "registration/locked_out.html",
        {"until": until, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return response


@login_required
@sensitive_post_parameters()
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(
                request,
                _("Đã đổi mật khẩu. Nếu bạn đang đăng nhập ở máy khác, ở đó đã bị đăng xuất."),
            )
            return redirect("home")
        return render(request, "registration/password_change.html", {"form": form}, status=400)
    return render(request, "registration/password_change.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """ "Quên mật khẩu?": a link by e-mail, whether or not the address names an account."""

    form_class = ResetPasswordForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "emails/password_reset-subject.txt"
    email_template_name = "emails/password_reset-body.txt"
    html_email_template_name = "emails/password_reset-body.html"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    # The link's token is swapped for this in the address bar (Django keeps it in the session).
    reset_url_token = "dat-mat-khau"  # noqa: S105 (a path segment, not a secret)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
