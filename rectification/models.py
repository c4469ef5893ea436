"""The rectification side: tasks, deadline extensions, follow-up visits and warnings."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import LoadedValuesMixin
from core.scoping import ScopedQuerySet
from inspection.choices import FindingCategory
from inspection.models import Finding, Inspection, InspectionRound, Organization, Region
from rectification import evidence, rules
from rectification.choices import ExtensionStatus, ProgressKind, RateScope, Stage, TaskStatus, VisitRating, WarningLevel


class RectificationTaskQuerySet(ScopedQuerySet):
    region_path = "region"
    organization_path = "organization"
    round_path = "round"

    def open(self):
        return self.exclude(status=TaskStatus.CLOSED)

    def overdue_on(self, day):
        """Tasks overdue on `day` (`rules.is_overdue` in SQL)."""
        return self.open().filter(deadline__lt=day)

    def not_overdue_on(self, day):
        """The rest: closed, or within the deadline (the negation of `overdue_on`, without a subquery)."""
        return self.filter(Q(status=TaskStatus.CLOSED) | Q(deadline__gte=day))

    def in_stage(self, stage, day):
        """Tasks whose derived stage on `day` is `stage`; the same rule as `rules.stage_on`, in SQL."""
        if stage == Stage.CLOSED:
            return self.filter(status=TaskStatus.CLOSED)
        if stage == Stage.OVERDUE:
            return self.overdue_on(day)
        within = self.open().filter(deadline__gte=day)
        if stage == Stage.START:
            return within.filter(start_due__gte=day)
        if stage == Stage.PROGRESS:
            return within.filter(start_due__lt=day, progress_due__gte=day)
        return within.filter(progress_due__lt=day)


class RectificationTask(LoadedValuesMixin, models.Model):
    """整改任务: what a unit must do about one finding, by when, and how far it has got.

    `inspection`, `round`, `organization`, `region` and `category` copy the finding's place so that
    the dashboards filter and aggregate millions of tasks without four joins; the services keep them in step
    (`task_save` copies it, and a service that moves a finding, inspection or organisation updates its tasks).
    """

    finding = models.ForeignKey(Finding, verbose_name="巡察发现问题", on_delete=models.CASCADE, related_name="tasks")
    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="tasks", editable=False)
    # No single-column indexes for the copied place: the (round|organization|region, …) indexes below lead with
    # them, and every index is paid for on each of a million rows' writes.
    round = models.ForeignKey(InspectionRound, verbose_name="巡察轮次", on_delete=models.CASCADE, related_name="tasks",
                              editable=False, db_index=False)
    organization = models.ForeignKey(Organization, verbose_name="被巡察党组织", on_delete=models.PROTECT,
                                     related_name="tasks", editable=False, db_index=False)
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="tasks", editable=False,
                               db_index=False)
    category = models.CharField("问题类别", max_length=16, choices=FindingCategory.choices, editable=False)

    responsible_unit = models.CharField("责任单位", max_length=128)
    responsible_person = models.CharField("责任人", max_length=64, blank=True)
    measures = models.TextField("整改措施", blank=True)
    assigned_on = models.DateField("交办日期", help_text="一般为巡察反馈日期")
    original_deadline = models.DateField("原定整改时限")
    deadline = models.DateField("整改时限", help_text="默认为反馈日期后两个月；批准延期后随之变更")
    start_due = models.DateField("启动阶段截止")
    progress_due = models.DateField("推进阶段截止")
    status = models.CharField("整改状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.IN_PROGRESS)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    # The date of the report 已完成待验收 that the closing accepts (a closing is never earlier); cleared by 退回.
    reported_on = models.DateField("填报完成日期", null=True, blank=True, editable=False)
    # The latest report's text, for lists, exports and the ledger; every report is its own ProgressRecord.
    evidence = models.TextField("整改佐证材料", blank=True)
    progress_note = models.TextField("进展情况", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="整改任务变更记录")
    objects = RectificationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "整改任务"
        verbose_name_plural = "整改任务"
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("assigned_on")), name="task_deadline_after_assigned",
                violation_error_message="整改时限不能早于交办日期。"),
            models.CheckConstraint(
                condition=Q(original_deadline__gte=F("assigned_on")), name="task_original_deadline_after_assigned",
                violation_error_message="原定整改时限不能早于交办日期。"
            ),
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.CLOSED) & Q(closed_on__isnull=False))
                | (~Q(status=TaskStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="task_closed_on_iff_closed",
                violation_error_message="已销号的任务须有销号日期，未销号的任务不能有销号日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("assigned_on")),
                name="task_closed_after_assigned",
                violation_error_message="销号日期不能早于交办日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(reported_on__isnull=True) | Q(closed_on__gte=F("reported_on")),
                name="task_closed_after_reported",
                violation_error_message="销号日期不能早于整改单位填报完成的日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="task_region_status_idx"),
            models.Index(fields=["round", "status"], name="task_round_status_idx"),
            models.Index(fields=["organization", "status"], name="task_org_status_idx"),
            models.Index(fields=["status", "deadline"], name="task_status_deadline_idx"),
            models.Index(fields=["deadline", "id"], name="task_deadline_id_idx"),
            models.Index(fields=["region", "category"], name="task_region_category_idx"),
            # The task list of a region user: the region's tasks by deadline, read from the index alone.
            models.Index(fields=["region", "deadline", "id"], name="task_region_deadline_idx"),
            # Overdue lists and the 逾期 filter of a region user: the region's open tasks by deadline.
            models.Index(fields=["region", "deadline", "id"], condition=~Q(status=TaskStatus.CLOSED),
                         name="task_open_region_deadline_idx"),
        ]

    def __str__(self):
        return f"{self.organization}：{self.finding}"

    # The task's place, copied from its finding: field → path from the finding. Also the UPDATE that keeps
    # tasks in step when a finding, inspection or organisation moves (services.tasks_place_sync).
    PLACE_FROM_FINDING = {
        "inspection_id": "inspection_id",
        "round_id": "inspection__round_id",
        "organization_id": "inspection__organization_id",
        "region_id": "inspection__organization__region_id",
        "category": "category",
    }

    def copy_place_from_finding(self):
        for field, path in self.PLACE_FROM_FINDING.items():
            value = self.finding
            for name in path.split("__"):
                value = getattr(value, name)
            setattr(self, field, value)

    def overdue_on(self, day) -> bool:
        return rules.is_overdue(today=day, deadline=self.deadline, closed=self.status == TaskStatus.CLOSED)

    @property
    def is_overdue(self) -> bool:
        """Derived today, like every page, filter and export (never stored, so never stale)."""
        return self.overdue_on(timezone.localdate())

    @staticmethod
    def extended(deadline, original_deadline) -> bool:
        """延期: the deadline in force is later than the first one."""
        return deadline > original_deadline

    @property
    def is_extended(self) -> bool:
        return self.extended(self.deadline, self.original_deadline)

    def stage_on(self, day=None) -> Stage:
        return rules.stage_on(
            today=day or timezone.localdate(),
            closed=self.status == TaskStatus.CLOSED,
            start_due=self.start_due,
            progress_due=self.progress_due,
            deadline=self.deadline,
        )

    @property
    def stage(self) -> Stage:
        return self.stage_on()


class TaskChildQuerySet(ScopedQuerySet):
    region_path = "task__region"
    organization_path = "task__organization"
    round_path = "task__round"


class DeadlineExtension(models.Model):
    """延期: a request to move a task's deadline, and who decided it."""

    task = models.ForeignKey(RectificationTask, verbose_name="整改任务", on_delete=models.CASCADE, related_name="extensions")
    requested_on = models.DateField("申请日期", default=timezone.localdate)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="extension_requests",
    )
    reason = models.TextField("延期理由")
    previous_deadline = models.DateField("原整改时限")
    new_deadline = models.DateField("申请延至")
    status = models.CharField("审批状态", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="extension_decisions",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    history = HistoricalRecords(verbose_name="延期变更记录")
    objects = TaskChildQuerySet.as_manager()

    class Meta:
        verbose_name = "整改延期"
        verbose_name_plural = "整改延期"
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(new_deadline__gt=F("previous_deadline")), name="extension_moves_deadline_later",
                violation_error_message="延期后的整改时限须晚于原整改时限。"),
            models.CheckConstraint(
                condition=(Q(status=ExtensionStatus.PENDING) & Q(decided_at__isnull=True))
                | (~Q(status=ExtensionStatus.PENDING) & Q(decided_at__isnull=False)),
                name="extension_decided_at_iff_decided",
                violation_error_message="已审批的延期须有审批时间。",
            ),
            models.UniqueConstraint(
                fields=["task"], condition=Q(status=ExtensionStatus.PENDING), name="extension_one_pending_per_task",
                violation_error_message="该整改任务已有待审批的延期申请。",
            ),
        ]

    def __str__(self):
        return f"{self.task_id} 号任务延期至 {self.new_deadline:%Y-%m-%d}（{self.get_status_display()}）"


class ProgressRecord(models.Model):
    """整改进展记录: one entry of a task's timeline — a unit's report (status, note, evidence) or a reviewer's
    验收 (通过 or 退回 with its 验收意见). Written only by the services; never changed afterwards."""

    task = models.ForeignKey(RectificationTask, verbose_name="整改任务", on_delete=models.CASCADE,
                             related_name="progress_records")
    kind = models.CharField("类型", max_length=16, choices=ProgressKind.choices)
    status = models.CharField("填报后状态", max_length=16, choices=TaskStatus.choices)
    note = models.TextField("进展情况或验收意见", blank=True)
    evidence = models.TextField("整改佐证材料", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="progress_records")
    created_at = models.DateTimeField("填报时间", default=timezone.now)

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        verbose_name = "整改进展记录"
        verbose_name_plural = "整改进展记录"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ProgressKind.SENT_BACK) | ~Q(note=""), name="progress_sent_back_has_opinion",
                violation_error_message="验收退回须填写验收意见。",
            ),
        ]

    def __str__(self):
        return f"{self.task_id} 号任务 {self.get_kind_display()}（{self.get_status_display()}）"


class EvidenceFileQuerySet(ScopedQuerySet):
    region_path = "record__task__region"
    organization_path = "record__task__organization"
    round_path = "record__task__round"


def evidence_upload_to(instance, filename):
    # The stored name never carries the uploaded name (it may hold anything); the kind's extension only.
    return f"evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class EvidenceFile(models.Model):
    """整改佐证材料 file attached to a progress report; stored through Django's storage API (local folder or S3),
    downloaded only through `rectification:evidence_download`, which checks scope and audits."""

    record = models.ForeignKey(ProgressRecord, verbose_name="整改进展记录", on_delete=models.CASCADE,
                               related_name="files")
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=200)
    name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("文件类型", max_length=8)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        verbose_name = "整改佐证材料文件"
        verbose_name_plural = "整改佐证材料文件"
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def extension(self):
        return evidence.KINDS[self.kind][1]


class FollowUpVisitQuerySet(ScopedQuerySet):
    region_path = "inspection__organization__region"
    organization_path = "inspection__organization"
    round_path = "inspection__round"


class FollowUpVisit(models.Model):
    """回访督查: a supervisor's visit to an inspected unit about its rectification."""

    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="follow_up_visits")
    task = models.ForeignKey(
        RectificationTask, verbose_name="整改任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up_visits"
    )
    visited_on = models.DateField("督查日期")
    visitors = models.CharField("督查人员", max_length=200, blank=True)
    rating = models.CharField("评价", max_length=8, choices=VisitRating.choices)
    notes = models.TextField("督查情况", blank=True)

    objects = FollowUpVisitQuerySet.as_manager()

    class Meta:
        verbose_name = "回访督查"
        verbose_name_plural = "回访督查"
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} 回访督查 {self.inspection.organization}（{self.get_rating_display()}）"


class TaskWarning(models.Model):
    """红黄牌: a graded warning on a task that is falling behind; lifted when the cause goes away."""

    task = models.ForeignKey(RectificationTask, verbose_name="整改任务", on_delete=models.CASCADE, related_name="warnings")
    level = models.CharField("预警等级", max_length=8, choices=WarningLevel.choices)
    reason = models.CharField("预警原因", max_length=300)
    issued_at = models.DateTimeField("发出时间", default=timezone.now)
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lift_reason = models.CharField("解除原因", max_length=300, blank=True)

    history = HistoricalRecords(verbose_name="预警变更记录")
    objects = TaskChildQuerySet.as_manager()

    class Meta:
        verbose_name = "红黄牌预警"
        verbose_name_plural = "红黄牌预警"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "level"], condition=Q(lifted_at__isnull=True), name="warning_one_active_per_level",
                violation_error_message="该任务已有同一等级的未解除预警。"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=F("issued_at")), name="warning_lifted_after_issued",
                violation_error_message="解除时间不能早于发出时间。"
            ),
        ]
        indexes = [
            models.Index(fields=["level", "lifted_at"], name="warning_level_active_idx"),
            # The warnings page and the overview's latest warnings: newest first (keyset on issued_at, id).
            models.Index(fields=["-issued_at", "-id"], name="warning_issued_idx"),
        ]

    def __str__(self):
        return f"{self.get_level_display()}：{self.reason}"


class RateSnapshotQuerySet(ScopedQuerySet):
    region_path = "region"
    organization_path = "organization"
    round_path = "round"
    # The same rows as the semi-join with the regions under the prefix: the rates page has no join to plan.
    region_code_path = "region_code"


class RateSnapshot(models.Model):
    """整改率快照: the figures of one scope on one day, written only by the recompute jobs.

    `scope_key` names the scope in one string ("region:421202", "round:17", "category:421202:integrity",
    "round_organization:17:305", "overall"); (scope_key, day) is unique, so recomputing a day
    overwrites that day's row. Rates are percentages with two decimals; a scope without
    tasks has no rate (null).
    """

    scope = models.CharField("统计范围", max_length=24, choices=RateScope.choices)
    scope_key = models.CharField("范围标识", max_length=64)
    day = models.DateField("统计日期")
    # Derived rows, rewritten wholesale by the recompute jobs: no database foreign-key checks (Django
    # still cascades deletes) and no single-column indexes (the composite ones below lead with these).
    region = models.ForeignKey(
        Region, verbose_name="地区", null=True, blank=True, on_delete=models.CASCADE, related_name="rate_snapshots",
        db_constraint=False, db_index=False,
    )
    round = models.ForeignKey(
        InspectionRound, verbose_name="巡察轮次", null=True, blank=True, on_delete=models.CASCADE, related_name="rate_snapshots",
        db_constraint=False, db_index=False,
    )
    organization = models.ForeignKey(
        Organization, verbose_name="被巡察党组织", null=True, blank=True, on_delete=models.CASCADE, related_name="rate_snapshots",
        db_constraint=False, db_index=False,
    )
    # The region's code as the row was written (by the recompute's SQL, `rates.write._write_empty` or `save`), kept
    # with the region's own by `rectification.signals`: scoping and the API read it from the row itself. Null with
    # the region (the overall row), as the API has always written it.
    region_code = models.CharField("地区代码", max_length=6, null=True, blank=True)  # noqa: DJ001
    category = models.CharField("问题类别", max_length=16, choices=FindingCategory.choices, blank=True)

    tasks_total = models.PositiveIntegerField("整改任务数", default=0)
    closed = models.PositiveIntegerField("已销号", default=0)
    closed_on_time = models.PositiveIntegerField("按期销号", default=0)
    closed_late = models.PositiveIntegerField("逾期销号", default=0)
    open_within_deadline = models.PositiveIntegerField("时限内未销号", default=0)
    overdue = models.PositiveIntegerField("逾期未销号", default=0)
    extended = models.PositiveIntegerField("已延期", default=0)
    rate = models.DecimalField("整改率（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    on_time_rate = models.DecimalField("按期整改率（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    mean_days_to_close = models.DecimalField("平均销号用时（天）", max_digits=7, decimal_places=1, null=True, blank=True)
    # The sum behind the mean, so a parent region's mean is summed exactly from its children's rows.
    days_to_close_total = models.PositiveBigIntegerField("销号用时合计（天）", default=0)

    leads = models.PositiveIntegerField("问题线索（件）", default=0)
    leads_transferred = models.PositiveIntegerField("已移交线索（件）", default=0)
    cases_filed = models.PositiveIntegerField("立案（件）", default=0)
    people_sanctioned = models.PositiveIntegerField("党纪政务处分（人）", default=0)
    people_organizational = models.PositiveIntegerField("组织处理（人）", default=0)
    people_judicial = models.PositiveIntegerField("移送司法机关（人）", default=0)
    # Counts as they are when the row is computed (the overview's KPI cards read them for a region).
    findings = models.PositiveIntegerField("发现问题（个）", default=0)
    warnings_active = models.PositiveIntegerField("有效预警（条）", default=0)
    # Organisations inspected at least once (each once however many rounds inspected it; 1 or 0 for one).
    units_inspected = models.PositiveIntegerField("被巡察单位（个）", default=0)

    computed_at = models.DateTimeField("计算时间", default=timezone.now)
    # The scope's newest row (no row of a later day), kept by the recompute jobs in the same transaction
    # as their upsert, so the latest figures are read from partial indexes instead of a subquery per row.
    is_latest = models.BooleanField("最新", default=False)
    # A latest row's JSON as the rates API writes it, kept by a trigger of the table (PostgreSQL;
    # rectification.api.stored_json): the API's pages read it instead of writing it again. Null otherwise.
    api_json = models.TextField("接口 JSON（最新快照）", null=True, blank=True, editable=False)  # noqa: DJ001

    objects = RateSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "整改率快照"
        verbose_name_plural = "整改率快照"
        ordering = ["-day", "scope_key"]
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "day"], name="snapshot_one_per_scope_and_day",
                violation_error_message="该范围当天已有整改率快照。"),
            models.CheckConstraint(condition=Q(closed__lte=F("tasks_total")), name="snapshot_closed_within_total",
                violation_error_message="已销号数不能大于任务总数。"),
        ]
        indexes = [
            models.Index(fields=["scope", "day"], name="snapshot_scope_day_idx"),
            models.Index(fields=["region", "scope", "day"], name="snapshot_region_scope_day_idx"),
            models.Index(fields=["round", "day"], name="snapshot_round_day_idx"),
            models.Index(fields=["organization", "day"], name="snapshot_org_day_idx"),
            # The reads of the latest rows (rectification.selectors.rates_latest): by scope and region (pages,
            # the API's scope and region filters) and by key in key order (the API's cursor, a page's own scope).
            models.Index(fields=["scope", "region"], condition=Q(is_latest=True), name="snapshot_latest_region_idx"),
            # Scoping (`in_region`): the latest rows of a scope under a region code prefix.
            models.Index(fields=["scope", "region_code"], condition=Q(is_latest=True), name="snapshot_latest_code_idx",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["scope_key", "day"], condition=Q(is_latest=True), name="snapshot_latest_key_idx"),
        ]

    def __str__(self):
        rate = "—" if self.rate is None else f"{self.rate}%"
        return f"{self.get_scope_display()} {self.scope_key} {self.day:%Y-%m-%d}：整改率 {rate}"

    def save(self, *args, **kwargs):
        self.region_code = self.region.code if self.region_id else None
        super().save(*args, **kwargs)


class PendingRateScope(models.Model):
    """待重算范围: a scope key whose snapshot a committed change made stale, written in that change's transaction
    (so it survives a Redis or worker outage) and removed by the drain that recomputes it, in the drain's
    transaction. A key may be listed many times (writers never wait on each other); the drain reads it once."""

    scope_key = models.CharField("统计范围", max_length=100)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "待重算整改率范围"
        verbose_name_plural = "待重算整改率范围"

    def __str__(self):
        return f"{self.scope_key}（{self.created_at:%Y-%m-%d %H:%M:%S}）"


class PendingWarningRefresh(models.Model):
    """待刷新预警: a task whose warnings a committed change may have made wrong, written in that change's
    transaction (so neither a failure after the commit nor a Redis or worker outage loses it) and removed by
    the refresh that brings them in line (`services.warnings_refresh_pending`), in the refresh's transaction."""

    task = models.ForeignKey(RectificationTask, verbose_name="整改任务", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "待刷新预警的任务"
        verbose_name_plural = "待刷新预警的任务"

    def __str__(self):
        return f"{self.task_id}（{self.created_at:%Y-%m-%d %H:%M:%S}）"
