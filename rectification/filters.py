"""FilterSets shared by the pages and the API (one per model)."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from inspection.choices import FindingCategory
from inspection.filters import DATE_INPUT, YES_NO, RegionCodeFilter, visible_rounds
from rectification.choices import Stage, TaskStatus, WarningLevel
from rectification.models import DeadlineExtension, FollowUpVisit, RectificationTask, Warning


class RectificationTaskFilterSet(django_filters.FilterSet):
    # Rounds offered (and accepted) are those the user may see; organisations are many, so an id.
    round = django_filters.ModelChoiceFilter(queryset=visible_rounds, label="巡察轮次")
    organization = django_filters.NumberFilter(field_name="organization", label="被巡察党组织")
    region = RegionCodeFilter(label="地区代码")
    # `category` is copied onto the task (indexed with region): no join to findings.
    category = django_filters.MultipleChoiceFilter(choices=FindingCategory.choices, label="问题类别",
                                                   widget=forms.CheckboxSelectMultiple)
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="filter_stage", label="阶段")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="是否逾期", widget=YES_NO)
    deadline_from = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label="整改时限起", widget=DATE_INPUT)
    deadline_to = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="整改时限止", widget=DATE_INPUT)
    q = django_filters.CharFilter(method="search", label="搜索")

    class Meta:
        model = RectificationTask
        fields = ["round", "organization", "status"]

    def filter_stage(self, qs, name, value):
        return qs.in_stage(value, timezone.localdate())

    def filter_overdue(self, qs, name, value):
        day = timezone.localdate()
        # Not overdue = closed, or still within the deadline (the negation of `overdue_on`, without a subquery).
        return qs.overdue_on(day) if value else qs.filter(Q(status=TaskStatus.CLOSED) | Q(deadline__gte=day))

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
    round = django_filters.ModelChoiceFilter(field_name="task__round", queryset=visible_rounds, label="巡察轮次")
    organization = django_filters.NumberFilter(field_name="task__organization", label="被巡察党组织")
    level = django_filters.MultipleChoiceFilter(choices=WarningLevel.choices, label="预警等级")
    active = django_filters.BooleanFilter(field_name="lifted_at", lookup_expr="isnull", label="未解除", widget=YES_NO)
    q = django_filters.CharFilter(method="search", label="搜索")

    class Meta:
        model = Warning
        fields = ["task"]

    def search(self, qs, name, value):
        return qs.filter(Q(reason__icontains=value) | Q(task__organization__name__icontains=value))
