"""Reads of the inspection side that pages, filters and the API share."""
from django.db.models import Exists, OuterRef, Q

from core.scoping import UserScope, user_scope
from inspection.choices import RegionLevel
from inspection.models import Inspection, InspectionRound, Region

# The cascade's level names (省 → 市 → 县), by the level of the regions it offers.
LEVEL_LABELS = {RegionLevel.PROVINCE: "省", RegionLevel.CITY: "市", RegionLevel.COUNTY: "县（市、区）"}


def rounds_visible_to(user):
    """The rounds `user` sees a part of: their own scope's rounds, and rounds run from above that inspected in
    it (a county sees the city's rounds that inspected it; `InspectionRound.visible_to` alone would hide them).

    The OR keeps PostgreSQL from flattening the EXISTS into a join over every visible inspection (~150,000 in a
    province): own rounds are matched first, the EXISTS probes one round's inspections only for the others.
    """
    own = InspectionRound.objects.visible_to(user).values("pk")
    inspected = Exists(Inspection.objects.visible_to(user).filter(round=OuterRef("pk")))
    return InspectionRound.objects.filter(Q(pk__in=own) | Q(inspected))


def _region_option(region) -> dict:
    return {"value": region.code, "name": region.name, "label": f"{region.name}（{region.code}）"}


def _region_chain(region) -> list:
    """`region` and the regions above it, the top first (at most three: 省, 市, 县)."""
    chain = []
    while region is not None:
        chain.insert(0, region)
        region = region.parent
    return chain


def region_cascade(user, region=None) -> list[dict]:
    """The region filter's cascade 省 → 市 → 县, one level a list: its label, the regions to choose from and the one
    chosen (`region`, a Region or None). The user's own region and those above it are fixed (one region each: the
    user cannot choose a sibling); below it, each level offers the regions under the one chosen above, the last
    level those under the chosen region. A region outside the user's subtree chooses nothing below it. [] for a
    user without a region scope (a unit). One query per level."""
    scope = user_scope(user)
    if scope.kind not in (UserScope.EVERYTHING, UserScope.REGION, UserScope.ROUNDS):
        return []
    regions = Region.objects.visible_to(user).order_by("code")
    fixed = _region_chain(scope.region) if scope.kind != UserScope.EVERYTHING else []
    chosen = _region_chain(region) if region is not None else []
    below = chosen[len(fixed):] if chosen[:len(fixed)] == fixed else []
    levels = [{"label": LEVEL_LABELS[r.level], "options": [_region_option(r)], "selected": r.code, "fixed": True}
              for r in fixed]
    parent = fixed[-1] if fixed else None
    for picked in [*below, None]:
        options = list(regions.filter(parent=parent) if parent else regions.filter(parent__isnull=True))
        if not options:
            break
        levels.append({"label": LEVEL_LABELS[options[0].level], "options": [_region_option(r) for r in options],
                       "selected": picked.code if picked else "", "fixed": False})
        parent = picked
        if picked is None:
            break
    return levels
