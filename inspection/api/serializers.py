"""Read serializers of the inspection records (labels and help texts come from the models, in Chinese)."""
from rest_framework import serializers

from core.schema import display
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, label="上级地区代码")
    level_display = display("level", "层级名称")

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "level_display", "parent", "parent_code"]


class OrganizationSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True, label="所在地区代码")
    kind_display = display("kind", "类型名称")

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "kind_display", "region", "region_code", "parent"]


class InspectionRoundSerializer(serializers.ModelSerializer):
    organizer_code = serializers.CharField(source="organizer.code", read_only=True, label="组织地区代码")
    display_name = serializers.CharField(source="__str__", read_only=True, label="轮次全称")
    kind_display = display("kind", "巡察类型名称")

    class Meta:
        model = InspectionRound
        fields = ["id", "display_name", "organizer", "organizer_code", "term", "number", "kind", "kind_display",
                  "title", "planned_start", "planned_end", "started_on", "ended_on", "notes", "created_at"]


class InspectionGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionGroup
        fields = ["id", "round", "number", "leader", "members"]


class InspectionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="被巡察党组织名称")

    class Meta:
        model = Inspection
        fields = ["id", "round", "group", "organization", "organization_name", "entry_date", "exit_date", "feedback_date"]


class FindingSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="inspection.round_id", read_only=True, label="巡察轮次")
    organization = serializers.IntegerField(source="inspection.organization_id", read_only=True, label="被巡察党组织")
    category_display = display("category", "问题类别名称")
    severity_display = display("severity", "严重程度名称")

    class Meta:
        model = Finding
        fields = ["id", "inspection", "round", "organization", "number", "category", "category_display",
                  "description", "severity", "severity_display"]


class LeadSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="inspection.round_id", read_only=True, label="巡察轮次")
    organization = serializers.IntegerField(source="inspection.organization_id", read_only=True, label="被巡察党组织")
    recipient_display = display("recipient", "移交对象名称")
    status_display = display("status", "办理状态名称")

    class Meta:
        model = Lead
        fields = ["id", "inspection", "round", "organization", "finding", "summary", "recipient", "recipient_display",
                  "status", "status_display", "transferred_on", "concluded_on", "cases_filed", "people_sanctioned",
                  "people_organizational", "people_judicial"]
