"""`ScopeKey`: the one definition of a scope key's text, in Python and in the recompute's SQL."""
import pytest
from django.db import connection

from rectification.choices import RateScope
from rectification.rates import ScopeKey, scope_key

KEYS = [
    (ScopeKey.of(RateScope.OVERALL), "overall"),
    (ScopeKey.of(RateScope.REGION, "421202"), "region:421202"),
    (ScopeKey.of(RateScope.CATEGORY, "4212", "integrity"), "category:4212:integrity"),
    (ScopeKey.of(RateScope.ROUND, 7), "round:7"),
    (ScopeKey.of(RateScope.ORGANIZATION, 12), "organization:12"),
    (ScopeKey.of(RateScope.ROUND_ORGANIZATION, 7, 12), "round_organization:7:12"),
]


@pytest.mark.parametrize(("key", "text"), KEYS)
def test_a_key_formats_and_parses_back(key, text):
    assert str(key) == text == scope_key(key.scope, *key.parts)
    assert ScopeKey.parse(text) == key


def test_the_parts_are_named():
    assert ScopeKey.parse("category:4212:integrity").region_code == "4212"
    assert ScopeKey.parse("category:4212:integrity").category == "integrity"
    assert ScopeKey.parse("round_organization:7:12").round_id == 7
    assert ScopeKey.parse("round_organization:7:12").organization_id == 12
    assert ScopeKey.parse("organization:12").organization_id == 12


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "text"), KEYS)
def test_the_sql_renders_the_same_text(key, text):
    columns = [f"'{part}'" if not part.isdigit() or key.scope == RateScope.REGION else f"CAST({part} AS BIGINT)"
               for part in key.parts]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ScopeKey.sql(key.scope, *columns)}")
        assert cursor.fetchone()[0] == text
