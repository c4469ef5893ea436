"""The inspection FilterSets on their own (pages and the API share them)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

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


def test_a_region_filter_reads_a_changed_or_removed_region_again(regions):
    """The filters keep regions by code in the process (`core.filters.regions_by_code`); a saved or deleted region,
    or a reload of the divisions, is read again."""
    from core.filters import RegionField, regions_by_code
    from inspection.services import regions_load

    field = RegionField(required=False)
    assert field.clean("421202").name == "咸安区"
    Region.objects.filter(code="421202").update(name="改名区")  # no signal: this process still has its copy
    assert field.clean("421202").name == "咸安区"
    region = Region.objects.get(code="421202")
    region.save()  # a save (admin, services) is read again
    assert field.clean("421202").name == "改名区"
    regions_load()  # the divisions reloaded by bulk update: read again
    assert field.clean("421202").name == "咸安区"
    new = Region.objects.create(code="421299", name="新设区", level="county", parent=region.parent)
    assert field.clean("421299") == new  # never cached as missing
    new.delete()
    with pytest.raises(ValidationError, match="421299"):
        field.clean("421299")
    assert regions_by_code.get("421299") is None
