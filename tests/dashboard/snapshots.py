"""Snapshot rows for tests, written straight from the tasks (the pages only read them).

The rates engine writes `RateSnapshot` in production; these tests need rows whose figures they know,
so they count the tasks here in Python (test data is small) and store one row per scope.
"""
from collections import defaultdict
from decimal import Decimal

from inspection.models import Finding, Lead, Region
from rectification.choices import RateScope, TaskStatus
from rectification.models import RateSnapshot, RectificationTask, Warning
from rectification.rates import rates_mark_latest
from rectification.selectors import scope_key


def _percent(part, whole):
    return None if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.01"))


def snapshots_write(day):
    """One row per scope (overall, every region up the tree, round, organisation, round×organisation) for `day`."""
    regions = {region.pk: region for region in Region.objects.filter(
        code__in=RectificationTask.objects.values("region__code").distinct()).select_related("parent__parent")}
    counts = defaultdict(lambda: defaultdict(int))
    places = {}

    def scopes(region, round_id, organization_id, round_region):
        yield scope_key(RateScope.OVERALL), {"scope": RateScope.OVERALL}
        place = region
        while place is not None:
            yield scope_key(RateScope.REGION, place.code), {"scope": RateScope.REGION, "region_id": place.pk}
            place = place.parent
        yield scope_key(RateScope.ROUND, round_id), {"scope": RateScope.ROUND, "round_id": round_id, "region_id": round_region}
        yield scope_key(RateScope.ORGANIZATION, organization_id), {
            "scope": RateScope.ORGANIZATION, "organization_id": organization_id, "region_id": region.pk}
        yield scope_key(RateScope.ROUND_ORGANIZATION, round_id, organization_id), {
            "scope": RateScope.ROUND_ORGANIZATION, "round_id": round_id, "organization_id": organization_id,
            "region_id": region.pk}

    for task in RectificationTask.objects.select_related("round").iterator():
        closed = task.status == TaskStatus.CLOSED
        for key, place in scopes(regions[task.region_id], task.round_id, task.organization_id, task.round.organizer_id):
            places[key] = place
            row = counts[key]
            row["tasks_total"] += 1
            row["closed"] += closed
            row["closed_on_time"] += closed and task.closed_on <= task.deadline
            row["closed_late"] += closed and task.closed_on > task.deadline
            row["open_within_deadline"] += not closed and task.deadline >= day
            row["overdue"] += not closed and task.deadline < day
            row["extended"] += task.deadline > task.original_deadline
    for lead in Lead.objects.select_related("inspection__organization__region", "inspection__round"):
        inspection = lead.inspection
        region = regions.get(inspection.organization.region_id)
        if region is None:
            continue
        for key, _ in scopes(region, inspection.round_id, inspection.organization_id, inspection.round.organizer_id):
            if key in counts:
                counts[key]["leads"] += 1
                counts[key]["leads_transferred"] += lead.status != "pending"
                counts[key]["cases_filed"] += lead.cases_filed
                counts[key]["people_sanctioned"] += lead.people_sanctioned
    for finding in Finding.objects.select_related("inspection__organization", "inspection__round"):
        inspection = finding.inspection
        region = regions.get(inspection.organization.region_id)
        for key, _ in scopes(region, inspection.round_id, inspection.organization_id, inspection.round.organizer_id) \
                if region else ():
            if key in counts:
                counts[key]["findings"] += 1
    for warning in Warning.objects.filter(lifted_at__isnull=True).select_related("task__round"):
        task = warning.task
        for key, _ in scopes(regions[task.region_id], task.round_id, task.organization_id, task.round.organizer_id):
            counts[key]["warnings_active"] += 1
    rows = []
    for key, figures in counts.items():
        rows.append(RateSnapshot(scope_key=key, day=day, **places[key], **figures,
                                 rate=_percent(figures["closed"], figures["tasks_total"]),
                                 on_time_rate=_percent(figures["closed_on_time"], figures["tasks_total"])))
    RateSnapshot.objects.filter(day=day).delete()
    RateSnapshot.objects.bulk_create(rows)
    rates_mark_latest(day=day)  # as the recompute jobs do
    return rows
