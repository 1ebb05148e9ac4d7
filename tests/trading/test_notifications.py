"""Notifications: margin warnings once per fall, what the risk workers did, and the API."""

from decimal import Decimal

import pytest
from django.core import mail

from market import services as market_services
from tests.factories.market import btc_market, move
from tests.trading.test_tasks import eager, fixed_rate, place, stop_of  # noqa: F401
from trading import selectors, services, tasks
from trading.models import Account, JournalEntry, Liquidation, Notification, Order, Position
from trading.services.orders import Exit

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


@pytest.fixture
def run_risk(django_capture_on_commit_callbacks):
    """Run the tick reaction as a worker would, and what waits for its commits (emails)."""

    def run(instrument):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.instrument_risk.apply(kwargs={"instrument_id": instrument.pk}).get()

    return run


def price_at_level(account, instrument, level: Decimal) -> Decimal:
    """The whole-dollar mark at which the account's short reaches about ``level``."""
    price = Decimal(50000)
    while True:
        state = selectors.margin_state(account=account, quotes={instrument.pk: price})
        if state.margin_level <= level:
            return price
        price += 10


@pytest.fixture
def leveraged_short(account, market):
    """A 50x short of 40 BTC-PERP at about 50,000."""
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(50))
    place(account, quantity="40")
    return account


def warnings_of(account):
    return Notification.objects.filter(account=account, kind=Notification.Kind.MARGIN_WARNING)


# Margin warnings -------------------------------------------------------------------


def test_a_fall_through_the_warning_level_warns_once_by_notification_and_email(
    leveraged_short, market, run_risk, user
):
    perp = market["BTC-PERP"]
    move(price_at_level(leveraged_short, perp, Decimal("1.4")))

    run_risk(perp)
    run_risk(perp)  # The next tick, still below: no second warning.

    warning = warnings_of(leveraged_short).get()
    assert Decimal(warning.data["margin_level"]) <= Decimal("1.5")
    assert "liquidat" in warning.message
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Margin level" in mail.outbox[0].subject
    assert not Liquidation.objects.exists()
    leveraged_short.refresh_from_db()
    assert leveraged_short.margin_warned_at is not None


def test_the_warning_is_armed_again_once_margin_recovers(leveraged_short, market, run_risk):
    perp = market["BTC-PERP"]
    low = price_at_level(leveraged_short, perp, Decimal("1.4"))
    move(low)
    run_risk(perp)
    move(price_at_level(leveraged_short, perp, Decimal("1.6")))
    run_risk(perp)  # Between the two levels: still armed off, nothing new.
    assert warnings_of(leveraged_short).count() == 1

    move("50000")  # Back well above the re-arm level.
    run_risk(perp)
    leveraged_short.refresh_from_db()
    assert leveraged_short.margin_warned_at is None

    move(low)
    run_risk(perp)
    assert warnings_of(leveraged_short).count() == 2
    assert len(mail.outbox) == 2


def test_two_workers_seeing_the_fall_write_one_warning(leveraged_short):
    for _ in range(2):
        services.margin_warning_check(account=leveraged_short, margin_level=Decimal("1.2"))
    assert warnings_of(leveraged_short).count() == 1


@pytest.mark.usefixtures("eager")
def test_an_account_that_closed_everything_is_armed_again_by_the_sweep(
    leveraged_short, market, run_risk
):
    perp = market["BTC-PERP"]
    move(price_at_level(leveraged_short, perp, Decimal("1.4")))
    run_risk(perp)
    services.position_close(account=leveraged_short, instrument=perp)

    tasks.risk_sweep.apply()

    leveraged_short.refresh_from_db()
    assert leveraged_short.margin_warned_at is None


def test_a_safe_account_is_not_warned(account, market, run_risk):
    place(account, quantity="0.1")
    move("51000")
    run_risk(market["BTC-PERP"])
    assert not Notification.objects.exists()
    assert mail.outbox == []


# What the workers did -----------------------------------------------------------------


def test_a_triggered_stop_is_notified_with_its_fill(account, market, run_risk):
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    move("53000")

    run_risk(market["BTC-PERP"])

    stop = stop_of(entry)
    notification = Notification.objects.get(account=account)
    assert notification.kind == Notification.Kind.STOP_TRIGGERED
    assert notification.data["order_id"] == stop.pk
    assert notification.data["status"] == Order.Status.FILLED
    assert Decimal(notification.data["average_price"]) == stop.average_price
    assert "BTC-PERP" in notification.title


def test_a_triggered_take_profit_is_notified(account, market, run_risk):
    place(account, take_profit=Exit(stop_price=Decimal("48000")))
    move("47500")

    run_risk(market["BTC-PERP"])

    assert Notification.objects.get(account=account).kind == (
        Notification.Kind.TAKE_PROFIT_TRIGGERED
    )


def test_a_liquidation_is_notified_and_emailed(leveraged_short, market, run_risk):
    perp = market["BTC-PERP"]
    liquidation_price = selectors.margin_state(account=leveraged_short).views[0].liquidation_price
    move(liquidation_price + 50)

    run_risk(perp)

    liquidation = Liquidation.objects.get()
    notification = Notification.objects.get(
        account=leveraged_short, kind=Notification.Kind.LIQUIDATION
    )
    assert notification.data["liquidation_id"] == liquidation.pk
    assert any("Liquidated" in message.subject for message in mail.outbox)


@pytest.mark.usefixtures("eager")
def test_funding_is_charged_to_each_position_once_without_a_notification(market, user_factory):
    """A carrying charge shows in the ledger and the position's costs, not as a notification."""
    short = selectors.paper_account_for_user(user=user_factory())
    long = selectors.paper_account_for_user(user=user_factory())
    place(short, side="sell")
    place(long, side="buy")
    fixed_rate(market["BTC-PERP"])
    told_before = Notification.objects.count()

    tasks.funding_apply_due.apply()
    tasks.funding_apply_due.apply()

    payment = (Decimal("0.1") * Decimal("50000") * Decimal("0.0001")).quantize(Decimal("1e-8"))
    funding = JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING)
    assert funding.count() == 2
    assert Position.objects.get(account=short).funding_paid == -payment
    assert Position.objects.get(account=long).funding_paid == payment
    assert Notification.objects.count() == told_before
    assert not Notification.objects.filter(kind=Notification.Kind.FUNDING).exists()


@pytest.mark.usefixtures("eager")
def test_a_settlement_is_notified(market, account):
    place(account, symbol="BTC-FUT", quantity="0.2")
    market_services.index_move(symbol="BTC", price=Decimal("48000"), now=market["BTC-FUT"].expiry)

    tasks.risk_sweep.apply()

    notification = Notification.objects.get(account=account, kind=Notification.Kind.SETTLEMENT)
    assert notification.data["instrument"] == "BTC-FUT"
    assert Decimal(notification.data["amount"]) > 0  # A short of a future that fell.


# The API -----------------------------------------------------------------------------


def notify(account, title="Hello"):
    return services.notification_create(
        account=account, kind=Notification.Kind.ORDER_FILLED, title=title, message="m"
    )


@pytest.fixture
def own_and_others(user, other_user):
    mine = selectors.paper_account_for_user(user=user)
    theirs = selectors.paper_account_for_user(user=other_user)
    return [notify(mine, f"Mine {i}") for i in range(3)], notify(theirs, "Theirs")


def test_the_list_shows_only_your_notifications_newest_first(user_client, own_and_others):
    mine, _ = own_and_others

    body = user_client.get("/api/v1/notifications").json()

    assert [n["id"] for n in body["results"]] == [n.pk for n in reversed(mine)]
    assert all(n["title"].startswith("Mine") for n in body["results"])
    assert body["results"][0]["kind"] == "order_filled"
    assert body["results"][0]["read_at"] is None


def test_the_list_is_paginated_and_filters_unread(user_client, own_and_others):
    mine, _ = own_and_others
    first = user_client.get("/api/v1/notifications", {"page_size": 2}).json()
    assert len(first["results"]) == 2
    second = user_client.get(first["next"]).json()
    assert [n["id"] for n in second["results"]] == [mine[0].pk]

    user_client.post(f"/api/v1/notifications/{mine[1].pk}/read")
    unread = user_client.get("/api/v1/notifications", {"unread": "true"}).json()
    assert {n["id"] for n in unread["results"]} == {mine[0].pk, mine[2].pk}


def test_marking_read_is_your_own_only(user_client, own_and_others):
    mine, theirs = own_and_others

    response = user_client.post(f"/api/v1/notifications/{mine[0].pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None

    response = user_client.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_yours_and_leaves_others(user_client, own_and_others):
    _, theirs = own_and_others

    response = user_client.post("/api/v1/notifications/read-all")

    assert response.json() == {"marked": 3}
    assert user_client.post("/api/v1/notifications/read-all").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bad_input_is_a_400_in_the_error_shape(user_client, own_and_others):
    response = user_client.get("/api/v1/notifications", {"unread": "perhaps"})
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert "unread" in response.json()["error"]["fields"]
    response = user_client.get("/api/v1/notifications", {"cursor": "garbage"})
    assert response.status_code == 400


def test_notifications_need_authentication(api_client):
    assert api_client.get("/api/v1/notifications").status_code == 401
    assert api_client.post("/api/v1/notifications/read-all").status_code == 401


def test_margin_warning_state_lives_on_the_account(leveraged_short):
    services.margin_warning_check(account=leveraged_short, margin_level=Decimal("1.1"))
    assert Account.objects.filter(margin_warned_at__isnull=False).get() == leveraged_short
