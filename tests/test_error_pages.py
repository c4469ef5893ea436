"""Errors people understand: styled Chinese 403/404/500 pages with a way back (not Django's bare English pages)."""
import pytest
from django.test import Client, override_settings
from django.urls import path

from accounts.roles import Role
from config.urls import urlpatterns as project_urls
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [*project_urls, path("broken/", broken)]


def test_a_missing_page_is_a_chinese_page_with_ways_back(client, xianan):
    client.force_login(make_user("err-viewer", role=Role.VIEWER, region=xianan))
    response = client.get("/organizations/999999/", HTTP_REFERER="http://testserver/tasks/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "没有找到该页面或记录" in page and "不在您的管辖范围内" in page
    assert 'href="http://testserver/tasks/">返回上一页' in page and 'href="/">返回总览' in page
    assert "Not Found" not in page and 'class="site-nav"' in page


def test_a_refused_action_is_a_chinese_page_saying_why(client, xianan):
    client.force_login(make_user("err-viewer", role=Role.VIEWER, region=xianan))
    response = client.post("/ingest/", {})
    page = response.content.decode()
    assert response.status_code == 403
    assert "您没有权限执行此操作" in page and "只有巡察办管理员、巡察组成员和 API 客户端可以上传文章" in page
    assert "返回总览" in page and "Forbidden" not in page


def test_a_stale_form_is_explained():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "重新登录" in page and "CSRF" not in page


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_a_chinese_page():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统暂时出错" in page and 'href="/">返回总览' in page and "Server Error" not in page
