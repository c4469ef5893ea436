"""ID guessing, CSRF, login throttling, sessions, headers and `check --deploy`."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from inspection.models import Finding, Lead
from rectification.models import RectificationTask

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def logged_in(user, **client_kwargs):
    client = Client(**client_kwargs)
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["region_admin", "viewer", "group_member"])
def test_guessing_sequential_ids_finds_only_what_is_in_scope(world, role):
    """Walk every id around the existing ones: in scope 200, anything else 404, never 403 or 500."""
    client = logged_in(world.users[role])
    for model, admin_name in ((Finding, "inspection_finding"), (Lead, "inspection_lead"),
                              (RectificationTask, "rectification_rectificationtask")):
        visible = set(model.objects.visible_to(world.users[role]).values_list("pk", flat=True))
        existing = set(model.objects.values_list("pk", flat=True))
        assert visible and visible != existing
        for pk in range(max(1, min(existing) - 2), max(existing) + 3):
            status = client.get(reverse(f"admin:{admin_name}_change", args=[pk])).status_code
            assert status == (200 if pk in visible else 404), (model, pk, status)
    tasks = set(RectificationTask.objects.values_list("pk", flat=True))
    for pk in range(max(1, min(tasks) - 2), max(tasks) + 3):
        status = client.get(reverse("rectification:task_progress", args=[pk])).status_code
        assert status in (200, 404) and (status == 200) == (pk == world.home.task.pk), (pk, status)


def test_non_numeric_and_huge_ids_are_404_not_500(world):
    client = logged_in(world.users["region_admin"])
    for raw in ("abc", "99999999999999999999", "1%20OR%201=1"):
        assert client.get(f"/admin/inspection/finding/{raw}/change/").status_code == 404
    assert client.get("/tasks/99999999999/progress/").status_code == 404


def csrf_token_from(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_progress_form_needs_a_csrf_token(world):
    client = logged_in(world.users["unit"], enforce_csrf_checks=True)
    url = reverse("rectification:task_progress", args=[world.home.task.pk])
    data = {"status": "reported", "evidence": "整改报告", "progress_note": "已完成"}
    assert client.post(url, data).status_code == 403
    world.home.task.refresh_from_db()
    assert world.home.task.status == "in_progress"
    token = csrf_token_from(client, url)
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    world.home.task.refresh_from_db()
    assert world.home.task.status == "reported"


def test_close_login_logout_and_admin_forms_need_a_csrf_token(world):
    RectificationTask.objects.filter(pk=world.home.task.pk).update(status="reported", evidence="佐证")
    admin_client = logged_in(world.users["region_admin"], enforce_csrf_checks=True)
    close_url = reverse("rectification:task_close", args=[world.home.task.pk])
    assert admin_client.post(close_url, {"closed_on": "2026-06-30"}).status_code == 403
    finding_url = reverse("admin:inspection_finding_change", args=[world.home.finding.pk])
    assert admin_client.post(finding_url, {"description": "改写"}).status_code == 403
    assert admin_client.post(reverse("accounts:logout")).status_code == 403
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(reverse("accounts:login"), {"username": "viewer", "password": "viewer-pass-9731"})
    assert response.status_code == 403
    world.home.task.refresh_from_db()
    world.home.finding.refresh_from_db()
    assert world.home.task.status == "reported" and world.home.finding.description != "改写"


def test_login_logout_and_failures_are_audited(world):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "viewer", "password": "viewer-pass-9731"})
    assert response.status_code == 302
    assert client.get(reverse("rectification:task_progress", args=[world.home.task.pk])).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("rectification:task_progress", args=[world.home.task.pk])).status_code == 302
    client.post(reverse("accounts:login"), {"username": "viewer", "password": "wrong"})
    events = list(AuditEvent.objects.filter(username="viewer").order_by("pk").values_list("action", "ip", "region"))
    login, logout, failed = events[-3:]
    assert [login[0], logout[0], failed[0]] == [AuditAction.LOGIN, AuditAction.LOGOUT, AuditAction.LOGIN_FAILED]
    assert login[1] == "127.0.0.1" and failed[2] == world.users["viewer"].region_id


def test_repeated_failures_lock_the_login(world):
    client = Client()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "viewer", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(url, {"username": "viewer", "password": "wrong"})
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    # Even the right password is refused while locked out, and nobody is signed in.
    response = client.post(url, {"username": "viewer", "password": "viewer-pass-9731"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, username="viewer").exists()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="viewer").count() >= settings.AXES_FAILURE_LIMIT
    # The lock-out is per user name and address: another account from the same address still signs in.
    assert client.post(url, {"username": "unit", "password": "unit-pass-9731"}).status_code == 302


def test_admin_login_is_throttled_too(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "region_admin", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "region_admin", "password": "region_admin-pass-9731"}).status_code == 429


def test_sessions_expire_and_cookies_are_guarded(world):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    response = Client().post(reverse("accounts:login"), {"username": "viewer", "password": "viewer-pass-9731"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert not cookie["expires"]  # a browser-session cookie


def test_security_headers_on_pages(world):
    response = logged_in(world.users["unit"]).get(reverse("rectification:task_progress", args=[world.home.task.pk]),
                                                  secure=True)  # HSTS is only sent over HTTPS
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_templates_have_no_inline_scripts():
    """CSP forbids inline scripts: every <script> in our templates loads a file."""
    for template in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            assert "src=" in tag, (template, tag)
        assert not re.search(r"\son[a-z]+\s*=", template.read_text()), template  # no onclick= etc.


def test_password_validators_refuse_weak_passwords(world):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678901", "password123", "viewer2026", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=world.users["viewer"])
    validate_password("绿水青山-Xuncha-2026!", user=world.users["viewer"])


def test_check_deploy_is_clean_under_production_settings():
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "ALLOWED_HOSTS"}}
    env.update(DEBUG="0", SECRET_KEY="q7Vw!x2#Lm9$Rt4^Zp8&Kd3*Hs6(Nb1)Jf5_Gc0+Ye-Ua=Oi~Xr", ALLOWED_HOSTS="xuncha.example.org",
               DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
