"""FilterSets shared by the pages and the API (one per model)."""
import django_filters
from django import forms
from django.db.models import Q

from core.scoping import region_prefix
from inspection.choices import FindingCategory, RegionLevel, RoundKind
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from rectification.choices import Stage, TaskStatus


class IntegerFilter(django_filters.NumberFilter):
    """An id: a whole number (NumberFilter would accept 1.5)."""

    field_class = forms.IntegerField


DATE_INPUT = forms.DateInput(attrs={"type": "date"})
# Yes/no filters: "" (all) is left out of a shared URL; NullBooleanSelect would send "unknown".
YES_NO = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


def visible_rounds(request):
    """The rounds a filter offers and accepts: those the asking user sees a part of (all when there is no
    request, e.g. an export whose base queryset is scoped already)."""
    from inspection.selectors import rounds_visible

    rounds = InspectionRound.objects.all() if request is None else rounds_visible(request.user)
    return rounds.select_related("organizer")  # str(round) names the organiser


class RegionCodeFilter(django_filters.CharFilter):
    """`?region=421200`: rows of that region and every region below it (roll-up by adcode prefix).

    The queryset is already `visible_to(request.user)`; a region that contains the user's own region adds
    nothing, so it is not applied twice (a repeated prefix condition makes PostgreSQL underestimate the rows
    and sort a whole province instead of walking an index for one page).
    """

    def filter(self, qs, value):
        if not value:
            return qs
        region = Region.objects.filter(code=value).first()
        if region is None:
            return qs.none()
        user = getattr(getattr(self.parent, "request", None), "user", None)
        own = getattr(user, "region", None) if user is not None and user.is_authenticated else None
        if own is not None and own.code.startswith(region_prefix(region)):
            return qs
        return qs.in_region(region)


class RegionFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码（含下辖地区）")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label="层级")
    parent = django_filters.CharFilter(field_name="parent__code", label="上级地区代码")
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label="名称")

    class Meta:
        model = Region
        fields = []


class OrganizationFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Organization
        fields = ["kind"]


class InspectionRoundFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    kind = django_filters.MultipleChoiceFilter(choices=RoundKind.choices, label="巡察类型")
    started_from = django_filters.DateFilter(field_name="started_on", lookup_expr="gte", label="开始日期起")
    started_to = django_filters.DateFilter(field_name="started_on", lookup_expr="lte", label="开始日期止")

    class Meta:
        model = InspectionRound
        fields = ["organizer", "term"]


class InspectionGroupFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")

    class Meta:
        model = InspectionGroup
        fields = ["round"]


class InspectionFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")

    class Meta:
        model = Inspection
        fields = ["round", "organization", "group"]


class FindingFilterSet(django_filters.FilterSet):
    """Findings; status, stage, overdue and deadline filter by the finding's rectification tasks (any of them)."""

    region = RegionCodeFilter(label="地区代码")
    round = django_filters.ModelChoiceFilter(field_name="inspection__round", queryset=visible_rounds, label="巡察轮次")
    organization = IntegerFilter(field_name="inspection__organization", label="被巡察党组织")
    category = django_filters.MultipleChoiceFilter(choices=FindingCategory.choices, label="问题类别",
                                                   widget=forms.CheckboxSelectMultiple)
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, method="by_tasks", label="整改状态")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="by_tasks", label="阶段")
    overdue = django_filters.BooleanFilter(method="by_tasks", label="是否逾期", widget=YES_NO)
    deadline_from = django_filters.DateFilter(method="by_tasks", label="整改时限起", widget=DATE_INPUT)
    deadline_to = django_filters.DateFilter(method="by_tasks", label="整改时限止", widget=DATE_INPUT)
    q = django_filters.CharFilter(method="search", label="搜索")

    TASK_FILTERS = ("status", "stage", "overdue", "deadline_from", "deadline_to")

    class Meta:
        model = Finding
        fields = ["inspection", "severity"]

    def by_tasks(self, qs, name, value):
        """Task conditions are applied together in `filter_queryset` (one task must meet them all)."""
        return qs

    def filter_queryset(self, queryset):
        from rectification.filters import RectificationTaskFilterSet
        from rectification.models import RectificationTask

        queryset = super().filter_queryset(queryset)
        wanted = {name: self.data[name] for name in self.TASK_FILTERS if self.form.cleaned_data.get(name) not in (None, "")}
        if not wanted:
            return queryset
        # The task FilterSet's own rules, so a finding list and a task list filtered alike agree.
        tasks = RectificationTaskFilterSet(wanted, queryset=RectificationTask.objects.all()).qs
        return queryset.filter(pk__in=tasks.values("finding_id"))

    def search(self, qs, name, value):
        return qs.filter(Q(description__icontains=value) | Q(inspection__organization__name__icontains=value))


class LeadFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    round = IntegerFilter(field_name="inspection__round", label="巡察轮次")
    organization = IntegerFilter(field_name="inspection__organization", label="被巡察党组织")

    class Meta:
        model = Lead
        fields = ["status", "recipient", "inspection"]
