"""FilterSets shared by the pages and the API (one per model)."""
import django_filters
from django.db.models import Q

from inspection.choices import FindingCategory, RoundKind
from inspection.models import Finding, Inspection, InspectionRound, Lead, Organization, Region


class RegionCodeFilter(django_filters.CharFilter):
    """`?region=421200`: rows of that region and every region below it (roll-up by adcode prefix)."""

    def filter(self, qs, value):
        if not value:
            return qs
        region = Region.objects.filter(code=value).first()
        return qs.in_region(region) if region else qs.none()


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


class InspectionFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")

    class Meta:
        model = Inspection
        fields = ["round", "organization", "group"]


class FindingFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    round = django_filters.NumberFilter(field_name="inspection__round", label="巡察轮次")
    organization = django_filters.NumberFilter(field_name="inspection__organization", label="被巡察党组织")
    category = django_filters.MultipleChoiceFilter(choices=FindingCategory.choices, label="问题类别")
    q = django_filters.CharFilter(method="search", label="搜索")

    class Meta:
        model = Finding
        fields = ["inspection", "severity"]

    def search(self, qs, name, value):
        return qs.filter(Q(description__icontains=value) | Q(inspection__organization__name__icontains=value))


class LeadFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(label="地区代码")
    round = django_filters.NumberFilter(field_name="inspection__round", label="巡察轮次")
    organization = django_filters.NumberFilter(field_name="inspection__organization", label="被巡察党组织")

    class Meta:
        model = Lead
        fields = ["status", "recipient", "inspection"]
