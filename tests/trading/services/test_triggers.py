"""Stops, take-profits and trailing stops triggering; resting orders filling; GTD expiry."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from market.models import Instrument, Trade
from market.services import instrument_set_status
from tests.factories.market import btc_market, move
from tests.trading.test_concurrency import run_concurrently
from trading import engine, selectors, services
from trading.models import Fill, Order, Position
from trading.services.orders import Exit, OrderRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


def place(account, symbol="BTC-PERP", side="sell", type="market", quantity="0.1", **fields):
    request = OrderRequest(
        instrument=symbol, side=side, type=type, quantity=Decimal(quantity), **fields
    )
    order, _ = services.order_place(account=account, request=request)
    return order


def position(account, symbol="BTC-PERP"):
    return Position.objects.get(account=account, instrument__symbol=symbol)


def check(market, symbol="BTC-PERP"):
    return services.conditional_orders_check(instrument=market[symbol])


def exits_of(entry):
    return {child.role: child for child in entry.attached.all()}


def refreshed(order):
    order.refresh_from_db()
    return order


# Stops and take-profits ----------------------------------------------------------------


def test_a_shorts_stop_loss_closes_it_and_cancels_the_take_profit(market, account):
    entry = place(
        account,
        stop_loss=Exit(stop_price=Decimal("52500")),
        take_profit=Exit(stop_price=Decimal("45000")),
    )
    exits = exits_of(entry)
    move("52000")
    assert check(market) == []

    move("53000")
    triggered = check(market)

    assert [order.pk for order in triggered] == [exits["stop_loss"].pk]
    stop = triggered[0]
    assert stop.status == Order.Status.FILLED
    assert stop.triggered_at is not None
    assert stop.filled_quantity == Decimal("0.1")
    assert stop.average_price > Decimal("52500")  # bought back at the market, near 53,000
    short = position(account)
    assert short.quantity == 0
    assert short.realized_pnl == (entry.average_price - stop.average_price) * Decimal("0.1")
    assert refreshed(exits["take_profit"]).status == Order.Status.CANCELED
    assert selectors.ledger_problems() == []

    # Running the check again changes nothing.
    assert check(market) == []
    assert Fill.objects.filter(order=stop).count() == 1


def test_a_take_profit_fills_when_the_price_falls_below_it(market, account):
    entry = place(
        account,
        stop_loss=Exit(stop_price=Decimal("52500")),
        take_profit=Exit(stop_price=Decimal("45000")),
    )
    exits = exits_of(entry)
    move("44000")

    triggered = check(market)

    assert [order.pk for order in triggered] == [exits["take_profit"].pk]
    assert triggered[0].status == Order.Status.FILLED
    assert position(account).quantity == 0
    assert position(account).realized_pnl > 0
    assert refreshed(exits["stop_loss"]).status == Order.Status.CANCELED
    assert selectors.ledger_problems() == []


def test_a_trailing_stop_follows_the_price_down_and_triggers_on_the_rebound(market, account):
    place(account, symbol="BTC-CFD")
    trailing = place(
        account,
        symbol="BTC-CFD",
        side="buy",
        type="trailing_stop",
        trailing_amount=Decimal("1000"),
        reduce_only=True,
    )
    assert trailing.trailing_best_price == Decimal("50000")

    for price, best in (("48000", "48000"), ("47000", "47000"), ("47500", "47000")):
        move(price)
        assert check(market, "BTC-CFD") == []
        assert refreshed(trailing).trailing_best_price == Decimal(best)
    move("47999.5")  # Just below the stop, 1,000 above the best price.
    assert check(market, "BTC-CFD") == []

    move("48000")
    triggered = check(market, "BTC-CFD")

    assert [order.pk for order in triggered] == [trailing.pk]
    assert triggered[0].status == Order.Status.FILLED
    assert position(account, "BTC-CFD").quantity == 0
    assert selectors.ledger_problems() == []


def test_a_stop_watches_the_index_or_the_mark_as_told(market, account):
    # A basis of 50% a year puts the future's mark about 4% above the index.
    Instrument.objects.filter(symbol="BTC-FUT").update(basis_rate=Decimal("0.5"))
    place(account, symbol="BTC-FUT", quantity="0.2")
    by_mark, by_index = (
        place(
            account,
            symbol="BTC-FUT",
            side="buy",
            type="stop_market",
            stop_price=Decimal("53000"),
            trigger_by=trigger_by,
            reduce_only=True,
        )
        for trigger_by in (Order.TriggerBy.MARK, Order.TriggerBy.INDEX)
    )

    move("51500")  # Mark about 53,600: above the stop; the index is not.
    assert [order.pk for order in check(market, "BTC-FUT")] == [by_mark.pk]
    assert position(account, "BTC-FUT").quantity == Decimal("-0.1")
    assert refreshed(by_index).triggered_at is None

    move("53000")
    assert [order.pk for order in check(market, "BTC-FUT")] == [by_index.pk]
    assert position(account, "BTC-FUT").quantity == 0


def test_an_exit_waits_for_its_entry_to_fill(market, account):
    entry = place(
        account, type="limit", price=Decimal("55000"), stop_loss=Exit(stop_price=Decimal("57000"))
    )
    stop = exits_of(entry)["stop_loss"]
    move("58000")

    assert check(market) == []
    assert refreshed(stop).triggered_at is None
    assert refreshed(stop).status == Order.Status.NEW

    # The price traded through the entry: it fills, and now its stop-loss triggers.
    assert services.resting_orders_fill_on_reference(instrument=market["BTC-PERP"]) == 1
    assert position(account).quantity == Decimal("-0.1")
    assert [order.pk for order in check(market)] == [stop.pk]
    assert position(account).quantity == 0


def test_an_exit_closes_only_what_its_entry_filled(market, account, other_user):
    entry = place(
        account,
        type="limit",
        quantity="0.5",
        price=Decimal("50002.5"),
        stop_loss=Exit(stop_price=Decimal("52500")),
    )
    place(selectors.paper_account_for_user(user=other_user), side="buy", quantity="0.3")
    assert position(account).quantity == Decimal("-0.3")
    move("53000")

    [stop] = check(market)

    assert stop.quantity == stop.filled_quantity == Decimal("0.3")
    assert stop.status == Order.Status.FILLED
    assert position(account).quantity == 0
    # The stop's market buy reached the entry's own unfilled rest: self-trade
    # prevention canceled it rather than trade the account with itself.
    assert refreshed(entry).status == Order.Status.CANCELED
    assert selectors.ledger_problems() == []


def test_a_stop_limit_rests_at_its_limit_once_triggered(market, account):
    place(account, symbol="BTC-CFD")
    stop = place(
        account,
        symbol="BTC-CFD",
        side="buy",
        type="stop_limit",
        stop_price=Decimal("52000"),
        price=Decimal("51000"),
        reduce_only=True,
    )
    move("52500")

    [triggered] = check(market, "BTC-CFD")

    assert triggered.pk == stop.pk
    assert triggered.status == Order.Status.TRIGGERED
    assert triggered.triggered_at is not None
    assert position(account, "BTC-CFD").quantity == Decimal("-0.1")
    assert selectors.resting_orders().filter(pk=stop.pk).exists()
    fresh = Instrument.objects.get(symbol="BTC-CFD")  # with the underlying's latest tick
    bids = selectors.order_book_depth(instrument=fresh, depth=50)["bids"]
    assert any(
        level.price == Decimal("51000") and level.users_quantity == Decimal("0.1") for level in bids
    )
    assert check(market, "BTC-CFD") == []

    move("50500")
    assert services.resting_orders_fill_on_reference(instrument=market["BTC-CFD"]) == 1
    stop.refresh_from_db()
    assert stop.status == Order.Status.FILLED
    assert stop.average_price == Decimal("51000")
    assert position(account, "BTC-CFD").quantity == 0
    assert selectors.ledger_problems() == []


def test_an_exit_with_nothing_left_to_close_is_canceled_with_its_partner(market, account):
    entry = place(
        account,
        stop_loss=Exit(stop_price=Decimal("52500")),
        take_profit=Exit(stop_price=Decimal("45000")),
    )
    exits = exits_of(entry)
    place(account, side="buy")  # closed by hand, not through position_close
    move("53000")

    [stop] = check(market)

    assert stop.pk == exits["stop_loss"].pk
    assert stop.status == Order.Status.CANCELED
    assert stop.reject_reason == "position_closed"
    assert not Fill.objects.filter(order=stop).exists()
    assert refreshed(exits["take_profit"]).status == Order.Status.CANCELED


def test_a_refused_trigger_is_rejected_and_others_still_execute(market, account, other_user):
    # A breakdown entry far larger than the account's margin can carry.
    too_big = place(account, type="stop_market", quantity="90", stop_price=Decimal("48000"))
    other = selectors.paper_account_for_user(user=other_user)
    entry = place(other, side="buy", stop_loss=Exit(stop_price=Decimal("48500")))
    stop = exits_of(entry)["stop_loss"]
    move("47500")

    triggered = {order.pk: order for order in check(market)}

    assert set(triggered) == {too_big.pk, stop.pk}
    assert triggered[too_big.pk].status == Order.Status.REJECTED
    assert triggered[too_big.pk].reject_reason == "insufficient_margin"
    assert triggered[too_big.pk].triggered_at is not None
    assert not Fill.objects.filter(order=too_big).exists()
    assert position(account).quantity == 0
    assert triggered[stop.pk].status == Order.Status.FILLED
    assert position(other).quantity == 0
    assert check(market) == []
    assert selectors.ledger_problems() == []


def test_nothing_triggers_while_the_instrument_is_halted(market, account):
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    move("53000")
    instrument_set_status(instrument=market["BTC-PERP"], status=Instrument.Status.HALTED)

    assert check(market) == []
    assert refreshed(exits_of(entry)["stop_loss"]).triggered_at is None


# Resting orders on the reference price -------------------------------------------------


def test_a_resting_limit_fills_at_its_own_price_when_the_price_trades_through(market, account):
    sell = place(account, type="limit", price=Decimal("50500"))
    buy = place(account, side="buy", type="limit", price=Decimal("49000"))
    assert sell.status == Order.Status.NEW
    move("51000")

    assert services.resting_orders_fill_on_reference(instrument=market["BTC-PERP"]) == 1

    sell.refresh_from_db()
    assert sell.status == Order.Status.FILLED
    assert sell.average_price == Decimal("50500")
    fill = Fill.objects.get(order=sell)
    assert fill.price == Decimal("50500")
    assert fill.liquidity == Fill.Liquidity.MAKER
    assert fill.counterparty == Fill.Counterparty.MARKET
    assert fill.fee == Decimal("50500") * Decimal("0.1") * Decimal("0.0002")
    short = position(account)
    assert short.quantity == Decimal("-0.1")
    assert short.entry_price == Decimal("50500")
    assert selectors.account_cash(account=account) == Decimal("100000") - fill.fee
    assert Trade.objects.filter(price=Decimal("50500"), taker_side="buy").exists()
    assert refreshed(buy).status == Order.Status.NEW
    assert selectors.ledger_problems() == []

    assert services.resting_orders_fill_on_reference(instrument=market["BTC-PERP"]) == 0


def test_a_book_loaded_for_a_taker_holds_only_the_orders_it_can_meet(market, account, user_factory):
    other = selectors.paper_account_for_user(user=user_factory())
    asks = [place(account, type="limit", price=Decimal(p)) for p in ("50500", "51000", "52000")]
    bids = [place(other, side="buy", type="limit", price=Decimal(p)) for p in ("49000", "49500")]
    perp = market["BTC-PERP"]

    def ids(meeting):
        book = selectors.order_book_load(instrument=perp, meeting=meeting)
        return {r.order.id for side in engine.Side for r in book.orders(side)}

    assert ids([("buy", Decimal("51000"))]) == {asks[0].pk, asks[1].pk}
    assert ids([("buy", None)]) == {order.pk for order in asks}
    assert ids([("sell", Decimal("49500"))]) == {bids[1].pk}
    assert ids([("sell", Decimal("50000")), ("buy", Decimal("50000"))]) == set()
    assert ids(None) == {order.pk for order in asks + bids}
    assert selectors.resting_orders_meet(instrument=perp, meeting=[("buy", Decimal("50500"))])
    assert not selectors.resting_orders_meet(instrument=perp, meeting=[("sell", Decimal("50000"))])


def test_the_screen_finds_each_instrument_a_tick_has_work_in(market, account, user_factory):
    perp, cfd = market["BTC-PERP"], market["BTC-CFD"]
    other = selectors.paper_account_for_user(user=user_factory())
    place(account, type="limit", price=Decimal("52000"))  # A perpetual's ask above the price.
    place(other, symbol="BTC-CFD", side="buy", type="limit", price=Decimal("47000"))
    place(account, symbol="BTC-CFD", stop_loss=Exit(stop_price=Decimal("53000")))

    def due():
        # As a tick's task loads them: each tick, with their underlying's latest prices.
        instruments = Instrument.objects.select_related("underlying").filter(
            symbol__in=["BTC-PERP", "BTC-CFD", "BTC-USD"]
        )
        return services.instruments_due(instruments=list(instruments))

    assert due() == (set(), set())
    move("52500")  # Through the perpetual's ask only.
    assert due() == (set(), {perp.pk})
    assert services.resting_orders_fill_on_reference(instrument=perp) == 1
    assert due() == (set(), set())

    move("53500")  # The CFD short's stop.
    assert due() == ({cfd.pk}, set())
    assert len(check(market, "BTC-CFD")) == 1

    move("46500")  # Through the CFD's bid.
    assert due() == (set(), {cfd.pk})
    # A halted instrument is left out: nothing triggers or fills in it.
    instrument_set_status(instrument=cfd, status=Instrument.Status.HALTED)
    assert due() == (set(), set())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("check_name", "nothing"),
    [("resting_orders_fill_on_reference", 0), ("conditional_orders_check", [])],
)
def test_a_tick_that_reaches_no_order_waits_for_no_lock(market, account, check_name, nothing):
    place(account, type="limit", price=Decimal("52000"))  # Far above the price: it rests.
    place(account, stop_loss=Exit(stop_price=Decimal("60000")))  # A short's far stop.
    locked, release = threading.Event(), threading.Event()

    def hold_the_book():
        try:
            with transaction.atomic():
                Instrument.objects.select_for_update().get(pk=market["BTC-PERP"].pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_book)
    holder.start()
    try:
        assert locked.wait(10)

        def check_without_waiting():
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")  # Waiting for the row fails.
            return getattr(services, check_name)(instrument=market["BTC-PERP"])

        # Answered while an order held the instrument's row.
        assert run_concurrently([check_without_waiting]) == [nothing]
    finally:
        release.set()
        holder.join(10)


def test_a_resting_reduce_only_order_without_a_position_is_canceled(market, account):
    place(account, symbol="BTC-CFD")
    stop = place(
        account,
        symbol="BTC-CFD",
        side="buy",
        type="stop_limit",
        stop_price=Decimal("52000"),
        price=Decimal("51000"),
        reduce_only=True,
    )
    move("52500")
    check(market, "BTC-CFD")
    place(account, symbol="BTC-CFD", side="buy")  # closed by hand, not through position_close
    move("50500")

    assert services.resting_orders_fill_on_reference(instrument=market["BTC-CFD"]) == 0

    stop.refresh_from_db()
    assert stop.status == Order.Status.CANCELED
    assert stop.reject_reason == "position_closed"
    assert position(account, "BTC-CFD").quantity == 0


# Good-till-date expiry -----------------------------------------------------------------


def test_gtd_orders_expire_once_their_time_passed(market, account):
    now = timezone.now()
    gtd = place(
        account,
        type="limit",
        price=Decimal("55000"),
        time_in_force=Order.TimeInForce.GTD,
        expire_at=now + timedelta(hours=1),
        stop_loss=Exit(stop_price=Decimal("57000")),
    )
    gtc = place(account, type="limit", price=Decimal("56000"))

    assert services.gtd_orders_expire(now=now) == 0
    assert services.gtd_orders_expire(now=now + timedelta(hours=2)) == 1

    assert refreshed(gtd).status == Order.Status.EXPIRED
    assert exits_of(gtd)["stop_loss"].status == Order.Status.CANCELED
    assert refreshed(gtc).status == Order.Status.NEW
    assert services.gtd_orders_expire(now=now + timedelta(hours=2)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_checking_at_once_trigger_a_stop_once(market, account):
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    move("53000")

    results = run_concurrently([lambda: check(market)] * 4)

    assert sorted(len(result) for result in results) == [0, 0, 0, 1]
    stop = refreshed(exits_of(entry)["stop_loss"])
    assert stop.status == Order.Status.FILLED
    assert Fill.objects.filter(order=stop).count() == 1
    assert position(account).quantity == 0
    assert selectors.ledger_problems() == []


def test_a_good_till_date_stop_triggers_as_a_market_order_before_it_expires(market, account):
    place(account)
    stop = place(
        account,
        side="buy",
        type="stop_market",
        stop_price=Decimal("52500"),
        time_in_force=Order.TimeInForce.GTD,
        expire_at=timezone.now() + timedelta(hours=1),
        reduce_only=True,
    )
    move("53000")

    assert [order.status for order in check(market)] == [Order.Status.FILLED]
    assert position(account).quantity == 0
    assert refreshed(stop).filled_quantity == Decimal("0.1")


def test_a_gtd_stop_past_its_expiry_does_not_trigger(market, account):
    place(account)
    stop = place(
        account,
        side="buy",
        type="stop_market",
        stop_price=Decimal("52500"),
        time_in_force=Order.TimeInForce.GTD,
        expire_at=timezone.now() + timedelta(hours=1),
        reduce_only=True,
    )
    move("53000")
    later = timezone.now() + timedelta(hours=2)

    assert services.conditional_orders_check(instrument=market["BTC-PERP"], now=later) == []
    assert services.gtd_orders_expire(now=later) == 1
    assert refreshed(stop).status == Order.Status.EXPIRED
    assert position(account).quantity == Decimal("-0.1")


def test_a_malformed_order_is_rejected_without_blocking_the_others(market, account, other_user):
    broken = place(account, side="sell", type="stop_market", stop_price=Decimal("48000"))
    Order.objects.filter(pk=broken.pk).update(stop_price=Decimal("48000.3"))  # off the tick
    other = selectors.paper_account_for_user(user=other_user)
    entry = place(other, side="buy", stop_loss=Exit(stop_price=Decimal("48500")))
    move("47500")

    triggered = {order.pk: order for order in check(market)}

    assert triggered[broken.pk].status == Order.Status.REJECTED
    assert triggered[broken.pk].reject_reason == "price_off_tick"
    assert triggered[exits_of(entry)["stop_loss"].pk].status == Order.Status.FILLED
    assert position(other).quantity == 0


def test_only_orders_the_prices_could_trigger_are_locked_and_checked(market, account):
    from trading.services.orders import _quote
    from trading.services.triggers import _may_trigger_now

    place(account, quantity="1")
    far = [
        place(account, side="buy", type="stop_market", stop_price=Decimal(price), reduce_only=True)
        for price in ("55000", "56000", "57000")
    ]
    far_tp = place(
        account,
        side="buy",
        type="take_profit_market",
        stop_price=Decimal("40000"),
        reduce_only=True,
    )
    near = place(
        account, side="buy", type="stop_market", stop_price=Decimal("51000"), trigger_by="index"
    )
    trailing = place(account, side="buy", type="trailing_stop", trailing_amount=Decimal("5000"))
    move("51500")

    perp = Instrument.objects.select_related("underlying").get(pk=market["BTC-PERP"].pk)
    candidates = set(
        Order.objects.filter(_may_trigger_now(perp, _quote(perp))).values_list("pk", flat=True)
    )

    assert candidates == {near.pk, trailing.pk}
    assert not candidates & {o.pk for o in [*far, far_tp]}
    [fired] = check(market)
    assert fired.pk == near.pk
