"""What leaders, the monitoring office and the clerk are told as a report moves on.

Called inside the services' transactions (a rolled-back step tells nobody); each notice is
composed in the portal's language (Vietnamese) whoever acts.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.choices import NotificationKind
from notifications.services import notify
from reports.models import Report
from sonmai.lib.i18n import in_portal_language
from sonmai.lib.vndate import short_date
from units.access import Capability, members_who_can
from units.models import User


def _url(report: Report) -> str:
    return reverse("reports:report_detail", args=[report.pk])


def _people_who_can(report: Report, capability: Capability) -> list[User]:
    return members_who_can(report.organisation_id, capability)


def _title(report: Report) -> str:
    return _("Báo cáo %(period)s về %(directive)s") % {
        "period": report.period_label,
        "directive": report.directive.title,
    }


@in_portal_language
def report_submitted(report: Report, *, actor: object) -> None:
    notify(
        _people_who_can(report, Capability.APPROVE_REPORTS),
        kind=NotificationKind.REPORT_SUBMITTED,
        title=_("Trình phê duyệt: %(report)s") % {"report": _title(report)},
        body=_("Hạn gửi UBND tỉnh: %(date)s. Xem, cho ý kiến hoặc phê duyệt trên cổng.")
        % {"date": short_date(report.due_date)},
        url=_url(report),
        actor=actor,
    )


@in_portal_language
def report_returned(report: Report, *, actor: object) -> None:
    people = _people_who_can(report, Capability.DRAFT_REPORTS)
    if report.created_by not in people:
        people.append(report.created_by)
    notify(
        people,
        kind=NotificationKind.REPORT_RETURNED,
        title=_("Lãnh đạo trả lại: %(report)s") % {"report": _title(report)},
        body=_("Ý kiến: %(comment)s") % {"comment": report.return_comment},
        url=_url(report),
        actor=actor,
    )


@in_portal_language
def report_approved(report: Report, *, actor: object) -> None:
    people = _people_who_can(report, Capability.DRAFT_REPORTS) + _people_who_can(
        report, Capability.RECORD_DISPATCH
    )
    notify(
        people,
        kind=NotificationKind.REPORT_APPROVED,
        title=_("Đã phê duyệt Báo cáo số %(code)s") % {"code": report.code},
        body=_("%(report)s. Văn thư tải tệp đã ký số và gửi UBND tỉnh (qua Sở Nội vụ).")
        % {"report": _title(report)},
        url=_url(report),
        actor=actor,
    )
