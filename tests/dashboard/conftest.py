"""A county (咸安区, home) and its neighbour (通城县, away) with rounds, tasks, warnings and snapshots."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from inspection.models import Lead
from rectification.models import DeadlineExtension, FollowUpVisit, TaskWarning
from rectification.rates import rates_recompute_all
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task, make_user


class Place:
    """Rounds, units and tasks in one county; `grow` adds more of everything to the same round."""

    def __init__(self, region, label):
        self.region, self.label = region, label
        self.round = make_round(region, title=f"{label}第一轮巡察")
        self.units = []
        self.grow(units=1, tasks=2)
        self.organization = self.units[0]

    def grow(self, *, units: int, tasks: int):
        today = timezone.localdate()
        for _ in range(units):
            organization = make_organization(self.region, name=f"{self.label}单位{len(self.units) + 1}")
            self.units.append(organization)
            inspection = make_inspection(self.round, organization, entry=today - dt.timedelta(days=150),
                                         feedback=today - dt.timedelta(days=90))
            FollowUpVisit.objects.create(inspection=inspection, visited_on=today - dt.timedelta(days=10), rating="fair")
            for number in range(tasks):
                finding = make_finding(inspection, category="integrity" if number % 2 else "conduct",
                                       description=f"{self.label}问题{number}")
                task = make_task(finding, responsible_unit=organization.name)
                Lead.objects.create(inspection=inspection, finding=finding, summary=f"{self.label}线索{number}")
                TaskWarning.objects.create(task=task, level="red", reason=f"{self.label}预警{number}")
                DeadlineExtension.objects.create(task=task, reason="材料未齐", previous_deadline=task.deadline,
                                                 new_deadline=task.deadline + dt.timedelta(days=30))
                if number % 3 == 0:  # some closed, the rest overdue (feedback 90 days ago, 2-month window)
                    task.status, task.closed_on, task.evidence = "closed", today - dt.timedelta(days=40), "会议纪要"
                    task.save()
        for days_ago in (60, 30, 0):
            rates_recompute_all(today - dt.timedelta(days=days_ago))


@pytest.fixture
def home(xianan):
    return Place(xianan, "咸安甲")


@pytest.fixture
def away(tongcheng):
    return Place(tongcheng, "通城乙")


@pytest.fixture
def viewer(xianan):
    return make_user("county-viewer", role=Role.VIEWER, region=xianan)


@pytest.fixture
def city_viewer(xianning):
    return make_user("city-viewer", role=Role.VIEWER, region=xianning)
