"""Statuses, stages and grades of rectification, each with its Chinese label (and colour where shown)."""
from django.db import models


class TaskStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "整改中"
    REPORTED = "reported", "已完成待验收"
    CLOSED = "closed", "已销号"


class Stage(models.TextChoices):
    """Where a task stands on a given day; derived from its dates, never stored by hand."""

    START = "start", "启动"
    PROGRESS = "progress", "推进"
    ACCEPTANCE = "acceptance", "验收"
    OVERDUE = "overdue", "逾期"
    CLOSED = "closed", "已销号"


class WarningLevel(models.TextChoices):
    NOTICE = "notice", "提醒"
    YELLOW = "yellow", "黄牌预警"
    RED = "red", "红牌预警"


class RateScope(models.TextChoices):
    """What a `RateSnapshot` counts over. Every scope but OVERALL belongs to a region, so it can be scoped."""

    OVERALL = "overall", "全部"
    REGION = "region", "地区"
    ROUND = "round", "巡察轮次"
    ORGANIZATION = "organization", "被巡察党组织"
    CATEGORY = "category", "地区×问题类别"
    ROUND_ORGANIZATION = "round_organization", "轮次×被巡察党组织"


class VisitRating(models.TextChoices):
    GOOD = "good", "好"
    FAIR = "fair", "中"
    POOR = "poor", "差"


class ProgressKind(models.TextChoices):
    """What a record of a task's timeline (整改进展记录) is."""

    REPORT = "report", "填报进展"
    SENT_BACK = "sent_back", "验收退回"
    ACCEPTED = "accepted", "验收通过"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


# One colour per value, used by every page and chart (colour-blind safe: Okabe–Ito palette).
STAGE_COLOURS = {
    Stage.START: "#56B4E9",
    Stage.PROGRESS: "#0072B2",
    Stage.ACCEPTANCE: "#009E73",
    Stage.OVERDUE: "#D55E00",
    Stage.CLOSED: "#999999",
}
WARNING_COLOURS = {
    WarningLevel.NOTICE: "#56B4E9",
    WarningLevel.YELLOW: "#E69F00",
    WarningLevel.RED: "#D55E00",
}
