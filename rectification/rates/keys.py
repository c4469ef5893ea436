"""Scope keys (`RateSnapshot.scope_key`) and the keys a change touches."""
from dataclasses import dataclass
from typing import NamedTuple

from inspection.models import Finding, Lead, Region
from rectification.choices import RateScope
from rectification.models import RectificationTask


@dataclass(frozen=True)
class ScopeKey:
    """A scope's key: its scope and the ids or codes that name it, the only definition of the key's text.

    "overall", "region:<adcode>", "category:<adcode>:<category>", "round:<id>", "organization:<id>",
    "round_organization:<round>:<organization>". `str()` formats it, `parse` reads it back, `sql` renders the
    same text from columns in the recompute's SQL.
    """

    SEPARATOR = ":"

    scope: str
    parts: tuple[str, ...] = ()

    @classmethod
    def of(cls, scope: str, *parts) -> "ScopeKey":
        return cls(str(scope), tuple(str(part) for part in parts))

    @classmethod
    def parse(cls, key: str) -> "ScopeKey":
        scope, *parts = key.split(cls.SEPARATOR)
        return cls(scope, tuple(parts))

    def __str__(self) -> str:
        return self.SEPARATOR.join([self.scope, *self.parts])

    @classmethod
    def sql(cls, scope: str, *columns: str) -> str:
        """An SQL expression of the key from `columns`: sql("region", "r.code") is "'region:' || r.code"."""
        if not columns:
            return f"'{scope}'"
        return f"'{scope}{cls.SEPARATOR}' || " + f" || '{cls.SEPARATOR}' || ".join(columns)

    @property
    def region_code(self) -> str:  # region and category keys
        return self.parts[0]

    @property
    def category(self) -> str:  # category keys
        return self.parts[1]

    @property
    def round_id(self) -> int:  # round and round × organisation keys
        return int(self.parts[0])

    @property
    def organization_id(self) -> int:  # organisation and round × organisation keys
        return int(self.parts[-1])


def scope_key(scope: str, *parts) -> str:
    """The `RateSnapshot.scope_key` of a scope: scope_key("region", "421202") == "region:421202"."""
    return str(ScopeKey.of(scope, *parts))


class Place(NamedTuple):
    """Where a task, lead, finding or inspection counts; its scope keys follow (`rates_place_keys`). A task keeps
    its own copy (`RectificationTask.PLACE_FROM_FINDING`); category is "" where there is none."""

    region_id: int
    round_id: int
    organization_id: int
    category: str = ""


def rates_place_keys(places) -> set[str]:
    """Scope keys touched by tasks or leads at `places` (`Place`s)."""
    places = {Place(*place) for place in places}
    chains = {
        pk: [code for code in codes if code]
        for pk, *codes in Region.objects.filter(pk__in={place.region_id for place in places})
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


def rates_task_places(tasks) -> set[Place]:
    """The distinct places of `tasks` (a queryset or task ids), one aggregate query."""
    if not hasattr(tasks, "values_list"):
        tasks = RectificationTask.objects.filter(pk__in=list(tasks))
    return {Place(*place) for place in tasks.order_by().values_list(*Place._fields).distinct()}


def rates_lead_places(leads) -> set[Place]:
    return _inspection_places(leads, "finding__category")  # '' for a lead without a finding


def rates_finding_places(findings) -> set[Place]:
    return _inspection_places(findings, "category")


def rates_inspection_places(inspections) -> set[Place]:
    """The places of inspections (no category: they count for whole places) and of their findings and leads,
    which move with them (to another round, or with their organisation to another region)."""
    return (_inspection_places(inspections, None, inspection="")
            | rates_finding_places(Finding.objects.filter(inspection__in=inspections))
            | rates_lead_places(Lead.objects.filter(inspection__in=inspections)))


def _inspection_places(rows, category_path: str | None, inspection: str = "inspection__") -> set[Place]:
    """The distinct places of inspections, or of leads or findings (`inspection`: the path to theirs), one query."""
    paths = [f"{inspection}organization__region_id", f"{inspection}round_id", f"{inspection}organization_id"]
    return {
        Place(*place[:3], (place[3] if category_path else "") or "")
        for place in rows.order_by().values_list(*paths, *([category_path] if category_path else [])).distinct()
    }
