from functools import partial

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from directives.calendar import public_holiday_name
from directives.choices import AssignmentRole
from directives.history_display import describe, foreign_names, object_label
from directives.models import (
    Assignment,
    Directive,
    HistoryEntry,
    Indicator,
    Section,
    Task,
    WorkdayException,
)
from directives.services.extensions import change_due_date
from sonmai.lib.files import IMAGES, CheckedFileField, UploadRule
from sonmai.lib.i18n import portal_language
from units.admin import OrganisationScopedAdmin
from units.models import Unit


def _scoped_choices(field_name: str, user: object, task: Task | None = None) -> QuerySet | None:
    """Choices of an assignment's foreign keys: the staff member's organisation only, and for
    "phối hợp với" the lead units of the same task (once the task is known)."""
    if field_name == "lead_assignment" and task is not None:
        return Assignment.objects.filter(task=task, role=AssignmentRole.LEAD).select_related(
            "task__section", "unit"
        )
    if user.is_superuser:
        return None
    organisation_id = user.organisation_id
    if field_name == "unit":
        return Unit.objects.filter(organisation_id=organisation_id)
    if field_name == "task":
        return Task.objects.filter(section__directive__organisation_id=organisation_id)
    if field_name == "lead_assignment":
        return Assignment.objects.filter(unit__organisation_id=organisation_id).select_related(
            "task__section", "unit"
        )
    return None


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class TaskInline(admin.StackedInline):
    model = Task
    extra = 0
    fields = ["number", "short_title", "task_type", "text"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = [
        "unit",
        "role",
        "lead_assignment",
        "assigned_on",
        "due_date",
        "cadence",
        "report_day",
        "status",
        "percent_done",
        "completed_on",
    ]
    # Progress comes only from the units' updates; deadlines move through extensions (or the
    # assignment's own page in the admin, which records the change).
    readonly_fields = ["status", "percent_done", "completed_on"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "due_date"] if obj else self.readonly_fields

    def get_formset(self, request, obj=None, **kwargs):
        # The task being edited, so "phối hợp với" offers only its own lead units.
        request.admin_task = obj  # per request: the admin object is shared between threads
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = _scoped_choices(db_field.name, request.user, getattr(request, "admin_task", None))
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


#: A directive's source document replaced in the admin: what the registration page reads.
SOURCE_DOCUMENT_UPLOAD = UploadRule(
    lambda: settings.DIRECTIVE_IMPORT_MAX_BYTES,
    IMAGES | {".docx", ".pdf"},
    _lazy("văn bản Word (.docx), PDF hay ảnh chụp văn bản (JPG, PNG, WebP)"),
)


@admin.register(Directive)
class DirectiveAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "document_type", "issued_on", "issuing_body"]
    list_filter = ["document_type"]
    search_fields = ["number", "symbol", "subject"]
    filter_horizontal = ["basis"]
    inlines = [SectionInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "original_file":
            kwargs["form_class"] = partial(CheckedFileField, rule=SOURCE_DOCUMENT_UPLOAD)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_exclude(self, request, obj=None):
        return [] if request.user.is_superuser else ["organisation"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "basis" and not request.user.is_superuser:
            kwargs["queryset"] = Directive.objects.filter(
                organisation_id=request.user.organisation_id
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not change:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)


@admin.register(Section)
class SectionAdmin(OrganisationScopedAdmin):
    organisation_path = "directive__organisation"
    list_display = ["__str__", "directive"]
    inlines = [TaskInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "directive" and not request.user.is_superuser:
            kwargs["queryset"] = Directive.objects.filter(
                organisation_id=request.user.organisation_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Task)
class TaskAdmin(OrganisationScopedAdmin):
    organisation_path = "section__directive__organisation"
    list_display = ["citation", "short_title", "task_type", "section"]
    list_filter = ["task_type"]
    search_fields = ["short_title", "search_text"]
    inlines = [IndicatorInline, AssignmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("section__directive")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section" and not request.user.is_superuser:
            kwargs["queryset"] = Section.objects.filter(
                directive__organisation_id=request.user.organisation_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Assignment)
class AssignmentAdmin(OrganisationScopedAdmin):
    organisation_path = "unit__organisation"
    list_display = ["task", "unit", "role", "due_date", "cadence", "status", "percent_done"]
    list_filter = ["role", "status", "cadence"]
    list_select_related = ["task__section", "unit"]
    readonly_fields = ["status", "percent_done", "started_on", "completed_on"]
    exclude = ["version"]

    def has_delete_permission(self, request, obj=None):
        # Nothing is deleted for real; a wrong assignment is corrected, and its history stays.
        return False

    def save_model(self, request, obj, form, change):
        if change and "due_date" in form.changed_data:
            new_due_date = obj.due_date
            obj.due_date = form.initial.get("due_date")
            super().save_model(request, obj, form, change)
            with portal_language():
                reason = _("Sửa hạn trong trang quản trị.")
            change_due_date(obj, actor=request.user, new_due_date=new_due_date, reason=reason)
            return
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The assignment's own task, so "phối hợp với" offers only that task's lead units.
        request.admin_task = obj.task if obj else None  # per request, not on the shared admin
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = _scoped_choices(db_field.name, request.user, getattr(request, "admin_task", None))
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(HistoryEntry)
class HistoryEntryAdmin(OrganisationScopedAdmin):
    """The history of changes, the portal's and the admin's, read-only."""

    organisation_path = "actor__organisation"
    list_display = ["created_at", "actor", "action", "object_name", "change_summary", "note"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["actor__username", "actor__full_name", "note"]
    fields = ["created_at", "actor", "action", "object_name", "change_lines", "note"]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_lazy("Đối tượng"))
    def object_name(self, entry: HistoryEntry) -> str:
        return f"{object_label(entry)} #{entry.object_id}"

    @admin.display(description=_lazy("Thay đổi"))
    def change_summary(self, entry: HistoryEntry) -> str:
        return "; ".join(f"{line.label}: {line.old} → {line.new}" for line in describe(entry))

    @admin.display(description=_lazy("Thay đổi"))
    def change_lines(self, entry: HistoryEntry) -> str:
        lines = describe(entry, foreign_names([entry]))
        return format_html_join(
            mark_safe("<br>"), "{}: {} → {}", ((line.label, line.old, line.new) for line in lines)
        )


@admin.register(WorkdayException)
class WorkdayExceptionAdmin(admin.ModelAdmin):
    """Announced days off and make-up working days (national, so not scoped)."""

    list_display = ["date", "kind", "description", "public_holiday"]
    list_filter = ["kind"]
    search_fields = ["description"]
    date_hierarchy = "date"

    @admin.display(description=_lazy("ngày lễ theo thư viện"))
    def public_holiday(self, obj: WorkdayException) -> str:
        return public_holiday_name(obj.date) or "—"
