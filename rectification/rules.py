"""Date rules of rectification (整改时限 and its stages). Plain Python: no database."""
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from rectification.choices import Stage

DEFAULT_WINDOW_MONTHS = 2


def default_deadline(feedback_date: date, months: int = DEFAULT_WINDOW_MONTHS) -> date:
    """整改时限: by default two months after feedback (反馈)."""
    return feedback_date + relativedelta(months=months)


@dataclass(frozen=True)
class StageDates:
    start_due: date  # 启动: rectification plan (整改方案) due
    progress_due: date  # 推进: measures carried out
    acceptance_due: date  # 验收: report (整改报告) and verification, the deadline itself


def stage_dates(assigned_on: date, deadline: date) -> StageDates:
    """Split the window into 启动 (first quarter), 推进 (to three quarters) and 验收 (the rest)."""
    window = max((deadline - assigned_on).days, 0)
    return StageDates(
        start_due=assigned_on + timedelta(days=round(window / 4)),
        progress_due=assigned_on + timedelta(days=round(window * 3 / 4)),
        acceptance_due=deadline,
    )


def is_overdue(*, today: date, deadline: date, closed: bool) -> bool:
    """逾期: still open after its deadline. The one definition; in SQL `RectificationTaskQuerySet.overdue_on`, and
    as of a past day D in the rates' `TASK_MEASURES["overdue"]` (open on D: not closed by D)."""
    return not closed and today > deadline


def stage_on(*, today: date, closed: bool, start_due: date, progress_due: date, deadline: date) -> Stage:
    if closed:
        return Stage.CLOSED
    if is_overdue(today=today, deadline=deadline, closed=closed):
        return Stage.OVERDUE
    if today <= start_due:
        return Stage.START
    if today <= progress_due:
        return Stage.PROGRESS
    return Stage.ACCEPTANCE


@dataclass(frozen=True)
class WarningThresholds:
    notice_days: int = 20  # 提醒: this many days or fewer before the deadline
    yellow_days: int = 10  # 黄牌: this many days or fewer, task still open
    # 红牌: past the deadline, task still open


def warning_for(*, today: date, deadline: date, closed: bool, thresholds: WarningThresholds = WarningThresholds()):
    """The warning a task deserves today as (level, reason), or None. Levels are WarningLevel values."""
    if closed:
        return None
    days_left = (deadline - today).days
    if is_overdue(today=today, deadline=deadline, closed=closed):
        return "red", f"已超过整改时限（{deadline:%Y-%m-%d}）{-days_left} 天仍未销号"
    if days_left <= thresholds.yellow_days:
        return "yellow", f"距整改时限（{deadline:%Y-%m-%d}）仅剩 {days_left} 天，仍未完成整改"
    if days_left <= thresholds.notice_days:
        return "notice", f"距整改时限（{deadline:%Y-%m-%d}）还有 {days_left} 天"
    return None
