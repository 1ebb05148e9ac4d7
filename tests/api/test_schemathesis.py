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


# Stateful: an order placed is then read, amended and canceled, and its position read,
# through the links the served schema gives its answer; every answer along the way
# keeps the contract.
STATEFUL_CHECKS = [
    *CHECKS,
    # A created order can be read at once. (Not use_after_free: a canceled order is
    # still there to read, canceled, as an exchange keeps it.)
    openapi_checks.ensure_resource_availability,
]


def orders_schema():
    """The served schema's orders and positions operations, links included."""
    return schemathesis.openapi.from_dict(api_schema()).include(
        path_regex=r"^/api/v1/(orders|positions/\{symbol\}$)"
    )


def test_orders_keep_their_contract_from_placing_to_canceling(live_server, fuzz_headers):
    seen: list[tuple[str, int]] = []

    class OrderLifecycle(orders_schema().as_state_machine()):
        def before_call(self, case):
            # Buys become an order that rests on the book, so that the links have an
            # order to follow; sells stay as generated, mostly to be refused with a 400.
            # (Decided by the drawn body alone: Hypothesis replays a case exactly.)
            placing = case.operation.label == "POST /api/v1/orders"
            if placing and isinstance(case.body, dict) and case.body.get("side") != "sell":
                case.body = {
                    "instrument": "BTC-PERP",
                    "side": "buy",
                    "type": "limit",
                    "quantity": "0.01",
                    "price": "30000",
                    "post_only": True,
                }

        def get_call_kwargs(self, case):
            return {"base_url": live_server.url, "headers": fuzz_headers}

        def after_call(self, response, case):
            super().after_call(response, case)
            seen.append((case.operation.label, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs, recorder=self.recorder
            )

    OrderLifecycle.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    followed = {label for label, status in seen if label != "POST /api/v1/orders"}
    assert ("POST /api/v1/orders", 201) in seen
    assert {
        "GET /api/v1/orders/{order_id}",
        "DELETE /api/v1/orders/{order_id}",
        "GET /api/v1/positions/{symbol}",
    } <= followed, seen


def test_the_served_schema_links_a_placed_order_to_its_reads_and_refuses_dangling_links(
    monkeypatch,
):
    from config.api import schema as api_schema_module

    placed = api_schema()["paths"]["/api/v1/orders"]["post"]["responses"]
    for status in ("201", "200"):
        assert placed[status]["links"]["CancelTheOrder"] == {
            "operationId": "orders_cancel",
            "parameters": {"order_id": "$response.body#/id"},
        }
    monkeypatch.setitem(
        api_schema_module.LINKS,
        "orders_place",
        {"Gone": {"operationId": "orders_vanished", "parameters": {}}},
    )
    with pytest.raises(ValueError, match="orders_vanished"):
        api_schema()
