"""The role × URL matrix: what every kind of person gets from every URL of the portal.

Each URL name maps to one or more cases; a case builds its URL from the cast and says which HTTP
status each person receives. ``test_every_url_is_in_the_matrix`` fails when a URL is added
without a row here, so no page escapes the access test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from tests.reports import reportkit as rk

PEOPLE = [
    "anonymous",
    "hamlet_head_a",
    "unit_head_b",
    "staff_b",
    "officer",
    "chairman",
    "vice_chairman",
    "clerk",
    "outsider",
]
LOGIN_REDIRECT = 302


@dataclass
class Case:
    name: str
    url: Callable[[object], str]
    expect: dict[str, int]
    method: str = "get"
    # Form data, or a function of the cast returning it (for data that names objects).
    data: dict[str, object] | Callable[[object], dict[str, object]] = field(default_factory=dict)

    def data_for(self, cast: object) -> dict[str, object]:
        return self.data(cast) if callable(self.data) else self.data


def statuses(default: int, anonymous: int = LOGIN_REDIRECT, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(PEOPLE, default)
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


# People who see only their own unit.
UNIT_PEOPLE = ("hamlet_head_a", "unit_head_b", "staff_b")

CASES: list[Case] = [
    Case("login", lambda c: reverse("login"), statuses(302, anonymous=200)),
    Case("logout", lambda c: reverse("logout"), statuses(302, anonymous=302), method="post"),
    # Passwords: everyone signed in changes their own; the reset pages are for anyone.
    Case("password_change", lambda c: reverse("password_change"), statuses(200)),
    Case("password_change", lambda c: reverse("password_change"), statuses(400), method="post"),
    Case("password_reset", lambda c: reverse("password_reset"), statuses(200, anonymous=200)),
    Case(
        "password_reset",
        lambda c: reverse("password_reset"),
        statuses(302, anonymous=302),
        method="post",
        data={"email": "khong-co@example.test"},
    ),
    Case(
        "password_reset_done",
        lambda c: reverse("password_reset_done"),
        statuses(200, anonymous=200),
    ),
    Case(
        "password_reset_confirm",
        lambda c: reverse("password_reset_confirm", args=["MQ", "khong-hop-le"]),
        statuses(200, anonymous=200),
    ),
    Case(
        "password_reset_complete",
        lambda c: reverse("password_reset_complete"),
        statuses(200, anonymous=200),
    ),
    Case(
        "set_language",
        lambda c: reverse("set_language"),
        statuses(302, anonymous=302),
        method="post",
        data={"language": "en", "next": "/"},
    ),
    Case(
        "home",
        lambda c: reverse("home"),
        statuses(200, outsider=302, **dict.fromkeys(UNIT_PEOPLE, 302)),
    ),
    Case(
        "directives:directive_list", lambda c: reverse("directives:directive_list"), statuses(200)
    ),
    Case(
        "directives:directive_detail",
        lambda c: reverse("directives:directive_detail", args=[c.directive.pk]),
        statuses(200, outsider=404),
    ),
    Case(
        "directives:directive_detail",
        lambda c: reverse("directives:directive_detail", args=[c.other_directive.pk]),
        statuses(200, outsider=404, hamlet_head_a=404),
    ),
    Case(
        "directives:my_assignments", lambda c: reverse("directives:my_assignments"), statuses(200)
    ),
    Case(
        "directives:assignment_detail",
        lambda c: reverse("directives:assignment_detail", args=[c.assignment_a.pk]),
        statuses(200, outsider=404, unit_head_b=404, staff_b=404),
    ),
    Case(
        "directives:assignment_detail",
        lambda c: reverse("directives:assignment_detail", args=[c.assignment_b.pk]),
        statuses(200, outsider=404, hamlet_head_a=404),
    ),
    # --- progress updates, evidence and review -------------------------------------------
    Case(
        "directives:update_create",
        lambda c: reverse("directives:update_create", args=[c.assignment_a.pk]),
        statuses(
            403, hamlet_head_a=200, **dict.fromkeys(("unit_head_b", "staff_b", "outsider"), 404)
        ),
    ),
    Case(
        "directives:update_create",
        lambda c: reverse("directives:update_create", args=[c.assignment_b.pk]),
        statuses(403, unit_head_b=200, staff_b=200, hamlet_head_a=404, outsider=404),
    ),
    Case(
        "directives:evidence_download",
        lambda c: reverse("directives:evidence_download", args=[c.evidence_a.pk]),
        statuses(200, **dict.fromkeys(("unit_head_b", "staff_b", "outsider"), 404)),
    ),
    Case(
        "directives:evidence_remove",
        lambda c: reverse("directives:evidence_remove", args=[c.evidence_a.pk]),
        statuses(
            403, hamlet_head_a=302, **dict.fromkeys(("unit_head_b", "staff_b", "outsider"), 404)
        ),
        method="post",
    ),
    Case(
        "directives:review_queue",
        lambda c: reverse("directives:review_queue"),
        statuses(403, officer=200),
    ),
    Case(
        "directives:update_review",
        lambda c: reverse("directives:update_review", args=[c.update_a.pk]),
        statuses(403, officer=200, **dict.fromkeys(("unit_head_b", "staff_b", "outsider"), 404)),
    ),
    Case(
        "directives:update_review",
        lambda c: reverse("directives:update_review", args=[c.update_a.pk]),
        statuses(403, officer=302, **dict.fromkeys(("unit_head_b", "staff_b", "outsider"), 404)),
        method="post",
        data={"decision": "accepted"},
    ),
    # --- deadline extensions ------------------------------------------------------------------
    Case(
        "directives:extension_request",
        lambda c: reverse("directives:extension_request", args=[c.assignment_b.pk]),
        statuses(403, unit_head_b=200, hamlet_head_a=404, outsider=404),
    ),
    Case(
        "directives:extension_list", lambda c: reverse("directives:extension_list"), statuses(200)
    ),
    Case(
        "directives:extension_decide",
        lambda c: reverse("directives:extension_decide", args=[c.extension_b.pk]),
        statuses(200, hamlet_head_a=404, outsider=404),
    ),
    Case(
        "directives:extension_decide",
        lambda c: reverse("directives:extension_decide", args=[c.extension_b.pk]),
        statuses(403, chairman=302, vice_chairman=302, hamlet_head_a=404, outsider=404),
        method="post",
        data={"decision": "approve"},
    ),
    Case("directives:search", lambda c: reverse("directives:search"), statuses(200)),
    # Verifying a signed PDF reveals only what the file holds: every signed-in member may.
    Case("reports:pdf_verify", lambda c: reverse("reports:pdf_verify"), statuses(200)),
    Case(
        "reports:pdf_verify",
        lambda c: reverse("reports:pdf_verify"),
        statuses(200),
        method="post",
    ),
    # --- reports to the province: the office drafts, leaders approve, the clerk sends ----------
    Case(
        "reports:report_list",
        lambda c: reverse("reports:report_list"),
        statuses(200, outsider=403, **dict.fromkeys(UNIT_PEOPLE, 403)),
    ),
    Case(
        "reports:report_create",
        lambda c: reverse("reports:report_create"),
        statuses(403, officer=302),
        method="post",
        data=lambda c: {"directive": c.directive.pk, "period": f"monthly:{rk.current_key()}"},
    ),
    Case(
        "reports:adhoc_create",
        lambda c: reverse("reports:adhoc_create"),
        statuses(403, officer=200),
    ),
    Case(
        "reports:schedule_edit",
        lambda c: reverse("reports:schedule_edit"),
        statuses(403, officer=200),
    ),
    Case(
        "reports:report_detail",
        lambda c: reverse(
            "reports:report_detail", args=[rk.cached(c, "draft", rk.draft_report).pk]
        ),
        statuses(200, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 403)),
    ),
    Case(
        "reports:report_edit",
        lambda c: reverse("reports:report_edit", args=[rk.cached(c, "draft", rk.draft_report).pk]),
        statuses(403, officer=200, outsider=404),
    ),
    Case(
        "reports:report_submit",
        lambda c: reverse(
            "reports:report_submit", args=[rk.cached(c, "draft", rk.draft_report).pk]
        ),
        statuses(403, officer=302, outsider=404),
        method="post",
        # The draft's period has not ended: submitting it is confirmed.
        data=lambda c: {"confirming": "1", "confirm_early": "on"},
    ),
    Case(
        "reports:report_review",
        lambda c: reverse(
            "reports:report_review", args=[rk.cached(c, "submitted", rk.submitted_report).pk]
        ),
        statuses(403, chairman=200, vice_chairman=200, outsider=404),
    ),
    Case(
        "reports:report_approve",
        lambda c: reverse(
            "reports:report_approve", args=[rk.cached(c, "submitted", rk.submitted_report).pk]
        ),
        statuses(403, chairman=302, vice_chairman=302, outsider=404),
        method="post",
        data={"password": "matkhau-thu"},
    ),
    Case(
        "reports:report_return",
        lambda c: reverse(
            "reports:report_return", args=[rk.cached(c, "submitted", rk.submitted_report).pk]
        ),
        statuses(403, chairman=302, vice_chairman=302, outsider=404),
        method="post",
        data={"comment": "Bổ sung số liệu thôn."},
    ),
    Case(
        "reports:report_retry",
        lambda c: reverse(
            "reports:report_retry", args=[rk.cached(c, "failed", rk.failed_report).pk]
        ),
        statuses(403, officer=302, clerk=302, outsider=404),
        method="post",
    ),
    Case(
        "reports:report_correct",
        lambda c: reverse(
            "reports:report_correct", args=[rk.cached(c, "approved", rk.approved_report).pk]
        ),
        statuses(403, officer=302, outsider=404),
        method="post",
    ),
    Case(
        "reports:report_dispatch",
        lambda c: reverse(
            "reports:report_dispatch", args=[rk.cached(c, "signed", rk.signed_report).pk]
        ),
        statuses(403, clerk=200, outsider=404),
    ),
    Case(
        "reports:report_discard",
        lambda c: reverse(
            "reports:report_discard", args=[rk.cached(c, "draft", rk.draft_report).pk]
        ),
        statuses(403, officer=302, outsider=404),
        method="post",
    ),
    Case(
        "reports:report_download",
        lambda c: reverse(
            "reports:report_download", args=[rk.cached(c, "draft", rk.draft_report).pk, "docx"]
        ),
        statuses(200, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 403)),
    ),
    # --- dashboard and the office's follow-up ----------------------------------------------------
    Case("directives:dashboard", lambda c: reverse("directives:dashboard"), statuses(200)),
    Case(
        "directives:dashboard_assignments",
        lambda c: reverse("directives:dashboard_assignments"),
        statuses(200),
    ),
    Case("directives:concern_list", lambda c: reverse("directives:concern_list"), statuses(200)),
    Case(
        "directives:concern_detail",
        lambda c: reverse("directives:concern_detail", args=[c.concern_a.pk]),
        statuses(200, **dict.fromkeys(("unit_head_b", "staff_b", "outsider"), 404)),
    ),
    Case(
        "directives:concern_detail",
        lambda c: reverse("directives:concern_detail", args=[c.concern_a.pk]),
        statuses(403, officer=302, **dict.fromkeys(("unit_head_b", "staff_b", "outsider"), 404)),
        method="post",
        data={"action": "answer", "text": "Dùng nhà văn hóa xã."},
    ),
    Case(
        "directives:urge_units",
        lambda c: reverse("directives:urge_units"),
        statuses(403, officer=200),
    ),
    Case(
        "directives:urge_units",
        lambda c: reverse("directives:urge_units"),
        statuses(403, officer=302),
        method="post",
        data=lambda c: {"message": "Đề nghị khẩn trương.", "phan_cong": c.assignment_b.pk},
    ),
    Case(
        "directives:explanation_request",
        lambda c: reverse("directives:explanation_request", args=[c.assignment_b.pk]),
        statuses(403, officer=200, hamlet_head_a=404, outsider=404),
    ),
    Case(
        "directives:explanation_detail",
        lambda c: reverse("directives:explanation_detail", args=[c.explanation_b.pk]),
        statuses(200, hamlet_head_a=404, outsider=404),
    ),
    Case(
        "directives:explanation_detail",
        lambda c: reverse("directives:explanation_detail", args=[c.explanation_b.pk]),
        statuses(403, unit_head_b=302, staff_b=302, hamlet_head_a=404, outsider=404),
        method="post",
        data={"answer": "Chờ hướng dẫn của tỉnh."},
    ),
    # --- registering directives: the clerk and the monitoring office; leaders read ------------
    Case(
        "directives:directive_create",
        lambda c: reverse("directives:directive_create"),
        statuses(403, officer=200, clerk=200),
    ),
    Case(
        "directives:directive_create",
        lambda c: reverse("directives:directive_create"),
        statuses(403, officer=200, clerk=200),
        method="post",
        data={"action": "register"},
    ),
    Case(
        "directives:directive_edit",
        lambda c: reverse("directives:directive_edit", args=[c.directive.pk]),
        statuses(403, officer=200, clerk=200, outsider=404),
    ),
    Case(
        "directives:directive_edit",
        lambda c: reverse("directives:directive_edit", args=[c.other_directive.pk]),
        statuses(403, officer=200, clerk=200, outsider=404, hamlet_head_a=404),
        method="post",
        data={"action": "save"},
    ),
    Case(
        "directives:directive_file",
        lambda c: reverse("directives:directive_file", args=[c.directive.pk]),
        statuses(200, outsider=404),
    ),
    Case(
        "directives:document_upload",
        lambda c: reverse("directives:document_upload"),
        statuses(403, officer=200, clerk=200),
    ),
    Case(
        "directives:document_upload",
        lambda c: reverse("directives:document_upload"),
        statuses(403, officer=200, clerk=200),
        method="post",
        data={"text": ""},
    ),
    Case(
        "directives:document_review",
        lambda c: reverse("directives:document_review", args=[c.document_import.pk]),
        statuses(403, officer=200, clerk=200, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 404)),
    ),
    Case(
        "directives:document_review",
        lambda c: reverse("directives:document_review", args=[c.document_import.pk]),
        statuses(403, officer=200, clerk=200, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 404)),
        method="post",
        data={"action": "draft"},
    ),
    Case(
        "directives:document_retry",
        lambda c: reverse("directives:document_retry", args=[c.document_import.pk]),
        statuses(403, officer=302, clerk=302, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 404)),
        method="post",
    ),
    Case(
        "directives:document_discard",
        lambda c: reverse("directives:document_discard", args=[c.document_import.pk]),
        statuses(403, officer=302, clerk=302, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 404)),
        method="post",
    ),
    Case(
        "directives:document_file",
        lambda c: reverse("directives:document_file", args=[c.document_import.pk]),
        statuses(403, officer=200, clerk=200, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 404)),
    ),
    Case(
        "directives:document_page",
        lambda c: reverse("directives:document_page", args=[c.document_import.pk, 1]),
        statuses(403, officer=200, clerk=200, outsider=404, **dict.fromkeys(UNIT_PEOPLE, 404)),
    ),
    Case(
        "directives:import_upload",
        lambda c: reverse("directives:import_upload", args=[c.directive.pk]),
        statuses(403, officer=200, clerk=200, outsider=404),
    ),
    Case(
        "directives:import_detail",
        lambda c: reverse("directives:import_detail", args=[c.import_job.pk]),
        statuses(403, officer=200, clerk=200, outsider=404),
    ),
    Case(
        "directives:import_apply",
        lambda c: reverse("directives:import_apply", args=[c.import_job.pk]),
        statuses(403, officer=302, clerk=302, outsider=404),
        method="post",
    ),
    Case(
        "directives:import_retry",
        lambda c: reverse("directives:import_retry", args=[c.import_job.pk]),
        statuses(403, officer=302, clerk=302, outsider=404),
        method="post",
    ),
    # The admin serves the clerk and the monitoring officer (staff); others are sent to log in.
    Case(
        "admin:index",
        lambda c: reverse("admin:index"),
        statuses(302, officer=200, clerk=200),
    ),
]


# --- Notifications and reminders -------------------------------------------------------------
WHOLE_ORGANISATION = ("officer", "chairman", "vice_chairman", "clerk")
POLICY_FORM = {
    "action": "save",
    "is_enabled": "on",
    "days_before": "7, 3, 1",
    "remind_on_due_day": "on",
    "overdue_every_days": "3",
    "escalate_after_days": "5",
    "report_days_before": "5, 1",
}


def _officers_notification(c) -> int:
    """A notification of the monitoring officer: only the officer may open or mark it."""
    from notifications.models import Notification

    return Notification.objects.create(
        recipient=c.officer, kind="urge", title="Đôn đốc", url="/thong-bao/"
    ).pk


def _failed_delivery(c) -> int:
    """A delivery to head of B that failed for good: the office may send it again."""
    from notifications.models import Delivery, Notification

    notification = Notification.objects.create(
        recipient=c.unit_head_b, kind="reminder_overdue", title="Nhắc việc", url="/"
    )
    return Delivery.objects.create(notification=notification, channel="email", status="failed").pk


CASES += [
    Case(
        "notifications:notification_list",
        lambda c: reverse("notifications:notification_list"),
        statuses(200),
    ),
    Case(
        "notifications:notification_read",
        lambda c: reverse("notifications:notification_read", args=[_officers_notification(c)]),
        statuses(404, officer=302),
        method="post",
    ),
    Case(
        "notifications:notification_read_all",
        lambda c: reverse("notifications:notification_read_all"),
        statuses(302),
        method="post",
    ),
    Case(
        "notifications:preferences", lambda c: reverse("notifications:preferences"), statuses(200)
    ),
    Case(
        "notifications:preferences",
        lambda c: reverse("notifications:preferences"),
        statuses(302),
        method="post",
        data={"channels": ["in_app"]},
    ),
    Case(
        "notifications:assignment_reminders",
        lambda c: reverse("notifications:assignment_reminders", args=[c.assignment_a.pk]),
        statuses(200, outsider=404, unit_head_b=404, staff_b=404),
    ),
    Case(
        "notifications:delivery_log",
        lambda c: reverse("notifications:delivery_log"),
        statuses(403, **dict.fromkeys(WHOLE_ORGANISATION, 200)),
    ),
    Case(
        "notifications:delivery_retry",
        lambda c: reverse("notifications:delivery_retry", args=[_failed_delivery(c)]),
        statuses(404, officer=302, chairman=403, vice_chairman=403, clerk=403),
        method="post",
    ),
    Case(
        "notifications:policy_default",
        lambda c: reverse("notifications:policy_default"),
        statuses(403, **dict.fromkeys(WHOLE_ORGANISATION, 200)),
    ),
    Case(
        "notifications:policy_default",
        lambda c: reverse("notifications:policy_default"),
        statuses(403, officer=302),
        method="post",
        data=POLICY_FORM,
    ),
    Case(
        "notifications:policy_directive",
        lambda c: reverse("notifications:policy_directive", args=[c.directive.pk]),
        statuses(403, outsider=404, **dict.fromkeys(WHOLE_ORGANISATION, 200)),
    ),
    Case(
        "notifications:policy_directive",
        lambda c: reverse("notifications:policy_directive", args=[c.other_directive.pk]),
        statuses(403, outsider=404, hamlet_head_a=404, officer=302),
        method="post",
        data=POLICY_FORM,
    ),
    Case(
        "notifications:policy_task",
        lambda c: reverse("notifications:policy_task", args=[c.task_b_only.pk]),
        statuses(403, outsider=404, **dict.fromkeys(WHOLE_ORGANISATION, 200)),
    ),
    Case(
        "notifications:policy_task",
        lambda c: reverse("notifications:policy_task", args=[c.task_shared.pk]),
        statuses(403, outsider=404, officer=302),
        method="post",
        data=POLICY_FORM,
    ),
]


# --- Account security: two-factor sign-in ---------------------------------------------------
# The suite runs with TWO_FACTOR_ROLES empty and the cast has no authenticator, so nobody is
# held at the gate; tests/units/test_two_factor.py covers the required and enrolled cases.
CASES += [
    # Nothing to give a code for: straight on to ``next``.
    Case("units:two_factor_verify", lambda c: reverse("units:two_factor_verify"), statuses(302)),
    Case(
        "units:two_factor_verify",
        lambda c: reverse("units:two_factor_verify"),
        statuses(302),
        method="post",
        data={"otp_token": "123456"},
    ),
    Case("units:account_security", lambda c: reverse("units:account_security"), statuses(200)),
    # Anyone may turn two-factor on for themselves; a wrong first code shows the page again.
    Case("units:two_factor_setup", lambda c: reverse("units:two_factor_setup"), statuses(200)),
    Case(
        "units:two_factor_setup",
        lambda c: reverse("units:two_factor_setup"),
        statuses(200),
        method="post",
        data={"otp_token": "sai"},
    ),
    # Without two-factor on, there are no codes to renew and nothing to turn off.
    Case(
        "units:recovery_codes_new",
        lambda c: reverse("units:recovery_codes_new"),
        statuses(302),
        method="post",
        data={"codes-otp_token": "123456"},
    ),
    Case(
        "units:two_factor_disable",
        lambda c: reverse("units:two_factor_disable"),
        statuses(302),
        method="post",
        data={"off-otp_token": "123456"},
    ),
]
