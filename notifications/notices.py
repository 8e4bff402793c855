"""What people are told when the office or a leader acts on their work, and when sign-in is
locked.

The lower apps announce what happened through their signals (``directives.signals``,
``units.signals.sign_in_locked_out``); ``connect()``, run from ``NotificationsConfig.ready``,
ties each signal to a receiver here that composes one Vietnamese notice and hands it to
``notifications.services.notify``, which records it under the bell and, on commit, sends it
through the channels each person chose. The signals are sent from inside the services'
transactions, so a rolled-back action tells nobody.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from directives import signals as directive_signals
from directives.models import (
    Assignment,
    Concern,
    ExplanationRequest,
    ExtensionRequest,
    ProgressUpdate,
    Urging,
)
from notifications.choices import NotificationKind
from notifications.recipients import (
    administrator_recipients,
    extension_decider_recipients,
    unit_recipients,
)
from notifications.services import notify
from sonmai.lib.i18n import in_portal_language
from sonmai.lib.vndate import long_datetime, short_date
from units import signals as unit_signals
from units.models import SignInEvent, User


def _task_url(assignment: Assignment) -> str:
    return reverse("directives:assignment_detail", args=[assignment.pk])


def _unit_people(assignment: Assignment, *also: User | None) -> list[User]:
    people = list(unit_recipients([assignment.unit_id]).get(assignment.unit_id, []))
    for person in also:
        if person is not None and person not in people:
            people.append(person)
    return people


def _label(assignment: Assignment) -> str:
    return f"{assignment.task.citation} – {assignment.task.short_title}"


@in_portal_language
def update_returned(
    sender: type, *, instance: ProgressUpdate, actor: User, **kwargs: object
) -> None:
    update = instance
    assignment = update.assignment
    notify(
        _unit_people(assignment, update.author),
        kind=NotificationKind.UPDATE_RETURNED,
        title=_("Cập nhật bị trả lại: %(task)s") % {"task": _label(assignment)},
        body=_("Lý do: %(reason)s. Cập nhật này không được tính; vui lòng gửi lại.")
        % {"reason": update.review_note.rstrip(".")},
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def extension_requested(
    sender: type, *, instance: ExtensionRequest, actor: User, **kwargs: object
) -> None:
    extension = instance
    assignment = extension.assignment
    notify(
        extension_decider_recipients(assignment.unit.organisation_id),
        kind=NotificationKind.EXTENSION_REQUESTED,
        title=_("%(unit)s đề nghị gia hạn: %(task)s")
        % {"unit": assignment.unit, "task": _label(assignment)},
        body=_("Từ %(old)s đến %(new)s. Lý do: %(reason)s")
        % {
            "old": short_date(extension.current_due_date),
            "new": short_date(extension.proposed_due_date),
            "reason": extension.reason,
        },
        url=reverse("directives:extension_decide", args=[extension.pk]),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def extension_decided(
    sender: type, *, instance: ExtensionRequest, actor: User, **kwargs: object
) -> None:
    extension = instance
    assignment = extension.assignment
    if extension.approved_due_date:
        body = _("Đồng ý gia hạn đến %(date)s.") % {"date": short_date(extension.approved_due_date)}
    else:
        body = _("Không đồng ý gia hạn.")
    if extension.decision_note:
        body = f"{body} {extension.decision_note}"
    notify(
        _unit_people(assignment, extension.requested_by),
        kind=NotificationKind.EXTENSION_DECIDED,
        title=_("Kết quả đề nghị gia hạn: %(task)s") % {"task": _label(assignment)},
        body=body,
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def urged(sender: type, *, instance: Urging, actor: User, **kwargs: object) -> None:
    urging = instance
    assignment = urging.assignment
    notify(
        _unit_people(assignment),
        kind=NotificationKind.URGE,
        title=_("Đôn đốc: %(task)s") % {"task": _label(assignment)},
        body=urging.message,
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def explanation_requested(
    sender: type, *, instance: ExplanationRequest, actor: User, **kwargs: object
) -> None:
    explanation = instance
    assignment = explanation.assignment
    notify(
        _unit_people(assignment),
        kind=NotificationKind.EXPLANATION_REQUESTED,
        title=_("Yêu cầu giải trình: %(task)s") % {"task": _label(assignment)},
        body=_("%(question)s Hạn gửi giải trình: %(date)s.")
        % {"question": explanation.question, "date": short_date(explanation.answer_due)},
        url=reverse("directives:explanation_detail", args=[explanation.pk]),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def explanation_answered(
    sender: type, *, instance: ExplanationRequest, actor: User, **kwargs: object
) -> None:
    explanation = instance
    assignment = explanation.assignment
    notify(
        [explanation.requested_by],
        kind=NotificationKind.EXPLANATION_ANSWERED,
        title=_("%(unit)s đã giải trình: %(task)s")
        % {"unit": assignment.unit, "task": _label(assignment)},
        body=explanation.answer,
        url=reverse("directives:explanation_detail", args=[explanation.pk]),
        actor=actor,
        assignment=assignment,
    )


@in_portal_language
def concern_answered(sender: type, *, instance: Concern, actor: User, **kwargs: object) -> None:
    concern = instance
    assignment = concern.assignment
    author = concern.update.author if concern.update is not None else None
    notify(
        _unit_people(assignment, author),
        kind=NotificationKind.CONCERN_ANSWERED,
        title=_("Trả lời %(kind)s: %(task)s")
        % {"kind": concern.get_kind_display().lower(), "task": _label(assignment)},
        body=concern.answer,
        url=_task_url(assignment),
        actor=actor,
        assignment=assignment,
    )


# --- Sign-in ------------------------------------------------------------------------------------
@in_portal_language
def sign_in_locked_out(
    sender: type,
    *,
    event: SignInEvent,
    until: datetime.datetime | None,
    username_locked: bool,
    **kwargs: object,
) -> None:
    """Tell the person whose username was locked, and the administrators of their
    organisation (of every organisation for a username that names nobody)."""
    person = event.user
    values = {
        "username": event.username or "—",
        "address": event.ip_address or _("không rõ"),
        "limit": settings.AXES_FAILURE_LIMIT,
        "when": long_datetime(event.at),
        "until": long_datetime(until),
    }
    if person is not None and username_locked:
        notify(
            [person],
            kind=NotificationKind.SIGN_IN_LOCKED_OUT,
            title=_("Tài khoản %(username)s tạm bị khóa đăng nhập") % values,
            body=_(
                "Lúc %(when)s, tài khoản %(username)s bị tạm khóa đăng nhập vì mật khẩu bị "
                "nhập sai %(limit)d lần (lần cuối từ địa chỉ %(address)s). Có thể đăng nhập "
                "lại từ %(until)s.\n"
                "Nếu không phải bạn nhập, hãy đặt lại mật khẩu bằng “Quên mật khẩu?” ở trang "
                "đăng nhập và báo cho quản trị hệ thống."
            )
            % values,
            url=reverse("password_reset"),
        )
    if username_locked:
        title = _("Tạm khóa đăng nhập: tài khoản %(username)s") % values
        body = _(
            "Lúc %(when)s, tài khoản %(username)s%(name)s bị tạm khóa đăng nhập sau %(limit)d "
            "lần đăng nhập không thành công (lần cuối từ địa chỉ %(address)s). Khóa tự hết "
            "lúc %(until)s; có thể mở khóa sớm trong trang quản trị, mục “Khóa đăng nhập”."
        ) % {**values, "name": f" ({person.get_full_name()})" if person is not None else ""}
        search = event.username
    else:
        title = _("Tạm khóa đăng nhập: địa chỉ %(address)s") % values
        body = (
            _(
                "Lúc %(when)s, địa chỉ %(address)s bị tạm khóa đăng nhập sau %(limit)d lần đăng "
                "nhập không thành công từ địa chỉ này (lần cuối với tên đăng nhập %(username)s). "
                "Khóa tự hết lúc %(until)s; có thể mở khóa sớm trong trang quản trị, mục “Khóa "
                "đăng nhập”."
            )
            % values
        )
        search = event.ip_address or ""
    administrators = [
        admin
        for admin in administrator_recipients(getattr(person, "organisation_id", None))
        if admin != person
    ]
    notify(
        administrators,
        kind=NotificationKind.SIGN_IN_LOCKED_OUT,
        title=title,
        body=body,
        url=reverse("admin:units_signinlock_changelist") + "?" + urlencode({"q": search}),
    )


def connect() -> None:
    """Tie the receivers to the lower apps' signals (from ``NotificationsConfig.ready``)."""
    for signal, receiver in (
        (directive_signals.update_returned, update_returned),
        (directive_signals.extension_requested, extension_requested),
        (directive_signals.extension_decided, extension_decided),
        (directive_signals.urged, urged),
        (directive_signals.explanation_requested, explanation_requested),
        (directive_signals.explanation_answered, explanation_answered),
        (directive_signals.concern_answered, concern_answered),
        (unit_signals.sign_in_locked_out, sign_in_locked_out),
    ):
        signal.connect(receiver, dispatch_uid=f"notifications.notices.{receiver.__name__}")
