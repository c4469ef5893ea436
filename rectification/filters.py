"""FilterSets shared by the pages and the API (one per model)."""
import django_filters
from django.db.models import Q
from django.utils import timezone

from inspection.choices import FindingCategory
from inspection.filters import RegionCodeFilter
from rectification.choices import Stage, WarningLevel
from rectification.models import DeadlineExtension, FollowUpVisit, RectificationTask, Warning


class RectificationTaskFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    category = django_filters.MultipleChoiceFilter(field_name="finding__category", choices=FindingCategory.choices, label="问题类别")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="filter_stage", label="阶段")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="是否逾期")
    deadline_from = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label="整改时限起")
    deadline_to = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="整改时限止")
    q = django_filters.CharFilter(method="search", label="搜索")

    class Meta:
        model = RectificationTask
        fields = ["round", "organization", "status"]

    def filter_stage(self, qs, name, value):
        return qs.in_stage(value, timezone.localdate())

    def filter_overdue(self, qs, name, value):
        overdue = qs.overdue_on(timezone.localdate())
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))

    def search(self, qs, name, value):
        return qs.filter(
            Q(finding__description__icontains=value)
            | Q(responsible_unit__icontains=value)
            | Q(responsible_person__icontains=value)
            | Q(organization__name__icontains=value)
        )


class DeadlineExtensionFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")

    class Meta:
        model = DeadlineExtension
        fields = ["task", "status"]


class FollowUpVisitFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")

    class Meta:
        model = FollowUpVisit
        fields = ["inspection", "task", "rating"]


class WarningFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    level = django_filters.MultipleChoiceFilter(choices=WarningLevel.choices, label="预警等级")
    active = django_filters.BooleanFilter(field_name="lifted_at", lookup_expr="isnull", label="未解除")

    class Meta:
        model = Warning
        fields = ["task"]
