import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from inspection.models import Inspection, InspectionRound, Lead
from rectification.choices import TaskStatus
from rectification.models import DeadlineExtension, RectificationTask
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task

pytestmark = pytest.mark.django_db


def rejects(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_round_number_is_unique_within_organizer_and_term(xianan, tongcheng):
    make_round(xianan, term=14, number=1)
    rejects(lambda: InspectionRound.objects.create(organizer=xianan, term=14, number=1))
    # Another term, or another committee, may use the same number.
    InspectionRound.objects.create(organizer=xianan, term=15, number=1)
    InspectionRound.objects.create(organizer=tongcheng, term=14, number=1)


def test_round_dates_must_not_run_backwards(xianan):
    rejects(lambda: InspectionRound.objects.create(
        organizer=xianan, term=14, number=9, started_on=dt.date(2026, 3, 1), ended_on=dt.date(2026, 2, 1)))


def test_feedback_cannot_precede_entry(xianan):
    rnd, org = make_round(xianan), make_organization(xianan)
    rejects(lambda: Inspection.objects.create(
        round=rnd, organization=org, entry_date=dt.date(2026, 3, 2), feedback_date=dt.date(2026, 3, 1)))


def test_organization_inspected_once_per_round(xianan):
    rnd, org = make_round(xianan), make_organization(xianan)
    make_inspection(rnd, org)
    rejects(lambda: Inspection.objects.create(round=rnd, organization=org))


def test_lead_counts_cannot_be_negative(xianan):
    inspection = make_inspection(make_round(xianan), make_organization(xianan))
    rejects(lambda: Lead.objects.create(inspection=inspection, summary="x", cases_filed=-1))


def test_task_deadline_defaults_to_two_months_after_feedback(xianan):
    inspection = make_inspection(make_round(xianan), make_organization(xianan), feedback=dt.date(2026, 5, 10))
    task = make_task(make_finding(inspection))
    assert task.assigned_on == dt.date(2026, 5, 10)
    assert task.deadline == task.original_deadline == dt.date(2026, 7, 10)
    assert task.assigned_on < task.start_due < task.progress_due < task.deadline
    assert (task.round, task.organization, task.region) == (inspection.round, inspection.organization, xianan)


@pytest.mark.parametrize(
    "changes",
    [
        {"deadline": dt.date(2026, 5, 1)},  # before feedback
        {"status": TaskStatus.CLOSED, "closed_on": None},  # closed without a closing date
        {"status": TaskStatus.IN_PROGRESS, "closed_on": dt.date(2026, 6, 1)},  # closing date on an open task
    ],
)
def test_database_rejects_inconsistent_task_dates(xianan, changes):
    task = make_task(make_finding(make_inspection(make_round(xianan), make_organization(xianan))))
    rejects(lambda: RectificationTask.objects.filter(pk=task.pk).update(**changes))


def test_extension_must_move_the_deadline_later(xianan):
    task = make_task(make_finding(make_inspection(make_round(xianan), make_organization(xianan))))
    rejects(lambda: DeadlineExtension.objects.create(
        task=task, reason="x", previous_deadline=task.deadline, new_deadline=task.deadline))


def test_str_reads_well(xianan):
    rnd = make_round(xianan, term=14, number=3, kind="special")
    assert str(rnd) == "咸安区委第14届第3轮专项巡察"
    assert str(xianan.committee_name) == "咸安区委"
