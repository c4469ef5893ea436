"""Writes of inspection records go through `inspection.services`: validated whole, the lead's state machine kept."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspection import rules
from inspection.models import InspectionRound, Lead
from inspection.services import lead_save, round_create
from tests.factories import make_finding, make_inspection, make_organization, make_round

pytestmark = pytest.mark.django_db


def test_a_round_is_validated_whole(xianan):
    round_create(organizer=xianan, term=14, number=3, started_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as duplicate:
        round_create(organizer=xianan, term=14, number=3)
    assert duplicate.value.messages == ["该党委本届已有相同轮次。"]  # declared with the constraint
    with pytest.raises(ValidationError):
        round_create(organizer=xianan, term=14, number=4, started_on=dt.date(2026, 5, 1), ended_on=dt.date(2026, 4, 1))
    assert InspectionRound.objects.count() == 1


@pytest.mark.parametrize(("previous", "status", "allowed"), [
    (None, "concluded", True),
    ("pending", "transferred", True),
    ("transferred", "concluded", True),
    ("concluded", "concluded", True),
    ("concluded", "transferred", False),
    ("transferred", "pending", False),
])
def test_a_lead_moves_forward_only(previous, status, allowed):
    assert (rules.lead_status_error(previous=previous, status=status) is None) is allowed


def test_lead_save_refuses_going_back_and_changes_nothing(xianan):
    inspection = make_inspection(make_round(xianan), make_organization(xianan))
    lead = lead_save(lead=Lead(inspection=inspection, summary="线索", status="transferred",
                               transferred_on=dt.date(2026, 5, 1)))
    lead.status = "pending"
    with pytest.raises(ValidationError) as error:
        lead_save(lead=lead)
    assert "不能退回" in str(error.value)
    assert Lead.objects.get().status == "transferred"


def test_the_admin_keeps_the_lead_rule(admin_client, xianan):
    inspection = make_inspection(make_round(xianan), make_organization(xianan))
    finding = make_finding(inspection)
    lead = Lead.objects.create(inspection=inspection, finding=finding, summary="线索", status="concluded",
                               transferred_on=dt.date(2026, 5, 1), concluded_on=dt.date(2026, 6, 1))
    response = admin_client.post(reverse("admin:inspection_lead_change", args=[lead.pk]), {
        "inspection": inspection.pk, "finding": finding.pk, "summary": "线索", "recipient": "discipline",
        "status": "pending", "transferred_on": "2026-05-01", "concluded_on": "", "cases_filed": "0",
        "people_sanctioned": "0", "people_organizational": "0", "people_judicial": "0",
    })
    assert response.status_code == 200 and "不能退回" in response.content.decode()
    assert Lead.objects.get().status == "concluded"
