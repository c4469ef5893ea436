"""Endpoints of rectification: tasks (with writes through the services), extensions, visits, warnings, rates."""
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.exports import EXPORT_FORMATS, Column
from api.filtering import GivenFiltersBackend
from api.pagination import ApiCursorPagination
from api.views import ExportMixin, ScopedQuerysetMixin, ScopedReadOnlyViewSet, ValuesListMixin
from core.schema import described
from core.scoping import visibility_key
from rectification import filters, rules, selectors, services
from rectification.api import serializers
from rectification.choices import TaskStatus
from rectification.evidence import KINDS
from rectification.models import (
    DeadlineExtension,
    EvidenceFile,
    FollowUpVisit,
    RateSnapshot,
    RectificationTask,
    TaskWarning,
)
from rectification.rates import snapshot_cached
from rectification.views import evidence_file_response

# Writes take JSON, or a form (multipart: evidence files with a progress report).
WRITE_PARSERS = [JSONParser, FormParser, MultiPartParser]

TASK_EXPORT_COLUMNS = [
    Column("任务编号", lambda t: t.pk),
    Column("地区", lambda t: t.region.name),
    Column("地区代码", lambda t: t.region.code),
    Column("巡察轮次", lambda t: str(t.round)),
    Column("被巡察党组织", lambda t: t.organization.name),
    Column("问题序号", lambda t: t.finding.number),
    Column("问题类别", lambda t: t.get_category_display()),
    Column("问题描述", lambda t: t.finding.description),
    Column("责任单位", lambda t: t.responsible_unit),
    Column("责任人", lambda t: t.responsible_person),
    Column("整改措施", lambda t: t.measures),
    Column("交办日期", lambda t: t.assigned_on),
    Column("原定整改时限", lambda t: t.original_deadline),
    Column("整改时限", lambda t: t.deadline),
    Column("当前阶段", lambda t: t.stage.label),
    Column("整改状态", lambda t: t.get_status_display()),
    Column("销号日期", lambda t: t.closed_on),
    Column("进展情况", lambda t: t.progress_note),
]


@extend_schema_view(
    list=extend_schema(summary="整改任务列表", description=(
        "您权限范围内的整改任务，游标分页；`?format=csv` 或 `?format=xlsx` 导出全部筛选结果（中文表头，记入审计日志）。")),
    retrieve=extend_schema(summary="整改任务详情", description="一条整改任务；不在您权限范围内时返回 404。"),
    create=extend_schema(summary="新建整改任务", description="巡察办管理员为其权限范围内的问题新建整改任务；整改时限默认反馈后两个月。",
                         request=serializers.RectificationTaskCreateSerializer,
                         responses={201: serializers.RectificationTaskSerializer}),
)
class RectificationTaskViewSet(ExportMixin, ValuesListMixin, ScopedQuerysetMixin, mixins.CreateModelMixin,
                               viewsets.ReadOnlyModelViewSet):
    queryset = RectificationTask.objects.select_related("organization", "region")
    serializer_class = serializers.RectificationTaskSerializer
    # The model's derived properties, from a values row (rules.py holds the rules).
    row_computed = {
        "stage": lambda row, today: rules.stage_on(
            today=today, closed=row["status"] == TaskStatus.CLOSED, start_due=row["start_due"],
            progress_due=row["progress_due"], deadline=row["deadline"]).value,
        "is_extended": lambda row, today: RectificationTask.extended(row["deadline"], row["original_deadline"]),
        "is_overdue": lambda row, today: rules.is_overdue(
            today=today, deadline=row["deadline"], closed=row["status"] == TaskStatus.CLOSED),
    }
    row_needs = ("status", "start_due", "progress_due", "deadline", "original_deadline")
    filterset_class = filters.RectificationTaskFilterSet
    ordering_fields = ["id", "deadline", "updated_at"]
    export_name = "整改任务"
    export_columns = TASK_EXPORT_COLUMNS
    parser_classes = WRITE_PARSERS
    service_checked_actions = ("progress", "close", "send_back", "extension")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list" and self.request.accepted_renderer.format in ("csv", "xlsx"):
            queryset = queryset.select_related("finding", "round__organizer")
        return queryset

    def create(self, request, *args, **kwargs):
        return self._apply(serializers.RectificationTaskCreateSerializer, services.task_create, status.HTTP_201_CREATED)

    @extend_schema(summary="填报整改进展", description=(
        "整改中，或已完成待验收（须附佐证材料：文字或文件）；已销号的任务不能再填报。每次填报单独记录（见 timeline）。"
        "文件用 multipart/form-data 的 files 字段上传。"),
        request={"application/json": serializers.TaskProgressSerializer,
                 "multipart/form-data": serializers.TaskProgressSerializer},
        responses={200: serializers.RectificationTaskSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        task = self.get_object()
        return self._apply(serializers.TaskProgressSerializer,
                           lambda **data: services.task_report_progress(task=task, user=request.user, **data))

    @extend_schema(summary="验收通过并销号", description=(
        "巡察方验收整改单位已填报完成的任务并销号，须填写验收意见；销号日期不能晚于今天，不能早于单位填报完成的日期。"),
        request=serializers.TaskCloseSerializer, responses={200: serializers.RectificationTaskSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        task = self.get_object()
        services.task_review_check(reviewer=request.user, previous_status=None)  # a refused role before the payload
        return self._apply(serializers.TaskCloseSerializer,
                           lambda **data: services.task_close(task=task, reviewer=request.user, **data))

    @extend_schema(summary="验收退回", description="验收不通过：任务退回“整改中”，验收意见告知整改单位退回理由。",
                   request=serializers.TaskSendBackSerializer, responses={200: serializers.RectificationTaskSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        task = self.get_object()
        services.task_review_check(reviewer=request.user, previous_status=None)  # a refused role before the payload

        def send_back(**data):
            services.task_send_back(task=task, reviewer=request.user, **data)
            return RectificationTask.objects.get(pk=task.pk)
        return self._apply(serializers.TaskSendBackSerializer, send_back)

    @extend_schema(summary="整改进展时间线", description="任务的每一次填报和验收（通过或退回），按时间先后，含佐证材料文件。",
                   responses={200: serializers.ProgressRecordSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        task = self.get_object()
        records = serializers.ProgressRecordSerializer(selectors.task_timeline(task), many=True)
        return Response(records.data)

    @extend_schema(summary="申请延期", description=(
        "整改单位为未销号、未过整改时限的任务申请延期（理由、申请延至）；每个任务同时只能有一条待审批申请。"),
        request=serializers.ExtensionRequestSerializer, responses={201: serializers.DeadlineExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        task = self.get_object()
        payload = serializers.ExtensionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        extension = services.extension_request(task=task, user=request.user, **payload.validated_data)
        return Response(serializers.DeadlineExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    def _apply(self, payload_class, operation, status_code=status.HTTP_200_OK):
        """Validate the payload, run the service with it, answer the task as it now is."""
        payload = payload_class(data=self.request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return Response(self.get_serializer(operation(**payload.validated_data)).data, status=status_code)


@described("整改延期")
class DeadlineExtensionViewSet(ScopedReadOnlyViewSet):
    queryset = DeadlineExtension.objects.all()
    serializer_class = serializers.DeadlineExtensionSerializer
    filterset_class = filters.DeadlineExtensionFilterSet
    parser_classes = WRITE_PARSERS
    service_checked_actions = ("approve", "reject")
    ordering_fields = ["id", "requested_on"]

    @extend_schema(summary="批准延期", description=(
        "批准一条待审批的延期申请（须填写审批意见）：整改时限和阶段日期随之变更。只审批一次；任务已销号或所延长的整改时限"
        "已过时不能批准。"), request=serializers.ExtensionDecisionSerializer,
        responses={200: serializers.DeadlineExtensionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(services.extension_approve)

    @extend_schema(summary="不予批准延期", description="驳回一条待审批的延期申请（须填写审批意见）；整改时限不变。只审批一次。",
                   request=serializers.ExtensionDecisionSerializer, responses={200: serializers.DeadlineExtensionSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(services.extension_reject)

    def _decide(self, decide):
        extension = self.get_object()
        services.extension_decide_check(self.request.user)  # a refused role before the payload
        payload = serializers.ExtensionDecisionSerializer(data=self.request.data)
        payload.is_valid(raise_exception=True)
        extension = decide(extension=extension, approver=self.request.user, opinion=payload.validated_data["opinion"])
        return Response(self.get_serializer(extension).data)


@described("整改佐证材料文件")
class EvidenceFileViewSet(ScopedReadOnlyViewSet):
    queryset = EvidenceFile.objects.select_related("record")
    serializer_class = serializers.EvidenceFileSerializer

    @extend_schema(summary="下载佐证材料文件", description="仅限有权查看该任务的用户；每次下载记入审计日志。",
                   responses={(200, content_type): OpenApiTypes.BINARY for _, _, content_type in KINDS.values()})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return evidence_file_response(request, self.get_object())


@described("回访督查")
class FollowUpVisitViewSet(ScopedReadOnlyViewSet):
    queryset = FollowUpVisit.objects.all()
    serializer_class = serializers.FollowUpVisitSerializer
    filterset_class = filters.FollowUpVisitFilterSet
    ordering_fields = ["id", "visited_on"]


@described("红黄牌预警")
class TaskWarningViewSet(ScopedReadOnlyViewSet):
    queryset = TaskWarning.objects.all()
    serializer_class = serializers.TaskWarningSerializer
    filterset_class = filters.TaskWarningFilterSet
    ordering_fields = ["id", "issued_at"]


def _rate_columns():
    """Every figure of a snapshot under its Chinese name, after the scope's own columns."""
    figures = [field for field in RateSnapshot._meta.concrete_fields
               if field.name in serializers.RateSnapshotSerializer.Meta.fields
               and field.name not in ("scope", "scope_key", "day", "region", "round", "organization", "category")]
    return [
        Column("统计范围", lambda s: s.get_scope_display()),
        Column("范围标识", lambda s: s.scope_key),
        Column("统计日期", lambda s: s.day),
        Column("地区代码", lambda s: s.region.code if s.region_id else ""),
        Column("地区", lambda s: s.region.name if s.region_id else ""),
        Column("巡察轮次编号", lambda s: s.round_id),
        Column("被巡察党组织编号", lambda s: s.organization_id),
        Column("问题类别", lambda s: s.get_category_display()),
        *[Column(str(field.verbose_name), lambda s, name=field.attname: getattr(s, name)) for field in figures],
    ]


class RateCursorPagination(ApiCursorPagination):
    ordering = ("scope_key", "day")  # one row per scope_key when latest; a trend is one scope in day order
    page_size = 100
    max_page_size = 1000
    page_size_query_description = "每页条数（最多 1000）"


@extend_schema_view(list=extend_schema(summary="整改率", description=(
    "不带 from/to 时：每个统计范围截至 as_of（默认今天）的最新快照；带 from/to 时：一个范围（scope_key，或 scope 加"
    "确定该范围的筛选条件）在该期间的逐日趋势。region 包含下辖地区。`?format=csv|xlsx` 导出（中文表头，记入审计日志）。")))
class RateViewSet(ExportMixin, ValuesListMixin, ScopedQuerysetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = RateSnapshot.objects.select_related("region")
    serializer_class = serializers.RateSnapshotSerializer
    filterset_class = filters.RateSnapshotFilterSet
    filter_backends = [GivenFiltersBackend]
    pagination_class = RateCursorPagination
    database_writes_rows = True  # numbers: see ValuesListMixin
    database_stored_rows = "api_json"  # the latest rows' JSON, kept by a trigger (rectification.api.stored_json)
    export_name = "整改率"
    export_columns = _rate_columns()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*RateCursorPagination.ordering)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        # The rendered page is cached per snapshot version (a recompute ends every cached page at once), row
        # layout and media type, day (the default as_of), who is asking (what decides their scope) and URL
        # (filters and cursor). A hit answers without building the query; a bad filter raises before caching.
        body = snapshot_cached(("api page", self.row_plan().fields, request.accepted_media_type, timezone.localdate(),
                                visibility_key(request.user), request.build_absolute_uri()), self._render_page)
        return HttpResponse(body, content_type=request.accepted_renderer.media_type)

    def _render_page(self) -> bytes:
        data = self.get_paginated_response(self.values_page()).data
        return self.request.accepted_renderer.render(data, self.request.accepted_media_type, self.get_renderer_context())
