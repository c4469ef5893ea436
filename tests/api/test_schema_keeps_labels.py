"""Generating the OpenAPI schema leaves the pages' filter labels as they were (issue 19: after anyone opened
/api/schema/, 整改状态 read "Status" for every user until the server restarted)."""
import re

import pytest
from django.test import Client

from accounts.roles import Role
from rectification.filters import FindingFilterSet, RectificationTaskFilterSet
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def labels(html: str) -> list[str]:
    return re.findall(r'<label[^>]*class="filter-field[^"]*"[^>]*>\s*([^<]+?)\s*<', html)


def test_opening_the_schema_keeps_filter_labels_chinese(xianan):
    client = Client()
    client.force_login(make_user("labels-viewer", role=Role.VIEWER, region=xianan))
    before = {url: labels(client.get(url).content.decode()) for url in ("/tasks/", "/findings/", "/warnings/")}
    assert "整改状态" in before["/tasks/"] and "严重程度" in before["/findings/"]
    assert client.get("/api/schema/").status_code == 200
    after = {url: labels(client.get(url).content.decode()) for url in before}
    assert after == before
    for url, names in after.items():
        assert all(re.search(r"[\u4e00-\u9fff]", name) for name in names), (url, names)


def test_every_filter_has_its_label_when_the_class_is_built():
    # Labels are resolved once, at class creation, so no caller (a schema generator reading `base_filters`,
    # a page) can freeze a label-less field on the class that every later request copies.
    for filterset in (RectificationTaskFilterSet, FindingFilterSet):
        assert all(f.label for f in filterset.base_filters.values()), filterset
