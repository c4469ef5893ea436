"""Serializers of the rectification records and rate snapshots; writes go through `rectification.services`."""
from django.urls import reverse
from rest_framework import serializers

from core.schema import display
from inspection.models import Finding
from rectification.choices import Stage, TaskStatus
from rectification.models import (
    DeadlineExtension,
    EvidenceFile,
    FollowUpVisit,
    ProgressRecord,
    RateSnapshot,
    RectificationTask,
    TaskWarning,
)


class RectificationTaskSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label="被巡察党组织名称")
    region_code = serializers.CharField(source="region.code", read_only=True, label="地区代码")
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True, label="当前阶段",
                                    help_text="由整改时限和阶段日期推算（启动/推进/验收/逾期/已销号）")
    is_extended = serializers.BooleanField(read_only=True, label="已延期", help_text="整改时限晚于原定整改时限")
    is_overdue = serializers.BooleanField(read_only=True, label="已逾期", help_text="今天已过整改时限且尚未销号")
    status_display = display("status", "整改状态名称")
    category_display = display("category", "问题类别名称")

    class Meta:
        model = RectificationTask
        fields = ["id", "finding", "inspection", "round", "organization", "organization_name", "region", "region_code",
                  "category", "category_display", "responsible_unit", "responsible_person", "measures", "assigned_on",
                  "original_deadline", "deadline", "start_due", "progress_due", "stage", "status", "status_display",
                  "is_extended", "is_overdue", "closed_on", "evidence", "progress_note", "updated_at"]
        read_only_fields = fields


class RectificationTaskCreateSerializer(serializers.Serializer):
    """A new task for a finding in your scope; deadline and stage dates default as on the pages."""

    finding = serializers.PrimaryKeyRelatedField(queryset=Finding.objects.all(), label="巡察发现问题",
                                                 help_text="问题编号（须在您的权限范围内）")
    responsible_unit = serializers.CharField(max_length=128, label="责任单位")
    responsible_person = serializers.CharField(max_length=64, required=False, allow_blank=True, label="责任人")
    measures = serializers.CharField(required=False, allow_blank=True, label="整改措施")
    assigned_on = serializers.DateField(required=False, label="交办日期", help_text="默认为巡察反馈日期")
    deadline = serializers.DateField(required=False, label="整改时限", help_text="默认为交办日期后两个月")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["finding"].queryset = Finding.objects.visible_to(request.user)


class TaskProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in (TaskStatus.IN_PROGRESS, TaskStatus.REPORTED)],
                                     label="整改状态", help_text="整改中，或已完成待验收（须附佐证材料：文字或文件）")
    evidence = serializers.CharField(required=False, allow_blank=True, default="", label="整改佐证材料")
    progress_note = serializers.CharField(required=False, allow_blank=True, default="", label="进展情况")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, label="佐证材料文件",
                                  help_text="multipart/form-data 上传，可多个；PDF、图片、.docx、.xlsx，按文件内容判断类型")


class TaskCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(label="销号日期", help_text="不能晚于今天，不能早于整改单位填报完成的日期")
    opinion = serializers.CharField(label="验收意见")


class TaskSendBackSerializer(serializers.Serializer):
    opinion = serializers.CharField(label="验收意见", help_text="退回的理由，整改单位据此重新整改")


class EvidenceFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(label="下载地址", help_text="须登录且有权查看该任务；每次下载记入审计日志")

    class Meta:
        model = EvidenceFile
        fields = ["id", "name", "kind", "content_type", "size", "sha256", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, evidence_file) -> str:
        return reverse("api:evidence-download", args=[evidence_file.pk])


class ProgressRecordSerializer(serializers.ModelSerializer):
    kind_display = display("kind", "类型名称")
    status_display = display("status", "填报后状态名称")
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, label="填报人")
    files = EvidenceFileSerializer(many=True, read_only=True, label="佐证材料文件")

    class Meta:
        model = ProgressRecord
        fields = ["id", "task", "kind", "kind_display", "status", "status_display", "note", "evidence", "created_by",
                  "created_at", "files"]
        read_only_fields = fields


class DeadlineExtensionSerializer(serializers.ModelSerializer):
    status_display = display("status", "审批状态名称")

    class Meta:
        model = DeadlineExtension
        fields = ["id", "task", "requested_on", "reason", "previous_deadline", "new_deadline", "status",
                  "status_display", "decided_at", "decision_note"]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(label="延期理由")
    new_deadline = serializers.DateField(label="申请延至", help_text="须晚于现整改时限；整改时限届满前申请")


class ExtensionDecisionSerializer(serializers.Serializer):
    opinion = serializers.CharField(label="审批意见")


class FollowUpVisitSerializer(serializers.ModelSerializer):
    rating_display = display("rating", "评价名称")

    class Meta:
        model = FollowUpVisit
        fields = ["id", "inspection", "task", "visited_on", "visitors", "rating", "rating_display", "notes"]


class TaskWarningSerializer(serializers.ModelSerializer):
    level_display = display("level", "预警等级名称")

    class Meta:
        model = TaskWarning
        fields = ["id", "task", "level", "level_display", "reason", "issued_at", "lifted_at", "lift_reason"]


class RateSnapshotSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(read_only=True, allow_null=True, label="地区代码")
    scope_display = display("scope", "统计范围名称")

    class Meta:
        model = RateSnapshot
        fields = ["scope", "scope_display", "scope_key", "day", "region", "region_code", "round", "organization",
                  "category", "tasks_total", "closed", "closed_on_time", "closed_late", "open_within_deadline",
                  "overdue", "extended", "rate", "on_time_rate", "mean_days_to_close", "leads", "leads_transferred",
                  "cases_filed", "people_sanctioned", "people_organizational", "people_judicial", "findings",
                  "warnings_active", "units_inspected", "computed_at"]
