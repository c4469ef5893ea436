"""The inspection side: regions, inspected organisations, rounds, groups, findings and leads."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.models import LoadedValuesMixin
from core.scoping import ScopedQuerySet, region_prefix
from inspection.choices import (
    FindingCategory,
    LeadRecipient,
    LeadStatus,
    OrganizationKind,
    RegionLevel,
    RoundKind,
    Severity,
)


class RegionQuerySet(ScopedQuerySet):
    region_path = ""
    region_code_path = "code"

    def for_rounds(self, rounds):
        # Regions are reference data: a group member sees the regions of their own region's subtree.
        return self


class Region(models.Model):
    """An administrative division (行政区划) with its 6-digit adcode, loaded by `load_regions`."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级地区", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [
            # Prefix (LIKE '4212%') lookups for region scoping and roll-ups.
            models.Index(fields=["code"], name="region_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return region_prefix(self)

    @property
    def committee_name(self) -> str:
        """The party committee of the region: 咸宁市 → 咸宁市委."""
        return f"{self.name}委"


class OrganizationQuerySet(ScopedQuerySet):
    region_path = "region"
    organization_path = "self"

    def for_rounds(self, rounds):
        """Organisations inspected in any of `rounds`."""
        return self.filter(pk__in=Inspection.objects.filter(round__in=rounds.values("pk")).values("organization_id"))


class Organization(LoadedValuesMixin, models.Model):
    """A party organisation or unit that can be inspected (被巡察党组织)."""

    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类型", max_length=16, choices=OrganizationKind.choices, default=OrganizationKind.DEPARTMENT)
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="organizations")
    parent = models.ForeignKey(
        "self", verbose_name="上级党组织", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "被巡察党组织"
        verbose_name_plural = "被巡察党组织"
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organization_unique_name_in_region",
                violation_error_message="同一地区已有同名的被巡察党组织。")]

    def __str__(self):
        return self.name


class InspectionRoundQuerySet(ScopedQuerySet):
    region_path = "organizer"
    round_path = "self"

    def for_organization(self, organization_id):
        return self.filter(inspections__organization=organization_id).distinct()


class InspectionRound(models.Model):
    """A round (轮次) of inspections run by one party committee."""

    organizer = models.ForeignKey(
        Region, verbose_name="组织地区（党委）", on_delete=models.PROTECT, related_name="organized_rounds"
    )
    term = models.PositiveSmallIntegerField("届次", help_text="例如：十四届县委填 14")
    number = models.PositiveSmallIntegerField("轮次", help_text="本届第几轮")
    kind = models.CharField("巡察类型", max_length=16, choices=RoundKind.choices, default=RoundKind.REGULAR)
    title = models.CharField("名称", max_length=200, blank=True)
    planned_start = models.DateField("计划开始日期", null=True, blank=True)
    planned_end = models.DateField("计划结束日期", null=True, blank=True)
    started_on = models.DateField("实际开始日期", null=True, blank=True)
    ended_on = models.DateField("实际结束日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = InspectionRoundQuerySet.as_manager()

    class Meta:
        verbose_name = "巡察轮次"
        verbose_name_plural = "巡察轮次"
        ordering = ["-started_on", "-term", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "term", "number"], name="round_unique_number_in_term",
                violation_error_message="该党委本届已有相同轮次。"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_start__isnull=True) | Q(planned_end__gte=F("planned_start")),
                name="round_planned_end_after_start",
                violation_error_message="计划结束日期不能早于计划开始日期。",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="round_end_after_start",
                violation_error_message="实际结束日期不能早于实际开始日期。",
            ),
            models.CheckConstraint(condition=Q(term__gte=1) & Q(number__gte=1), name="round_term_number_positive",
                violation_error_message="届次和轮次须为正整数。"),
        ]

    def __str__(self):
        return self.title or f"{self.organizer.committee_name}第{self.term}届第{self.number}轮{self.get_kind_display()}"


class InspectionGroupQuerySet(ScopedQuerySet):
    region_path = "round__organizer"
    round_path = "round"
    visible_to_units = False


class InspectionGroup(models.Model):
    """An inspection group (巡察组) sent out in a round."""

    round = models.ForeignKey(InspectionRound, verbose_name="巡察轮次", on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField("组号", help_text="第几巡察组")
    leader = models.CharField("组长", max_length=64, blank=True)
    members = models.TextField("成员", blank=True, help_text="每行一人")
    member_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="成员账号",
        blank=True,
        related_name="inspection_groups",
        help_text="这些“巡察组成员”账号可以查看和录入本轮巡察的问题和线索。",
    )

    objects = InspectionGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "巡察组"
        verbose_name_plural = "巡察组"
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="group_unique_number_in_round",
                violation_error_message="本轮已有相同组号的巡察组。"),
            models.CheckConstraint(condition=Q(number__gte=1), name="group_number_positive",
                violation_error_message="组号须为正整数。"),
        ]

    def __str__(self):
        return f"第{self.number}巡察组"


class InspectionQuerySet(ScopedQuerySet):
    region_path = "organization__region"
    organization_path = "organization"
    round_path = "round"


class Inspection(LoadedValuesMixin, models.Model):
    """One group inspecting one organisation in one round: 进驻 and 反馈."""

    round = models.ForeignKey(InspectionRound, verbose_name="巡察轮次", on_delete=models.CASCADE, related_name="inspections")
    group = models.ForeignKey(
        InspectionGroup, verbose_name="巡察组", null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="被巡察党组织", on_delete=models.PROTECT, related_name="inspections"
    )
    entry_date = models.DateField("进驻日期", null=True, blank=True)
    exit_date = models.DateField("撤离日期", null=True, blank=True)
    feedback_date = models.DateField("反馈日期", null=True, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "巡察（被巡察单位）"
        verbose_name_plural = "巡察（被巡察单位）"
        ordering = ["round", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="inspection_unique_org_in_round",
                violation_error_message="该党组织在本轮已被巡察。"),
            models.CheckConstraint(
                condition=Q(feedback_date__isnull=True) | Q(entry_date__isnull=True) | Q(feedback_date__gte=F("entry_date")),
                name="inspection_feedback_after_entry",
                violation_error_message="反馈日期不能早于进驻日期。",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(entry_date__isnull=True) | Q(exit_date__gte=F("entry_date")),
                name="inspection_exit_after_entry",
                violation_error_message="撤离日期不能早于进驻日期。",
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.organization}"


class FindingQuerySet(ScopedQuerySet):
    region_path = "inspection__organization__region"
    organization_path = "inspection__organization"
    round_path = "inspection__round"


class Finding(LoadedValuesMixin, models.Model):
    """A problem (问题) on an inspection's problem list (问题清单)."""

    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField("序号")
    category = models.CharField("问题类别", max_length=16, choices=FindingCategory.choices, db_index=True)
    description = models.TextField("问题描述")
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices, default=Severity.GENERAL)

    history = HistoricalRecords(verbose_name="问题变更记录")
    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "巡察发现问题"
        verbose_name_plural = "巡察发现问题"
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="finding_unique_number_in_inspection",
                violation_error_message="该巡察已有相同序号的问题。"),
        ]

    def __str__(self):
        summary = self.description if len(self.description) <= 30 else self.description[:30] + "…"
        return f"{self.number}. {summary}"


class LeadQuerySet(ScopedQuerySet):
    region_path = "inspection__organization__region"
    organization_path = "inspection__organization"
    round_path = "inspection__round"
    # Leads name people under investigation: the inspected unit never sees them.
    visible_to_units = False


class Lead(LoadedValuesMixin, models.Model):
    """A lead (问题线索) handed over to another organ, with its outcomes in people and cases."""

    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="leads")
    finding = models.ForeignKey(
        Finding, verbose_name="相关问题", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    summary = models.TextField("线索摘要")
    recipient = models.CharField("移交对象", max_length=16, choices=LeadRecipient.choices, default=LeadRecipient.DISCIPLINE)
    status = models.CharField("办理状态", max_length=16, choices=LeadStatus.choices, default=LeadStatus.PENDING, db_index=True)
    transferred_on = models.DateField("移交日期", null=True, blank=True)
    concluded_on = models.DateField("办结日期", null=True, blank=True)
    cases_filed = models.PositiveIntegerField("立案（件）", default=0)
    people_sanctioned = models.PositiveIntegerField("党纪政务处分（人）", default=0)
    people_organizational = models.PositiveIntegerField("组织处理（人）", default=0)
    people_judicial = models.PositiveIntegerField("移送司法机关（人）", default=0)

    history = HistoricalRecords(verbose_name="线索变更记录")
    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = "问题线索"
        verbose_name_plural = "问题线索"
        ordering = ["inspection", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cases_filed__gte=0)
                & Q(people_sanctioned__gte=0)
                & Q(people_organizational__gte=0)
                & Q(people_judicial__gte=0),
                name="lead_outcome_counts_non_negative",
                violation_error_message="线索处置人数和件数不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(transferred_on__isnull=False),
                name="lead_transferred_has_date",
                violation_error_message="已移交的线索须填写移交日期。",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True)
                | (Q(transferred_on__isnull=False) & Q(concluded_on__gte=F("transferred_on"))),
                name="lead_concluded_after_transfer",
                violation_error_message="办结日期不能早于移交日期。",
            ),
        ]

    def __str__(self):
        summary = self.summary if len(self.summary) <= 30 else self.summary[:30] + "…"
        return f"线索：{summary}"
