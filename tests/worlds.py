"""The worlds tests are built in, one module (fixtures registered by tests/conftest.py):

- `world`: two counties, 咸安区 (home, where the users are) and 通城县 (away), with one record of every kind and
  a user of every role: the access tests (pages, API, admin) check each role against both.
- `rates_world`: a small hand-built set whose rates the tests work out by hand (see `build_rates_world`).
- `County` (`dashboard_world`): a county's round with units and tasks that `grow`s, and its snapshots, for the
  dashboards; built once per test module.
"""
import copy
import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from inspection.models import Lead, Region
from inspection.services import regions_load
from rectification.models import DeadlineExtension, FollowUpVisit, TaskWarning
from rectification.rates import rates_recompute_all
from tests.factories import (
    make_approved_extension,
    make_evidence_file,
    make_finding,
    make_inspection,
    make_organization,
    make_round,
    make_task,
    make_user,
)

ROLE_USERS = {
    "region_admin": Role.REGION_ADMIN,
    "group_member": Role.GROUP_MEMBER,
    "unit": Role.UNIT,
    "viewer": Role.VIEWER,
    "api_client": Role.API_CLIENT,
}


@dataclass
class Side:
    """One county's records; `label` appears in every record's text so pages can be searched for it."""

    label: str
    region: object
    organization: object = None
    round: object = None
    group: object = None
    inspection: object = None
    finding: object = None
    lead: object = None
    task: object = None
    extension: object = None
    evidence: object = None
    warning: object = None
    visit: object = None
    article: object = None
    fact: object = None
    extracted_round: object = None
    figure: object = None


@dataclass
class World:
    home: Side
    away: Side
    users: dict = field(default_factory=dict)

    def side(self, name):
        return self.home if name == "home" else self.away


def build_side(region, label):
    side = Side(label=label, region=region)
    side.organization = make_organization(region, name=f"{label}单位")
    side.round = make_round(region, title=f"{label}巡察轮次")
    side.inspection = make_inspection(side.round, side.organization)
    side.group = side.inspection.group
    side.finding = make_finding(side.inspection, description=f"{label}问题描述")
    side.lead = Lead.objects.create(inspection=side.inspection, finding=side.finding, summary=f"{label}线索摘要")
    side.task = make_task(side.finding, responsible_unit=f"{label}责任单位")
    side.extension = DeadlineExtension.objects.create(
        task=side.task, reason=f"{label}延期理由", previous_deadline=side.task.deadline,
        new_deadline=side.task.deadline + dt.timedelta(days=30),
    )
    side.evidence = make_evidence_file(side.task, name=f"{label}整改报告.pdf")
    side.warning = TaskWarning.objects.create(task=side.task, level="yellow", reason=f"{label}预警原因")
    side.visit = FollowUpVisit.objects.create(
        inspection=side.inspection, task=side.task, visited_on=dt.date(2026, 6, 1), rating="good", notes=f"{label}督查"
    )
    build_ingest(side)
    from ledger.models import LedgerImport

    side.ledger_import = LedgerImport.objects.create(inspection=side.inspection, file_name="台账.xlsx", file_size=10,
                                                     sha256="0" * 64, status="failed", content=b"stored file")
    return side


def build_ingest(side):
    """An article of the side's region with one figure (accepted) and one round."""
    from ingest.models import Article, ExtractedFact, ExtractedRound, ReportedFigure

    text = f"{side.label}委巡察组发现问题12个。2026年3月1日至4月30日开展常规巡察。"
    side.article = Article.objects.create(title=f"{side.label}文章标题", text=text, content_hash=side.label,
                                          region=side.region, status="parsed")
    side.fact = ExtractedFact.objects.create(article=side.article, metric="issues_found", value=12, unit="个",
                                             subject_region=side.region, start_offset=5, end_offset=14, quote=text[5:14])
    side.extracted_round = ExtractedRound.objects.create(
        article=side.article, organizer=side.region.name, organizer_code=side.region.code, organizer_region=side.region,
        kind="regular", start="2026-03-01", end="2026-04-30", start_offset=15, end_offset=len(text), quote=text[15:])
    side.figure = ReportedFigure.objects.create(metric="issues_found", value=12, region=side.region,
                                                period_end=dt.date(2026, 6, 30), fact=side.fact, article=side.article)


@pytest.fixture
def world(xianan, tongcheng):
    home, away = build_side(xianan, "咸安甲"), build_side(tongcheng, "通城乙")
    users = {}
    for key, role in ROLE_USERS.items():
        users[key] = make_user(key, role=role, region=xianan,
                               organization=home.organization if role == Role.UNIT else None)
    home.group.member_users.add(users["group_member"])
    users["superuser"] = make_user("superuser", is_superuser=True, staff=True)
    users["away_viewer"] = make_user("away_viewer", role=Role.VIEWER, region=tongcheng)
    return World(home=home, away=away, users=users)


# --- rates_world ---------------------------------------------------------------------------------------

D = dt.date(2026, 6, 30)
FEEDBACK = dt.date(2026, 5, 10)


def rates_task(inspection, category, deadline, closed_on=None):
    fields = {"deadline": deadline}
    if closed_on:
        fields.update(status="closed", closed_on=closed_on)
    return make_task(make_finding(inspection, category=category), **fields)


@pytest.fixture
def rates_world(xianning, xianan, tongcheng):
    """A small hand-built data set whose rates are worked out by hand in the tests.

    Day D = 2026-06-30. Round A (organised by 咸宁市) and round B (by 咸安区).
      O1 咸安区 (county), O2 通城县 (county), O3 咸宁市 (the city itself), O4 咸安区, O5 通城县.
      t1 A/O1 integrity  assigned 05-10, deadline 06-20, closed 06-20  (exactly on the deadline: on time, 41 days)
      t2 A/O1 integrity  deadline 06-20, closed 06-21                  (a day late, 42 days)
      t3 A/O1 integrity  deadline 06-20, open                          (overdue)
      t4 A/O2 conduct    deadline 07-10, open                          (within the deadline on D)
      t5 A/O2 conduct    deadline 06-01 extended to 07-31, open        (extended, within)
      t6 A/O3 integrity  deadline 06-20, closed 06-10                  (on time, 31 days)
      t7 B/O1 integrity  deadline 06-20, closed 07-05                  (open and overdue on D; closed late later, 56 days)
      t8 B/O1 integrity  deleted
      t9 B/O4 political  assigned 07-15, deadline 09-15, open          (not yet assigned on D)
      L1 A/O1 on t1's finding: concluded, transferred 05-01, 1 case, 2 sanctioned, 1 organisational
      L2 A/O5 no finding: pending                                       (O5 has a lead and no task: rate null)
      L3 A/O3 no finding: transferred 07-10                             (after D)
    """
    w = SimpleNamespace(city=xianning, xianan=xianan, tongcheng=tongcheng)
    w.A, w.B = make_round(xianning, title="A"), make_round(xianan, title="B")
    w.O1, w.O2 = make_organization(xianan, "咸安区教育局"), make_organization(tongcheng, "通城县民政局")
    w.O3, w.O4 = make_organization(xianning, "咸宁市财政局"), make_organization(xianan, "咸安区水利局")
    w.O5 = make_organization(tongcheng, "通城县林业局")
    a1, a2, a3 = (make_inspection(w.A, o, feedback=FEEDBACK) for o in (w.O1, w.O2, w.O3))
    a5 = make_inspection(w.A, w.O5, feedback=FEEDBACK)
    b1 = make_inspection(w.B, w.O1, feedback=FEEDBACK)
    b4 = make_inspection(w.B, w.O4, feedback=dt.date(2026, 7, 15))
    w.t1 = rates_task(a1, "integrity", dt.date(2026, 6, 20), dt.date(2026, 6, 20))
    w.t2 = rates_task(a1, "integrity", dt.date(2026, 6, 20), dt.date(2026, 6, 21))
    w.t3 = rates_task(a1, "integrity", dt.date(2026, 6, 20))
    w.t4 = rates_task(a2, "conduct", dt.date(2026, 7, 10))
    w.t5 = rates_task(a2, "conduct", dt.date(2026, 6, 1))
    make_approved_extension(w.t5, dt.date(2026, 7, 31), decided_on=dt.date(2026, 5, 20))
    w.t6 = rates_task(a3, "integrity", dt.date(2026, 6, 20), dt.date(2026, 6, 10))
    w.t7 = rates_task(b1, "integrity", dt.date(2026, 6, 20), dt.date(2026, 7, 5))
    rates_task(b1, "integrity", dt.date(2026, 6, 20)).delete()
    w.t9 = rates_task(b4, "political", dt.date(2026, 9, 15))
    Lead.objects.create(inspection=a1, finding=w.t1.finding, summary="线索一", status="concluded",
                        transferred_on=dt.date(2026, 5, 1), concluded_on=dt.date(2026, 6, 1),
                        cases_filed=1, people_sanctioned=2, people_organizational=1)
    Lead.objects.create(inspection=a5, summary="线索二")
    Lead.objects.create(inspection=a3, summary="线索三", status="transferred", transferred_on=dt.date(2026, 7, 10))
    return w


# --- dashboards ---------------------------------------------------------------------------------------

class County:
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


    def for_test(self) -> "County":
        """This county for one test: `grow` adds rows the test's rollback removes, to a list of its own."""
        county = copy.copy(self)
        county.units = list(self.units)
        return county


@pytest.fixture(scope="module")
def dashboard_world(django_db_setup, django_db_blocker):
    """Both counties with rounds, tasks, warnings and three days of snapshots, built once per test module inside
    a transaction rolled back after the module; each test's own changes roll back to it (pytest-django's
    per-test transaction nests inside as a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Region.objects.filter(code="421202").exists():
            regions_load()
        counties = SimpleNamespace(home=County(Region.objects.get(code="421202"), "咸安甲"),
                                   away=County(Region.objects.get(code="421222"), "通城乙"))
        yield counties
        transaction.set_rollback(True)


@pytest.fixture
def home(dashboard_world, db):
    return dashboard_world.home.for_test()


@pytest.fixture
def away(dashboard_world, db):
    return dashboard_world.away.for_test()
