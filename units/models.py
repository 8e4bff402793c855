from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sonmai.lib.fields import NFCCharField, NFCTextField
from units.choices import (
    PARTY_LEVELS,
    UNIT_ROLES,
    ExtensionDeciders,
    OrganisationLevel,
    Role,
    SignInEventKind,
    UnitKind,
)


class Organisation(models.Model):
    """A body that issues documents: the Politburo, a province, a department, a commune.

    Communes that use the portal are organisations with ``hosts_portal`` set; everything a user
    sees is scoped to their own organisation, so one deployment can later serve a whole province.
    """

    name = NFCCharField(_("tên đầy đủ"), max_length=200)
    short_name = NFCCharField(_("tên viết tắt"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=30, choices=OrganisationLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    report_via = models.ForeignKey(
        "self",
        verbose_name=_("báo cáo cấp trên qua"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cơ quan tiếp nhận báo cáo thay cấp trên, ví dụ Sở Nội vụ."),
    )
    hosts_portal = models.BooleanField(_("dùng cổng theo dõi"), default=False)
    document_header = NFCTextField(
        _("tên cơ quan ở đầu văn bản"),
        blank=True,
        help_text=_("Mỗi dòng một dòng, ví dụ: ỦY BAN NHÂN DÂN / XÃ (tên xã viết hoa)."),
    )
    place_name = NFCCharField(
        _("địa danh ghi ngày tháng"),
        max_length=100,
        blank=True,
        help_text=_("Tên xã, như trong dòng “(tên xã), ngày 07 tháng 01 năm 2026”."),
    )
    administrative_code = models.CharField(_("mã đơn vị hành chính"), max_length=10, blank=True)
    document_code = models.CharField(
        _("ký hiệu cơ quan trong số văn bản"),
        max_length=20,
        blank=True,
        help_text=_("Ví dụ: UBND (trong “05/BC-UBND”)."),
    )
    edxml_organ_id = models.CharField(
        _("mã định danh (edXML)"),
        max_length=13,
        blank=True,
        help_text=_("Mã 13 ký tự theo QCVN 102:2016, ví dụ 000.00.00.H41."),
    )
    address = NFCCharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    extension_deciders = models.CharField(
        _("ai quyết định gia hạn"),
        max_length=30,
        choices=ExtensionDeciders.choices,
        default=ExtensionDeciders.LEADERS,
    )
    monitoring_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị theo dõi, tổng hợp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Đơn vị của xã theo dõi, đôn đốc việc thực hiện văn bản và dự thảo báo cáo; là đơn "
            "vị theo dõi mặc định của văn bản mới."
        ),
    )

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_party_body(self) -> bool:
        return self.level in PARTY_LEVELS

    @property
    def header_lines(self) -> list[str]:
        return [line.strip() for line in self.document_header.splitlines() if line.strip()]

    @property
    def monitoring_office(self) -> str:
        """Who follows the directives, as a person reads it: the monitoring unit's name
        ("Phòng Văn hóa - Xã hội"), or "công chức theo dõi" when none is set."""
        if self.monitoring_unit_id is not None:
            return self.monitoring_unit.name
        return str(_("công chức theo dõi"))

    @property
    def report_addressee(self) -> str:
        """Whom the periodic reports go to: the body above, through the body that receives
        them for it ("Ủy ban nhân dân tỉnh … (qua Sở Nội vụ)"); empty when none is set."""
        if self.parent_id is None:
            return ""
        if self.report_via_id is None:
            return self.parent.name
        via = self.report_via.short_name or self.report_via.name
        return str(_("%(superior)s (qua %(via)s)") % {"superior": self.parent.name, "via": via})

    @property
    def province_name(self) -> str:
        """The province the organisation belongs to ("Quảng Ngãi"), from the bodies above it."""
        body = self.parent
        while body is not None and body.level != OrganisationLevel.PROVINCE:
            body = body.parent
        return body.place_name if body is not None else ""


class Unit(models.Model):
    """A department, centre, station, school or hamlet of a commune People's Committee."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="units"
    )
    name = NFCCharField(_("tên đơn vị"), max_length=150)
    code = models.CharField(
        _("ký hiệu"),
        max_length=20,
        blank=True,
        help_text=_("Ký hiệu dùng trong số văn bản và nơi nhận, ví dụ VP, KT."),
    )
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    is_demo = models.BooleanField(
        _("dữ liệu mẫu"),
        default=False,
        help_text=_("Tên đặt để trình diễn, chưa phải tên thật của đơn vị."),
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["organisation", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        # Demo names are marked wherever they appear, so nobody mistakes them for real hamlets.
        return f"{self.name} (mẫu)" if self.is_demo else self.name

    @property
    def is_hamlet(self) -> bool:
        return self.kind == UnitKind.HAMLET


class User(AbstractUser):
    """A person who signs in: a leader, an officer, a clerk or a member of a unit."""

    full_name = NFCCharField(_("họ và tên"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices, blank=True)
    position_title = NFCCharField(
        _("chức vụ"), max_length=150, blank=True, help_text=_("Ví dụ: Trưởng thôn Thôn 1.")
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    def clean(self) -> None:
        super().clean()
        if self.role in UNIT_ROLES and self.unit_id is None:
            raise ValidationError({"unit": _("Vai trò này cần gắn với một đơn vị.")})
        if self.role == Role.HAMLET_HEAD and self.unit and not self.unit.is_hamlet:
            raise ValidationError({"unit": _("Trưởng thôn phải thuộc một thôn.")})
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            raise ValidationError({"unit": _("Đơn vị không thuộc cơ quan của người dùng.")})


class SignInEvent(models.Model):
    """One sign-in, failed attempt, sign-out, lockout, unlock or password change.

    Written by ``units.services`` from Django's and django-axes's signals; never changed.
    ``username`` is what was typed (a failed attempt may name nobody); ``user`` is the account
    it names, when there is one.
    """

    kind = models.CharField(_("sự kiện"), max_length=30, choices=SignInEventKind.choices)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    user = models.ForeignKey(
        "units.User",
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sign_in_events",
    )
    username = models.CharField(_("tên đăng nhập đã nhập"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=255, blank=True)
    path = models.CharField(_("trang"), max_length=255, blank=True)
    actor = models.ForeignKey(
        "units.User",
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Người quản trị đã mở khóa, khi không phải chính người dùng."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sự kiện đăng nhập")
        verbose_name_plural = _("nhật ký đăng nhập")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="sign_in_event_recent"),
            models.Index(fields=["username", "-at"], name="sign_in_event_username"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.username}"


class SignInLock(AccessAttempt):
    """django-axes's failed-attempt counter, shown in the admin in Vietnamese.

    One row per username, address and browser; a username (or an address) is locked while its
    rows' recent failures reach ``AXES_FAILURE_LIMIT`` (see ``units.signin``). Deleting rows
    lifts the lock: the admin does it through ``services.do_unlock_sign_in``.
    """

    class Meta:
        proxy = True
        verbose_name = _("lần đăng nhập sai, khóa đăng nhập")
        verbose_name_plural = _("khóa đăng nhập")
