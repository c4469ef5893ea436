"""FilterSets shared by the pages and the API (one per model)."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from core.filters import DATE_INPUT, YES_NO, FilterSet, IntegerFilter, RegionCodeFilter
from inspection.choices import FindingCategory
from inspection.filters import rounds_visible_to_request
from inspection.models import Finding
from rectification.choices import RateScope, Stage, TaskStatus, WarningLevel
from rectification.models import DeadlineExtension, FollowUpVisit, RateSnapshot, RectificationTask, TaskWarning
from rectification.rates import scope_key
from rectification.selectors import rate_trend, rates_latest


class RectificationTaskFilterSet(FilterSet):
    # Rounds offered (and accepted) are those the user may see; organisations are many, so an id.
    round = django_filters.ModelChoiceFilter(queryset=rounds_visible_to_request, label="巡察轮次")
    organization = IntegerFilter(field_name="organization", label="被巡察党组织")
    region = RegionCodeFilter(label="地区")
    # `category` is copied onto the task (indexed with region): no join to findings.
    category = django_filters.MultipleChoiceFilter(choices=FindingCategory.choices, label="问题类别",
                                                   widget=forms.CheckboxSelectMultiple)
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="filter_stage", label="阶段")
    # Open or closed; the task list page starts at "true" (open tasks, the most overdue first).
    open = django_filters.ChoiceFilter(choices=[("true", "未销号"), ("false", "已销号"), ("all", "全部")],
                                       method="filter_open", label="销号情况", empty_label=None)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="是否逾期", widget=YES_NO)
    deadline_from = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label="整改时限起", widget=DATE_INPUT)
    deadline_to = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="整改时限止", widget=DATE_INPUT)
    q = django_filters.CharFilter(method="search", label="搜索")

    class Meta:
        model = RectificationTask
        fields = ["round", "organization", "status"]

    def filter_stage(self, qs, name, value):
        return qs.in_stage(value, timezone.localdate())

    def filter_open(self, qs, name, value):
        if value == "all":
            return qs
        closed = Q(status=TaskStatus.CLOSED)
        return qs.exclude(closed) if value == "true" else qs.filter(closed)

    def filter_overdue(self, qs, name, value):
        day = timezone.localdate()
        return qs.overdue_on(day) if value else qs.not_overdue_on(day)

    def search(self, qs, name, value):
        return qs.filter(
            Q(finding__description__icontains=value)
            | Q(responsible_unit__icontains=value)
            | Q(responsible_person__icontains=value)
            | Q(organization__name__icontains=value)
        )


class FindingFilterSet(FilterSet):
    """Findings; status, stage, overdue and deadline filter by the finding's rectification tasks (any of them)."""

    region = RegionCodeFilter(label="地区")
    round = django_filters.ModelChoiceFilter(field_name="inspection__round", queryset=rounds_visible_to_request, label="巡察轮次")
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
        queryset = super().filter_queryset(queryset)
        wanted = {name: self.data[name] for name in self.TASK_FILTERS if self.form.cleaned_data.get(name) not in (None, "")}
        if not wanted:
            return queryset
        # The task FilterSet's own rules, so a finding list and a task list filtered alike agree.
        tasks = RectificationTaskFilterSet(wanted, queryset=RectificationTask.objects.all()).qs
        return queryset.filter(pk__in=tasks.values("finding_id"))

    def search(self, qs, name, value):
        return qs.filter(Q(description__icontains=value) | Q(inspection__organization__name__icontains=value))


class DeadlineExtensionFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")

    class Meta:
        model = DeadlineExtension
        fields = ["task", "status"]


class FollowUpVisitFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")

    class Meta:
        model = FollowUpVisit
        fields = ["inspection", "task", "rating"]


class TaskWarningFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")
    round = django_filters.ModelChoiceFilter(field_name="task__round", queryset=rounds_visible_to_request, label="巡察轮次")
    organization = IntegerFilter(field_name="task__organization", label="被巡察党组织")
    level = django_filters.MultipleChoiceFilter(choices=WarningLevel.choices, label="预警等级",
                                                widget=forms.CheckboxSelectMultiple)
    active = django_filters.BooleanFilter(field_name="lifted_at", lookup_expr="isnull", label="未解除", widget=YES_NO)
    q = django_filters.CharFilter(method="search", label="搜索")

    class Meta:
        model = TaskWarning
        fields = ["task"]

    def search(self, qs, name, value):
        return qs.filter(Q(reason__icontains=value) | Q(task__organization__name__icontains=value))


class RateSnapshotFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("from"), data.get("to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError({"to": "结束日期不能早于起始日期。"})
        if (date_from or date_to) and not data.get("scope_key"):
            try:
                data["scope_key"] = trend_scope_key(data)
            except ValueError as error:
                raise forms.ValidationError({"scope_key": str(error)}) from None
        return data


def trend_scope_key(data) -> str:
    """The one scope a trend is asked for, from `scope` and the filters that name it."""
    scope = data.get("scope")
    region, rnd, organization, category = (data.get(name) for name in ("region", "round", "organization", "category"))
    region = getattr(region, "code", region)  # the region filter cleans to a Region
    parts = {
        RateScope.OVERALL: (),
        RateScope.REGION: (region,),
        RateScope.ROUND: (rnd,),
        RateScope.ORGANIZATION: (organization,),
        RateScope.CATEGORY: (region, category),
        RateScope.ROUND_ORGANIZATION: (rnd, organization),
    }.get(scope)
    if parts is None or any(part in (None, "") for part in parts):
        raise ValueError("查询趋势须给出 scope_key，或给出 scope 及确定该范围的筛选条件"
                         "（地区：region；轮次：round；单位：organization；类别：region 和 category；轮次×单位：round 和 organization）。")
    return scope_key(scope, *parts)


class RateSnapshotFilterSet(FilterSet):
    """Rates: without `from`/`to` the newest row of each scope (on or before `as_of`); with them one scope's trend."""

    scope = django_filters.ChoiceFilter(choices=RateScope.choices, label="统计范围")
    scope_key = django_filters.CharFilter(method="filter_nothing", label="范围标识（查询趋势时使用），例如 region:421202")
    region = RegionCodeFilter(label="地区（含下辖地区）")
    round = IntegerFilter(field_name="round", label="巡察轮次编号")
    organization = IntegerFilter(field_name="organization", label="被巡察党组织编号")
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices, label="问题类别")
    as_of = django_filters.DateFilter(method="filter_nothing", label="截至日期（默认今天：各范围截至该日的最新快照）")
    date_from = django_filters.DateFilter(method="filter_nothing", label="趋势起始日期（含）")
    date_to = django_filters.DateFilter(method="filter_nothing", label="趋势结束日期（含）")

    always_given = ("scope_key",)  # the form fills it from the other filters when a trend is asked

    class Meta:
        model = RateSnapshot
        fields = []
        form = RateSnapshotFilterForm

    def filter_nothing(self, qs, name, value):
        return qs  # read by filter_queryset below

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("from") or data.get("to"):
            return rate_trend(queryset, data["scope_key"], date_from=data.get("from"), date_to=data.get("to"))
        return rates_latest(queryset, as_of=data.get("as_of"))


# The query parameters are `from` and `to`, which are Python keywords and cannot be class attributes.
RateSnapshotFilterSet.base_filters["from"] = RateSnapshotFilterSet.base_filters.pop("date_from")
RateSnapshotFilterSet.base_filters["to"] = RateSnapshotFilterSet.base_filters.pop("date_to")
