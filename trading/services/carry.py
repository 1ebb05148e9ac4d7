"""What holding a position costs or earns over time, and how dated instruments end.

Funding (perpetuals), borrow interest (spot shorts on margin), overnight financing
(CFDs) and settlement (dated futures and options): the risk workers call these on a
schedule. Rules of this module:

- Settlement is one transaction: it locks the instrument's row, then the paper
  accounts holding a position in it in primary-key order, then the positions.
- A carrying charge is a round in two steps. Opening it (one short transaction under
  the instrument's lock) writes down the open positions' quantities, the mark and the
  rate in ``CarryBatch`` rows of CARRY_ROUND_BATCH positions; posting a batch (a
  transaction of its own, which locks the batch, its accounts in primary-key order,
  then its positions) charges each position on the quantity it held when the round
  opened. The batches of a round post at once on several workers while orders go on;
  ``funding_apply`` and its like open and post a whole round in one transaction.
- Money moves only through balanced journal entries against the simulated market
  (``Account.SystemCode.MARKET``), one per position and period, each with an
  idempotency key naming the position and the period: a retried task finds the
  entry already written and skips the position, so nothing is posted or added to a
  position's cost fields twice.
- What a position pays is positive, what it receives negative, as in
  ``trading.engine.costs``; the position's cost field adds exactly that. A payment
  larger than the account's cash is covered by the insurance fund for the
  shortfall, as a realised loss is in ``orders._post_moves``, so no paper account
  goes below zero.
- Amounts are quantized to the ledger's eight places; one that rounds to zero
  posts nothing.
- A carrying charge (funding, borrow interest, financing) is told through the
  ledger, the position's cost fields and the stream (its position and account), not
  by a notification each: a round would write one per position every period.
  Settlement, which ends a position, is notified.
- On PostgreSQL a batch posts in one statement, the engine's arithmetic done in SQL
  with its rounding, so a round over 100,000 positions is not 100,000 round trips;
  the embedded default (SQLite) posts them one by one. Both paths post the same
  entries to the last place.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.errors import Conflict
from market.models import FundingRate, Instrument
from trading import engine, events, selectors
from trading.engine.costs import HOURS_PER_YEAR
from trading.models import (
    AMOUNT_PLACES,
    USER_KINDS,
    Account,
    CarryBatch,
    JournalEntry,
    Order,
    Position,
)
from trading.services.ledger import Posting, _lock_accounts, _system_account, journal_post
from trading.services.notifications import notifications_create_many, settlement_notification
from trading.services.orders import MONEY, _lock_instrument, _quote, _retrying_deadlocks

# The platform lists no benchmark rate (SOFR, say) for its CFDs: ``financing_rate``
# is the admin fee of the engine's convention, so longs and shorts both pay it.
FINANCING_BENCHMARK_RATE = Decimal(0)
FINANCING_DAY_COUNT = 365
BORROW_HOURS = 1
CONTEXT_DIGITS = 28  # Python's default decimal context, which the engine computes in.


@dataclass(frozen=True, slots=True)
class _Ledger:
    """The platform accounts a carry payment moves money with."""

    market: Account
    insurance: Account

    @classmethod
    def load(cls) -> "_Ledger":
        return cls(
            market=_system_account(Account.SystemCode.MARKET),
            insurance=_system_account(Account.SystemCode.INSURANCE),
        )


# Public services -------------------------------------------------------------------


@transaction.atomic
def funding_apply(*, instrument: Instrument, funding_rate: FundingRate) -> int:
    """Pay one funding interval on every open position in a perpetual; return how many paid.

    A positive rate makes longs pay shorts, a negative one the reverse, on the
    notional at the mark price fixed with the rate. The whole round in one
    transaction: ``funding_round_open``, then ``carry_batch_post`` of each batch.
    """
    return _batches_post(funding_round_open(instrument=instrument, funding_rate=funding_rate))


@transaction.atomic
def funding_round_open(*, instrument: Instrument, funding_rate: FundingRate) -> list[int]:
    """Open the funding round of a rate; return the ids of its batches not posted yet."""
    instrument = _lock_instrument(instrument.pk)
    _require_kind(instrument, Instrument.Kind.PERPETUAL)
    if funding_rate.instrument_id != instrument.pk:
        raise ValueError(f"The funding rate #{funding_rate.pk} is not {instrument.symbol}'s.")
    return _round_open(
        instrument,
        JournalEntry.Kind.FUNDING,
        funding_rate.funding_time.isoformat(),
        price=lambda: (funding_rate.mark_price, funding_rate.rate),
    )


@transaction.atomic
def borrow_interest_charge(*, instrument: Instrument, hour: datetime) -> int:
    """Charge an hour's interest on the coin every spot short borrowed; return how many paid.

    The loan is valued at the mark price when the round opens, at the instrument's
    annual borrow rate. Longs borrow nothing here.
    """
    return _batches_post(borrow_interest_round_open(instrument=instrument, hour=hour))


@transaction.atomic
def borrow_interest_round_open(*, instrument: Instrument, hour: datetime) -> list[int]:
    """Open the borrow-interest round of an hour; return the ids of its batches not posted yet."""
    instrument = _lock_instrument(instrument.pk)
    _require_kind(instrument, Instrument.Kind.SPOT)
    return _round_open(
        instrument,
        JournalEntry.Kind.BORROW_INTEREST,
        hour.isoformat(),
        price=lambda: (_quote(instrument).mark_price, instrument.borrow_rate or Decimal(0)),
    )


@transaction.atomic
def financing_charge(*, instrument: Instrument, day: date) -> int:
    """Charge one night's financing on every open CFD position; return how many paid.

    Per ``engine.overnight_financing``: a long pays notional * (benchmark + fee) / 365
    and a short notional * (fee - benchmark) / 365, at the mark price when the round
    opens. With no benchmark, ``financing_rate`` is the fee and both sides pay it.
    """
    return _batches_post(financing_round_open(instrument=instrument, day=day))


@transaction.atomic
def financing_round_open(*, instrument: Instrument, day: date) -> list[int]:
    """Open the financing round of a night; return the ids of its batches not posted yet."""
    instrument = _lock_instrument(instrument.pk)
    _require_kind(instrument, Instrument.Kind.CFD)
    return _round_open(
        instrument,
        JournalEntry.Kind.FINANCING,
        day.isoformat(),
        price=lambda: (_quote(instrument).mark_price, instrument.financing_rate or Decimal(0)),
    )


def carry_batch_post(*, batch_id: int) -> int:
    """Charge the positions of one batch of a carry round; return how many paid now.

    One transaction, retried when PostgreSQL picks it as a deadlock's victim. A batch
    already posted, by an earlier delivery of its task, charges nobody.
    """
    return _retrying_deadlocks(lambda: _batch_post(batch_id))


@transaction.atomic
def instrument_settle(*, instrument: Instrument) -> int:
    """Close every position in a settled future or option in cash; return how many closed.

    Open orders are canceled. A future realises (settlement - entry) * signed
    quantity; an option pays its intrinsic value at the settlement price to its
    holders and charges it to its writers (the premium changed hands when it
    traded). Either way the position closes at that price, so its realised PnL is
    what a trade there would have realised, and its quantity becomes zero.
    """
    instrument = _lock_instrument(instrument.pk)
    if instrument.kind not in (Instrument.Kind.FUTURE, Instrument.Kind.OPTION):
        raise ValueError(f"{instrument.symbol} is not a dated future or an option.")
    if instrument.status != Instrument.Status.SETTLED or instrument.settlement_price is None:
        raise Conflict(f"{instrument.symbol} has not settled yet.", code="instrument_not_settled")
    now = timezone.now()
    Order.objects.filter(instrument=instrument, status__in=Order.OPEN_STATUSES).update(
        status=Order.Status.CANCELED, updated_at=now
    )
    settlement = instrument.settlement_price
    is_option = instrument.kind == Instrument.Kind.OPTION
    if is_option:
        # What one option is worth at expiry: the price it closes at.
        close_price = engine.option_payoff(
            engine.OptionKind(instrument.option_type), instrument.strike, settlement, Decimal(1)
        )
    else:
        close_price = settlement
    ledger = _Ledger.load()
    settled = 0
    told = []
    for position in _open_positions(instrument):
        # engine.realized_pnl, not apply_fill: a worthless option closes at zero.
        pnl = engine.realized_pnl(
            _side(position), abs(position.quantity), position.entry_price, close_price
        ).quantize(MONEY)
        # Cash the account receives: the option's value for a holder (paid by a
        # writer), the realised PnL for a future.
        cash = position.quantity * close_price if is_option else pnl
        _charge(
            position,
            -cash,
            cost_field=None,
            kind=JournalEntry.Kind.SETTLEMENT,
            key=f"settlement:{position.pk}",
            memo=f"{instrument.symbol}: settled {position.quantity.normalize()} at "
            f"{settlement.normalize()}",
            ledger=ledger,
        )
        position.quantity = position.entry_price = Decimal(0)  # Flat, as a closing fill leaves it.
        position.realized_pnl += pnl
        position.save(update_fields=["quantity", "entry_price", "realized_pnl", "updated_at"])
        events.position_changed(account_id=position.account_id, instrument_id=instrument.pk)
        settled += 1
        # Told even when nothing was paid: a worthless option expiring is news too.
        told.append(
            settlement_notification(
                account_id=position.account_id,
                symbol=instrument.symbol,
                amount=(-cash).quantize(MONEY),
                detail=f"{instrument.symbol} settled in cash at {settlement.normalize()}",
            )
        )
    notifications_create_many(notifications=told)
    return settled


# Carry rounds ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Round:
    """One period's charge on an instrument's open positions, as both paths post it.

    ``amount`` is the engine's figure for a signed quantity (the one-by-one path);
    ``steps`` is the same arithmetic for SQL, one operation a step: an expression
    of the previous step's value ``v`` and the quantity ``q``, and the whole number
    it is divided by. Each step is rounded as Python's decimal context rounds every
    operation, so the two paths post the same amounts to the last place.
    """

    instrument: Instrument
    kind: str
    cost_field: str
    key: tuple[str, str]  # The idempotency key is these around the position's pk.
    memo: tuple[str, str]  # The memo is these around the quantity.
    amount: Callable[[Decimal], Decimal]
    steps: tuple[tuple[str, int], ...]
    params: dict[str, Decimal]
    shorts_only: bool = False

    def key_for(self, position_id: int) -> str:
        return f"{self.key[0]}{position_id}{self.key[1]}"

    def memo_for(self, quantity: Decimal) -> str:
        return f"{self.memo[0]}{abs(quantity).normalize()}{self.memo[1]}"

    def positions(self):
        positions = Position.objects.filter(instrument=self.instrument)
        if self.shorts_only:
            return positions.filter(quantity__lt=0)
        return positions.exclude(quantity=0)


def _funding_round(instrument: Instrument, at: str, mark: Decimal, rate: Decimal) -> _Round:
    return _Round(
        instrument=instrument,
        kind=JournalEntry.Kind.FUNDING,
        cost_field="funding_paid",
        key=("funding:", f":{at}"),
        memo=(
            f"{instrument.symbol}: funding at {at}, rate {rate.normalize()} on ",
            f" at {mark.normalize()}",
        ),
        amount=lambda quantity: engine.funding_payment(_side_of(quantity), quantity, mark, rate),
        steps=(("abs(q) * %(mark)s", 1), ("v * %(rate)s", 1), ("v * sign(q)", 1)),
        params={"mark": mark, "rate": rate},
    )


def _borrow_round(instrument: Instrument, hour: str, mark: Decimal, rate: Decimal) -> _Round:
    return _Round(
        instrument=instrument,
        kind=JournalEntry.Kind.BORROW_INTEREST,
        cost_field="borrow_interest_paid",
        key=("borrow:", f":{hour}"),
        memo=(
            f"{instrument.symbol}: borrow interest for the hour {hour} on ",
            f" at {mark.normalize()}, {rate.normalize()} a year",
        ),
        amount=lambda quantity: engine.borrow_interest(
            quantity, mark, annual_rate=rate, hours=BORROW_HOURS
        ),
        steps=(
            ("abs(q) * %(mark)s", 1),
            ("v * %(rate)s", 1),
            ("v * %(hours)s", 1),
            ("v", HOURS_PER_YEAR),
        ),
        params={"mark": mark, "rate": rate, "hours": Decimal(BORROW_HOURS)},
        shorts_only=True,
    )


def _financing_round(instrument: Instrument, day: str, mark: Decimal, rate: Decimal) -> _Round:
    nights = 1
    return _Round(
        instrument=instrument,
        kind=JournalEntry.Kind.FINANCING,
        cost_field="financing_paid",
        key=("financing:", f":{day}"),
        memo=(
            f"{instrument.symbol}: overnight financing for {day} on ",
            f" at {mark.normalize()}",
        ),
        amount=lambda quantity: engine.overnight_financing(
            _side_of(quantity),
            quantity * mark,
            benchmark_rate=FINANCING_BENCHMARK_RATE,
            admin_fee_rate=rate,
            nights=nights,
            day_count=FINANCING_DAY_COUNT,
        ),
        # The annual rate per side as the engine adds it up; then its arithmetic.
        steps=(
            ("q * %(mark)s", 1),
            ("abs(v) * CASE WHEN q > 0 THEN %(long_rate)s ELSE %(short_rate)s END", 1),
            ("v * %(nights)s", 1),
            ("v", FINANCING_DAY_COUNT),
        ),
        params={
            "mark": mark,
            "long_rate": FINANCING_BENCHMARK_RATE + rate,
            "short_rate": rate - FINANCING_BENCHMARK_RATE,
            "nights": Decimal(nights),
        },
    )


_ROUNDS: dict[str, Callable[[Instrument, str, Decimal, Decimal], _Round]] = {
    JournalEntry.Kind.FUNDING: _funding_round,
    JournalEntry.Kind.BORROW_INTEREST: _borrow_round,
    JournalEntry.Kind.FINANCING: _financing_round,
}


def _round_open(
    instrument: Instrument,
    kind: str,
    period: str,
    *,
    price: Callable[[], tuple[Decimal, Decimal]],
) -> list[int]:
    """Write a round's batches down unless they are; return the ids of those not posted.

    The caller holds the instrument's lock, so no position in it changes while the
    quantities are read, and a second opening of the round waits for the first and
    finds its batches. ``price`` gives the round's mark and rate, asked for only
    when the round opens now. A round with nobody to charge is one empty batch,
    posted at once, so that opening it later charges nobody either.
    """
    batches = CarryBatch.objects.filter(instrument=instrument, kind=kind, period=period)
    if not batches.exists():
        mark, rate = price()
        batch = CarryBatch(
            instrument=instrument,
            kind=kind,
            period=period,
            number=0,
            mark_price=mark,
            rate=rate,
            created_at=timezone.now(),
        )
        positions = _ROUNDS[kind](instrument, period, mark, rate).positions()
        if not _batches_write(batch, positions):
            batch.posted_at = batch.created_at
            batch.save()
    waiting = batches.filter(posted_at__isnull=True).order_by("number")
    return list(waiting.values_list("pk", flat=True))


def _batches_write(batch: CarryBatch, positions) -> int:
    """Write ``positions`` down in batches like ``batch``; return how many batches.

    Each batch holds ``settings.CARRY_ROUND_BATCH`` positions (the last one fewer).

    PostgreSQL builds the batches in one statement; the embedded default in Python.
    Each batch's positions are [id, account id, "quantity"], the quantity as text
    with its scale, in primary-key order.
    """
    size = settings.CARRY_ROUND_BATCH
    positions = positions.order_by("id").values_list("id", "account_id", "quantity")
    if connection.vendor != "postgresql":
        rows = [[pk, account_id, str(quantity)] for pk, account_id, quantity in positions]
        written = CarryBatch.objects.bulk_create(
            CarryBatch(
                instrument=batch.instrument,
                kind=batch.kind,
                period=batch.period,
                number=number,
                mark_price=batch.mark_price,
                rate=batch.rate,
                positions=rows[start : start + size],
                created_at=batch.created_at,
            )
            for number, start in enumerate(range(0, len(rows), size))
        )
        return len(written)
    select, params = positions.query.sql_with_params()
    fields = [
        CarryBatch._meta.get_field(name)
        for name in ("instrument", "kind", "period", "mark_price", "rate", "charged", "created_at")
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [field.get_db_prep_save(getattr(batch, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {CarryBatch._meta.db_table} ({columns}, number, positions)
            SELECT {", ".join(["%s"] * len(values))}, number,
                jsonb_agg(jsonb_build_array(id, account_id, quantity::text) ORDER BY n)
            FROM (
                SELECT p.*, row_number() OVER w AS n, (row_number() OVER w - 1) / %s AS number
                FROM ({select}) p WINDOW w AS (ORDER BY p.id)
            ) numbered
            GROUP BY number
            """,  # noqa: S608
            [*values, size, *params],
        )
        return cursor.rowcount


def _batches_post(batch_ids: list[int]) -> int:
    """Post the batches one after the other, in the caller's transaction; return how many paid."""
    return sum(_batch_post(batch_id) for batch_id in batch_ids)


@transaction.atomic
def _batch_post(batch_id: int) -> int:
    """``carry_batch_post`` in the caller's transaction."""
    batch = (
        CarryBatch.objects.select_for_update(of=("self",))
        .select_related("instrument")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or batch.posted_at is not None:
        return 0
    # As given when the round opened, without the field's trailing zeros: the SQL's
    # steps are exact (and cheap) while their products have at most 28 digits.
    mark, rate = batch.mark_price.normalize(), batch.rate.normalize()
    charge = _ROUNDS[batch.kind](batch.instrument, batch.period, mark, rate)
    rows = [(pk, account_id, Decimal(quantity)) for pk, account_id, quantity in batch.positions]
    if connection.vendor == "postgresql":
        charged = _batch_post_in_one_statement(charge, rows)
    else:
        charged = _batch_post_one_by_one(charge, rows)
    # What was charged is in the journal: the list is let go, so rounds keep a small
    # row a batch however many positions they charged.
    batch.posted_at, batch.charged, batch.positions = timezone.now(), charged, []
    batch.save(update_fields=["posted_at", "charged", "positions"])
    return charged


def _batch_lock(rows: list[tuple[int, int, Decimal]]) -> None:
    """Lock a batch's accounts, then its positions, each in primary-key order.

    The order every service that locks both keeps (``_open_positions``, the order
    path), so that a batch and an order on one of its accounts wait for each other
    instead of deadlocking. Each is one statement given an array of ids, which builds
    no model instance and quotes no list of thousands of ids. The embedded default
    (SQLite) has no row locks: it lets one writer in at a time.
    """
    if not connection.features.has_select_for_update:
        return
    account_ids = sorted({account_id for _, account_id, _ in rows})
    position_ids = sorted(pk for pk, _, _ in rows)
    with connection.cursor() as cursor:
        for table, ids in (
            (Account._meta.db_table, account_ids),
            (Position._meta.db_table, position_ids),
        ):
            cursor.execute(
                f"SELECT 1 FROM {connection.ops.quote_name(table)} "  # noqa: S608
                "WHERE id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE",
                [_array(ids)],
            )


def _batch_post_one_by_one(charge: _Round, rows: list[tuple[int, int, Decimal]]) -> int:
    """Post a batch a position at a time, each one journal entry through the ledger.

    The embedded default (SQLite) of the quick start, with a handful of positions.
    """
    _batch_lock(rows)
    positions = Position.objects.select_related("account").in_bulk([pk for pk, _, _ in rows])
    ledger = _Ledger.load()
    charged = 0
    for pk, _, quantity in rows:
        charged += _charge(
            positions[pk],
            charge.amount(quantity),
            cost_field=charge.cost_field,
            kind=charge.kind,
            key=charge.key_for(pk),
            memo=charge.memo_for(quantity),
            ledger=ledger,
        )
    return charged


def _batch_post_in_one_statement(charge: _Round, rows: list[tuple[int, int, Decimal]]) -> int:
    """Post a batch in one statement (PostgreSQL): the journal, the balances, the costs.

    It writes the batch's journal entries (``ON CONFLICT DO NOTHING`` on the
    idempotency key: an entry already written, by an earlier run of the period,
    charges nobody), the entries' lines, the cached balances and the positions' cost
    fields, and returns the account of each position it charged.
    """
    if not rows:
        return 0
    _batch_lock(rows)
    ids, accounts, quantities = zip(*rows, strict=True)
    params = {
        **_round_params(charge),
        "ids": _array(ids),
        "accounts": _array(accounts),
        "quantities": "{" + ",".join(map(str, quantities)) + "}",
    }
    with connection.cursor() as cursor:
        # The planner cannot foresee how many rows the CTEs hold. Compiling the
        # statement (JIT) for the millions it may guess takes longer than running it,
        # and a nested loop over two CTEs it guesses at one row each joins thousands
        # of rows to thousands: every join here is between a batch's rows, so hashes.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL enable_nestloop = off")
        # Named once: in the statement, pg_get_serial_sequence would look the
        # sequence up in the catalog again for every entry.
        cursor.execute("SELECT pg_get_serial_sequence('trading_journalentry', 'id')")
        params["entry_sequence"] = cursor.fetchone()[0]
        cursor.execute(_round_sql(charge), params)
        posted = [account_id for (account_id,) in cursor.fetchall()]
        cursor.execute("SET LOCAL jit TO DEFAULT")
        cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")
    events.positions_changed(instrument_id=charge.instrument.pk, account_ids=posted)
    return len(posted)


def _array(pks: tuple[int, ...]) -> str:
    """An array of primary keys as PostgreSQL's text form, one parameter for the lot.

    The statement names each array several times, and the driver quotes a list
    element by element at every place it appears: 10,000 keys seven times a batch.
    """
    return "{" + ",".join(map(str, map(int, pks))) + "}"


def _round_params(charge: _Round) -> dict:
    """The parameters of ``_round_sql`` but the batch's (``ids``, ``accounts``, ``quantities``)."""
    ledger = _Ledger.load()
    return {
        **charge.params,
        "kind": charge.kind,
        "key_before": charge.key[0],
        "key_after": charge.key[1],
        "memo_before": charge.memo[0],
        "memo_after": charge.memo[1],
        "market": ledger.market.pk,
        "insurance": ledger.insurance.pk,
        "user_kinds": list(USER_KINDS),
        "now": timezone.now(),
    }


_ROUND_SQL = """
WITH batch AS MATERIALIZED (
    SELECT * FROM unnest(%(ids)s::bigint[], %(accounts)s::bigint[], %(quantities)s::numeric[])
        AS b(id, account_id, q)
),
amounts AS MATERIALIZED (
    {amounts}
),
charges AS MATERIALIZED (
    SELECT c.id, c.account_id, c.v AS amount,
        nextval(%(entry_sequence)s::regclass) AS entry_id,
        %(key_before)s || c.id || %(key_after)s AS key,
        left(%(memo_before)s || {quantity_text}
            || %(memo_after)s, 255) AS memo,
        CASE WHEN c.v > 0 THEN least(c.v, greatest(cash.amount, 0)) ELSE c.v END AS paid,
        a.kind = ANY(%(user_kinds)s) AS cached
    FROM amounts c
    JOIN trading_account a ON a.id = c.account_id AND a.id = ANY(%(accounts)s::bigint[])
    CROSS JOIN LATERAL (
        SELECT CASE WHEN a.kind = ANY(%(user_kinds)s) THEN coalesce(
            (SELECT b.amount FROM trading_balance b
             WHERE b.account_id = a.id AND b.asset = a.currency), 0)
        ELSE coalesce(
            (SELECT sum(l.amount) FROM trading_journalline l
             WHERE l.account_id = a.id AND l.asset = a.currency), 0)
        END AS amount
    ) cash
    -- An entry written by an earlier run of the period is found by ON CONFLICT below,
    -- one probe of the unique key's index each: a NOT EXISTS here, joined by hash as
    -- the session's settings ask, would read the whole journal once per batch.
    WHERE c.v <> 0
),
entries AS (
    INSERT INTO trading_journalentry (id, kind, memo, created_by_id, idempotency_key, created_at)
    SELECT entry_id, %(kind)s, memo, NULL, key, %(now)s FROM charges ORDER BY id
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
),
posted AS MATERIALIZED (
    SELECT * FROM charges WHERE entry_id IN (SELECT id FROM entries)
),
lines AS (
    INSERT INTO trading_journalline (entry_id, account_id, asset, amount)
    SELECT entry_id, account_id, 'USD', amount FROM (
        SELECT entry_id, 0 AS line, %(market)s::bigint AS account_id, amount FROM posted
        UNION ALL SELECT entry_id, 1, account_id, -paid FROM posted
        UNION ALL SELECT entry_id, 2, %(insurance)s::bigint, paid - amount FROM posted
    ) moves
    WHERE amount <> 0
    ORDER BY entry_id, line
),
balances AS (
    UPDATE trading_balance b SET amount = b.amount - posted.paid
    FROM posted
    WHERE b.account_id = posted.account_id AND b.account_id = ANY(%(accounts)s::bigint[])
      AND b.asset = 'USD' AND posted.cached AND posted.paid <> 0
    RETURNING b.account_id
),
-- The statement's snapshot holds the balances it updated and no others: an account
-- whose balance it did not update has none yet.
new_balances AS (
    INSERT INTO trading_balance (account_id, asset, amount)
    SELECT account_id, 'USD', -paid FROM posted
    WHERE cached AND paid <> 0
      AND NOT EXISTS (SELECT 1 FROM balances WHERE balances.account_id = posted.account_id)
),
costs AS (
    UPDATE trading_position p SET {cost} = p.{cost} + posted.amount, updated_at = %(now)s
    FROM posted WHERE p.id = posted.id AND p.id = ANY(%(ids)s::bigint[])
)
SELECT account_id FROM posted
"""


def _round_sql(charge: _Round) -> str:
    """The statement that posts one batch of a round: the positions with a pk in ``ids``.

    The ids are the locked positions' (the caller's), ``accounts`` their accounts'
    and ``quantities`` what each held when the round opened, given as arrays so that
    the planner knows how many rows each step holds (guessing one row from stale
    statistics, it would join two CTEs of thousands of rows in a nested loop) and
    reads only those rows of the tables it updates.

    It returns the account pk of each position charged now. The lines follow
    ``_charge``: the market takes the amount, the account pays what its cash covers
    (never going below zero) or receives a credit, the insurance fund covers the rest.
    """
    cost = connection.ops.quote_name(Position._meta.get_field(charge.cost_field).column)
    return _ROUND_SQL.format(
        amounts=_amounts_sql(charge.steps),
        quantity_text=_normalized_text("trim_scale(abs(c.q))"),
        cost=cost,
    )


_STEP_SQL = (
    "SELECT id, account_id, q, {value} AS v FROM ("
    "SELECT id, account_id, q, {expression} AS n FROM ({select}) step{step} OFFSET 0"
    ") value{step}"
)


def _amounts_sql(steps: tuple[tuple[str, int], ...]) -> str:
    """A SELECT of (id, account_id, q, v) from ``batch``: ``v`` what the position pays.

    Each step is rounded as Python's decimal context rounds an operation, to 28
    significant digits half-even, and the last one is quantized to the ledger's
    places half-even, as ``_charge`` quantizes. A product short enough to be exact,
    and a quotient far enough from a tie at the ledger's places that its rounding to
    28 digits cannot move it, take the cheap path; the rest ``_rounded``. Each step
    is computed once (the ``OFFSET 0`` fence keeps PostgreSQL from inlining it into
    the next several times over).
    """
    select = "SELECT id, account_id, q FROM batch"
    for number, (expression, divisor) in enumerate(steps):
        last = number == len(steps) - 1
        if divisor == 1:
            exact = f"length(replace(abs(n)::text, '.', '')) <= {CONTEXT_DIGITS}"
            value = f"CASE WHEN {exact} THEN n ELSE {_rounded('n')} END"
        elif last:
            value = _quotient_quantized("n", divisor)
        else:
            value = _rounded("n", divisor)
        select = _STEP_SQL.format(value=value, expression=expression, select=select, step=number)
    if steps[-1][1] == 1:  # Quantized apart: ``_quantized`` names its number several times.
        fenced = f"{select} OFFSET 0"
        select = _STEP_SQL.format(value="n", expression=_quantized("v"), select=fenced, step="q")
    return select


def _rounded(number: str, divisor: int = 1, places: str | None = None) -> str:
    """SQL for ``number / divisor`` rounded half-even exactly, as Python's context would.

    To ``places`` if given, else to 28 significant digits: the places are found
    from the digits of the quotient scaled by 10**80 (so a quotient from 1e-80 up;
    a round's steps stay far above). PostgreSQL multiplies exactly and ``div`` and
    ``mod`` are exact, so the last digit kept and the remainder after it decide: up
    past half, to even at half.
    """
    d = int(divisor)
    if places is None:
        # 10**e <= quotient < 10**(e + 1) has e + 81 digits scaled; keep down to 10**(e - 27).
        places = f"(108 - length(div(abs({number}) * 1e80, {d})::text))"
    scaled = f"(abs({number}) * ('1e' || {places})::numeric)"
    kept = f"div({scaled}, {d})"
    rest = f"mod({scaled}, {d})"
    return (
        f"(sign({number}) * ({kept} + CASE WHEN 2 * {rest} > {d} "
        f"OR (2 * {rest} = {d} AND mod({kept}, 2) = 1) THEN 1 ELSE 0 END) "
        f"* ('1e' || -{places})::numeric)"
    )


def _quantized(number: str) -> str:
    """SQL for ``Decimal.quantize(MONEY)`` of an exact ``number`` (half-even)."""
    places = AMOUNT_PLACES
    return (
        f"(CASE WHEN scale({number}) <= {places} THEN round({number}, {places}) "
        f"ELSE {_rounded(number, 1, str(places))} END)"
    )


def _quotient_quantized(number: str, divisor: int) -> str:
    """SQL for ``(number / divisor)``, rounded to 28 digits, then ``quantize(MONEY)``.

    Rounding to 28 digits first changes the result only when the quotient lies
    within half a unit of its 28th digit of a tie at the ledger's places: such a
    quotient is rounded twice exactly, any other once.
    """
    d, places = int(divisor), AMOUNT_PLACES
    scaled = f"(abs({number}) * 1e{places})"
    rest = f"mod({scaled}, {d})"
    # |quotient - tie| > quotient * 1e-27 / 2, in units of the ledger's last place.
    clear = f"abs(2 * {rest} - {d}) * 1e{CONTEXT_DIGITS - 1} > {scaled}"
    once = (
        f"sign({number}) * (div({scaled}, {d}) + CASE WHEN 2 * {rest} > {d} THEN 1 ELSE 0 END)"
        f" * 1e-{places}"
    )
    return f"(CASE WHEN {clear} THEN {once} ELSE {_quantized(_rounded(number, d))} END)"


def _normalized_text(number: str) -> str:
    """SQL for ``str(Decimal.normalize())`` of ``number``, a ``trim_scale``d numeric.

    A whole number's trailing zeros become the exponent, as ``normalize`` makes them.
    """
    whole = _scientific(f"rtrim({number}::text, '0')", f"length({number}::text) - 1")
    return f"""(CASE
        WHEN {number} = 0 THEN '0'
        WHEN scale({number}) = 0 AND right({number}::text, 1) = '0' THEN {whole}
        ELSE {_decimal_text(number)} END)"""


def _decimal_text(number: str) -> str:
    """SQL for ``str()`` of the Decimal that ``number`` is, at its scale, in Python.

    Python writes a number smaller than 1e-6 at its scale in scientific notation
    (5E-8, 5.0E-7 for 0.00000050); PostgreSQL writes every digit of the scale.
    """
    number = f"({number})"
    digits = f"ltrim(replace(abs{number}::text, '.', ''), '0')"
    adjusted = f"length({digits}) - 1 - scale({number})"
    sign = f"CASE WHEN {number} < 0 THEN '-' ELSE '' END"
    return f"""(CASE
        WHEN {number} <> 0 AND {adjusted} < -6 THEN {sign} || {_scientific(digits, adjusted)}
        ELSE {number}::text END)"""


def _scientific(digits: str, exponent: str) -> str:
    """SQL for Python's scientific notation of a coefficient's ``digits`` and exponent."""
    return (
        f"(left({digits}, 1) || CASE WHEN length({digits}) > 1 THEN '.' || substr({digits}, 2) "
        f"ELSE '' END || 'E' || CASE WHEN {exponent} > 0 THEN '+' ELSE '' END "
        f"|| ({exponent})::text)"
    )


# Helpers ---------------------------------------------------------------------------


def _require_kind(instrument: Instrument, kind: str) -> None:
    if instrument.kind != kind:
        raise ValueError(f"{instrument.symbol} is not a {Instrument.Kind(kind).label.lower()}.")


def _open_positions(instrument: Instrument, *, shorts_only: bool = False) -> list[Position]:
    """Lock the accounts with an open position in the instrument, then the positions.

    The caller holds the instrument's lock, so no position in it opens or closes
    between the two reads.
    """
    positions = Position.objects.filter(instrument=instrument)
    positions = positions.filter(quantity__lt=0) if shorts_only else positions.exclude(quantity=0)
    _lock_accounts(positions.values_list("account_id", flat=True))
    return list(positions.select_related("account").select_for_update(of=("self",)).order_by("pk"))


def _side(position: Position) -> engine.Side:
    return _side_of(position.quantity)


def _side_of(quantity: Decimal) -> engine.Side:
    return engine.Side.BUY if quantity > 0 else engine.Side.SELL


def _charge(
    position: Position,
    amount: Decimal,
    *,
    cost_field: str | None,
    kind: str,
    key: str,
    memo: str,
    ledger: _Ledger,
) -> int:
    """Post what a position pays (positive) or receives (negative); return 1 if posted now.

    The insurance fund covers what the account's cash cannot, and the position's
    ``cost_field`` adds the whole amount.
    """
    amount = amount.quantize(MONEY)
    if amount == 0 or JournalEntry.objects.filter(idempotency_key=key).exists():
        return 0
    account = position.account
    postings = [Posting(account=ledger.market, amount=amount)]
    if amount > 0:
        paid = min(amount, max(selectors.account_cash(account=account), Decimal(0)))
        postings += [
            Posting(account=account, amount=-paid),
            Posting(account=ledger.insurance, amount=paid - amount),
        ]
    else:
        postings.append(Posting(account=account, amount=-amount))
    journal_post(
        kind=kind,
        postings=[p for p in postings if p.amount != 0],
        memo=memo,
        idempotency_key=key,
    )
    events.position_changed(account_id=position.account_id, instrument_id=position.instrument_id)
    if cost_field is not None:
        setattr(position, cost_field, getattr(position, cost_field) + amount)
        position.save(update_fields=[cost_field, "updated_at"])
    return 1
