"""API tokens: issued with the key shown once, stored hashed, revoked at once, every use audited."""
import hashlib
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from accounts.roles import Role, user_role, user_role_set
from api.models import ApiToken
from api.services import token_authenticate, token_issue, token_revoke
from core.errors import DomainError
from tests.api.conftest import token_client
from tests.factories import make_user

pytestmark = pytest.mark.django_db
TASKS = "/api/v1/tasks/"


def test_issue_stores_only_the_hash_of_the_key(world):
    token, key = token_issue(user=world.users["api_client"], name="市大数据平台")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.key_hash, stored.key_prefix, stored.name} and stored.key_prefix == key[:8]
    assert len(key) >= 40


def test_token_lookup_loads_the_token_its_user_region_and_role_in_one_query(world, django_assert_num_queries):
    """`token_authenticate` runs SQL compiled once (`PreparedLookup`): the same objects as the ORM gives."""
    user = world.users["api_client"]
    token, key = token_issue(user=user, name="市大数据平台")
    token_authenticate(key)  # the first use also records last_used_at
    with django_assert_num_queries(1):
        found = token_authenticate(key)
        assert found.user.region.code == user.region.code
        assert user_role(found.user) == Role.API_CLIENT
    expected = ApiToken.objects.select_related("user__region").get(pk=token.pk)
    assert {f.attname: getattr(found, f.attname) for f in ApiToken._meta.concrete_fields} \
        == {f.attname: getattr(expected, f.attname) for f in ApiToken._meta.concrete_fields}
    assert found.user == user and found.user.region == user.region and not found._state.adding
    assert token_authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    token_revoke(token=token)
    assert token_authenticate(key) is None


@pytest.mark.parametrize("roles, expected", [
    ((), None),
    ((Role.VIEWER,), Role.VIEWER),
    ((Role.REGION_ADMIN, Role.VIEWER), Role.VIEWER),  # several roles: the narrowest, as `user_role` decides
    ((Role.REGION_ADMIN, Role.UNIT, Role.GROUP_MEMBER), Role.UNIT),
])
def test_the_role_read_with_the_token_is_the_one_user_role_gives(world, roles, expected):
    user = world.users["viewer"]
    user_role_set(user, None)
    user.groups.add(*Group.objects.filter(role__code__in=roles))
    _, key = token_issue(user=user, name="角色")
    found = token_authenticate(key)
    assert found.user._role_cache == expected
    found.user._role_cache = False
    assert user_role(found.user) == expected  # read again the usual way


@pytest.mark.django_db(transaction=True)  # the connection is closed, which a test inside a transaction may not do
def test_the_prepared_token_lookup_survives_a_new_database_connection(world):
    """On PostgreSQL the statement is prepared once per connection; a connection replaced (a restart, a health
    check that failed) prepares it again instead of failing on a statement the new session never saw."""
    _, key = token_issue(user=world.users["viewer"], name="重连")
    assert token_authenticate(key) is not None
    with transaction.atomic():  # a rolled-back transaction keeps the statement prepared
        assert token_authenticate(key) is not None
        transaction.set_rollback(True)
    assert token_authenticate(key) is not None
    connection.close()
    assert token_authenticate(key).user == world.users["viewer"]
    assert token_authenticate(key).user == world.users["viewer"]


@pytest.mark.parametrize("kept_seconds", [60, 0])
def test_the_token_statement_is_prepared_only_on_a_kept_postgresql_connection(world, monkeypatch, kept_seconds):
    """A connection per request (CONN_MAX_AGE 0, or a transaction-pooling proxy) would prepare on every request,
    or find its statement on another server connection: the SQL then runs as it is."""
    _, key = token_issue(user=world.users["viewer"], name="预备语句")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", kept_seconds)
    token_authenticate(key)
    with CaptureQueriesContext(connection) as queries:
        assert token_authenticate(key).user == world.users["viewer"]
    prepared = connection.vendor == "postgresql" and kept_seconds != 0
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["EXECUTE" if prepared else "SELECT"]


def test_a_token_reads_as_its_user_and_every_use_is_audited(world):
    client = token_client(world.users["api_client"])
    before = AuditEvent.objects.filter(action=AuditAction.API_TOKEN).count()
    response = client.get(TASKS)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world.home.task.pk]
    event = AuditEvent.objects.filter(action=AuditAction.API_TOKEN).latest("pk")
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN).count() == before + 1
    assert event.user == world.users["api_client"] and event.region_id == world.home.region.pk
    assert event.details == {"token": client.token.pk, "method": "GET", "path": TASKS}
    client.token.refresh_from_db()
    assert client.token.last_used_at is not None


@pytest.mark.parametrize("header", ["Token not-a-real-key", "Token", "Token a b", "token  "])
def test_unknown_or_malformed_tokens_answer_401_in_the_error_shape(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(TASKS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    error = response.json()["error"]
    assert error["code"] in ("authentication_failed", "not_authenticated") and error["message"] and error["fields"] == {}


def test_a_revoked_token_answers_401_from_the_next_request(world):
    client = token_client(world.users["viewer"])
    assert client.get(TASKS).status_code == 200
    token_revoke(token=client.token, revoker=world.users["region_admin"])
    response = client.get(TASKS)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "令牌无效或已被吊销。"


def test_a_token_of_a_deactivated_user_answers_401(world):
    client = token_client(world.users["viewer"])
    world.users["viewer"].is_active = False
    world.users["viewer"].save()
    assert client.get(TASKS).status_code == 401


def test_no_credentials_answer_401(world):
    response = APIClient().get(TASKS)
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_only_region_admins_issue_and_revoke_and_only_within_their_region(world, tongcheng):
    admin, viewer = world.users["region_admin"], world.users["viewer"]
    token, _ = token_issue(user=viewer, name="区统计系统", issuer=admin)
    assert token.created_by == admin
    with pytest.raises(DomainError) as refused:
        token_issue(user=world.users["away_viewer"], name="外县", issuer=admin)
    assert refused.value.is_permission_denied
    with pytest.raises(DomainError):
        token_issue(user=world.users["superuser"], name="超级", issuer=admin)
    with pytest.raises(DomainError):
        token_issue(user=viewer, name="自己签发", issuer=viewer)
    with pytest.raises(DomainError):
        token_revoke(token=token, revoker=world.users["api_client"])
    with pytest.raises(DomainError):
        token_issue(user=viewer, name="   ", issuer=admin)
    assert ApiToken.objects.count() == 1
    token_revoke(token=token, revoker=admin)
    assert ApiToken.objects.get().revoked_by == admin


def test_issue_token_command_prints_the_key_once(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", "--user", "api_client", "--name", "命令行客户端", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(name="命令行客户端")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and "只显示这一次" in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(TASKS).status_code == 200


def test_issue_token_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("issue_token", "--user", "nobody", "--name", "x", stdout=io.StringIO())


def test_admin_issues_a_token_showing_the_key_once_and_revokes_it(world):
    admin = world.users["region_admin"]
    client = Client()
    client.force_login(admin)
    response = client.post("/admin/api/apitoken/add/", {"name": "区数据平台", "user": world.users["api_client"].pk},
                           follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(name="区数据平台")
    shown = [str(m) for m in response.context["messages"] if "只显示这一次" in str(m)]
    assert len(shown) == 1
    key = shown[0].rsplit("：", 1)[1]
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and token.created_by == admin
    # the key is nowhere on the token's page afterwards
    assert key not in client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()

    response = client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin


def test_admin_user_choices_hold_only_the_admins_region(world):
    client = Client()
    client.force_login(world.users["region_admin"])
    response = client.post("/admin/api/apitoken/add/", {"name": "外县", "user": world.users["away_viewer"].pk})
    assert response.status_code == 200 and not ApiToken.objects.exists()  # the form refuses the choice


def test_viewers_cannot_issue_tokens_in_the_admin(world):
    client = Client()
    client.force_login(world.users["viewer"])
    assert client.get("/admin/api/apitoken/add/").status_code == 403


def test_a_token_user_without_a_role_is_refused(world, xianan):
    nobody = make_user("no-role", region=xianan)
    response = token_client(nobody).get(TASKS)
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_session_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["region_admin"])
    assert client.get(TASKS).status_code == 200
    response = client.post(f"/api/v1/extensions/{world.home.extension.pk}/approve/")
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]
    world.home.extension.refresh_from_db()
    assert world.home.extension.status == "pending"
