"""The overview's cached content and the cached 待办 count (core.versioned_cache): every committed change shows on
the next load, users who see different rows never share a page, a new day moves the overdue figures, and a Redis
that cannot be reached leaves the page as it was without the cache. Changes here commit (a transactional test),
so the ends of the cache run as in production, after the commit."""
import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from rectification import services
from rectification.models import DeadlineExtension, RateSnapshot, TaskWarning
from rectification.rates import rates_recompute_all
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task, make_user
from tests.ledger.conftest import ledger_row, xlsx_upload

pytestmark = pytest.mark.django_db(transaction=True)
OVERVIEW = reverse("dashboard:overview")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def page(client) -> str:
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    return response.content.decode()


def kpis(text: str) -> dict:
    return dict(re.findall(r'data-kpi="(\w+)">([^<]*)<', text))


def todo(text: str) -> int:
    found = re.search(r'id="nav-todo-count">(\d+)<', text)
    return int(found.group(1)) if found else 0


def overdue_listed(text: str) -> str:
    return text.split("<h2>逾期未销号")[1].split("<h2>最新预警")[0]


def content(text: str) -> str:
    """The cached part of the page (the header around it holds the CSRF token, new per request)."""
    return text.split('<main class="content">')[1]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.skipif(not settings.REDIS_URL, reason="the cache is Redis (REDIS_URL)")
def test_a_second_load_is_served_from_the_cache_with_the_same_content(world):
    admin = signed_in(world.users["region_admin"])
    with CaptureQueriesContext(connection) as built:
        first = page(admin)
    with CaptureQueriesContext(connection) as cached:
        second = page(admin)
    assert content(second) == content(first)
    assert len(cached) < len(built) - 5  # neither the overview's queries nor the 待办 counts ran


def test_every_kind_of_change_shows_on_the_next_load(world):
    admin, member = signed_in(world.users["region_admin"]), signed_in(world.users["group_member"])
    unit_user = world.users["unit"]
    home = world.home

    # Rounds: counted live for everyone.
    before = kpis(page(admin))["rounds"]
    new_round = make_round(home.region, title="咸安甲新一轮")
    assert int(kpis(page(admin))["rounds"]) == int(before) + 1

    # Group members: a member sees the rounds of their groups only (their counts are live).
    seen = kpis(page(member))
    inspection = make_inspection(new_round, make_organization(home.region, name="咸安甲新单位"))
    inspection.group.member_users.add(world.users["group_member"])
    now = kpis(page(member))
    assert (int(now["rounds"]), int(now["units"])) == (int(seen["rounds"]) + 1, int(seen["units"]) + 1)

    # Findings and warnings, counted live for a group member; the latest warnings listed for both.
    make_finding(home.inspection, description="新发现的问题")
    assert int(kpis(page(member))["findings"]) == int(now["findings"]) + 1
    warned = make_task(make_finding(home.inspection, description="将被预警的问题"),
                       deadline=timezone.localdate() + dt.timedelta(days=60))
    active = int(kpis(page(member))["active_warnings"])
    warning = TaskWarning.objects.create(task=warned, level="red", reason="新发出的红牌")
    assert int(kpis(page(member))["active_warnings"]) == active + 1 and "新发出的红牌" in page(admin)
    warning.lifted_at = timezone.now()
    warning.save()
    assert int(kpis(page(member))["active_warnings"]) == active

    # A task reported done and closed: the reviewer's 待办 (待我验收) follows.
    reported = make_task(make_finding(home.inspection, description="报验收的问题"),
                         deadline=timezone.localdate() + dt.timedelta(days=60))
    waiting = todo(page(admin))
    services.task_report_progress(task=reported, user=unit_user, status="reported", evidence="整改报告",
                                  progress_note="已完成")
    assert todo(page(admin)) == waiting + 1
    services.task_close(task=reported, reviewer=world.users["region_admin"], closed_on=timezone.localdate(),
                        opinion="同意销号")
    assert todo(page(admin)) == waiting

    # 延期: a request waits for the reviewer (待审批延期), a decision ends it.
    task = make_task(make_finding(home.inspection, description="待延期的问题"),
                     deadline=timezone.localdate() + dt.timedelta(days=60))
    waiting = todo(page(admin))
    extension = services.extension_request(task=task, user=unit_user, reason="需协调多部门",
                                           new_deadline=task.deadline + dt.timedelta(days=30))
    assert todo(page(admin)) == waiting + 1
    services.extension_approve(extension=extension, approver=world.users["region_admin"], opinion="同意")
    assert todo(page(admin)) == waiting
    assert DeadlineExtension.objects.get(pk=extension.pk).status == "approved"

    # A ledger import adds findings and tasks.
    findings = int(kpis(page(member))["findings"])
    response = admin.post(reverse("ledger:import", args=[home.inspection.pk]),
                          {"file": xlsx_upload([ledger_row(500), ledger_row(501)])})
    assert response.status_code in (200, 302), response.content
    assert int(kpis(page(member))["findings"]) == findings + 2

    # A recompute of the snapshots, where the region's figures come from (with Redis the drains of the changes
    # above wait for a worker, so the page shown so far has none; without it they ran at each commit).
    page(admin)
    rates_recompute_all(timezone.localdate())
    latest = RateSnapshot.objects.get(scope_key=f"region:{home.region.code}", is_latest=True)
    assert kpis(page(admin))["tasks"] == str(latest.tasks_total) != "0"


def test_users_who_see_different_rows_never_share_a_page(world):
    home_admin, away_viewer = signed_in(world.users["region_admin"]), signed_in(world.users["away_viewer"])
    unit = signed_in(world.users["unit"])
    for _ in range(2):  # built, then cached
        home_page, away_page, unit_page = page(home_admin), page(away_viewer), page(unit)
        assert "范围：咸安区" in home_page and "范围：通城县" in away_page
        assert "通城乙" not in home_page and "咸安甲" not in away_page
        assert 'data-kpi="leads"' in home_page and 'data-kpi="leads"' not in unit_page  # a unit sees no leads
        assert f"范围：{world.home.organization}" in unit_page


def test_a_new_day_moves_the_overdue_figures(world, monkeypatch):
    admin = signed_in(world.users["region_admin"])
    today = timezone.localdate()
    task = make_task(make_finding(world.home.inspection, description="今天到期的问题"), deadline=today)
    text = page(admin)
    assert "今天到期的问题" not in overdue_listed(text)
    overdue_today = todo(text)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + dt.timedelta(days=1))
    text = page(admin)
    assert "今天到期的问题" in overdue_listed(text) and todo(text) == overdue_today + 1  # 逾期督办
    assert task.deadline == today


@pytest.mark.parametrize("location", ["redis://127.0.0.1:1/0", "redis://10.255.255.1:6379/0"],
                         ids=["refused", "unreachable"])
def test_without_redis_the_page_is_built_as_without_the_cache(world, settings, location):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location,
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    admin = signed_in(world.users["region_admin"])
    before = page(admin)
    make_round(world.home.region, title="Redis 不可用时的新一轮")
    after = page(admin)
    assert int(kpis(after)["rounds"]) == int(kpis(before)["rounds"]) + 1
    assert todo(after) == todo(before)


def test_a_unit_users_own_work_shows_in_their_todo(world):
    unit_user = make_user("unit-two", role=Role.UNIT, region=world.home.region, organization=world.home.organization)
    client = signed_in(unit_user)
    waiting = todo(page(client))
    make_task(make_finding(world.home.inspection, description="单位新任务"))
    assert todo(page(client)) == waiting + 1  # 待填报


def test_the_audit_link_follows_a_permission_given_or_taken(world):
    from django.contrib.auth.models import Permission

    viewer = world.users["viewer"]
    client = signed_in(viewer)
    assert "审计日志" not in page(client)
    permission = Permission.objects.get(codename="view_auditevent", content_type__app_label="accounts")
    viewer.user_permissions.add(permission)
    assert "审计日志" in page(client)
    viewer.user_permissions.remove(permission)
    assert "审计日志" not in page(client)


@pytest.mark.parametrize("role", ["region_admin", "group_member", "unit", "viewer", "superuser"])
def test_the_cached_page_is_the_page_built_without_the_cache(world, settings, role):
    rates_recompute_all(timezone.localdate())
    client = signed_in(world.users[role])
    settings.PAGE_CACHE_SECONDS = 0
    built = page(client)
    settings.PAGE_CACHE_SECONDS = 300
    page(client)
    assert content(page(client)) == content(built)
    assert todo(page(client)) == todo(built) and ("审计日志" in page(client)) == ("审计日志" in built)
