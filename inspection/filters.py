"""FilterSets shared by the pages and the API (one per model)."""
import django_filters
from django import forms
from django.db.models import Q

from inspection.choices import FindingCategory, RegionLevel, RoundKind
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from inspection.scoping import region_prefix


class IntegerFilter(django_filters.NumberFilter):
    """An id: a whole number (NumberFilter would accept 1.5)."""

    field_class = forms.IntegerField


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
    region = RegionCodeFilter(label="地区代码")
    round = IntegerFilter(field_name="inspection__round", label="巡察轮次")
    organization = IntegerFilter(field_name="inspection__organization", label="被巡察党组织")
    category = django_filters.MultipleChoiceFilter(choices=FindingCategory.choices, label="问题类别")
    q = django_filters.CharFilter(method="search", label="搜索")

    class Meta:
        model = Finding
        fields = ["inspection", "severity"]

    def search(self, qs, name, value):
        return qs.filter(Q(description__icontains=value) | Q(inspection__organization__name__icontains=value))


class LeadFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    round = IntegerFilter(field_name="inspection__round", label="巡察轮次")
    organization = IntegerFilter(field_name="inspection__organization", label="被巡察党组织")

    class Meta:
        model = Lead
        fields = ["status", "recipient", "inspection"]
