"""One source per figure: the same figure agrees across pages for every role, each page says where its figures
come from, and a city's districts plus its 市本级 add up to the city."""
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from rectification.rates import rates_recompute_all
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task, make_user

pytestmark = pytest.mark.django_db


def kpis(page: str) -> dict:
    return {name: int(value.replace(",", "")) for name, value in re.findall(r'data-kpi="(\w+)">([\d,]+)<', page)}


def list_total(page: str) -> int:
    return int(re.search(r"共 ([\d,]+) 条（实时记录）", page).group(1).replace(",", ""))


def role_users(home, xianan):
    member = make_user("agree-member", role=Role.GROUP_MEMBER, region=xianan)
    home.round.groups.first().member_users.add(member)
    return {
        "region_admin": make_user("agree-admin", role=Role.REGION_ADMIN, region=xianan),
        "viewer": make_user("agree-viewer", role=Role.VIEWER, region=xianan),
        "group_member": member,
        "unit": make_user("agree-unit", role=Role.UNIT, region=xianan, organization=home.organization),
    }


@pytest.mark.parametrize("role", ["region_admin", "viewer", "group_member", "unit"])
def test_overview_region_and_list_agree_for_every_role(client, home, away, xianan, role):
    user = role_users(home, xianan)[role]
    client.force_login(user)
    overview = client.get(reverse("dashboard:overview")).content.decode()
    assert "整改率快照，截至" in overview and "以上数据来源" in overview
    figures = kpis(overview)
    assert figures["tasks"] > 0 and figures["overdue"] > 0
    # The drill-down page of what this role sees: its region, or for a unit its own organisation.
    detail_url = (reverse("dashboard:organization_detail", args=[home.organization.pk]) if role == "unit"
                  else reverse("dashboard:region_detail", args=[xianan.code]))
    detail = client.get(detail_url).content.decode()
    assert "尚无整改率快照" not in detail and "整改率快照，截至" in detail
    assert {k: kpis(detail)[k] for k in ("tasks", "closed", "rate", "overdue")
            if k in kpis(detail)} == {k: figures[k] for k in ("tasks", "closed", "rate", "overdue") if k in figures}
    # The lists (live records) count the same tasks as the snapshot just computed.
    tasks = client.get(reverse("dashboard:task_list"), {"open": "all"}).content.decode()
    overdue = client.get(reverse("dashboard:task_list"), {"overdue": "true"}).content.decode()
    assert list_total(tasks) == figures["tasks"]
    assert list_total(overdue) == figures["overdue"]
    # A unit's chart by round has its own part of each round.
    chart = re.search(r"id=\"chart-by-round\"[^>]*>(.*?)</script>", overview, re.S)
    assert chart and home.round.title in json.loads(chart.group(1))["labels"]


def test_the_districts_and_the_city_level_add_up_to_the_city(client, home, away, xianning):
    city_unit = make_organization(xianning, name="市直单位甲")
    city_round = make_round(xianning, title="市委巡察第一轮")
    inspection = make_inspection(city_round, city_unit)
    for number in range(3):
        make_task(make_finding(inspection, description=f"市直问题{number}"))
    rates_recompute_all(timezone.localdate())
    client.force_login(make_user("agree-city", role=Role.VIEWER, region=xianning))
    page = client.get(reverse("dashboard:region_detail", args=[xianning.code])).content.decode()
    city_total = kpis(page)["tasks"]
    table = page.split('id="child-regions"')[1].split("</table>")[0]
    rows = re.findall(r"<tr[^>]*>\s*<td>(.*?)</td>\s*<td>([\d,]+)</td>", table, re.S)
    assert any("市本级" in name for name, _ in rows)
    assert sum(int(count.replace(",", "")) for _, count in rows) == city_total
    direct = next(int(count) for name, count in rows if "市本级" in name)
    assert direct == 3
