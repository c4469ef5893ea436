"""API test helpers: the two-county `world` of the access tests, token clients, snapshot rows."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from api.services import token_issue
from rectification.choices import RateScope
from rectification.models import RateSnapshot
from rectification.rates import rates_mark_latest, scope_key, snapshot_version_bump


def token_client(user, name="测试客户端"):
    """An APIClient that sends `Authorization: Token <key>` for a fresh token of `user`."""
    token, key = token_issue(user=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.token, client.key = token, key
    return client


@pytest.fixture
def clients(world):
    """role → token client (anonymous: no credentials)."""
    result = {role: token_client(user) for role, user in world.users.items()}
    result["anonymous"] = APIClient()
    return result


def snapshot(*, scope=RateScope.REGION, region=None, day, closed, total=10, rnd=None, organization=None, category=""):
    parts = {
        RateScope.REGION: (region.code,) if region else (),
        RateScope.ROUND: (rnd.pk,) if rnd else (),
        RateScope.ORGANIZATION: (organization.pk,) if organization else (),
        RateScope.CATEGORY: (region.code, category) if region else (),
    }.get(scope, ())
    row = RateSnapshot.objects.create(
        scope=scope, scope_key=scope_key(scope, *parts), region=region, round=rnd, organization=organization,
        category=category, day=day, tasks_total=total, closed=closed, rate=round(100 * closed / total, 2),
    )
    rates_mark_latest(day=day, keys=[row.scope_key])  # as the recompute jobs do
    snapshot_version_bump()
    return row


DAY1, DAY2, DAY3 = dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 6, 15)
