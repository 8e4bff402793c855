"""What a person and the administrators are told when sign-in is locked.

Called inside the services' transactions; composed in the portal's language (Vietnamese).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.choices import NotificationKind
from notifications.recipients import administrator_recipients
from notifications.services import notify
from sonmai.lib.i18n import in_portal_language
from sonmai.lib.vndate import long_datetime


@in_portal_language
def sign_in_locked_out(
    event: object, *, until: datetime.datetime | None, username_locked: bool
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
