"""Carrying costs and settlement: funding, borrow interest, financing, expiry in cash."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from config.errors import Conflict
from market.models import FundingRate, Instrument
from tests.factories.market import btc_market
from tests.trading.test_concurrency import run_concurrently
from trading import selectors, services
from trading.models import Account, JournalEntry, Order, Position
from trading.services.orders import Exit, OrderRequest

pytestmark = pytest.mark.django_db

START = Decimal("100000")
MONEY = Decimal("0.00000001")


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def make_account(user_factory):
    def make():
        return selectors.paper_account_for_user(user=user_factory())

    return make


def place(account, symbol, side, quantity="0.1", type="market", **fields):
    request = OrderRequest(
        instrument=symbol, side=side, type=type, quantity=Decimal(quantity), **fields
    )
    order, _ = services.order_place(account=account, request=request)
    return order


def cash(account):
    return selectors.account_cash(account=account)


def position(account, symbol):
    return Position.objects.get(account=account, instrument__symbol=symbol)


def drain(account, *, leave):
    """Take the account's cash down to ``leave`` with a staff removal."""
    services.funds_grant(
        account=account, amount=leave - cash(account), reason="test", granted_by=None
    )


def insurance_cash():
    return selectors.account_cash(account=services._system_account(Account.SystemCode.INSURANCE))


def funding_rate(instrument, rate, mark="50000"):
    return FundingRate.objects.create(
        instrument=instrument,
        funding_time=datetime(2026, 1, 1, 8, tzinfo=UTC),
        rate=Decimal(rate),
        mark_price=Decimal(mark),
        index_price=Decimal(mark),
    )


# Funding -----------------------------------------------------------------------------


def test_a_positive_rate_makes_the_long_pay_and_the_short_receive(market, make_account):
    short, long = make_account(), make_account()
    place(short, "BTC-PERP", "sell")
    place(long, "BTC-PERP", "buy")
    before = {short.pk: cash(short), long.pk: cash(long)}
    rate = funding_rate(market["BTC-PERP"], "0.0001")

    charged = services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)

    assert charged == 2
    payment = Decimal("0.1") * Decimal("50000") * Decimal("0.0001")  # 0.5 USD
    assert cash(short) == before[short.pk] + payment
    assert cash(long) == before[long.pk] - payment
    assert position(short, "BTC-PERP").funding_paid == -payment
    assert position(long, "BTC-PERP").funding_paid == payment
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).count() == 2
    assert selectors.ledger_problems() == []


def test_a_negative_rate_makes_the_short_pay(market, make_account):
    short = make_account()
    place(short, "BTC-PERP", "sell", quantity="0.2")
    before = cash(short)
    rate = funding_rate(market["BTC-PERP"], "-0.0003", mark="51000")

    services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)

    payment = Decimal("0.2") * Decimal("51000") * Decimal("0.0003")
    assert cash(short) == before - payment
    assert position(short, "BTC-PERP").funding_paid == payment
    assert selectors.ledger_problems() == []


def test_funding_the_same_interval_twice_pays_once(market, make_account):
    short, long = make_account(), make_account()
    place(short, "BTC-PERP", "sell")
    place(long, "BTC-PERP", "buy")
    rate = funding_rate(market["BTC-PERP"], "0.0001")
    services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)
    after_first = (cash(short), cash(long), position(long, "BTC-PERP").funding_paid)

    again = services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)

    assert again == 0
    assert (cash(short), cash(long), position(long, "BTC-PERP").funding_paid) == after_first
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).count() == 2
    next_rate = FundingRate.objects.create(
        instrument=market["BTC-PERP"],
        funding_time=rate.funding_time + timedelta(hours=8),
        rate=Decimal("0.0001"),
        mark_price=Decimal("50000"),
        index_price=Decimal("50000"),
    )
    assert services.funding_apply(instrument=market["BTC-PERP"], funding_rate=next_rate) == 2
    assert position(long, "BTC-PERP").funding_paid == Decimal("1")


def test_flat_positions_and_other_instruments_pay_no_funding(market, make_account):
    trader = make_account()
    place(trader, "BTC-PERP", "sell")
    services.position_close(account=trader, instrument=market["BTC-PERP"])
    place(trader, "BTC-FUT", "sell")
    rate = funding_rate(market["BTC-PERP"], "0.0001")

    assert services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate) == 0
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).exists()
    with pytest.raises(ValueError):
        services.funding_apply(instrument=market["BTC-FUT"], funding_rate=rate)


def test_funding_beyond_the_cash_is_covered_by_the_insurance_fund(market, make_account):
    long = make_account()
    place(long, "BTC-PERP", "buy")
    drain(long, leave=Decimal("10"))
    insurance_before = insurance_cash()
    rate = funding_rate(market["BTC-PERP"], "0.005")  # 25 USD on 0.1 BTC at 50,000

    services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)

    assert cash(long) == 0
    assert insurance_cash() == insurance_before - Decimal("15")
    assert position(long, "BTC-PERP").funding_paid == Decimal("25")
    lines = JournalEntry.objects.get(kind=JournalEntry.Kind.FUNDING).lines.all()
    assert sorted(line.amount for line in lines) == [Decimal("-15"), Decimal("-10"), Decimal("25")]
    assert selectors.ledger_problems() == []


# Borrow interest and financing -------------------------------------------------------


def test_a_spot_short_pays_hourly_borrow_interest_and_a_long_does_not(market, make_account):
    short, long = make_account(), make_account()
    place(short, "BTC-USD", "sell")
    place(long, "BTC-USD", "buy")
    before = {short.pk: cash(short), long.pk: cash(long)}
    hour = datetime(2026, 1, 1, 10, tzinfo=UTC)

    charged = services.borrow_interest_charge(instrument=market["BTC-USD"], hour=hour)

    # 0.1 BTC at 50,000 at 8% a year, for one hour of 8,760.
    interest = (Decimal("5000") * Decimal("0.08") / 8760).quantize(MONEY)
    assert charged == 1
    assert cash(short) == before[short.pk] - interest
    assert cash(long) == before[long.pk]
    assert position(short, "BTC-USD").borrow_interest_paid == interest
    assert position(long, "BTC-USD").borrow_interest_paid == 0
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.BORROW_INTEREST)
    assert entry.idempotency_key == f"borrow:{position(short, 'BTC-USD').pk}:{hour.isoformat()}"
    assert selectors.ledger_problems() == []


def test_borrow_interest_is_charged_once_per_hour(market, make_account):
    short = make_account()
    place(short, "BTC-USD", "sell")
    hour = datetime(2026, 1, 1, 10, tzinfo=UTC)
    services.borrow_interest_charge(instrument=market["BTC-USD"], hour=hour)
    after_first = cash(short)

    assert services.borrow_interest_charge(instrument=market["BTC-USD"], hour=hour) == 0
    assert cash(short) == after_first
    later = hour + timedelta(hours=1)
    assert services.borrow_interest_charge(instrument=market["BTC-USD"], hour=later) == 1
    interest = (Decimal("5000") * Decimal("0.08") / 8760).quantize(MONEY)
    assert position(short, "BTC-USD").borrow_interest_paid == 2 * interest
    assert selectors.ledger_problems() == []


def test_cfd_longs_and_shorts_pay_overnight_financing_once_a_day(market, make_account):
    short, long = make_account(), make_account()
    place(short, "BTC-CFD", "sell")
    place(long, "BTC-CFD", "buy")
    before = {short.pk: cash(short), long.pk: cash(long)}
    day = date(2026, 1, 1)

    charged = services.financing_charge(instrument=market["BTC-CFD"], day=day)

    # No benchmark rate: the 10% financing rate is the admin fee both sides pay,
    # on 5,000 USD of notional for one night of 365.
    financing = (Decimal("5000") * Decimal("0.1") / 365).quantize(MONEY)
    assert charged == 2
    assert cash(short) == before[short.pk] - financing
    assert cash(long) == before[long.pk] - financing
    assert position(short, "BTC-CFD").financing_paid == financing
    assert position(long, "BTC-CFD").financing_paid == financing

    assert services.financing_charge(instrument=market["BTC-CFD"], day=day) == 0
    assert cash(long) == before[long.pk] - financing
    assert services.financing_charge(instrument=market["BTC-CFD"], day=date(2026, 1, 2)) == 2
    assert position(long, "BTC-CFD").financing_paid == 2 * financing
    assert selectors.ledger_problems() == []


# Settlement ----------------------------------------------------------------------------


def settle(symbol, price):
    Instrument.objects.filter(symbol=symbol).update(
        status=Instrument.Status.SETTLED, settlement_price=Decimal(price)
    )
    return Instrument.objects.get(symbol=symbol)


def test_a_future_short_settles_in_cash_and_its_orders_are_canceled(market, make_account):
    short = make_account()
    entry_order = place(
        short, "BTC-FUT", "sell", quantity="0.2", stop_loss=Exit(stop_price=Decimal("60000"))
    )
    resting = place(short, "BTC-FUT", "sell", type="limit", price=Decimal("58000"))
    entry = position(short, "BTC-FUT").entry_price
    before = cash(short)
    instrument = settle("BTC-FUT", "45000")

    settled = services.instrument_settle(instrument=instrument)

    profit = (entry - Decimal("45000")) * Decimal("0.2")
    assert settled == 1
    assert cash(short) == before + profit
    pos = position(short, "BTC-FUT")
    assert pos.quantity == 0
    assert pos.realized_pnl == profit
    assert not Order.objects.filter(instrument=instrument, status__in=Order.OPEN_STATUSES).exists()
    resting.refresh_from_db()
    assert resting.status == Order.Status.CANCELED
    assert entry_order.attached.get().status == Order.Status.CANCELED
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.SETTLEMENT)
    assert entry.idempotency_key == f"settlement:{pos.pk}"
    assert selectors.ledger_problems() == []

    assert services.instrument_settle(instrument=instrument) == 0
    assert cash(short) == before + profit
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.SETTLEMENT).count() == 1


def test_a_put_pays_its_holder_and_charges_its_writer(market, make_account):
    holder, writer = make_account(), make_account()
    bought = place(holder, "BTC-P50000", "buy", quantity="1")
    sold = place(writer, "BTC-P50000", "sell", quantity="1")
    before = {holder.pk: cash(holder), writer.pk: cash(writer)}
    instrument = settle("BTC-P50000", "45000")

    assert services.instrument_settle(instrument=instrument) == 2

    # Intrinsic value of one put struck at 50,000 with BTC settling at 45,000.
    assert cash(holder) == before[holder.pk] + Decimal("5000")
    assert cash(writer) == before[writer.pk] - Decimal("5000")
    held, written = position(holder, "BTC-P50000"), position(writer, "BTC-P50000")
    assert held.quantity == written.quantity == 0
    assert held.realized_pnl == Decimal("5000") - bought.average_price
    assert written.realized_pnl == sold.average_price - Decimal("5000")
    assert selectors.ledger_problems() == []

    assert services.instrument_settle(instrument=instrument) == 0
    assert cash(holder) == before[holder.pk] + Decimal("5000")


def test_an_out_of_the_money_put_expires_worthless(market, make_account):
    holder = make_account()
    place(holder, "BTC-P50000", "buy", quantity="1")
    before = cash(holder)

    assert services.instrument_settle(instrument=settle("BTC-P50000", "55000")) == 1

    assert cash(holder) == before
    assert position(holder, "BTC-P50000").quantity == 0
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.SETTLEMENT).exists()


def test_a_writer_who_cannot_pay_is_covered_by_the_insurance_fund(market, make_account):
    holder, writer = make_account(), make_account()
    place(holder, "BTC-P50000", "buy", quantity="1")
    place(writer, "BTC-P50000", "sell", quantity="1")
    drain(writer, leave=Decimal("1000"))
    holder_before, insurance_before = cash(holder), insurance_cash()

    services.instrument_settle(instrument=settle("BTC-P50000", "40000"))

    assert cash(writer) == 0
    assert cash(holder) == holder_before + Decimal("10000")
    assert insurance_cash() == insurance_before - Decimal("9000")
    assert selectors.ledger_problems() == []


def test_an_instrument_settles_only_once_the_market_settled_it(market):
    with pytest.raises(Conflict) as refused:
        services.instrument_settle(instrument=market["BTC-FUT"])
    assert refused.value.code == "instrument_not_settled"
    with pytest.raises(ValueError):
        services.instrument_settle(instrument=market["BTC-PERP"])


@pytest.mark.django_db(transaction=True)
def test_two_workers_applying_the_same_funding_pay_it_once(market, make_account):
    short, long = make_account(), make_account()
    place(short, "BTC-PERP", "sell")
    place(long, "BTC-PERP", "buy")
    before = cash(long)
    rate = funding_rate(market["BTC-PERP"], "0.0001")

    results = run_concurrently(
        [lambda: services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)] * 4
    )

    assert sorted(results) == [0, 0, 0, 2]
    assert cash(long) == before - Decimal("0.5")
    assert position(long, "BTC-PERP").funding_paid == Decimal("0.5")
    assert selectors.ledger_problems() == []
