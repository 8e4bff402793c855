from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sonmai.lib.vndate import long_datetime, short_date
from units import access, services, signin, twofactor
from units.models import Organisation, SignInEvent, SignInLock, Unit, User

# django-otp's own device pages list every organisation's devices and show their secret keys and
# recovery codes. A person's two-factor is seen and reset from their page here instead.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class OrganisationScopedAdmin(admin.ModelAdmin):
    """Admin that shows staff only their own organisation's rows (superusers see all).

    ``organisation_path`` is the lookup from the model to its owning organisation.
    """

    organisation_path = "organisation"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.organisation_path: request.user.organisation_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.filter(organisation_id=request.user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "administrative_code", "hosts_portal"]
    list_filter = ["level", "hosts_portal"]
    search_fields = ["name", "short_name", "administrative_code"]


@admin.register(Unit)
class UnitAdmin(OrganisationScopedAdmin):
    list_display = ["name", "code", "kind", "is_demo", "is_active", "position"]
    list_filter = ["kind", "is_demo", "is_active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """People of the staff member's own organisation only (superusers see everyone); staff
    cannot grant themselves or others superuser status."""

    list_display = ["username", "full_name", "role", "unit", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_staff", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Thông tin cá nhân"),
            {"fields": ("full_name", "email", "phone", "position_title")},
        ),
        (_("Vai trò"), {"fields": ("organisation", "unit", "role")}),
        (
            _("Quyền"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
        (_("Bảo mật"), {"fields": ("two_factor",)}),
    )
    actions = ["reset_two_factor"]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "organisation",
                    "unit",
                    "role",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("organisation", "unit")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation_id=request.user.organisation_id)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ("two_factor",)
        return ("organisation", "is_superuser", "user_permissions", "groups", "two_factor")

    @admin.display(description=_("Xác thực hai bước"))
    def two_factor(self, obj: User) -> str:
        since = twofactor.enabled_since(obj) if obj.pk else None
        if since is None:
            return gettext("Chưa bật.")
        return gettext(
            "Đang bật từ %(day)s. Khi người này mất điện thoại, chọn họ trong danh sách người "
            "dùng và dùng thao tác “Đặt lại xác thực hai bước”."
        ) % {"day": short_date(since)}

    @admin.action(
        description=_("Đặt lại xác thực hai bước (mất điện thoại)"), permissions=["change"]
    )
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        done, refused = [], []
        for person in queryset:
            if access.can_reset_two_factor(request.user, person):
                twofactor.reset_two_factor(person, actor=request.user)
                done.append(person)
            else:
                refused.append(str(person))
        if done:
            self.message_user(
                request,
                ngettext(
                    "Đã đặt lại xác thực hai bước cho %(count)d người. Ai bắt buộc dùng sẽ "
                    "thiết lập lại ngay khi vào cổng lần sau.",
                    "Đã đặt lại xác thực hai bước cho %(count)d người. Ai bắt buộc dùng sẽ "
                    "thiết lập lại ngay khi vào cổng lần sau.",
                    len(done),
                )
                % {"count": len(done)},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                gettext("Chỉ quản trị viên cấp cao đặt lại được xác thực hai bước của: %(names)s.")
                % {"names": ", ".join(refused)},
                messages.ERROR,
            )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.filter(organisation_id=request.user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody adds to or edits by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SignInEvent)
class SignInEventAdmin(_ReadOnlyAdmin):
    """The sign-in record, read-only. Staff who are not superusers see the events of their own
    organisation's people and those that name nobody (a mistyped or invented username)."""

    list_display = ["at", "kind", "username", "user", "ip_address", "path", "note", "actor"]
    list_filter = ["kind", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["username", "ip_address", "user__full_name", "user_agent"]
    date_hierarchy = "at"
    list_select_related = ["user", "actor"]
    fields = [
        "at",
        "kind",
        "username",
        "user",
        "ip_address",
        "user_agent",
        "path",
        "note",
        "actor",
    ]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(user__organisation_id=request.user.organisation_id) | Q(user__isnull=True)
        )


@admin.register(SignInLock)
class SignInLockAdmin(_ReadOnlyAdmin):
    """django-axes's failed-attempt counters: who is locked out and until when, and lifting a
    lock early ("Mở khóa"). Deleting rows here is unlocking, recorded in the sign-in record."""

    list_display = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "state",
        "path_info",
    ]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = [
        "username",
        "ip_address",
        "user_agent",
        "failures_since_start",
        "attempt_time",
        "path_info",
    ]
    actions = ["unlock_usernames", "unlock_addresses"]

    @admin.display(description=_("trạng thái"))
    def state(self, obj: SignInLock) -> str:
        ends = signin.lock_ends_at(username=obj.username, ip_address=obj.ip_address)
        if ends is None:
            return _("Chưa khóa")
        return _("Khóa đến %(until)s") % {"until": long_datetime(ends)}

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _unlocked(self, request: HttpRequest, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "Đã mở khóa: xóa %(count)d bản ghi đăng nhập sai.",
                "Đã mở khóa: xóa %(count)d bản ghi đăng nhập sai.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mở khóa các tên đăng nhập đã chọn"), permissions=["delete"])
    def unlock_usernames(self, request: HttpRequest, queryset: QuerySet) -> None:
        usernames = list(queryset.values_list("username", flat=True))
        count = services.do_unlock_sign_in(usernames=usernames, actor=request.user, request=request)
        self._unlocked(request, count)

    @admin.action(description=_("Mở khóa các địa chỉ IP đã chọn"), permissions=["delete"])
    def unlock_addresses(self, request: HttpRequest, queryset: QuerySet) -> None:
        addresses = list(queryset.values_list("ip_address", flat=True))
        count = services.do_unlock_sign_in(
            ip_addresses=addresses, actor=request.user, request=request
        )
        self._unlocked(request, count)

    def delete_model(self, request: HttpRequest, obj: SignInLock) -> None:
        services.do_unlock_sign_in(usernames=[obj.username], actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.unlock_usernames(request, queryset)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": _(
                "Một tên đăng nhập hoặc một địa chỉ IP bị khóa khi có %(limit)d lần đăng nhập "
                "sai gần nhau; khóa tự hết sau %(minutes)d phút kể từ lần sai cuối."
            )
            % {
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(signin.cool_off().total_seconds() // 60),
            },
        }
        return super().changelist_view(request, extra_context)
