"""The interface is Chinese whatever language a browser or client asks for (Accept-Language)."""
import pytest

from accounts.roles import Role
from api.services import token_issue
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_django_s_own_pages_and_form_errors_stay_chinese_for_an_english_browser(client):
    page = client.get("/admin/login/", **ENGLISH).content.decode()
    assert "登录" in page and "Log in" not in page
    page = client.post("/admin/login/", {"username": "nobody", "password": "wrong"}, **ENGLISH).content.decode()
    assert "请输入一个正确的" in page and "Please enter" not in page


def test_api_framework_messages_stay_chinese_for_an_english_client(client, xianan):
    _, key = token_issue(user=make_user("lang-viewer", role=Role.VIEWER, region=xianan), name="语言")
    response = client.get("/api/v1/rates/?scope=bogus", HTTP_AUTHORIZATION=f"Token {key}", **ENGLISH)
    assert response.status_code == 400
    assert "选择一个有效的选项" in str(response.json()["error"]["fields"]), response.json()
