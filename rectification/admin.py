from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, ScopedAdminMixin, ScopedInlineMixin, ServiceSaveMixin
from inspection.models import Finding
from inspection.services import finding_save
from rectification.forms import RectificationTaskForm
from rectification.models import (
    DeadlineExtension,
    FollowUpVisit,
    ProgressRecord,
    RateSnapshot,
    RectificationTask,
    TaskWarning,
)
from rectification.services import task_save

# 延期 are requested and decided on the task pages and through the API (`services.extension_*`), where the rules
# hold; the admin shows them read-only.
EXTENSION_FIELDS = ("requested_on", "requested_by", "reason", "previous_deadline", "new_deadline", "status",
                    "decided_by", "decided_at", "decision_note")


class DeadlineExtensionInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = DeadlineExtension
    fields = EXTENSION_FIELDS


class ProgressRecordInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = ProgressRecord
    fields = ("created_at", "kind", "status", "note", "evidence", "created_by")


class FollowUpVisitInline(ScopedInlineMixin, admin.TabularInline):
    model = FollowUpVisit
    extra = 0
    fields = ("inspection", "visited_on", "visitors", "rating", "notes")
    autocomplete_fields = ("inspection",)


class TaskWarningInline(ScopedInlineMixin, admin.TabularInline):
    model = TaskWarning
    extra = 0
    fields = ("level", "reason", "issued_at", "lifted_at", "lift_reason")
    readonly_fields = fields
    can_delete = False


class RectificationTaskInline(ScopedInlineMixin, admin.StackedInline):
    model = RectificationTask
    form = RectificationTaskForm
    extra = 1
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.reviewer = request.user  # a fresh class per request: closing is checked against this user
        return formset


# A finding's page edits its rectification tasks, so its admin lives with them.
@admin.register(Finding)
class FindingAdmin(ServiceSaveMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "inspection", "category", "severity")
    list_filter = ("category", "severity", "inspection__round__kind")
    search_fields = ("description", "inspection__organization__name")
    autocomplete_fields = ("inspection",)
    inlines = [RectificationTaskInline]
    list_select_related = ("inspection__organization", "inspection__round__organizer")

    def save_object(self, obj, user):
        if isinstance(obj, RectificationTask):
            task_save(task=obj, user=user)
        else:
            finding_save(finding=obj, user=user)


class OverdueListFilter(admin.SimpleListFilter):
    title = "已逾期"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", "是"), ("0", "否")]

    def queryset(self, request, queryset):
        day = timezone.localdate()
        return {"1": queryset.overdue_on, "0": queryset.not_overdue_on}.get(self.value(), lambda day: queryset)(day)


@admin.register(RectificationTask)
class RectificationTaskAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = RectificationTaskForm
    list_display = ("__str__", "responsible_unit", "deadline", "status", "closed_on", "overdue_display", "region")
    list_filter = ("status", OverdueListFilter, "round__kind", "finding__category", "region__level")
    search_fields = ("finding__description", "responsible_unit", "responsible_person", "organization__name")
    autocomplete_fields = ("finding",)
    date_hierarchy = "deadline"
    readonly_fields = ("original_deadline", "start_due", "progress_due", "stage_display", "reported_on")
    inlines = [ProgressRecordInline, DeadlineExtensionInline, FollowUpVisitInline, TaskWarningInline]
    list_select_related = ("organization", "region", "finding")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.reviewer = request.user  # a fresh class per request: closing is checked against this user
        return form

    @admin.display(description="已逾期", boolean=True)
    def overdue_display(self, obj):
        return obj.is_overdue

    @admin.display(description="当前阶段")
    def stage_display(self, obj):
        return obj.stage.label if obj.pk else "—"

    def save_model(self, request, obj, form, change):
        task_save(task=obj, user=request.user)


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("task_display", "requested_on", "previous_deadline", "new_deadline", "status", "decided_by")
    list_filter = ("status",)
    search_fields = ("reason", "task__organization__name")
    list_select_related = ("task__round", "task__organization", "task__finding")
    fields = ("task", *EXTENSION_FIELDS)
    readonly_fields = fields

    @admin.display(description="整改任务")
    def task_display(self, obj):
        task = obj.task
        return f"#{task.pk} {task.round} 第{task.finding.number}号问题 {task.organization}（{task.get_status_display()}）"


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "visited_on", "rating")
    list_filter = ("rating",)
    search_fields = ("notes", "inspection__organization__name")
    autocomplete_fields = ("inspection", "task")
    date_hierarchy = "visited_on"


@admin.register(TaskWarning)
class TaskWarningAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "task", "level", "issued_at", "lifted_at")
    list_filter = ("level", ("lifted_at", admin.EmptyFieldListFilter))
    search_fields = ("reason", "task__organization__name")
    autocomplete_fields = ("task",)
    date_hierarchy = "issued_at"


@admin.register(RateSnapshot)
class RateSnapshotAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: snapshots are written only by the recompute jobs (rectification.services)."""

    list_display = ("scope_key", "day", "scope", "region", "tasks_total", "closed", "rate", "on_time_rate", "overdue",
                    "leads", "computed_at")
    list_filter = ("scope", "category", "region__level")
    search_fields = ("scope_key", "region__name", "organization__name")
    date_hierarchy = "day"
    list_select_related = ("region",)
