from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin, ScopedInlineMixin
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region


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


@admin.register(Lead)
class LeadAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "inspection", "recipient", "status", "transferred_on", "cases_filed", "people_sanctioned")
    list_filter = ("status", "recipient")
    search_fields = ("summary", "inspection__organization__name")
    autocomplete_fields = ("inspection", "finding")
    date_hierarchy = "transferred_on"
    list_select_related = ("inspection__organization", "inspection__round__organizer")
