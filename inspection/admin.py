from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin, ScopedInlineMixin, ServiceSaveMixin
from inspection import rules, services
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region


class LeadForm(forms.ModelForm):
    """A lead's status moves forward only (`inspection.rules.lead_status_error`, enforced by `lead_save`)."""

    def clean(self):
        cleaned = super().clean()
        previous = None if self.instance._state.adding else self.instance.status
        if cleaned.get("status"):
            error = rules.lead_status_error(previous=previous, status=cleaned["status"])
            if error:
                self.add_error("status", error)
        return cleaned


class InspectionServicesMixin(ServiceSaveMixin):
    """Saves of organisations, rounds, groups, inspections, findings and leads (and their inline rows) through
    `inspection.services`."""

    def save_object(self, obj, user):
        save = {
            InspectionRound: lambda: services.round_save(inspection_round=obj, user=user),
            InspectionGroup: lambda: services.group_save(group=obj, user=user),
            Inspection: lambda: services.inspection_save(inspection=obj, user=user),
            Finding: lambda: services.finding_save(finding=obj, user=user),
            Lead: lambda: services.lead_save(lead=obj, user=user),
            Organization: lambda: services.organization_save(organization=obj, user=user),
        }[type(obj)]
        save()


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Organization)
class OrganizationAdmin(InspectionServicesMixin, ScopedAdminMixin, admin.ModelAdmin):
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
class InspectionRoundAdmin(InspectionServicesMixin, ScopedAdminMixin, admin.ModelAdmin):
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
    form = LeadForm
    extra = 0
    autocomplete_fields = ("finding",)


@admin.register(Inspection)
class InspectionAdmin(InspectionServicesMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "round", "group", "entry_date", "feedback_date")
    list_filter = ("round__kind", "organization__kind", "organization__region__level")
    search_fields = ("organization__name", "round__title", "round__organizer__name")
    autocomplete_fields = ("round", "organization")
    date_hierarchy = "entry_date"
    inlines = [FindingInline, LeadInline]
    list_select_related = ("organization", "round__organizer", "group")


@admin.register(Lead)
class LeadAdmin(InspectionServicesMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    form = LeadForm
    list_display = ("__str__", "inspection", "recipient", "status", "transferred_on", "cases_filed", "people_sanctioned")
    list_filter = ("status", "recipient")
    search_fields = ("summary", "inspection__organization__name")
    autocomplete_fields = ("inspection", "finding")
    date_hierarchy = "transferred_on"
    list_select_related = ("inspection__organization", "inspection__round__organizer")
