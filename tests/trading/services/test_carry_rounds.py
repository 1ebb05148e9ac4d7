"""Carry rounds posted in a few statements (PostgreSQL) against the engine and one by one.

The set-based path must post what the one-by-one path (the embedded default's) posts:
the engine's amounts to the last place, the same entries, lines, balances and cost
fields, and no notification, once per position and period however often or
concurrently a round runs.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, getcontext

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from config.stream.channels import Channel, Kind
from config.stream.hub import INTEREST_KEY, Outbox, hub
from market.models import FundingRate, Instrument
from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market
from tests.trading.test_concurrency import run_concurrently
from trading import engine, selectors, services
from trading.models import (
    Account,
    Balance,
    CarryBatch,
    JournalEntry,
    JournalLine,
    Notification,
    Position,
)
from trading.services import carry
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db

MONEY = Decimal("0.00000001")
HOUR = datetime(2026, 1, 1, 10, tzinfo=UTC)
DAY = date(2026, 1, 1)
FUNDING_TIME = datetime(2026, 1, 1, 8, tzinfo=UTC)


@pytest.fixture
def market(db):
    return btc_market()


def open_account():
    return selectors.paper_account_for_user(user=UserFactory())


def place(account, symbol, side, quantity="0.1"):
    request = OrderRequest(instrument=symbol, side=side, type="market", quantity=Decimal(quantity))
    services.order_place(account=account, request=request)


def cash(account):
    return selectors.account_cash(account=account)


def drain(account, *, leave):
    services.funds_grant(
        account=account, amount=leave - cash(account), reason="test", granted_by=None
    )


def funding_rate(instrument, rate="0.0001", mark="50000", at=FUNDING_TIME):
    return FundingRate.objects.create(
        instrument=instrument,
        funding_time=at,
        rate=Decimal(rate),
        mark_price=Decimal(mark),
        index_price=Decimal(mark),
    )


# What each round is, to run it through the public service or one path directly.
ROUNDS = {
    "funding": ("BTC-PERP", JournalEntry.Kind.FUNDING, "funding_paid"),
    "borrow": ("BTC-USD", JournalEntry.Kind.BORROW_INTEREST, "borrow_interest_paid"),
    "financing": ("BTC-CFD", JournalEntry.Kind.FINANCING, "financing_paid"),
}


def run_service(name, market):
    symbol = ROUNDS[name][0]
    instrument = Instrument.objects.get(pk=market[symbol].pk)
    if name == "funding":
        rate = FundingRate.objects.filter(instrument=instrument).first() or funding_rate(instrument)
        return services.funding_apply(instrument=instrument, funding_rate=rate)
    if name == "borrow":
        return services.borrow_interest_charge(instrument=instrument, hour=HOUR)
    return services.financing_charge(instrument=instrument, day=DAY)


def build_round(name, instrument, *, mark, rate=None):
    """The round as the service builds it, at ``mark`` (and ``rate``, when given)."""
    if name == "funding":
        rate = Decimal("0.0001") if rate is None else rate
        return carry._funding_round(instrument, FUNDING_TIME.isoformat(), mark, rate)
    if name == "borrow":
        rate = instrument.borrow_rate if rate is None else rate
        return carry._borrow_round(instrument, HOUR.isoformat(), mark, rate)
    rate = instrument.financing_rate if rate is None else rate
    return carry._financing_round(instrument, DAY.isoformat(), mark, rate)


def rows(charge):
    """A batch of every position the round charges, as its opening writes them down."""
    return list(charge.positions().order_by("pk").values_list("pk", "account_id", "quantity"))


def engine_amount(name, quantity, *, mark, rate):
    """What the engine says the position pays, as the ledger books it."""
    side = engine.Side.BUY if quantity > 0 else engine.Side.SELL
    if name == "funding":
        amount = engine.funding_payment(side, quantity, mark, rate)
    elif name == "borrow":
        amount = engine.borrow_interest(quantity, mark, annual_rate=rate, hours=1)
    else:
        amount = engine.overnight_financing(
            side, quantity * mark, benchmark_rate=Decimal(0), admin_fee_rate=rate
        )
    return amount.quantize(MONEY)


def ledger_state(kind):
    """Everything a round writes, keyed so that two runs of it compare equal."""
    entries = {}
    for entry in JournalEntry.objects.filter(kind=kind).prefetch_related("lines"):
        lines = sorted((line.account_id, line.asset, line.amount) for line in entry.lines.all())
        entries[entry.idempotency_key] = (entry.memo, lines)
    return {
        "entries": entries,
        "balances": sorted(Balance.objects.values_list("account_id", "asset", "amount")),
        "positions": sorted(
            Position.objects.values_list(
                "pk", "funding_paid", "borrow_interest_paid", "financing_paid"
            )
        ),
        "notifications": sorted(
            (n.account_id, n.kind, n.title, n.message, sorted(n.data.items()))
            for n in Notification.objects.all()
        ),
    }


def mixed_book(market, symbol):
    """Longs and shorts of several sizes, one holder short of cash, one with none."""
    sizes = [("sell", "0.1"), ("buy", "0.25"), ("sell", "1.5"), ("buy", "0.3")]
    accounts = []
    for side, quantity in sizes:
        account = open_account()
        place(account, symbol, side, quantity)
        accounts.append(account)
    drain(accounts[2], leave=Decimal("0.5"))
    drain(accounts[3], leave=Decimal("0"))
    return accounts


# The two paths agree -------------------------------------------------------------------


@pytest.mark.parametrize("name", ROUNDS)
def test_both_paths_post_the_same_entries_balances_and_costs_and_notify_nobody(market, name):
    symbol, kind, _ = ROUNDS[name]
    mixed_book(market, symbol)
    Notification.objects.all().delete()  # Placing the orders may have told of fills.
    instrument = Instrument.objects.get(pk=market[symbol].pk)
    # Rates high enough that the drained holders cannot pay in full.
    rate = {"funding": "0.003", "borrow": "9.5", "financing": "7.3"}[name]
    charge = build_round(name, instrument, mark=Decimal("50123.5"), rate=Decimal(rate))

    states = {}
    for path in (carry._batch_post_in_one_statement, carry._batch_post_one_by_one):
        with transaction.atomic():
            charged = path(charge, rows(charge))
            states[path.__name__] = (charged, ledger_state(kind))
            assert selectors.ledger_problems() == []
            transaction.set_rollback(True)

    batched = states["_batch_post_in_one_statement"]
    one_by_one = states["_batch_post_one_by_one"]
    assert batched == one_by_one
    charged, state = batched
    assert charged == (2 if name == "borrow" else 4)
    assert len(state["entries"]) == charged
    assert state["notifications"] == []
    # The shortfall of the holder with no cash came from the insurance fund.
    insurance = services._system_account(Account.SystemCode.INSURANCE).pk
    assert any(
        account == insurance for _, lines in state["entries"].values() for account, *_ in lines
    )


def test_a_funding_round_writes_python_s_numbers_and_no_notification(market):
    short, long = open_account(), open_account()
    place(short, "BTC-PERP", "sell", "0.001")
    place(long, "BTC-PERP", "buy", "10")
    rate = funding_rate(market["BTC-PERP"], rate="0.00000001", mark="50000")
    told_before = Notification.objects.count()

    assert services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate) == 2

    # The charge shows in the ledger and the position's costs; no notification tells it.
    assert Notification.objects.count() == told_before
    for account, quantity in ((short, Decimal("-0.001")), (long, Decimal("10"))):
        amount = engine_amount("funding", quantity, mark=Decimal(50000), rate=Decimal("1E-8"))
        assert Position.objects.get(account=account).funding_paid == amount
    # 0.001 * 50000 * 1e-8 = 0.0000005, credited to the short to the ledger's last place.
    assert Position.objects.get(account=short).funding_paid == Decimal("-5E-7")
    entry = JournalEntry.objects.get(idempotency_key__startswith=f"funding:{position_pk(long)}:")
    assert " on 1E+1 at 5E+4" in entry.memo  # Decimal.normalize(), as the one-by-one path writes.


def position_pk(account):
    return Position.objects.get(account=account).pk


# The amounts are the engine's -----------------------------------------------------------


def scaled(coefficient_max, places=8):
    return st.builds(
        lambda coefficient, exponent: Decimal(coefficient).scaleb(-exponent),
        st.integers(1, coefficient_max),
        st.integers(0, places),
    )


quantities = st.lists(
    st.tuples(st.sampled_from([1, -1]), scaled(10**15).filter(lambda q: q < 10**7)).map(
        lambda pair: pair[0] * pair[1]
    ),
    min_size=1,
    max_size=4,
)
marks = scaled(10**15).filter(lambda m: m < 10**7)
rates = st.tuples(st.sampled_from([1, -1]), scaled(10**9).filter(lambda r: r < 10)).map(
    lambda pair: pair[0] * pair[1]
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(sorted(ROUNDS)), quantities=quantities, mark=marks, rate=rates.map(abs))
@example(
    name="funding",
    quantities=[Decimal("1234567.12345678"), Decimal("-0.00000001")],
    mark=Decimal("9876543.87654321"),
    rate=Decimal("0.00012345"),
)
# Near the largest amounts the ledger holds, the engine's rounding of a product to 28
# digits moves the last place: the SQL must round there too.
@example(
    name="funding",
    quantities=[Decimal("552283268.72891699")],
    mark=Decimal("3885755.64492273"),
    rate=Decimal("4568.17832331"),
)
@example(
    name="financing",
    quantities=[Decimal("-789843222.07605545")],
    mark=Decimal("77909019.38821279"),
    rate=Decimal("7346.36922882"),
)
@example(name="funding", quantities=[Decimal(1)], mark=Decimal("2.5"), rate=Decimal("0.00000001"))
@example(name="borrow", quantities=[Decimal("-0.0000438")], mark=Decimal(1), rate=Decimal(1))
@example(
    name="financing",
    quantities=[Decimal("9999999.99999999"), Decimal("-3")],
    mark=Decimal("0.00000007"),
    rate=Decimal("9.99999999"),
)
def test_a_round_posts_exactly_what_the_engine_computes(market, name, quantities, mark, rate):
    symbol, kind, cost_field = ROUNDS[name]
    with transaction.atomic():
        instrument = Instrument.objects.get(pk=market[symbol].pk)
        positions = [
            Position.objects.create(
                account=open_account(),
                instrument=instrument,
                quantity=quantity,
                entry_price=mark,
                leverage=Decimal(1),
            )
            for quantity in quantities
        ]
        charge = build_round(name, instrument, mark=mark, rate=rate)

        charged = carry._batch_post_in_one_statement(charge, rows(charge))

        expected_charged = 0
        for position in positions:
            position.refresh_from_db()
            paying = name != "borrow" or position.quantity < 0
            expected = (
                engine_amount(name, position.quantity, mark=mark, rate=rate)
                if paying
                else Decimal(0)
            )
            assert getattr(position, cost_field) == expected, position.quantity
            entry = JournalEntry.objects.filter(idempotency_key=charge.key_for(position.pk)).first()
            if expected == 0:
                assert entry is None
                continue
            expected_charged += 1
            assert entry.kind == kind
            assert entry.memo == charge.memo_for(position.quantity)[:255]
            lines = {line.account_id: line.amount for line in entry.lines.all()}
            assert lines[services._system_account(Account.SystemCode.MARKET).pk] == expected
            assert sum(lines.values()) == 0
        assert charged == expected_charged
        assert all(cash(position.account) >= 0 for position in positions)
        assert selectors.ledger_problems() == []
        transaction.set_rollback(True)


# Every step of a round stays within [1e-80, 1e19); the SQL rounds that range exactly.
numerators = st.builds(
    lambda coefficient, exponent: Decimal(coefficient).scaleb(-exponent),
    st.integers(-(10**40), 10**40),
    st.integers(0, 70),
).filter(lambda n: n == 0 or Decimal("1e-76") <= abs(n) < 10**19)


@hypothesis_settings(max_examples=300, deadline=None)
@given(number=numerators, divisor=st.sampled_from([1, 7, 365, 8760]))
@example(number=Decimal("0.0000438"), divisor=8760)  # Exactly half a cent's cent: to even.
@example(number=Decimal("0.0001314"), divisor=8760)  # 1.5e-8: to even, up.
# 5e-9 + 1e-38: rounded to 28 digits it is exactly the tie, which goes to even (down);
# rounded once it would go up. Python rounds twice, so must the SQL.
@example(number=Decimal("0.0000438") + Decimal("8.76E-35"), divisor=8760)
@example(number=Decimal("-0.0000438") - Decimal("8.76E-35"), divisor=8760)
@example(number=Decimal("1234567890123456789.0123456789"), divisor=1)
@example(number=Decimal("0.000000005"), divisor=1)
@example(number=Decimal("0.000000015"), divisor=1)
def test_the_sql_rounds_as_pythons_decimal_context(number, divisor):
    context = getcontext()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {carry._rounded('%(n)s::numeric', divisor)}, "
            f"{carry._quotient_quantized('%(n)s::numeric', divisor)}, "
            f"{carry._quantized(carry._rounded('%(n)s::numeric', divisor))}",
            {"n": number},
        )
        rounded, quantized, twice = cursor.fetchone()
    python = context.divide(number, divisor)
    assert rounded == python
    assert quantized == twice == python.quantize(MONEY)
    assert quantized.as_tuple().exponent == -8


texts = st.one_of(
    scaled(10**20, places=8),
    st.builds(lambda n: Decimal(n) * 10 ** (n % 7), st.integers(1, 10**9)),
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(number=texts, sign=st.sampled_from([1, -1]))
@example(number=Decimal("100"), sign=1)
@example(number=Decimal("0.0000001"), sign=1)
@example(number=Decimal("0.000001"), sign=1)
@example(number=Decimal("0.00000050"), sign=-1)
@example(number=Decimal("120.5"), sign=1)
def test_the_sql_writes_numbers_as_python_does(number, sign):
    amount = (sign * number).quantize(MONEY) if number < 10**19 else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {carry._normalized_text('trim_scale(%(n)s::numeric)')}, "
            f"{carry._decimal_text('%(a)s::numeric')}",
            {"n": number, "a": amount or Decimal(1)},
        )
        normalized, plain = cursor.fetchone()
    assert normalized == str(number.normalize())
    if amount is not None:
        assert plain == str(amount)


# Once per position and period ------------------------------------------------------------


@pytest.mark.parametrize("name", ROUNDS)
def test_running_a_round_again_charges_nobody(market, name):
    symbol, kind, _ = ROUNDS[name]
    accounts = mixed_book(market, symbol)
    first = run_service(name, market)
    after_first = ledger_state(kind), [cash(a) for a in accounts]
    lines = JournalLine.objects.count()

    assert run_service(name, market) == 0

    assert (ledger_state(kind), [cash(a) for a in accounts]) == after_first
    assert JournalLine.objects.count() == lines
    assert first == JournalEntry.objects.filter(kind=kind).count() > 0
    assert selectors.ledger_problems() == []


def test_a_position_opened_after_its_round_opened_pays_nothing_for_that_period(market):
    """A rerun finds the round's batches: the positions of the night it charged."""
    early = open_account()
    place(early, "BTC-CFD", "sell")
    assert services.financing_charge(instrument=market["BTC-CFD"], day=DAY) == 1
    early_paid = Position.objects.get(account=early).financing_paid
    late = open_account()
    place(late, "BTC-CFD", "buy", "0.2")

    assert services.financing_charge(instrument=market["BTC-CFD"], day=DAY) == 0

    assert Position.objects.get(account=early).financing_paid == early_paid
    assert Position.objects.get(account=late).financing_paid == 0
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FINANCING).count() == 1
    # The next night charges both.
    next_day = DAY + timedelta(days=1)
    assert services.financing_charge(instrument=market["BTC-CFD"], day=next_day) == 2
    assert Position.objects.get(account=late).financing_paid == engine_amount(
        "financing", Decimal("0.2"), mark=Decimal(50000), rate=Decimal("0.1")
    )


def test_a_round_in_several_batches_charges_each_position_once(market, settings):
    settings.CARRY_ROUND_BATCH = 2
    shorts = []
    for _ in range(5):
        account = open_account()
        place(account, "BTC-USD", "sell")
        shorts.append(account)
    long = open_account()
    place(long, "BTC-USD", "buy")

    assert services.borrow_interest_charge(instrument=market["BTC-USD"], hour=HOUR) == 5

    interest = engine_amount("borrow", Decimal("-0.1"), mark=Decimal(50000), rate=Decimal("0.08"))
    assert {Position.objects.get(account=a).borrow_interest_paid for a in shorts} == {interest}
    assert Position.objects.get(account=long).borrow_interest_paid == 0
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.BORROW_INTEREST).count() == 5
    assert services.borrow_interest_charge(instrument=market["BTC-USD"], hour=HOUR) == 0
    assert selectors.ledger_problems() == []


# A round opens, then its batches post -----------------------------------------------------


def test_each_position_pays_on_what_it_held_when_the_round_opened(market):
    holder, closer = open_account(), open_account()
    place(holder, "BTC-PERP", "sell", "0.1")
    place(closer, "BTC-PERP", "sell", "0.4")
    rate = funding_rate(market["BTC-PERP"])
    batch_ids = services.funding_round_open(instrument=market["BTC-PERP"], funding_rate=rate)
    # After the round opened: one short grows, one closes, a newcomer opens.
    place(holder, "BTC-PERP", "sell", "0.2")
    place(closer, "BTC-PERP", "buy", "0.4")
    newcomer = open_account()
    place(newcomer, "BTC-PERP", "sell", "1")
    mark, rate_value = Decimal(50000), Decimal("0.0001")

    assert sum(services.carry_batch_post(batch_id=pk) for pk in batch_ids) == 2

    paid = {a.pk: Position.objects.get(account=a).funding_paid for a in (holder, closer, newcomer)}
    assert paid == {
        holder.pk: engine_amount("funding", Decimal("-0.1"), mark=mark, rate=rate_value),
        closer.pk: engine_amount("funding", Decimal("-0.4"), mark=mark, rate=rate_value),
        newcomer.pk: Decimal(0),
    }
    # Opening the round again finds it posted: nobody pays twice, the newcomer not at all.
    assert services.funding_round_open(instrument=market["BTC-PERP"], funding_rate=rate) == []
    assert services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate) == 0
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).count() == 2
    assert selectors.ledger_problems() == []


def test_a_round_fixes_its_mark_when_it_opens(market):
    short = open_account()
    place(short, "BTC-USD", "sell", "0.1")
    batch_ids = services.borrow_interest_round_open(instrument=market["BTC-USD"], hour=HOUR)
    batch = CarryBatch.objects.get(pk=batch_ids[0])
    assert (batch.mark_price, batch.rate) == (Decimal(50000), Decimal("0.08"))
    assert batch.positions == [[Position.objects.get(account=short).pk, short.pk, "-0.10000000"]]
    Instrument.objects.filter(pk=market["BTC-USD"].pk).update(borrow_rate=Decimal("0.5"))

    assert services.carry_batch_post(batch_id=batch.pk) == 1

    assert Position.objects.get(account=short).borrow_interest_paid == engine_amount(
        "borrow", Decimal("-0.1"), mark=Decimal(50000), rate=Decimal("0.08")
    )
    batch.refresh_from_db()
    assert batch.posted_at is not None
    assert batch.charged == 1
    assert batch.positions == []  # Let go once posted: the journal holds what was paid.


def test_a_round_with_nobody_to_charge_stays_posted(market):
    assert services.financing_round_open(instrument=market["BTC-CFD"], day=DAY) == []
    late = open_account()
    place(late, "BTC-CFD", "sell")

    assert services.financing_charge(instrument=market["BTC-CFD"], day=DAY) == 0
    assert CarryBatch.objects.filter(kind=JournalEntry.Kind.FINANCING).count() == 1
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.FINANCING).exists()


@pytest.mark.django_db(transaction=True)
def test_batches_posted_at_once_and_twice_each_charge_every_position_once(market, settings):
    settings.CARRY_ROUND_BATCH = 2
    accounts = []
    for index in range(7):
        account = open_account()
        place(account, "BTC-PERP", "sell" if index % 2 else "buy", "0.1")
        accounts.append(account)
    before = {a.pk: cash(a) for a in accounts}
    rate = funding_rate(market["BTC-PERP"])
    batch_ids = services.funding_round_open(instrument=market["BTC-PERP"], funding_rate=rate)
    assert len(batch_ids) == 4

    # Every batch posted by two workers at once, as a redelivered message would be.
    results = run_concurrently(
        [lambda pk=pk: services.carry_batch_post(batch_id=pk) for pk in batch_ids * 2]
    )

    assert sorted(results) == [0, 0, 0, 0, 1, 2, 2, 2]
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).count() == 7
    payment = engine_amount("funding", Decimal("0.1"), mark=Decimal(50000), rate=Decimal("0.0001"))
    for index, account in enumerate(accounts):
        signed = -payment if index % 2 else payment
        assert Position.objects.get(account=account).funding_paid == signed
        assert cash(account) == before[account.pk] - signed
    assert sum(CarryBatch.objects.values_list("charged", flat=True)) == 7
    assert selectors.ledger_problems() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ROUNDS)
def test_concurrent_rounds_of_one_period_charge_once(market, name):
    symbol, kind, cost_field = ROUNDS[name]
    accounts = mixed_book(market, symbol)
    if name == "funding":
        funding_rate(market["BTC-PERP"])
    before = [cash(a) for a in accounts]

    results = run_concurrently([lambda: run_service(name, market)] * 3)

    expected = 2 if name == "borrow" else 4
    assert sorted(results) == [0, 0, expected]
    assert JournalEntry.objects.filter(kind=kind).count() == expected
    for account, had in zip(accounts, before, strict=True):
        position = Position.objects.get(account=account)
        paid = getattr(position, cost_field)
        assert cash(account) == (max(had - paid, Decimal(0)) if paid > 0 else had - paid)
    assert selectors.ledger_problems() == []


# Cash shortfall --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ROUNDS)
def test_what_an_account_cannot_pay_the_insurance_fund_covers(market, name):
    symbol, _, cost_field = ROUNDS[name]
    Instrument.objects.filter(pk=market["BTC-USD"].pk).update(borrow_rate=Decimal("876"))
    Instrument.objects.filter(pk=market["BTC-CFD"].pk).update(financing_rate=Decimal("36.5"))
    if name == "funding":
        funding_rate(market["BTC-PERP"], rate="0.01")
    payer, broke = open_account(), open_account()
    side = "buy" if name == "funding" else "sell"
    place(payer, symbol, side)
    place(broke, symbol, side)
    drain(payer, leave=Decimal("20"))
    drain(broke, leave=Decimal("0"))
    insurance = services._system_account(Account.SystemCode.INSURANCE)
    insurance_before = cash(insurance)

    assert run_service(name, market) == 2

    # 0.1 BTC at 50,000: funding 1% is 50; borrow 876 a year is 876/8760 = 10% for an
    # hour, 500; financing 36.5 a year is 10% a night, 500.
    owed = {"funding": Decimal(50), "borrow": Decimal(500), "financing": Decimal(500)}[name]
    assert cash(payer) == 0
    assert cash(broke) == 0
    assert cash(insurance) == insurance_before - (owed - 20) - owed
    for account in (payer, broke):
        assert getattr(Position.objects.get(account=account), cost_field) == owed
    assert selectors.ledger_problems() == []


# Streamed after commit --------------------------------------------------------------------


PRIVATE = (Kind.POSITIONS, Kind.ACCOUNT, Kind.NOTIFICATIONS)


@pytest.fixture
def subscribed():
    """Make accounts' private channels wanted, as a connected client does."""
    added = []

    def subscribe(account):
        groups = [Channel(kind).group(account_id=account.pk) for kind in PRIVATE]
        hub.interest_add(groups)
        added.extend(groups)

    yield subscribe
    hub.interest_remove(added)
    if hub.uses_redis and added:
        hub.redis_client().zrem(INTEREST_KEY, *added)


def test_a_round_streams_each_subscriber_its_position_and_account(market, subscribed):
    watcher, quiet = open_account(), open_account()
    place(watcher, "BTC-PERP", "sell")
    place(quiet, "BTC-PERP", "buy")
    subscribed(watcher)
    rate = funding_rate(market["BTC-PERP"])

    services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)

    # What waits for the (test's) transaction to commit: the hub's batch of jobs.
    jobs = [
        job
        for _, callback, _ in connection.run_on_commit
        for key, job in getattr(getattr(callback, "__self__", None), "jobs", {}).items()
        if key[0] == "positions_changed"
    ]
    assert len(jobs) == 1  # One job for the round, not a few per account.
    outbox = Outbox(hub=hub)
    jobs[0](outbox)

    sent = {(group, channel): data for group, channel, data in outbox.messages}
    # The watcher subscribed to its notifications too: a charge sends none.
    assert {group for group, _ in sent} == {
        Channel(kind).group(account_id=watcher.pk) for kind in (Kind.POSITIONS, Kind.ACCOUNT)
    }
    position = sent[(Channel(Kind.POSITIONS).group(account_id=watcher.pk), "positions")]
    assert position["instrument"] == "BTC-PERP"
    assert Decimal(position["costs"]["funding"]) == Decimal("-0.5")  # The short received it.
