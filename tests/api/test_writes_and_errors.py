"""Writes (admins only, through the services) and the one error shape: 400 with fields, 401/403/404, no 500."""
import datetime as dt

import pytest
from django.utils import timezone

from inspection.models import Finding
from rectification.models import DeadlineExtension, RectificationTask

pytestmark = pytest.mark.django_db


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if code:
        assert error["code"] == code
    return error


def new_finding(side, number=2):
    return Finding.objects.create(inspection=side.inspection, number=number, category="conduct", description="新问题")


def test_admin_creates_a_task_with_the_default_schedule(clients, world):
    finding = new_finding(world.home)
    response = clients["region_admin"].post("/api/v1/tasks/", {"finding": finding.pk, "responsible_unit": "办公室"},
                                            format="json")
    assert response.status_code == 201, response.content
    task = RectificationTask.objects.get(pk=response.json()["id"])
    assert task.finding == finding and task.category == "conduct" and task.region == world.home.region
    assert task.deadline == dt.date(2026, 7, 10)  # feedback 2026-05-10 + 2 months


@pytest.mark.parametrize("role", ["group_member", "unit", "viewer", "api_client"])
def test_other_roles_cannot_write(clients, world, role):
    finding = new_finding(world.home)
    response = clients[role].post("/api/v1/tasks/", {"finding": finding.pk, "responsible_unit": "办公室"}, format="json")
    assert_error(response, 403, "permission_denied")
    approve = clients[role].post(f"/api/v1/extensions/{world.home.extension.pk}/approve/")
    # the round's group may decide 延期 (here: without the required opinion); the other roles may not
    assert_error(approve, 400) if role == "group_member" else assert_error(approve, 403)
    assert not RectificationTask.objects.filter(finding=finding).exists()


def test_anonymous_writes_are_401(clients, world):
    assert_error(clients["anonymous"].post("/api/v1/tasks/", {}, format="json"), 401, "not_authenticated")


def test_bad_payload_is_400_with_field_messages_and_writes_nothing(clients, world):
    before = RectificationTask.objects.count()
    error = assert_error(clients["region_admin"].post("/api/v1/tasks/", {"responsible_unit": "", "deadline": "明天"},
                                                      format="json"), 400, "invalid")
    assert set(error["fields"]) == {"finding", "responsible_unit", "deadline"}
    assert all(isinstance(messages, list) and messages for messages in error["fields"].values())
    # a finding out of scope is like one that does not exist
    error = assert_error(clients["region_admin"].post(
        "/api/v1/tasks/", {"finding": new_finding(world.away).pk, "responsible_unit": "x"}, format="json"), 400)
    assert "finding" in error["fields"]
    assert RectificationTask.objects.count() == before


def test_a_constraint_violation_is_400_in_chinese(clients, world):
    finding = new_finding(world.home)
    error = assert_error(clients["region_admin"].post("/api/v1/tasks/", {
        "finding": finding.pk, "responsible_unit": "办公室", "assigned_on": "2026-05-10", "deadline": "2026-05-01"},
        format="json"), 400, "invalid")
    assert error["message"] == "整改时限不能早于交办日期。；原定整改时限不能早于交办日期。"
    assert not RectificationTask.objects.filter(finding=finding).exists()


def test_unparseable_json_is_400(clients, world):
    response = clients["region_admin"].generic("POST", "/api/v1/tasks/", "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_progress_and_close_go_through_the_double_review(clients, world):
    admin, task = clients["region_admin"], world.home.task
    url = f"/api/v1/tasks/{task.pk}/"
    # a refused rule (DomainError) is a 400 with its Chinese message
    today = timezone.localdate().isoformat()
    error = assert_error(admin.post(url + "close/", {"closed_on": today, "opinion": "同意"}, format="json"), 400)
    assert "已完成待验收" in error["message"]
    error = assert_error(admin.post(url + "progress/", {"status": "reported"}, format="json"), 400)
    assert "佐证材料" in error["message"]
    assert_error(admin.post(url + "progress/", {"status": "closed"}, format="json"), 400)
    response = admin.post(url + "progress/", {"status": "reported", "evidence": "会议纪要"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "reported"
    # the report was made today: a closing dated before it (or in the future) is refused
    error = assert_error(admin.post(url + "close/", {"closed_on": "2026-06-30", "opinion": "同意"}, format="json"), 400)
    assert "早于整改单位填报完成的日期" in error["message"]
    response = admin.post(url + "close/", {"closed_on": today, "opinion": "同意"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    task.refresh_from_db()
    assert task.closed_on == timezone.localdate()
    assert_error(admin.post(f"/api/v1/tasks/{world.away.task.pk}/close/", {"closed_on": today, "opinion": "同意"},
                            format="json"), 404, "not_found")


def test_extension_approval_moves_the_deadline(clients, world):
    extension = world.home.extension
    deadline = timezone.localdate() + dt.timedelta(days=3)  # an approval counts only before the deadline it extends
    RectificationTask.objects.filter(pk=extension.task_id).update(deadline=deadline)
    DeadlineExtension.objects.filter(pk=extension.pk).update(previous_deadline=deadline,
                                                             new_deadline=deadline + dt.timedelta(days=30))
    extension.refresh_from_db()
    response = clients["region_admin"].post(f"/api/v1/extensions/{extension.pk}/approve/", {"opinion": "同意"},
                                            format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    world.home.task.refresh_from_db()
    assert world.home.task.deadline == extension.new_deadline and world.home.task.is_extended
    assert_error(clients["region_admin"].post(f"/api/v1/extensions/{world.away.extension.pk}/approve/",
                                              {"opinion": "同意"}, format="json"), 404)


@pytest.mark.parametrize("query", [
    "deadline_from=昨天", "status=unknown", "round=abc", "round=1.5", "stage=soon", "overdue=maybe",
    "category=nothing", "ordering=finding__description", "page_size=x", "cursor=garbage", "region=%00",
    "round=99999999999999999999999",
])
def test_bad_query_parameters_never_500(clients, world, query):
    response = clients["viewer"].get(f"/api/v1/tasks/?{query}")
    assert response.status_code in (200, 400, 404), (query, response.status_code)
    if response.status_code != 200:
        assert_error(response, response.status_code)


def test_a_region_typed_with_a_per_cent_sign_is_named_in_the_error(clients, world):
    # django-filter formats an API error as `message % params`: a "%" typed into the message itself was a 500.
    error = assert_error(clients["viewer"].get("/api/v1/tasks/?region=整改率（%）"), 400, "invalid")
    assert error["fields"]["region"] == ["没有名为“整改率（%）”的地区：请输入地区全称（如 咸安区）或 6 位行政区划代码。"]


def test_bad_filter_names_its_field(clients, world):
    error = assert_error(clients["viewer"].get("/api/v1/tasks/?deadline_from=昨天&status=unknown"), 400, "invalid")
    assert set(error["fields"]) == {"deadline_from", "status"}


def test_unknown_ids_and_methods(clients, world):
    assert_error(clients["viewer"].get("/api/v1/tasks/999999999/"), 404, "not_found")
    assert_error(clients["viewer"].get("/api/v1/regions/000000/"), 404)
    assert_error(clients["region_admin"].delete(f"/api/v1/tasks/{world.home.task.pk}/"), 405, "method_not_allowed")
    assert_error(clients["viewer"].get(f"/api/v1/tasks/{world.home.task.pk}/?format=csv"), 404)


def test_a_database_constraint_race_is_400_and_rolls_back(clients, world, monkeypatch):
    """A duplicate that slips past validation (two requests at once) ends in the database's IntegrityError."""
    from django.db import connection, transaction

    from core.exceptions import MESSAGES
    from rectification import services
    from rectification.models import TaskWarning

    @transaction.atomic  # like every service
    def create_duplicate_warning(**kwargs):
        TaskWarning.objects.create(task=world.home.task, level="red", reason="第一次")
        TaskWarning.objects.create(task=world.home.task, level="red", reason="并发的第二次")

    monkeypatch.setattr(services, "task_create", create_duplicate_warning)
    error = assert_error(clients["region_admin"].post("/api/v1/tasks/", {
        "finding": world.home.finding.pk, "responsible_unit": "办公室"}, format="json"), 400, "constraint")
    # PostgreSQL names the constraint; SQLite only its columns, so the general message stands there
    assert error["message"] == ("该任务已有同一等级的未解除预警。" if connection.vendor == "postgresql"
                                else MESSAGES["constraint"])
    assert not TaskWarning.objects.filter(level="red").exists()


def test_every_database_rule_declares_its_message():
    """A rule's Chinese message lives with the rule (`violation_error_message`): model validation and the API's
    answer to a race past it (`core.exceptions.constraint_message`) read the same text."""
    from django.apps import apps

    missing = [f"{model._meta.label}.{constraint.name}" for model in apps.get_models()
               for constraint in model._meta.constraints
               if constraint.violation_error_message == constraint.default_violation_error_message]
    assert missing == []


CURSOR_ENDPOINTS = ["findings", "leads", "tasks", "extensions", "follow-ups", "warnings", "rates", "articles",
                    "reported-figures"]


def _cursor(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


# Cursors no endpoint wrote; the rates' cursor holds a scope key (text), every other one an id.
FORGED_CURSORS = ["garbage", _cursor("p=%00"), _cursor("o=-5"), _cursor("p=" + "x" * 5000)]
FORGED_ID_CURSORS = [_cursor("p=abc"), _cursor("o=1&r=1&p=2026-13-45"), _cursor("p=99999999999999999999999")]


@pytest.mark.parametrize("endpoint, cursor", [
    *((endpoint, cursor) for endpoint in CURSOR_ENDPOINTS for cursor in FORGED_CURSORS),
    *((endpoint, cursor) for endpoint in CURSOR_ENDPOINTS if endpoint != "rates" for cursor in FORGED_ID_CURSORS),
])
def test_a_forged_cursor_is_400_on_every_cursor_endpoint(clients, world, endpoint, cursor):
    response = clients["region_admin"].get(f"/api/v1/{endpoint}/", {"cursor": cursor})
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"cursor": ["分页游标无效。"]}


def test_cursors_the_api_wrote_pass_the_check(clients, world):
    client = clients["superuser"]
    for ordering in ("deadline", "-updated_at", "id"):
        seen, url = [], f"/api/v1/tasks/?page_size=1&ordering={ordering}"
        while url:
            body = client.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert sorted(seen) == sorted(task.pk for task in RectificationTask.objects.all()) and len(seen) == 2


@pytest.mark.parametrize("path", ["/api/nothing", "/api/v1/nothing/", "/api/v1/tasks/1/nothing/", "/api/v2/tasks/"])
def test_an_unknown_api_path_is_a_json_404(clients, path):
    assert_error(clients["viewer"].get(path), 404, "not_found")


def test_an_unknown_page_is_still_a_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")
