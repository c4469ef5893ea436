"""Scope keys (`RateSnapshot.scope_key`) and the keys a change touches."""
from inspection.models import Finding, Lead, Region
from rectification.choices import RateScope
from rectification.models import RectificationTask


def scope_key(scope: str, *parts) -> str:
    """The `RateSnapshot.scope_key` of a scope: scope_key("region", "421202") == "region:421202"."""
    return ":".join([scope, *(str(part) for part in parts)])


def rates_place_keys(places) -> set[str]:
    """Scope keys touched by tasks or leads at `places`: (region_id, round_id, organization_id, category)."""
    places = set(places)
    chains = {
        pk: [code for code in codes if code]
        for pk, *codes in Region.objects.filter(pk__in={p[0] for p in places})
        .values_list("pk", "code", "parent__code", "parent__parent__code")
    }
    keys = {RateScope.OVERALL.value} if places else set()
    for region_id, round_id, organization_id, category in places:
        for code in chains.get(region_id, []):
            keys.add(scope_key(RateScope.REGION, code))
            if category:
                keys.add(scope_key(RateScope.CATEGORY, code, category))
        keys.add(scope_key(RateScope.ROUND, round_id))
        keys.add(scope_key(RateScope.ORGANIZATION, organization_id))
        keys.add(scope_key(RateScope.ROUND_ORGANIZATION, round_id, organization_id))
    return keys


def rates_task_places(tasks) -> set[tuple]:
    """The distinct places of `tasks` (a queryset or task ids), one aggregate query."""
    if not hasattr(tasks, "values_list"):
        tasks = RectificationTask.objects.filter(pk__in=list(tasks))
    return set(tasks.order_by().values_list("region_id", "round_id", "organization_id", "category").distinct())


def rates_lead_places(leads) -> set[tuple]:
    return _inspection_places(leads, "finding__category")  # '' for a lead without a finding


def rates_finding_places(findings) -> set[tuple]:
    return _inspection_places(findings, "category")


def rates_inspection_places(inspections) -> set[tuple]:
    """The places of inspections (no category: they count for whole places) and of their findings and leads,
    which move with them (to another round, or with their organisation to another region)."""
    return (_inspection_places(inspections, None, inspection="")
            | rates_finding_places(Finding.objects.filter(inspection__in=inspections))
            | rates_lead_places(Lead.objects.filter(inspection__in=inspections)))


def _inspection_places(rows, category_path: str | None, inspection: str = "inspection__") -> set[tuple]:
    """The distinct places of inspections, or of leads or findings (`inspection`: the path to theirs), one query."""
    paths = [f"{inspection}organization__region_id", f"{inspection}round_id", f"{inspection}organization_id"]
    return {
        (*place[:3], (place[3] if category_path else "") or "")
        for place in rows.order_by().values_list(*paths, *([category_path] if category_path else [])).distinct()
    }
