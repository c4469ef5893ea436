"""Schemathesis against the live server: every operation of `/api/schema/`, no 5xx, every response as documented.

One test walks all operations (so the two-county world is built once on the live server's
database); each operation gets a bounded number of generated requests.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from tests.api.conftest import DAY1, snapshot, token_client

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_its_schema_says(live_server, world):
    snapshot(region=world.home.region, day=DAY1, closed=3)
    headers = {"Authorization": f"Token {token_client(world.users['region_admin']).key}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 26

    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
    # the requests really reached the API with the token (each is audited)
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN).count() >= 2 * len(operations)
