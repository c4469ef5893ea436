"""Reads behind the dashboards. Rates come from `RateSnapshot` rows (through `rectification.selectors`),
never from aggregating tasks per request; every function takes the asking user and scopes with
`visible_to(user)`. Each function runs a fixed number of queries whatever the data size.
"""
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Min, OuterRef, Q
from django.utils import timezone

from accounts.roles import is_unit_user
from core.scoping import UserScope, region_prefix, user_scope
from dashboard.paging import rows_in_order
from ingest.choices import ArticleStatus
from ingest.models import Article
from ingest.services import RETRYABLE as ARTICLE_RETRYABLE
from inspection.models import Finding, Inspection, InspectionRound, Organization, Region
from inspection.selectors import rounds_visible_to
from ledger.choices import ImportStatus
from ledger.models import LedgerImport
from ledger.services import RETRYABLE as IMPORT_RETRYABLE
from rectification import rules
from rectification.choices import RateScope, Stage
from rectification.models import (
    DeadlineExtension,
    FollowUpVisit,
    PendingRateScope,
    PendingWarningRefresh,
    RateSnapshot,
    RectificationTask,
    TaskWarning,
)
from rectification.rates import scope_key
from rectification.rules import percent
from rectification.selectors import rate_trend, rates_latest
from rectification.services import task_schedule

TREND_DAYS = 365
LIST_LIMIT = 10
BY_ROUND_LIMIT = 12


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
    computed_at: datetime | None = None  # when the (newest) snapshot row was computed: the figures' "截至"

    @property
    def as_of(self) -> str:
        """截至…: when the row was computed if it describes that day (the nightly run), else the day it describes
        (a backfilled day, or an incremental run's row of today computed later)."""
        if self.computed_at is not None and timezone.localtime(self.computed_at).date() == self.day:
            return f"{timezone.localtime(self.computed_at):%-m月%-d日 %H:%M}"
        return f"{self.day:%Y年%-m月%-d日}" if self.day else "—"

    @classmethod
    def of(cls, rows) -> "Figures | None":
        rows = list(rows)
        if not rows:
            return None
        if len(rows) == 1:  # one scope: the rates exactly as the recompute job wrote them
            row = rows[0]
            return cls(**{name: getattr(row, name) for name in COUNT_FIELDS},
                       rate=row.rate, on_time_rate=row.on_time_rate, day=row.day, computed_at=row.computed_at)
        figures = cls(**{name: sum(getattr(row, name) for row in rows) for name in COUNT_FIELDS},
                      day=max(row.day for row in rows), computed_at=max(row.computed_at for row in rows))
        figures.rate = percent(figures.closed, figures.tasks_total)
        figures.on_time_rate = percent(figures.closed_on_time, figures.tasks_total)  # as the recompute job defines it
        return figures


COUNT_FIELDS = tuple(field.name for field in fields(Figures) if field.type is int)  # summed over rows


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
    # A unit sees its own part of each round (round × organisation rows); round rows are not theirs to see.
    round_scope = RateScope.ROUND_ORGANIZATION if user_scope(user).kind == UserScope.ORGANIZATION else RateScope.ROUND
    round_rows = rates_latest(snapshots.filter(scope=round_scope))
    # The newest rounds that have a row, found among the rounds (few) before their rows are joined: ordering every
    # round row by its round's start cost ~20 ms at 1,000,000 tasks.
    newest = (InspectionRound.objects.filter(Exists(round_rows.filter(round=OuterRef("pk"))))
              .order_by("-started_on", "-pk").values("pk")[:BY_ROUND_LIMIT])
    by_round = list(round_rows.filter(round__in=newest).select_related("round__organizer")
                    .order_by("-round__started_on", "-round_id")[:BY_ROUND_LIMIT])
    tasks = RectificationTask.objects.visible_to(user)
    if len(home_rows) == 1 and home_rows[0].scope in (RateScope.REGION, RateScope.OVERALL):
        # The whole region (or everything) is one snapshot: its counts, not COUNTs over every row.
        findings, active_warnings, units = figures.findings, figures.warnings_active, figures.units_inspected
        counts_live = False
    else:  # a unit or a group member's rounds: exact counts of what they see
        findings = Finding.objects.visible_to(user).count()
        active_warnings = active_warnings_for(user).count()
        units = Inspection.objects.visible_to(user).values("organization_id").distinct().count()
        counts_live = True
    return {
        "counts_live": counts_live,
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
    """A region's figures, its child regions' and its own level's (本级: organisations directly in the region, so
    the children and 本级 add up to the region), and its units ranked. A group member gets the same built from
    the round × organisation rows of their rounds, i.e. the rates of what they may see."""
    if user_scope(user).kind == UserScope.ROUNDS:
        return _region_detail_of_rounds(user, region, sort=sort)
    snapshots = snapshots_for(user)
    children = list(region.children.order_by("code"))
    own, *below = regions_with_figures(user, [region, *children])
    ranking = rates_latest(snapshots.filter(scope=RateScope.ORGANIZATION).in_region(region)).select_related(
        "organization__region")
    ranking = ranking.order_by("-overdue", "rate", "organization__name") if sort == "overdue" else \
        ranking.order_by("-rate", "overdue", "organization__name")
    direct = None
    if children:
        direct = Figures.of(rates_latest(snapshots.filter(scope=RateScope.ORGANIZATION, organization__region=region)))
    return {"figures": own["figures"], "children": below, "ranking": ranking, "direct": direct}


def _region_detail_of_rounds(user, region, *, sort: str) -> dict:
    rows = list(rates_latest(snapshots_for(user).filter(
        scope=RateScope.ROUND_ORGANIZATION, organization__region__code__startswith=region_prefix(region)))
        .select_related("organization__region"))
    children = list(region.children.order_by("code"))

    def within(prefix):
        return Figures.of([row for row in rows if row.organization.region.code.startswith(prefix)])

    by_unit = {}
    for row in rows:
        by_unit.setdefault(row.organization_id, []).append(row)
    ranking = []
    for unit_rows in by_unit.values():
        figures = Figures.of(unit_rows)
        figures.organization = unit_rows[0].organization
        figures.organization_id = figures.organization.pk
        ranking.append(figures)
    low = Decimal(-1)
    if sort == "overdue":
        ranking.sort(key=lambda f: (-f.overdue, f.rate if f.rate is not None else low, f.organization.name))
    else:
        ranking.sort(key=lambda f: (-(f.rate if f.rate is not None else low), f.overdue, f.organization.name))
    direct = Figures.of([row for row in rows if row.organization.region_id == region.pk]) if children else None
    return {"figures": Figures.of(rows),
            "children": [{"region": child, "figures": within(region_prefix(child))} for child in children],
            "ranking": ranking, "direct": direct}


LOOKUP_LIMIT = 20


def lookup(user, kind: str, text: str) -> list[dict]:
    """What a filter's typeahead offers for `text`: organisations, rounds or regions `user` may see, by name
    (regions also by code), at most LOOKUP_LIMIT. `value` is what the filter takes, `label` what people read."""
    text = text.strip()
    if kind == "organizations":
        rows = (Organization.objects.visible_to(user).filter(name__icontains=text).select_related("region")
                .order_by("name", "pk")[:LOOKUP_LIMIT])
        return [{"value": row.pk, "label": f"{row.name}（{row.region.name}）"} for row in rows]
    if kind == "rounds":
        rows = (rounds_visible_to(user).filter(Q(title__icontains=text) | Q(organizer__name__icontains=text))
                .select_related("organizer").order_by("-started_on", "-pk")[:LOOKUP_LIMIT])
        return [{"value": row.pk, "label": str(row)} for row in rows]
    if kind == "regions":
        condition = Q(code__startswith=text) if text.isdigit() else Q(name__contains=text)
        rows = Region.objects.visible_to(user).filter(condition).order_by("code")[:LOOKUP_LIMIT]
        return [{"value": row.code, "label": f"{row.name}（{row.code}）"} for row in rows]
    raise ValueError(kind)


def lookup_label(user, kind: str, value) -> str:
    """The label of a value already in the URL (so the typeahead shows a name, not an id); "" when not visible."""
    if kind == "organizations":
        row = Organization.objects.visible_to(user).select_related("region").filter(pk=value).first()
        return f"{row.name}（{row.region.name}）" if row else ""
    if kind == "rounds":
        row = rounds_visible_to(user).select_related("organizer").filter(pk=value).first()
        return str(row) if row else ""
    raise ValueError(kind)


def briefing_issue(today: date, requested: str = "") -> str:
    """The 期号 of a printed briefing: the one asked for (?issue=, digits only), else the year's week number."""
    number = requested if requested.isdigit() and 0 < int(requested) < 1000 else str(today.isocalendar().week)
    return f"{today.year}年第{number}期"


def briefing_summary(scope: str, figures: "Figures | None", *, subject: str = "") -> str:
    """The briefing's opening paragraph, written from the snapshot figures it prints."""
    about = f"{scope}{subject}"
    if figures is None or not figures.tasks_total:
        return f"{about}尚无整改任务的统计数据。"
    when = f"截至{figures.as_of}"
    rate = f"整改率{figures.rate}%" if figures.rate is not None else "整改率暂缺"
    on_time = f"，按期整改率{figures.on_time_rate}%" if figures.on_time_rate is not None else ""
    text = (f"{when}，{about}共有整改任务{figures.tasks_total:,}项，已销号{figures.closed:,}项，{rate}{on_time}；"
            f"时限内推进{figures.open_within_deadline:,}项，逾期未销号{figures.overdue:,}项，已延期{figures.extended:,}项。")
    if figures.overdue:
        text += "逾期任务须督促责任单位限期整改到位。"
    return text


# ----- 待处理的后台工作 (the operators' page) ------------------------------------------------------------
WAITING_LISTED = 100  # rows listed per kind; the counts are of all


# Every sweep runs each minute (beat): work waiting longer than this means a worker, beat or Redis is down.
STALE_AFTER = timedelta(minutes=5)


@dataclass
class Backlog:
    """One kind of follow-up work: how much waits and since when (`oldest` None: nothing waits), how much
    failed (waiting for someone to retry it), and the rows listed."""

    label: str
    count: int
    oldest: datetime | None
    failed: int = 0
    rows: tuple = ()

    @property
    def stale(self) -> bool:
        return self.oldest is not None and self.oldest < timezone.now() - STALE_AFTER


def waiting_work(user) -> dict[str, Backlog]:
    """The follow-up work committed changes still owe, as far as `user` may see it: tasks whose warnings wait
    for a refresh, articles and ledger imports queued, running or failed. Rate scopes are keys of every scope
    (not rows of a region): a count and an age only."""
    def backlog(label, queryset, waiting=None, failed=None, retryable=(), **listed):
        totals = queryset.filter(**(waiting or {})).aggregate(count=Count("pk"), oldest=Min("created_at"))
        rows = ()
        if failed is not None:  # articles and imports: the waiting ones first, then the failed, oldest first
            rows = list(queryset.filter(Q(**waiting) | Q(**failed)).order_by("-status", "created_at", "pk")
                        .annotate(**listed)[:WAITING_LISTED])
            for row in rows:
                row.retryable = row.status in retryable and getattr(row, "file_stored", True)
                # Since when this row waits: its run's start, else its last hand-over to the broker, else its upload.
                started = getattr(row, "parse_started_at", None) or getattr(row, "started_at", None)
                row.since = (started if row.status in ("parsing", "running") else None) or row.queued_at or row.created_at
                row.stale = row.status not in ("failed",) and row.since < timezone.now() - STALE_AFTER
        return Backlog(label, totals["count"], totals["oldest"],
                       queryset.filter(**failed).count() if failed is not None else 0, rows)

    stored = {"file_stored": ExpressionWrapper(Q(content__isnull=False), output_field=BooleanField())}
    articles = Article.objects.visible_to(user).defer("text", "content").select_related("region")
    imports = LedgerImport.objects.visible_to(user).defer("content", "errors").select_related("inspection__organization")
    tasks = RectificationTask.objects.visible_to(user).values("pk")
    return {
        "rates": backlog("待重算整改率的统计范围（全系统）", PendingRateScope.objects.all()),
        "warnings": backlog("待刷新预警的整改任务", PendingWarningRefresh.objects.filter(task__in=tasks)),
        "articles": backlog("报道文章的读取和解析", articles,
                            {"status__in": (ArticleStatus.QUEUED, ArticleStatus.PARSING)}, {"status": ArticleStatus.FAILED},
                            ARTICLE_RETRYABLE),
        "imports": backlog("整改台账导入", imports, {"status__in": (ImportStatus.PENDING, ImportStatus.RUNNING)},
                           {"status": ImportStatus.FAILED}, IMPORT_RETRYABLE, **stored),
    }
