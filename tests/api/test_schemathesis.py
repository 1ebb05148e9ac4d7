"""Contract fuzzing: schemathesis drives the live API from its own schema.

Every operation in /api/v1/schema/ is called with generated input, authenticated
by an API key with the trade scope, over a real server, PostgreSQL and Redis. No
answer may be a 500, and every answer must match the schema: its status code, its
content type, its headers and its body.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import checks
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

from tests.factories.accounts import api_key_issue

# Bounded so the whole run stays well under two minutes on two cores.
MAX_EXAMPLES = 5
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


def api_schema() -> dict:
    """The schema /api/v1/schema/ serves, built in this process."""
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(api_schema())


@pytest.fixture
def fuzz_headers(live_server, live_market, user, monkeypatch) -> dict:
    """A trade-scoped API key; the fuzzer is one client sending hundreds of requests a
    minute, so the limit is lifted (the throttle tests hold it) to show behaviour."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"client": "100000/min", "anon": "100000/min"}
    )
    key = api_key_issue(user=user, scope="trade").key
    return {"Authorization": f"Api-Key {key}"}


def test_the_api_keeps_its_contract(live_server, fuzz_headers):
    """Fuzz every operation in turn; report every operation that broke the contract."""
    failures = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(base_url=live_server.url, headers=fuzz_headers, checks=CHECKS)

        try:
            fuzz()
        except (Exception, FailureGroup) as error:  # One report lists every broken operation.
            failures[operation.label] = error

    report = "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())
    assert not failures, f"Broken: {', '.join(failures)}\n\n{report}"
