"""Date rules of rectification (整改时限 and its stages). Plain Python: no database."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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


# Closing (销号) and deadline extensions (延期). Each returns the reason a step is refused, in Chinese, or None;
# the services raise it for every door (pages, API, admin, ledger import).

def closing_date_problem(*, closed_on: date, today: date, reported_on: date | None) -> str | None:
    """销号日期: not in the future, and not before the unit reported the task done (已完成待验收)."""
    if closed_on > today:
        return f"销号日期 {closed_on:%Y-%m-%d} 晚于今天，不能预先销号。"
    if reported_on is not None and closed_on < reported_on:
        return f"销号日期 {closed_on:%Y-%m-%d} 早于整改单位填报完成的日期 {reported_on:%Y-%m-%d}。"
    return None


def extension_request_problem(*, today: date, closed: bool, deadline: date, new_deadline: date,
                              pending: bool) -> str | None:
    """延期申请: only for an open task, before its deadline has passed, one pending request at a time,
    to a date later than the deadline in force."""
    if closed:
        return "该整改任务已销号，不能申请延期。"
    if pending:
        return "该整改任务已有待审批的延期申请，请等待审批结果。"
    if today > deadline:
        return f"整改时限 {deadline:%Y-%m-%d} 已过，不能再申请延期。"
    if new_deadline <= deadline:
        return f"申请延至的日期须晚于现整改时限 {deadline:%Y-%m-%d}。"
    return None


def extension_decision_problem(*, pending: bool, closed: bool, today: date, previous_deadline: date,
                               deadline: date, approve: bool) -> str | None:
    """延期审批: decided once (pending → approved | rejected). An approval counts only while the task is open and
    on or before the deadline it extends, and only if that deadline is still the one in force — so an approval
    never turns a late or closed task into an on-time one (see `closed_on_time`). A rejection is always possible
    while the request is pending (a request the deadline overtook is rejected, not left waiting)."""
    if not pending:
        return "该延期申请已经审批，不能再次审批。"
    if not approve:
        return None
    if closed:
        return "该整改任务已销号，不能批准延期。"
    if deadline != previous_deadline:
        return "整改时限在申请后已变更，请整改单位按现整改时限重新申请。"
    if today > previous_deadline:
        return f"申请延长的整改时限 {previous_deadline:%Y-%m-%d} 已过，逾期后不能批准延期。"
    return None


def deadline_change_problem(*, today: date, closed: bool, deadline: date, new_deadline: date) -> str | None:
    """整改时限 changed outside an extension (the ledger import of the 巡察办's own 台账): under the rule of an
    approved extension — never on a closed task, never after the deadline being moved has passed."""
    if new_deadline == deadline:
        return None
    if closed:
        return "已销号的任务不能修改整改时限。"
    if today > deadline:
        return f"整改时限 {deadline:%Y-%m-%d} 已过，不能再修改（逾期后不能延期）。"
    return None


def closed_on_time(*, closed_on: date, deadline: date) -> bool:
    """按期整改: closed on or before the deadline in force. Extensions move that deadline only when approved
    on or before the deadline they extend and while the task is open (`extension_decision_problem`), so the
    figure of a closed task never changes afterwards. The rates compute the same in SQL (`TASK_MEASURES`)."""
    return closed_on <= deadline


def percent(part: int, whole: int) -> Decimal | None:
    """A rate of summed snapshot counts as the recompute job writes one: percent, 2 decimals, None without tasks."""
    return None if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.01"))
