"""Object-level authorization over every API endpoint, found from the URL resolver.

Every route under /api/v1/ whose path names something is classified here: either
it names a user's own object (the matrix then asks for another user's and expects
exactly what a missing one gets, a 404, with nothing changed), or it names
something public (an instrument, a guide, a scenario) or acts on the caller's own
settings. A new route that is in neither list fails the build until it is.

Then the credentials: a read-only API key cannot use any unsafe method, a revoked
key and an expired session are refused.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts_services
from education.models import Scenario
from education.services.scenarios import scenario_run_start
from tests.factories.accounts import api_key_issue
from tests.factories.market import btc_market
from trading import selectors, services
from trading.models import Order
from trading.services.notifications import notification_create
from trading.services.orders import OrderRequest

API_PREFIX = "api/v1/"
MISSING_ID = 987_654_321
UNSAFE_METHODS = ("post", "put", "patch", "delete")

# Routes whose path names something anyone may see, or the caller's own settings on
# a public instrument: no other user's object can be named through them.
PUBLIC_ROUTES = {
    "api-instrument-detail",
    "api-instrument-ticker",
    "api-instrument-candles",
    "api-instrument-indicators",
    "api-instrument-sentiment",
    "api-instrument-orderbook",
    "api-instrument-trades",
    "api-guide-detail",
    "api-guide-read",
    "api-guide-quiz",
    "api-guide-quiz-attempts",
    "api-scenario-detail",
    "api-scenario-start",
    "api-position-leverage",
    "api-position-margin-mode",
    # Moves margin in or out of the caller's own isolated position; with none, 409.
    "api-position-margin",
}
# Path parameters that name a user's own object.
OWNED_PARAMETERS = {"key_id", "order_id", "notification_id", "run_id"}
# Routes that name the caller's position by its instrument's symbol.
OWNED_POSITION_ROUTES = {"api-position-detail", "api-position-close"}
# A valid body where a route reads one, so the answer turns on the object alone.
BODIES = {
    "api-order-detail": {"quantity": "0.002"},
    "api-position-margin": {"amount": "10"},
    "api-scenario-run-speed": {"speed": 3600},
    "api-scenario-run-orders": {
        "kind": "perpetual", "side": "sell", "type": "market", "quantity": "1"
    },
}  # fmt: skip


def api_routes():
    """(route, name, view class) of every API route with a path parameter."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith(API_PREFIX) and pattern.pattern.converters:
            yield route, pattern.name, pattern.callback.view_class


def methods(view_class) -> list[str]:
    return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]


ROUTES = sorted(api_routes())


def route_parameters(route: str) -> list[str]:
    return [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]


OWNED_ROUTES = [
    (route, name, view)
    for route, name, view in ROUTES
    if name in OWNED_POSITION_ROUTES or set(route_parameters(route)) & OWNED_PARAMETERS
]


def test_every_route_that_names_something_is_classified():
    owned = {name for _, name, _ in OWNED_ROUTES}
    unclassified = [name for _, name, _ in ROUTES if name not in PUBLIC_ROUTES | owned]
    assert unclassified == [], "Classify these routes in tests/api/test_authz_matrix.py"
    assert len(OWNED_ROUTES) >= 10


@pytest.fixture
def world(user, other_user):
    """Another user's key, order, position, notification and scenario run."""
    btc_market()
    other_account = selectors.paper_account_for_user(user=other_user)
    services.order_place(
        account=other_account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.01")
        ),
    )
    resting, _ = services.order_place(
        account=other_account,
        request=OrderRequest(
            instrument="BTC-PERP", side="buy", type="limit", quantity=Decimal("0.005"),
            price=Decimal("40000"),
        ),
    )  # fmt: skip
    scenario = Scenario.objects.create(
        slug="authz-squeeze",
        title="Authorization squeeze",
        summary="Twelve hours of April 2019.",
        interval="1h",
        start=datetime(2019, 4, 2, 0, tzinfo=UTC),
        end=datetime(2019, 4, 2, 11, tzinfo=UTC),
        default_speed=3600,
    )
    run = scenario_run_start(user=other_user, scenario=scenario)
    notification = notification_create(account=other_account, kind="info", title="Hello")
    return {
        "key_id": api_key_issue(user=other_user).api_key.pk,
        "order_id": resting.pk,
        "notification_id": notification.pk,
        "run_id": run.pk,
        "symbol": "BTC-PERP",
        "kind": "perpetual",
        "slug": scenario.slug,
        "resting": resting,
        "account": other_account,
    }


def url(route: str, values: dict) -> str:
    path = route
    for name in route_parameters(route):
        start = path.index("<")
        path = path[:start] + str(values[name]) + path[path.index(">", start) + 1 :]
    return "/" + path


def snapshot(world) -> tuple:
    """What another user owns, to check that nothing of it changed."""
    resting = Order.objects.get(pk=world["resting"].pk)
    account = world["account"]
    positions = tuple(
        (view.instrument.symbol, view.quantity)
        for view in selectors.position_views(account=account)
    )
    return (resting.status, resting.quantity, positions, selectors.account_summary(account=account))


@pytest.mark.parametrize(
    ("route", "name", "method"),
    [(route, name, method) for route, name, view in OWNED_ROUTES for method in methods(view)],
)
def test_another_users_object_is_a_404_like_a_missing_one(user_client, world, route, name, method):
    before = snapshot(world)
    body = BODIES.get(name, {})
    theirs = getattr(user_client, method)(url(route, world), body, format="json")
    missing_values = {**world, **{p: MISSING_ID for p in OWNED_PARAMETERS}, "symbol": "BTC-PERP"}
    assert theirs.status_code == 404, (method, route, theirs.content)
    assert theirs.json()["error"]["code"] == "not_found"
    if not set(route_parameters(route)) & OWNED_PARAMETERS:
        return  # A position: the caller has none in BTC-PERP, as if it did not exist.
    missing = getattr(user_client, method)(url(route, missing_values), body, format="json")
    assert missing.status_code == 404
    assert theirs.json() == missing.json()
    assert snapshot(world) == before


def every_api_operation():
    """(route, name, method) of every API operation, with or without path parameters."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None)
        if route.startswith(API_PREFIX) and view is not None:
            for method in methods(view):
                yield route, pattern.name, method


# POSTs that change nothing: a read-only key may make them.
READS_BY_POST = {"api-orders-preview"}
UNSAFE_OPERATIONS = sorted(
    (route, name, method)
    for route, name, method in every_api_operation()
    if method in UNSAFE_METHODS and name not in READS_BY_POST
)


def test_there_are_unsafe_operations_to_check():
    assert len(UNSAFE_OPERATIONS) >= 15


@pytest.mark.parametrize(("route", "name", "method"), UNSAFE_OPERATIONS)
def test_a_read_only_key_cannot_change_anything(
    key_client_factory, user, world, route, name, method
):
    client = key_client_factory(user=user, scope="read")
    own = {**world, "key_id": client.api_key.pk}
    response = getattr(client, method)(url(route, own), BODIES.get(name, {}), format="json")
    assert response.status_code == 403, (method, route, response.content)
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_read_only_key_can_read(key_client_factory, user, world):
    client = key_client_factory(user=user, scope="read")
    assert client.get("/api/v1/orders").status_code == 200
    assert client.get("/api/v1/account").status_code == 200
    body = {"instrument": "BTC-PERP", "side": "sell", "type": "market", "quantity": "0.01"}
    orders_before = Order.objects.count()
    assert client.post("/api/v1/orders/preview", body, format="json").status_code == 200
    assert Order.objects.count() == orders_before


def test_a_revoked_key_is_refused(key_client_factory, user, world):
    client = key_client_factory(user=user, scope="trade")
    assert client.get("/api/v1/account").status_code == 200
    accounts_services.api_key_revoke(api_key=client.api_key)
    for method, path in (("get", "/api/v1/account"), ("post", "/api/v1/orders")):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 401, response.content
        assert response.json()["error"]["code"] == "authentication_failed"
        assert response["WWW-Authenticate"] == "Api-Key"


def test_an_expired_session_is_refused(user, world):
    client = APIClient()
    client.force_login(user)
    assert client.get("/api/v1/account").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/account")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_expired_app_session_token_is_refused(db, world):
    signup = APIClient().post(
        "/_allauth/app/v1/auth/signup",
        {"email": "phone@example.com", "password": "a long and unusual passphrase"},
        format="json",
    )
    token = signup.json()["meta"]["session_token"]
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=token)
    assert client.get("/api/v1/account").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/account")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "authentication_failed")
