"""FilterSets shared by the pages and the API (one per model)."""
import django_filters

from core.filters import FilterSet, IntegerFilter, RegionCodeFilter
from inspection.choices import RegionLevel, RoundKind
from inspection.models import Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from inspection.selectors import rounds_visible_to


def rounds_visible_to_request(request):
    """The rounds a filter offers and accepts: those the asking user sees a part of (all when there is no
    request, e.g. an export whose base queryset is scoped already)."""
    rounds = InspectionRound.objects.all() if request is None else rounds_visible_to(request.user)
    return rounds.select_related("organizer")  # str(round) names the organiser


class RegionFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区（含下辖地区）")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label="层级")
    parent = django_filters.CharFilter(field_name="parent__code", label="上级地区代码")
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label="名称")

    class Meta:
        model = Region
        fields = []


class OrganizationFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Organization
        fields = ["kind"]


class InspectionRoundFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")
    kind = django_filters.MultipleChoiceFilter(choices=RoundKind.choices, label="巡察类型")
    started_from = django_filters.DateFilter(field_name="started_on", lookup_expr="gte", label="开始日期起")
    started_to = django_filters.DateFilter(field_name="started_on", lookup_expr="lte", label="开始日期止")

    class Meta:
        model = InspectionRound
        fields = ["organizer", "term"]


class InspectionGroupFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")

    class Meta:
        model = InspectionGroup
        fields = ["round"]


class InspectionFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")

    class Meta:
        model = Inspection
        fields = ["round", "organization", "group"]


class LeadFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")
    round = IntegerFilter(field_name="inspection__round", label="巡察轮次")
    organization = IntegerFilter(field_name="inspection__organization", label="被巡察党组织")

    class Meta:
        model = Lead
        fields = ["status", "recipient", "inspection"]
