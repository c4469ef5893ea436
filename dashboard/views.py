"""The dashboards: overview, round, organisation, region drill-down, and the task, finding and warning lists.

Views are thin: reads are in `dashboard.selectors` (and the FilterSets of `inspection.filters` and
`rectification.filters`, shared with the API); everything is scoped by `visible_to(request.user)` and an
object out of scope is a 404. Lists answer htmx requests (`HX-Request`) with their results fragment only.
"""
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts.roles import is_region_admin, is_unit_user
from core.filters import RegionField
from core.scoping import UserScope, get_object_in_scope_or_404, user_scope
from core.versioned_cache import LIVE_VERSION_KEY, versioned_cached
from dashboard import selectors
from dashboard.paging import keyset_page
from inspection.models import Finding, Organization, Region
from inspection.selectors import region_cascade, rounds_visible_to
from ledger.views import may_import
from rectification.choices import STAGE_COLOURS, WARNING_COLOURS
from rectification.filters import FindingFilterSet, RectificationTaskFilterSet, TaskWarningFilterSet
from rectification.models import RectificationTask, TaskWarning
from rectification.rates import SNAPSHOT_VERSION_KEY

# Filters chosen by name: the field (an id, or a region code) and the lookup that finds it (`lookup` below).
LOOKUP_FILTERS = {"organization": "organizations", "round": "rounds", "region": "regions"}
# The badge colours of stages and warning levels, by choice value (fixed: built once, not per request).
COLOURS = {"stage": {k.value: v for k, v in STAGE_COLOURS.items()},
           "warning": {k.value: v for k, v in WARNING_COLOURS.items()}}


def chart_data(labels, rows, links=None):
    """Chart data for `json_script`: labels and the rates of `rows` (snapshots or Figures; None where a
    scope has no tasks), drawn by static/dashboard/charts.js; `links`: the page a click on each bar opens."""
    def number(value):
        return None if value is None else float(value)

    data = {"labels": list(labels), "rate": [number(row.rate) for row in rows],
            "on_time_rate": [number(row.on_time_rate) for row in rows]}
    if links is not None:
        data["links"] = list(links)
    return data


def trend_chart(trend):
    return chart_data([f"{point.day:%Y-%m-%d}" for point in trend], trend)


class DashboardView(LoginRequiredMixin, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["scope_label"] = selectors.scope_label(self.request.user)
        context["may_import"] = may_import(self.request.user)  # 整改台账 import links on round and unit pages
        context["colours"] = COLOURS
        context["briefing"] = {"issue": selectors.briefing_issue(context["today"], self.request.GET.get("issue", "")),
                               "issuer": settings.BRIEFING_ISSUER, "classification": settings.BRIEFING_CLASSIFICATION}
        return context


class OverviewView(DashboardView):
    """The overview; its content is cached as rendered HTML (the page around it, with the user's name, 待办 and
    notices, is rendered per request) until anything it shows changes: the records (the live version), the
    snapshots (the snapshot version), or the day (overdue)."""

    template_name = "dashboard/overview.html"
    content_template = "dashboard/includes/overview_content.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Users who see the same rows share the content; what else it shows: leads or not, the scope's name,
        # the day, the 专报's 期号 as typed (the form shows it) and its masthead settings.
        key = (user_scope(user).key, is_unit_user(user), context["scope_label"], context["today"],
               self.request.GET.get("issue"), settings.BRIEFING_ISSUER, settings.BRIEFING_CLASSIFICATION)
        context["content"] = versioned_cached("overview", (LIVE_VERSION_KEY, SNAPSHOT_VERSION_KEY), key,
                                              lambda: self.content(context), settings.PAGE_CACHE_SECONDS)
        return context

    def content(self, context) -> str:
        data = selectors.overview(self.request.user, context["today"])
        context = {**context, **data, "request": self.request}
        context["briefing"]["summary"] = selectors.briefing_summary(context["scope_label"], data["figures"])
        context["chart_by_round"] = chart_data([str(row.round) for row in data["by_round"]], data["by_round"],
                                               [reverse("dashboard:round_detail", args=[row.round_id])
                                                for row in data["by_round"]])
        context["chart_trend"] = trend_chart(data["trend"])
        return render_to_string(self.content_template, context)


class RoundDetailView(DashboardView):
    template_name = "dashboard/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A county sees its part of a city's round: the round is in scope when one of its inspections is.
        rnd = get_object_or_404(rounds_visible_to(self.request.user).select_related("organizer"), pk=self.kwargs["pk"])
        context["round"] = rnd
        context.update(selectors.round_detail(self.request.user, rnd, context["today"]))
        context["briefing"]["summary"] = selectors.briefing_summary(context["scope_label"], context["figures"],
                                                                    subject=f"在{rnd}中")
        return context


class OrganizationDetailView(DashboardView):
    template_name = "dashboard/organization_detail.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        organization = get_object_in_scope_or_404(Organization.objects.select_related("region"), user,
                                                  pk=self.kwargs["pk"])
        context["organization"] = organization
        context.update(selectors.organization_detail(user, organization, context["today"]))
        tasks = (RectificationTask.objects.visible_to(user).filter(organization=organization)
                 .select_related("finding").order_by("deadline", "pk"))
        page = Paginator(tasks, self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"], context["is_paginated"] = page, page.paginator.num_pages > 1
        context["paginator"] = page.paginator
        histories = selectors.task_histories(page.object_list)
        for task in page.object_list:
            task.changes = histories.get(task.pk, [])
        context["chart_trend"] = trend_chart(context["trend"])
        return context


class RegionView(DashboardView):
    """省 → 市 → 县 → 单位: rolled-up rates of a region and of the regions below it, and its units ranked."""

    template_name = "dashboard/region_detail.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        if "code" not in kwargs and user_scope(request.user).kind == UserScope.ORGANIZATION:
            # A unit sees its own organisation, not its region: 地区 opens the unit's page rather than a 404.
            return redirect("dashboard:organization_detail", pk=request.user.organization_id)
        if "code" not in kwargs and request.user.region_id:
            return redirect("dashboard:region_detail", code=request.user.region.code)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if "code" not in self.kwargs:  # a superuser without a region: start from the provinces
            provinces = list(Region.objects.filter(parent__isnull=True).order_by("code"))
            context["children"] = selectors.regions_with_figures(user, provinces)
            return context
        region = get_object_in_scope_or_404(Region.objects.select_related("parent__parent"), user,
                                            code=self.kwargs["code"])
        sort = "overdue" if self.request.GET.get("sort") == "overdue" else "rate"
        data = selectors.region_detail(user, region, sort=sort)
        page = Paginator(data.pop("ranking"), self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(data, region=region, sort=sort, page_obj=page, paginator=page.paginator,
                       is_paginated=page.paginator.num_pages > 1, query=f"sort={sort}")
        ancestors = [r for r in (region.parent.parent if region.parent else None, region.parent) if r]
        # Regions above the user's own are shown, but only those in scope are links (the others would 404).
        in_scope = set(Region.objects.visible_to(user).filter(pk__in=[r.pk for r in ancestors]).values_list("pk", flat=True))
        context["ancestors"] = [{"region": r, "link": r.pk in in_scope} for r in ancestors]
        with_rates = [child for child in data["children"] if child["figures"]]
        context["chart_children"] = chart_data([child["region"].name for child in with_rates],
                                               [child["figures"] for child in with_rates],
                                               [reverse("dashboard:region_detail", args=[child["region"].code])
                                                for child in with_rates])
        return context


class FilteredListView(DashboardView):
    """A filtered, keyset-paginated list; an htmx request gets only the results fragment."""

    filterset_class = None
    model = None
    keyset_fields = ("pk",)
    descending = False
    export_url_name = None
    results_template = None
    # Filters by one parent row (?inspection=, ?task=): kept when given in the URL, never offered as a <select>
    # (that would list every row of the parent table).
    hidden_filters = ()
    # Filters a page starts with when the URL does not name them (the form shows them set).
    default_filters = {}

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and not self.request.headers.get("HX-History-Restore-Request"):
            return [self.results_template]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ["HX-Request"])  # the fragment and the page must not share a cache entry
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        data = request.GET.copy()
        for name, value in self.default_filters.items():
            data.setdefault(name, value)
        filterset = self.filterset_class(data or None, queryset=self.base_queryset(), request=request)
        form = filterset.form
        # A unit's user sees only their own organisation: choosing an organisation or region would choose nothing.
        pointless = ("organization", "region") if user_scope(request.user).kind == UserScope.ORGANIZATION else ()
        for name in (*self.hidden_filters, *pointless):
            if name in form.fields:
                form.fields[name].widget = forms.HiddenInput()
        controls, hidden = [], []
        for field in form:
            if field.is_hidden:
                hidden.append(field)
                continue
            kind = LOOKUP_FILTERS.get(field.name)
            control = {"field": field, "lookup": kind, "group": isinstance(field.field.widget, forms.CheckboxSelectMultiple)}
            if kind in ("organizations", "rounds"):
                # The id travels in the URL (a hidden input); people type and read a name.
                form.fields[field.name].widget = forms.HiddenInput()
                field = form[field.name]
                value = field.value()
                control.update(field=field, text=selectors.lookup_label(request.user, kind, value)
                               if value not in (None, "") and str(value).isdigit() else "")
            controls.append(control)
        context["controls"], context["hidden_fields"] = controls, hidden
        valid = not filterset.is_bound or filterset.is_valid()
        queryset = filterset.qs if valid else self.base_queryset().none()
        page = keyset_page(queryset, data, fields=self.keyset_fields, descending=self.descending)
        context.update(filter=filterset, page=page, rows=page.rows, filter_valid=valid,
                       list_url=request.path,
                       export_url=f"{reverse(self.export_url_name)}?{page.query}" if self.export_url_name else "")
        return context


class RectificationTaskListView(FilteredListView):
    template_name = "dashboard/task_list.html"
    results_template = "dashboard/includes/task_results.html"
    filterset_class = RectificationTaskFilterSet
    model = RectificationTask
    # (deadline, id) is indexed (task_deadline_id_idx): first and last page are index range scans.
    keyset_fields = ("deadline", "pk")
    default_filters = {"open": "true"}  # open tasks first, by urgency: the most overdue at the top
    export_url_name = "ledger:export-tasks"

    def base_queryset(self):
        return super().base_queryset().select_related("organization", "finding", "round__organizer")


class FindingListView(FilteredListView):
    template_name = "dashboard/finding_list.html"
    results_template = "dashboard/includes/finding_results.html"
    filterset_class = FindingFilterSet
    model = Finding
    keyset_fields = ("pk",)
    descending = True  # newest first
    export_url_name = "ledger:export-findings"
    hidden_filters = ("inspection",)

    def base_queryset(self):
        tasks = Prefetch("tasks", queryset=RectificationTask.objects.only("pk", "finding_id", "status", "deadline", "closed_on")
                         .order_by("pk"))  # the 整改状态 column: one query for the page
        return (super().base_queryset().select_related("inspection__organization", "inspection__round__organizer")
                .prefetch_related(tasks))


class TaskWarningListView(FilteredListView):
    template_name = "dashboard/warning_list.html"
    results_template = "dashboard/includes/warning_results.html"
    filterset_class = TaskWarningFilterSet
    model = TaskWarning
    keyset_fields = ("issued_at", "pk")
    descending = True
    hidden_filters = ("task",)

    def base_queryset(self):
        return super().base_queryset().select_related("task__organization", "task__finding")


@login_required
@require_GET
def lookup(request, kind):
    """The filters' typeahead: `?q=` → [{value, label}] of what the user may see (JSON)."""
    if kind not in LOOKUP_FILTERS.values():
        raise Http404
    return JsonResponse({"results": selectors.lookup(request.user, kind, request.GET.get("q", "")[:50])})


@login_required
@require_GET
def region_levels(request):
    """The region filter's cascade (static/dashboard/regions.js) for `?region=` (a code or a name, as the filter
    takes it): {levels: [{label, options, selected, fixed}], error}. A region it cannot resolve says so."""
    try:
        region = RegionField(required=False).clean(request.GET.get("region", "")[:80])
        error = ""
    except forms.ValidationError as exc:
        region, error = None, " ".join(exc.messages)
    return JsonResponse({"levels": region_cascade(request.user, region), "error": error})


@login_required
@require_GET
def waiting_work(request):
    """待处理的后台工作: for region admins and superusers, what committed changes still owe (their region's),
    with its age, so an operator sees that nothing is stuck; failed articles and imports can be retried here."""
    if not is_region_admin(request.user):
        raise PermissionDenied("只有巡察办管理员可以查看后台工作。")
    return render(request, "dashboard/waiting_work.html", {
        "work": selectors.waiting_work(request.user), "listed": selectors.WAITING_LISTED,
        "sweep_seconds": 60, "resend_seconds": settings.INGEST_RESEND_SECONDS,
        "debounce_seconds": settings.RATES_DEBOUNCE_SECONDS})
