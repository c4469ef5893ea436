"""Reads shared by ingest's pages and API: an article's extracted items a page at a time, and reported
figures beside the figures records produce.

Tracked figures come from what `user` may see: rates and closed tasks from `RateSnapshot`
(the region's newest row on or before the period end, through `rectification.selectors`),
counts from the rounds the region's committees (and those below) started within the period.
A figure of 前N轮 (`ReportedFigure.period_rounds`) is counted over the first N rounds of the region's own
committee in its current term (the term of its latest round started by the period end): counts from those
rounds, rates from their round snapshots as of the period end.
"""
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q, Sum

from ingest.choices import Metric
from ingest.rules import Comparison, cn_number, compare
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead
from rectification.models import RateSnapshot
from rectification.rates import scope_key
from rectification.rules import percent
from rectification.selectors import rates_latest

# The review page lists an article's figures (and, apart, its rounds) this many at a time: an article may
# hold INGEST_MAX_FACTS of each, and each listed figure carries its review form and its comparison.
REVIEW_PER_PAGE = 50


def review_page(items, number):
    """One page of an article's facts or rounds (`items`, in text order); a page number out of range or not a
    number gives the nearest page."""
    return Paginator(items, REVIEW_PER_PAGE).get_page(number)


def review_page_of(item) -> int:
    """The review page an extracted fact or round is listed on (their order: place in the text, then id)."""
    before = type(item).objects.filter(article_id=item.article_id).filter(
        Q(start_offset__lt=item.start_offset) | Q(start_offset=item.start_offset, pk__lt=item.pk)).count()
    return before // REVIEW_PER_PAGE + 1


# metric → RateSnapshot field
SNAPSHOT_FIELDS = {Metric.RECTIFICATION_RATE: "rate", Metric.ISSUES_RECTIFIED: "closed"}
# metric → (model, aggregate over the period's rounds): None counts rows
_LEAD_SUMS = {Metric.CASES_FILED: "cases_filed", Metric.DISCIPLINARY_SANCTIONS: "people_sanctioned",
              Metric.ORGANIZATIONAL_HANDLING: "people_organizational", Metric.JUDICIAL_TRANSFERS: "people_judicial"}
RECORD_METRICS = {Metric.ROUNDS, Metric.GROUPS, Metric.UNITS_INSPECTED, Metric.ISSUES_FOUND, Metric.LEADS_FOUND,
                  Metric.LEADS_TRANSFERRED, *_LEAD_SUMS}
TRACKED_METRICS = set(SNAPSHOT_FIELDS) | RECORD_METRICS


@dataclass(frozen=True)
class FigureComparison:
    figure: object
    comparison: Comparison
    rounds: list = field(default_factory=list)  # a 前N轮 figure's rounds, as tracked (term, number order)

    @property
    def source(self) -> str:
        if self.figure.metric in SNAPSHOT_FIELDS:
            return "整改率快照"
        return "巡察记录" if self.figure.metric in RECORD_METRICS else ""

    @property
    def basis(self) -> str:
        """How the tracked figure was counted (which scope, rounds and dates), shown beside the difference."""
        figure = self.figure
        region = figure.region.name
        if figure.metric not in TRACKED_METRICS:
            return "系统未跟踪该指标"
        if figure.period_rounds:
            n = figure.period_rounds
            head = f"按前{n}轮（第一至第{cn_number(n)}轮）统计："
            if not self.rounds:
                return f"{head}记录中没有{figure.region.committee_name}本届的巡察轮次"
            numbers = "、".join(str(r.number) for r in self.rounds)
            counted = (f"{figure.region.committee_name}第{self.rounds[0].term}届第{numbers}轮"
                       + (f"（记录中只有{len(self.rounds)}轮）" if len(self.rounds) < n else ""))
            if figure.metric in SNAPSHOT_FIELDS:
                return f"{head}{counted}的整改率快照合计，{figure.period_end:%Y-%m-%d}当日或之前最近一次计算"
            return f"{head}{counted}中您可见的{figure.get_metric_display()}"
        if figure.metric in SNAPSHOT_FIELDS:
            return f"{region}（含下辖地区）的整改率快照：{figure.period_end:%Y-%m-%d}当日或之前最近一次计算"
        since = f"{figure.period_start:%Y-%m-%d}至" if figure.period_start else "有记录以来至"
        return (f"{region}及下辖地区党委组织、{since}{figure.period_end:%Y-%m-%d}开始的巡察轮次中，"
                f"您可见的{figure.get_metric_display()}")


def first_rounds_of(user, region, count: int, period_end) -> list:
    """The first `count` rounds of `region`'s own committee in its current term as of `period_end` (the term of
    its latest round started by then, or not yet dated), of those `user` may see."""
    own = InspectionRound.objects.visible_to(user).filter(organizer=region)
    term = (own.filter(Q(started_on__lte=period_end) | Q(started_on__isnull=True))
            .order_by("-term").values_list("term", flat=True).first())
    if term is None:
        return []
    return list(own.filter(term=term, number__lte=count).order_by("number"))


def _period_rounds(user, region, start, end):
    rounds = InspectionRound.objects.visible_to(user).in_region(region).filter(started_on__lte=end)
    return rounds.filter(started_on__gte=start) if start else rounds


def tracked_value(user, *, metric: str, region, period_start, period_end, rounds=None) -> float | None:
    """The figure records give for `metric` in `region` over the period; None where records say nothing.
    `rounds`: count over these rounds (a 前N轮 figure's, `first_rounds_of`) instead of the period's."""
    if metric in SNAPSHOT_FIELDS:
        snapshots = RateSnapshot.objects.visible_to(user)
        if rounds is None:
            row = rates_latest(snapshots.filter(scope_key=scope_key("region", region.code)), as_of=period_end).first()
            value = getattr(row, SNAPSHOT_FIELDS[metric]) if row else None
            return None if value is None else float(value)
        rows = list(rates_latest(snapshots.filter(scope_key__in=[scope_key("round", r.pk) for r in rounds]),
                                 as_of=period_end))
        if not rows:
            return None
        closed, total = sum(row.closed for row in rows), sum(row.tasks_total for row in rows)
        value = closed if metric == Metric.ISSUES_RECTIFIED else percent(closed, total)
        return None if value is None else float(value)
    if metric not in RECORD_METRICS:
        return None
    if rounds is not None:
        rounds = InspectionRound.objects.filter(pk__in=[r.pk for r in rounds])
    else:
        rounds = _period_rounds(user, region, period_start, period_end)
    if not rounds.exists():
        return None
    if metric == Metric.ROUNDS:
        return float(rounds.count())
    if metric == Metric.GROUPS:
        return float(InspectionGroup.objects.filter(round__in=rounds).count())
    if metric == Metric.UNITS_INSPECTED:
        return float(Inspection.objects.visible_to(user).filter(round__in=rounds).count())
    if metric == Metric.ISSUES_FOUND:
        return float(Finding.objects.visible_to(user).filter(inspection__round__in=rounds).count())
    leads = Lead.objects.visible_to(user).filter(inspection__round__in=rounds)
    if metric == Metric.LEADS_FOUND:
        return float(leads.count())
    if metric == Metric.LEADS_TRANSFERRED:
        return float(leads.exclude(status="pending").count())
    return float(leads.aggregate(total=Sum(_LEAD_SUMS[metric]))["total"] or 0)


def reported_vs_tracked(figures, user) -> list[FigureComparison]:
    """Each reported figure (already scoped by the caller) with its tracked figure and whether they differ."""
    out = []
    for figure in figures:
        rounds = (first_rounds_of(user, figure.region, figure.period_rounds, figure.period_end)
                  if figure.period_rounds and figure.metric in TRACKED_METRICS else None)
        tracked = tracked_value(user, metric=figure.metric, region=figure.region, period_start=figure.period_start,
                                period_end=figure.period_end, rounds=rounds)
        out.append(FigureComparison(figure, compare(figure.value, tracked, approx=figure.approx,
                                                    is_rate=figure.metric == Metric.RECTIFICATION_RATE), rounds or []))
    return out
