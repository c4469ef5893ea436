from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from rectification.forms import RectificationTaskForm
from rectification.models import RectificationTask
from rectification.services import task_apply_schedule


class ScopedChoicesMixin:
    """Choices for related records (selects, autocompletes' validation) hold only what the user may see."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset


class ScopedAdminMixin(ScopedChoicesMixin):
    """Admin lists and objects go through the same region scoping as pages and the API.

    An object out of scope answers 404 on its change, delete and history pages, exactly like
    one that does not exist.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("对象不存在或不在您的权限范围内。")
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history reads the version without the admin's queryset: check the live object first.
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedInlineMixin(ScopedChoicesMixin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind", "region__level")
    search_fields = ("name", "region__name")
    autocomplete_fields = ("region", "parent")
    list_select_related = ("region",)


class InspectionGroupInline(ScopedInlineMixin, admin.TabularInline):
    model = InspectionGroup
    extra = 1
    fields = ("number", "leader", "members", "member_users")


class InspectionInline(ScopedInlineMixin, admin.TabularInline):
    model = Inspection
    extra = 1
    fields = ("group", "organization", "entry_date", "exit_date", "feedback_date")
    autocomplete_fields = ("organization",)
    show_change_link = True


@admin.register(InspectionRound)
class InspectionRoundAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "organizer", "kind", "started_on", "ended_on")
    list_filter = ("kind", "organizer__level", "term")
    search_fields = ("title", "organizer__name")
    autocomplete_fields = ("organizer",)
    date_hierarchy = "started_on"
    inlines = [InspectionGroupInline, InspectionInline]
    list_select_related = ("organizer",)


class FindingInline(ScopedInlineMixin, admin.TabularInline):
    model = Finding
    extra = 1
    fields = ("number", "category", "severity", "description")
    show_change_link = True


class LeadInline(ScopedInlineMixin, admin.StackedInline):
    model = Lead
    extra = 0
    autocomplete_fields = ("finding",)


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "round", "group", "entry_date", "feedback_date")
    list_filter = ("round__kind", "organization__kind", "organization__region__level")
    search_fields = ("organization__name", "round__title", "round__organizer__name")
    autocomplete_fields = ("round", "organization")
    date_hierarchy = "entry_date"
    inlines = [FindingInline, LeadInline]
    list_select_related = ("organization", "round__organizer", "group")


class RectificationTaskInline(ScopedInlineMixin, admin.StackedInline):
    model = RectificationTask
    form = RectificationTaskForm
    extra = 1
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.reviewer = request.user  # a fresh class per request: closing is checked against this user
        return formset


@admin.register(Finding)
class FindingAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "inspection", "category", "severity")
    list_filter = ("category", "severity", "inspection__round__kind")
    search_fields = ("description", "inspection__organization__name")
    autocomplete_fields = ("inspection",)
    inlines = [RectificationTaskInline]
    list_select_related = ("inspection__organization", "inspection__round__organizer")

    def save_formset(self, request, form, formset, change):
        # New tasks get their deadline (feedback + 2 months) and stage dates before saving.
        for task in formset.save(commit=False):
            task_apply_schedule(task)
            task.save()
        for task in formset.deleted_objects:
            task.delete()
        formset.save_m2m()


@admin.register(Lead)
class LeadAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "inspection", "recipient", "status", "transferred_on", "cases_filed", "people_sanctioned")
    list_filter = ("status", "recipient")
    search_fields = ("summary", "inspection__organization__name")
    autocomplete_fields = ("inspection", "finding")
    date_hierarchy = "transferred_on"
    list_select_related = ("inspection__organization", "inspection__round__organizer")
