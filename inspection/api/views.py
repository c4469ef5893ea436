"""Read-only endpoints of the inspection records: `visible_to(request.user)`, the pages' FilterSets."""
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.pagination import ApiPageNumberPagination
from api.views import ScopedReadOnlyViewSet
from inspection import filters
from inspection.api import serializers
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region


def described(noun: str):
    """List and detail descriptions for a read-only viewset."""
    return extend_schema_view(
        list=extend_schema(summary=f"{noun}列表", description=f"您权限范围内的{noun}，可筛选、排序、分页。"),
        retrieve=extend_schema(summary=f"{noun}详情", description=f"一条{noun}；不在您权限范围内时返回 404。"),
    )


@described("行政区划")
class RegionViewSet(ScopedReadOnlyViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilterSet
    pagination_class = ApiPageNumberPagination
    lookup_field = "code"
    lookup_value_regex = r"\d{6}"
    ordering_fields = ["code", "name"]
    ordering = ["code"]


@described("被巡察党组织")
class OrganizationViewSet(ScopedReadOnlyViewSet):
    queryset = Organization.objects.select_related("region")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet
    pagination_class = ApiPageNumberPagination
    ordering_fields = ["id", "name"]
    ordering = ["id"]


@described("巡察轮次")
class InspectionRoundViewSet(ScopedReadOnlyViewSet):
    queryset = InspectionRound.objects.select_related("organizer")
    serializer_class = serializers.InspectionRoundSerializer
    filterset_class = filters.InspectionRoundFilterSet
    pagination_class = ApiPageNumberPagination
    ordering_fields = ["id", "started_on", "term", "number"]
    ordering = ["-id"]


@described("巡察组")
class InspectionGroupViewSet(ScopedReadOnlyViewSet):
    queryset = InspectionGroup.objects.all()
    serializer_class = serializers.InspectionGroupSerializer
    filterset_class = filters.InspectionGroupFilterSet
    pagination_class = ApiPageNumberPagination
    ordering_fields = ["id", "number"]
    ordering = ["id"]


@described("巡察（被巡察单位）")
class InspectionViewSet(ScopedReadOnlyViewSet):
    queryset = Inspection.objects.select_related("organization")
    serializer_class = serializers.InspectionSerializer
    filterset_class = filters.InspectionFilterSet
    pagination_class = ApiPageNumberPagination
    ordering_fields = ["id", "entry_date", "feedback_date"]
    ordering = ["-id"]


@described("巡察发现问题")
class FindingViewSet(ScopedReadOnlyViewSet):
    queryset = Finding.objects.select_related("inspection")
    serializer_class = serializers.FindingSerializer
    filterset_class = filters.FindingFilterSet
    ordering_fields = ["id"]
    ordering = ["-id"]


@described("问题线索")
class LeadViewSet(ScopedReadOnlyViewSet):
    queryset = Lead.objects.select_related("inspection")
    serializer_class = serializers.LeadSerializer
    filterset_class = filters.LeadFilterSet
    ordering_fields = ["id", "transferred_on"]
    ordering = ["-id"]
