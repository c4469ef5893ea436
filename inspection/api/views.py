"""Read-only endpoints of the inspection records: `visible_to(request.user)`, the pages' FilterSets."""
from api.views import ScopedReadOnlyViewSet, ShortListViewSet
from core.schema import described
from inspection import filters
from inspection.api import serializers
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from rectification.filters import FindingFilterSet


@described("行政区划")
class RegionViewSet(ShortListViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"\d{6}"
    ordering_fields = ["code", "name"]
    ordering = ["code"]


@described("被巡察党组织")
class OrganizationViewSet(ShortListViewSet):
    queryset = Organization.objects.select_related("region")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet
    ordering_fields = ["id", "name"]


@described("巡察轮次")
class InspectionRoundViewSet(ShortListViewSet):
    queryset = InspectionRound.objects.select_related("organizer")
    serializer_class = serializers.InspectionRoundSerializer
    filterset_class = filters.InspectionRoundFilterSet
    ordering_fields = ["id", "started_on", "term", "number"]


@described("巡察组")
class InspectionGroupViewSet(ShortListViewSet):
    queryset = InspectionGroup.objects.all()
    serializer_class = serializers.InspectionGroupSerializer
    filterset_class = filters.InspectionGroupFilterSet
    ordering_fields = ["id", "number"]


@described("巡察（被巡察单位）")
class InspectionViewSet(ShortListViewSet):
    queryset = Inspection.objects.select_related("organization")
    serializer_class = serializers.InspectionSerializer
    filterset_class = filters.InspectionFilterSet
    ordering_fields = ["id", "entry_date", "feedback_date"]


@described("巡察发现问题")
class FindingViewSet(ScopedReadOnlyViewSet):
    queryset = Finding.objects.select_related("inspection")
    serializer_class = serializers.FindingSerializer
    filterset_class = FindingFilterSet


@described("问题线索")
class LeadViewSet(ScopedReadOnlyViewSet):
    queryset = Lead.objects.select_related("inspection")
    serializer_class = serializers.LeadSerializer
    filterset_class = filters.LeadFilterSet
    ordering_fields = ["id", "transferred_on"]
