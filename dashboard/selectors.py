"""Reads behind the dashboards. Rates come from `RateSnapshot` rows (through `rectification.selectors`),
never from aggregating tasks per request; every function takes the asking user and scopes with
`visible_to(user)`. Each function runs a fixed number of queries whatever the data size.
"""
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from accounts.roles import is_unit_user
from core.scoping import UserScope, user_scope
from dashboard.paging import rows_in_order
from inspection.models import Finding, Inspection
from inspection.selectors import rounds_visible_to
from rectification import rules
from rectification.choices import RateScope, Stage
from rectification.models import DeadlineExtension, FollowUpVisit, RateSnapshot, RectificationTask, TaskWarning
from rectification.rates import scope_key
from rectification.selectors import rate_trend, rates_latest
from rectification.services import task_schedule

TREND_DAYS = 365
LIST_LIMIT = 10


@dataclass
class Figures:
    """Snapshot counts of one scope, or the sum of several (a group member's rounds, a round's units)."""

    tasks_total: int = 0
    closed: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    open_within_deadline: int = 0
    overdue: int = 0
    extended: int = 0
    leads: int = 0
    leads_transferred: int = 0
    cases_filed: int = 0
    people_sanctioned: int = 0
    people_organizational: int = 0
    people_judicial: int = 0
    findings: int = 0
    warnings_active: int = 0
    units_inspected: int = 0  # summed over several rounds, an organisation counts once per round
    rate: Decimal | None = None
    on_time_rate: Decimal | None = None
    day: date | None = None

    @classmethod
    def of(cls, rows) -> "Figures | None":
        rows = list(rows)
        if not rows:
            return None
        if len(rows) == 1:  # one scope: the rates exactly as the recompute job wrote them
            row = rows[0]
            return cls(**{name: getattr(row, name) for name in COUNT_FIELDS},
                       rate=row.rate, on_time_rate=row.on_time_rate, day=row.day)
        figures = cls(**{name: sum(getattr(row, name) for row in rows) for name in COUNT_FIELDS},
                      day=max(row.day for row in rows))
        figures.rate = percent(figures.closed, figures.tasks_total)
        figures.on_time_rate = percent(figures.closed_on_time, figures.tasks_total)  # as the recompute job defines it
        return figures


COUNT_FIELDS = tuple(field.name for field in fields(Figures) if field.type is int)  # summed over rows


def percent(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.01"))


def snapshots_for(user):
    return RateSnapshot.objects.visible_to(user)


def trend_of(snapshots, key: str, today: date) -> list:
    """The last TREND_DAYS of one scope's rates, oldest first (only what a trend chart draws)."""
    return list(rate_trend(snapshots, key, date_from=today - timedelta(days=TREND_DAYS))
                .only("day", "rate", "on_time_rate"))


def home_scope(user) -> Q:
    """The snapshot rows that describe everything `user` sees: the country, their region, their unit or rounds."""
    scope = user_scope(user)
    return {
        UserScope.EVERYTHING: lambda: Q(scope=RateScope.OVERALL),
        UserScope.ORGANIZATION: lambda: Q(scope=RateScope.ORGANIZATION, organization_id=scope.organization_id),
        UserScope.ROUNDS: lambda: Q(scope=RateScope.ROUND),  # visible_to keeps only their rounds
        UserScope.REGION: lambda: Q(scope=RateScope.REGION, region_id=getattr(scope.region, "pk", None)),
    }.get(scope.kind, lambda: Q(pk__in=[]))()


def scope_label(user) -> str:
    """Who the figures are about, for page and print headers."""
    scope = user_scope(user)
    if scope.kind == UserScope.EVERYTHING:
        return "全部地区"
    if scope.kind == UserScope.ORGANIZATION:
        return str(user.organization)
    if scope.kind == UserScope.ROUNDS:
        return f"{scope.region}（本人所在巡察组的轮次）"
    return str(scope.region or "")


def overview(user, today: date) -> dict:
    snapshots = snapshots_for(user)
    home_rows = list(rates_latest(snapshots.filter(home_scope(user))))
    figures = Figures.of(home_rows)
    trend = trend_of(snapshots, home_rows[0].scope_key, today) if len(home_rows) == 1 else []
    by_round = list(rates_latest(snapshots.filter(scope=RateScope.ROUND)).select_related("round__organizer")
                    .order_by("-round__started_on", "-round_id")[:12])
    tasks = RectificationTask.objects.visible_to(user)
    if len(home_rows) == 1 and home_rows[0].scope in (RateScope.REGION, RateScope.OVERALL):
        # The whole region (or everything) is one snapshot: its counts, not COUNTs over every row.
        findings, active_warnings, units = figures.findings, figures.warnings_active, figures.units_inspected
    else:  # a unit or a group member's rounds: exact counts of what they see
        findings = Finding.objects.visible_to(user).count()
        active_warnings = active_warnings_for(user).count()
        units = Inspection.objects.visible_to(user).values("organization_id").distinct().count()
    return {
        "figures": figures,
        "show_leads": not is_unit_user(user),
        "rounds": rounds_visible_to(user).count(),
        "units": units,
        "findings": findings,
        "active_warnings": active_warnings,
        "by_round": by_round[::-1],
        "trend": trend,
        "overdue": rows_in_order(tasks.select_related("organization", "finding"),
                                 tasks.overdue_on(today).order_by("deadline", "pk"), LIST_LIMIT),
        "warnings": latest_warnings(user),
    }


def active_warnings_for(user):
    return TaskWarning.objects.visible_to(user).filter(lifted_at__isnull=True)


def latest_warnings(user):
    warnings = active_warnings_for(user)
    return rows_in_order(warnings.select_related("task__organization", "task__finding"),
                         warnings.order_by("-issued_at", "-pk"), LIST_LIMIT)


@dataclass
class UnitProgress:
    inspection: Inspection
    figures: Figures | None
    stage: str

    @property
    def stage_label(self):
        return Stage(self.stage).label


def unit_stage(inspection, figures, today) -> str:
    """A unit's stage in a round: the task schedule of its feedback date; 逾期 when a task is overdue."""
    if figures is not None and figures.overdue:
        return Stage.OVERDUE
    closed = figures is not None and figures.tasks_total > 0 and figures.closed == figures.tasks_total
    assigned = inspection.feedback_date or inspection.entry_date
    if assigned is None:
        return Stage.START
    schedule = task_schedule(assigned_on=assigned)
    return rules.stage_on(today=today, closed=closed, start_due=schedule["start_due"],
                          progress_due=schedule["progress_due"], deadline=schedule["deadline"])


def round_detail(user, rnd, today: date) -> dict:
    inspections = list(Inspection.objects.visible_to(user).filter(round=rnd)
                       .select_related("organization__region", "group").order_by("organization__name", "pk"))
    unit_rows = list(rates_latest(snapshots_for(user).filter(scope=RateScope.ROUND_ORGANIZATION, round=rnd)))
    by_unit = {row.organization_id: Figures.of([row]) for row in unit_rows}
    units = [UnitProgress(i, by_unit.get(i.organization_id), unit_stage(i, by_unit.get(i.organization_id), today))
             for i in inspections]
    groups = sorted({i.group for i in inspections if i.group is not None}, key=lambda g: g.number)
    visits = list(FollowUpVisit.objects.visible_to(user).filter(inspection__round=rnd)
                  .select_related("inspection__organization").order_by("visited_on", "pk")[:100])
    return {
        "units": units,
        "groups": groups,
        "figures": Figures.of(unit_rows),  # the visible part of the round only
        "show_leads": not is_unit_user(user),
        "timeline": round_timeline(inspections, visits),
    }


def round_timeline(inspections, visits) -> list[dict]:
    """Entry, feedback and deadline of each inspected unit, and the follow-up visits, by date."""
    events = []
    for inspection in inspections:
        name = inspection.organization.name
        if inspection.entry_date:
            events.append({"day": inspection.entry_date, "kind": "进驻", "what": name})
        if inspection.feedback_date:
            events.append({"day": inspection.feedback_date, "kind": "反馈", "what": name})
            deadline = task_schedule(assigned_on=inspection.feedback_date)["deadline"]
            events.append({"day": deadline, "kind": "整改时限", "what": name})
    for visit in visits:
        events.append({"day": visit.visited_on, "kind": "回访督查",
                       "what": f"{visit.inspection.organization.name}（{visit.get_rating_display()}）"})
    return sorted(events, key=lambda event: (event["day"], event["kind"]))


def organization_detail(user, organization, today: date) -> dict:
    snapshots = snapshots_for(user)
    key = scope_key(RateScope.ORGANIZATION, organization.pk)
    return {
        "figures": Figures.of(rates_latest(snapshots.filter(scope_key=key))),
        "trend": trend_of(snapshots, key, today),
        "inspections": list(Inspection.objects.visible_to(user).filter(organization=organization)
                            .select_related("round__organizer", "group").order_by("-entry_date", "-pk")),
        "warnings": list(TaskWarning.objects.visible_to(user).filter(task__organization=organization)
                         .select_related("task__finding", "task__organization").order_by("-issued_at", "-pk")[:50]),
        "extensions": list(DeadlineExtension.objects.visible_to(user).filter(task__organization=organization)
                           .select_related("task__finding", "decided_by").order_by("-requested_on", "-pk")[:50]),
    }


def task_histories(tasks) -> dict:
    """The change history of the tasks on a page, newest first, by task id (one query)."""
    history = {}
    rows = (RectificationTask.history.filter(id__in=[task.pk for task in tasks])
            .select_related("history_user").order_by("-history_date", "-history_id"))
    for row in rows:
        history.setdefault(row.id, []).append(row)
    return history


def regions_with_figures(user, regions) -> list[dict]:
    """`regions` with the figures of their newest region snapshot (None where there is none), one query."""
    rows = {row.region_id: row for row in rates_latest(
        snapshots_for(user).filter(scope=RateScope.REGION, region__in=[region.pk for region in regions]))}
    return [{"region": region, "figures": Figures.of([rows[region.pk]]) if region.pk in rows else None}
            for region in regions]


def region_detail(user, region, *, sort: str) -> dict:
    snapshots = snapshots_for(user)
    children = list(region.children.order_by("code"))
    own, *below = regions_with_figures(user, [region, *children])
    ranking = rates_latest(snapshots.filter(scope=RateScope.ORGANIZATION).in_region(region)).select_related(
        "organization__region")
    ranking = ranking.order_by("-overdue", "rate", "organization__name") if sort == "overdue" else \
        ranking.order_by("-rate", "overdue", "organization__name")
    return {"figures": own["figures"], "children": below, "ranking": ranking}
