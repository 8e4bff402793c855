from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sonmai.lib.vndate import short_date
from units import access, twofactor
from units.models import Organisation, Unit, User

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
