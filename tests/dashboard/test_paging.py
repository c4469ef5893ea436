"""Keyset pages: walking forwards and backwards gives every row once, in order, ties included."""
import pytest
from django.http import QueryDict

from dashboard.paging import keyset_page
from rectification.models import RectificationTask, TaskWarning

pytestmark = pytest.mark.django_db


def walk(queryset, fields, descending, per_page=4):
    rows, params = [], QueryDict(mutable=True)
    while True:
        page = keyset_page(queryset, params, fields=fields, descending=descending, per_page=per_page)
        rows += page.rows
        if not page.has_next:
            return rows
        params = QueryDict(mutable=True)
        params["after"] = page.last_cursor


def walk_back(queryset, fields, descending, per_page=4):
    rows, params = [], QueryDict("last=1", mutable=True)
    while True:
        page = keyset_page(queryset, params, fields=fields, descending=descending, per_page=per_page)
        rows = page.rows + rows
        if not page.has_previous:
            return rows
        params = QueryDict(mutable=True)
        params["before"] = page.first_cursor


@pytest.mark.parametrize("model, fields, descending", [
    (RectificationTask, ("deadline", "pk"), False),  # many tasks share a deadline
    (TaskWarning, ("issued_at", "pk"), True),
])
def test_walks_cover_every_row_once_in_order(home, model, fields, descending):
    home.grow(units=2, tasks=5)
    queryset = model.objects.all()
    order = [f"-{name}" if descending else name for name in fields]
    expected = list(queryset.order_by(*order))
    assert len(expected) > 10
    assert walk(queryset, fields, descending) == expected
    assert walk_back(queryset, fields, descending) == expected


def test_the_total_is_capped(home, monkeypatch):
    home.grow(units=1, tasks=3)
    monkeypatch.setattr("dashboard.paging.COUNT_LIMIT", 3)
    page = keyset_page(RectificationTask.objects.all(), QueryDict(), per_page=2)
    assert page.total == 3 and page.total_capped and page.has_next and not page.has_previous


def test_filters_survive_in_the_page_links(home):
    page = keyset_page(RectificationTask.objects.all(), QueryDict("category=a&category=b&after=x&stage=overdue"))
    assert page.query == "category=a&category=b&stage=overdue"
