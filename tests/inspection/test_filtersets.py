"""The inspection FilterSets on their own (pages and the API share them)."""
import datetime as dt

import pytest

from inspection.filters import (
    InspectionFilterSet,
    InspectionRoundFilterSet,
    LeadFilterSet,
    OrganizationFilterSet,
    RegionFilterSet,
)
from inspection.models import Inspection, InspectionRound, Lead, Organization, Region
from tests.factories import make_inspection, make_organization, make_round

pytestmark = pytest.mark.django_db


def filtered(filterset, data, queryset):
    result = filterset(data, queryset=queryset)
    assert result.is_valid(), result.errors
    return set(result.qs)


def test_regions_by_prefix_level_parent_and_name(regions):
    xianning = Region.objects.filter(code__startswith="4212")
    assert filtered(RegionFilterSet, {"region": "421200"}, Region.objects.all()) == set(xianning)
    assert {r.code for r in filtered(RegionFilterSet, {"parent": "421200", "level": "county"}, Region.objects.all())} \
        == {r.code for r in xianning.filter(level="county")}
    assert {r.code for r in filtered(RegionFilterSet, {"q": "咸安"}, Region.objects.all())} == {"421202"}
    unknown = RegionFilterSet({"region": "999999"}, queryset=Region.objects.all())
    assert not unknown.is_valid() and "没有行政区划代码为 999999 的地区" in str(unknown.errors)  # says so


def test_organizations_rounds_and_inspections_by_region_and_dates(xianan, tongcheng):
    home, away = make_organization(xianan, "咸安区审计局"), make_organization(tongcheng, "通城县审计局")
    march = make_round(xianan, kind="regular", started_on=dt.date(2026, 3, 1))
    june = make_round(tongcheng, kind="special", started_on=dt.date(2026, 6, 1))
    inspection = make_inspection(march, home)
    make_inspection(june, away)
    assert filtered(OrganizationFilterSet, {"region": "421202", "q": "审计"}, Organization.objects.all()) == {home}
    rounds = InspectionRound.objects.all()
    assert filtered(InspectionRoundFilterSet, {"kind": ["special"]}, rounds) == {june}
    assert filtered(InspectionRoundFilterSet, {"started_from": "2026-02-01", "started_to": "2026-04-01"}, rounds) \
        == {march}
    assert filtered(InspectionFilterSet, {"region": "421202"}, Inspection.objects.all()) == {inspection}
    assert not InspectionRoundFilterSet({"started_from": "not a date"}, queryset=rounds).is_valid()


def test_leads_by_round_organization_and_status(xianan):
    unit = make_organization(xianan)
    inspection = make_inspection(make_round(xianan), unit)
    pending = Lead.objects.create(inspection=inspection, summary="甲")
    done = Lead.objects.create(inspection=inspection, summary="乙", status="concluded",
                               transferred_on=dt.date(2026, 5, 1), concluded_on=dt.date(2026, 6, 1))
    leads = Lead.objects.all()
    assert filtered(LeadFilterSet, {"status": "concluded"}, leads) == {done}
    assert filtered(LeadFilterSet, {"round": inspection.round_id, "organization": unit.pk}, leads) == {pending, done}
    assert not LeadFilterSet({"round": "1.5"}, queryset=leads).is_valid()  # an id is a whole number
