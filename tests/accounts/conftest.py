"""A small two-county world for access tests: 咸安区 (home, where the users are) and 通城县 (away)."""
import datetime as dt
from dataclasses import dataclass, field

import pytest

from accounts.roles import Role
from inspection.models import Lead
from rectification.models import DeadlineExtension, FollowUpVisit, Warning
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task, make_user

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
    side.warning = Warning.objects.create(task=side.task, level="yellow", reason=f"{label}预警原因")
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
