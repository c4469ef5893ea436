"""The OpenAPI schema validates without warnings; Swagger UI and Redoc load from local files under the CSP;
all three are for logged-in users with a reading role."""
import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from accounts.roles import Role
from api.services import token_issue
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DOCS = ["/api/schema/", "/api/schema/swagger/", "/api/schema/redoc/"]


@pytest.fixture
def reader(xianan):
    """A logged-in 查看人员."""
    client = Client()
    client.force_login(make_user("docs-reader", role=Role.VIEWER, region=xianan))
    return client


def test_the_schema_and_its_pages_need_a_reading_role(xianan):
    for url in DOCS:
        response = Client().get(url)
        assert response.status_code in (302, 401), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
    assert Client().get("/api/schema/").status_code == 401
    roleless = Client()
    roleless.force_login(make_user("docs-roleless", region=xianan))
    assert [roleless.get(url).status_code for url in DOCS] == [403, 403, 403]
    _, key = token_issue(user=make_user("docs-client", role=Role.API_CLIENT, region=xianan), name="文档")
    assert Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_spectacular_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=io.StringIO())
    text = out.read_text()
    assert "/api/v1/rates/" in text and "/api/v1/tasks/{id}/close/" in text


def test_every_operation_parameter_and_field_is_described(reader):
    import yaml

    schema = yaml.safe_load(reader.get("/api/schema/").content)
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation.get("summary") and not operation.get("description"):
                missing.append(f"{method} {path}")
            missing += [f"{method} {path} ?{p['name']}" for p in operation.get("parameters", []) if not p.get("description")]
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), path
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if "description" not in spec and "$ref" not in spec and "allOf" not in spec:
                missing.append(f"{name}.{field}")
    assert not missing, missing


def _csp(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())


@pytest.mark.parametrize("url", ["/api/schema/swagger/", "/api/schema/redoc/"])
def test_docs_pages_load_local_scripts_only(reader, url):
    client = reader
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html  # no inline code for the CSP to refuse
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sources
    for source in sources:
        assert not source.startswith(("http:", "https:", "//")), source
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/").split("?")[0]), source
        else:  # the Swagger start script is served by the view itself
            script = client.get(source)
            assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
            assert "/api/schema/" in script.content.decode()
    policy = _csp(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "http" not in response["Content-Security-Policy"]
