from django.contrib import admin

from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderPolicy,
)
from units.admin import OrganisationScopedAdmin


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(OrganisationScopedAdmin):
    list_display = [
        "__str__",
        "is_enabled",
        "days_before",
        "remind_on_due_day",
        "overdue_every_days",
        "escalate_after_days",
        "report_days_before",
    ]
    raw_id_fields = ["directive", "task"]
    readonly_fields = ["updated_by", "updated_at"]

    def get_exclude(self, request, obj=None):
        return [] if request.user.is_superuser else ["organisation"]

    def save_model(self, request, obj, form, change):
        from notifications.services import save_policy

        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
        save_policy(obj, actor=request.user)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(OrganisationScopedAdmin):
    organisation_path = "recipient__organisation"
    list_display = ["title", "kind", "recipient", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__full_name", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "url",
        "payload",
        "actor",
        "assignment",
        "reminders",
        "in_app",
        "created_at",
        "read_at",
    ]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.register(Reminder)
class ReminderAdmin(OrganisationScopedAdmin):
    organisation_path = "assignment__unit__organisation"
    list_display = ["assignment", "kind", "occurrence_key", "due_at", "notified_at", "skipped"]
    list_filter = ["kind", "skipped"]
    list_select_related = ["assignment__task__section", "assignment__unit"]
    readonly_fields = [
        "assignment",
        "kind",
        "occurrence_key",
        "reference_date",
        "working_days",
        "due_at",
        "notified_at",
        "skipped",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(OrganisationScopedAdmin):
    organisation_path = "user__organisation"
    list_display = ["user", "channels", "updated_at"]
    raw_id_fields = ["user"]
