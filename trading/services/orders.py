"""Orders, fills and positions: place, amend, cancel, close, set leverage.

Each public function is one transaction. It locks the instrument's row first (the
order book has one writer at a time), then trading accounts in primary-key order.
The pure engine decides the matching; this module persists what it decided: the
order, its fills, the makers' orders, both sides' positions, and one ledger entry
per account for the fees, realised PnL and option premiums the order moved.

A refused order changes nothing: every check that needs the outcome of matching
(margin, position size) runs after it, inside the transaction, and a refusal rolls
the whole transaction back.
"""

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from config.errors import Conflict, DomainError, NotFound
from config.rows import JoinedSelect
from education import selectors as education_selectors
from market import selectors as market_selectors
from market import services as market_services
from market.models import Instrument, Underlying
from trading import engine, events, mappers, rows, selectors
from trading.models import Account, Fill, JournalEntry, Order, Position
from trading.services.ledger import (
    Posting,
    _journal_post_locked,
    _lock_accounts,
    _paper_balances,
    _system_accounts,
    balance_restore,
)

DEADLOCK_RETRIES = 3
MONEY = Decimal("0.00000001")
CONDITIONAL_TYPES = {
    Order.Type.STOP_MARKET,
    Order.Type.STOP_LIMIT,
    Order.Type.TAKE_PROFIT_MARKET,
    Order.Type.TAKE_PROFIT_LIMIT,
    Order.Type.TRAILING_STOP,
}
LIMIT_PRICED_TYPES = {Order.Type.LIMIT, Order.Type.STOP_LIMIT, Order.Type.TAKE_PROFIT_LIMIT}
ENGINE_CODES = {
    "price_off_tick": "invalid_price",
    "quantity_off_lot": "invalid_quantity",
    "invalid_stop_price": "invalid_stop_price",
}


class OrderRefused(DomainError):
    """A pre-trade or post-trade check refused the order; nothing changed."""

    code = "order_refused"
    default_message = "The order was refused."


@dataclass(frozen=True, slots=True)
class Exit:
    """An attached stop-loss or take-profit: a trigger price and an optional limit price."""

    stop_price: Decimal
    price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What a client asked for; the same client_order_id must come with the same request."""

    instrument: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_amount: Decimal | None = None
    trailing_percent: Decimal | None = None
    trigger_by: str = Order.TriggerBy.MARK
    time_in_force: str = Order.TimeInForce.GTC
    expire_at: datetime | None = None
    post_only: bool = False
    reduce_only: bool = False
    stop_loss: Exit | None = None
    take_profit: Exit | None = None

    def fingerprint(self) -> str:
        return _fingerprint(self)


@dataclass(frozen=True, slots=True)
class OcoRequest:
    """One cancels the other: a limit order and a stop on the same side, same quantity.

    A sell pair is the classic exit of a long (take profit above the price, cut the
    loss below it); a buy pair closes a short the same way round. Whichever leg fills
    or triggers first cancels the other.
    """

    instrument: str
    side: str
    quantity: Decimal
    price: Decimal  # The limit leg's price.
    stop_price: Decimal  # The stop leg's trigger.
    stop_limit_price: Decimal | None = None  # A stop-limit leg instead of a stop-market.
    trigger_by: str = Order.TriggerBy.MARK
    reduce_only: bool = False

    def fingerprint(self) -> str:
        return _fingerprint(self)


def _fingerprint(request) -> str:
    """A digest of a request's fields: the same client_order_id must come with the same."""

    def plain(value):
        if isinstance(value, Exit):
            return [plain(value.stop_price), plain(value.price)]
        if isinstance(value, Decimal):
            return str(value.normalize())
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    body = {name: plain(getattr(request, name)) for name in request.__dataclass_fields__}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(slots=True)
class _AccountMoves:
    """What one order's fills moved for one account, posted as one journal entry."""

    fee: Decimal = Decimal(0)
    pnl: Decimal = Decimal(0)
    premium: Decimal = Decimal(0)  # Paid (positive) or received (negative).
    orders: set = field(default_factory=set)


# Public services -------------------------------------------------------------------


def order_place(
    *,
    account: Account,
    request: OrderRequest,
    client_order_id: str | None = None,
    now: datetime | None = None,
) -> tuple[Order, bool]:
    """Place an order; return it and whether it is new (False: an idempotent retry)."""
    return _retrying_deadlocks(
        lambda: _order_place(
            account=account, request=request, client_order_id=client_order_id, now=now
        )
    )


def oco_place(
    *,
    account: Account,
    request: OcoRequest,
    client_order_id: str | None = None,
    now: datetime | None = None,
) -> tuple[list[Order], bool]:
    """Place a one-cancels-the-other pair; return its legs and whether they are new.

    The limit leg must rest (it is placed post-only) and the stop must not trigger at
    once: for a sell pair, price above the trigger reference and stop below it; for a
    buy pair the other way round. ``client_order_id`` names the pair.
    """
    return _retrying_deadlocks(
        lambda: _oco_place(
            account=account, request=request, client_order_id=client_order_id, now=now
        )
    )


@transaction.atomic
def _oco_place(*, account, request: OcoRequest, client_order_id, now) -> tuple[list[Order], bool]:
    fingerprint = request.fingerprint()
    if client_order_id:
        existing = Order.objects.filter(account=account, client_order_id=client_order_id).first()
        if existing is not None:
            existing = _idempotent(existing, fingerprint)
            return list(Order.objects.filter(oco_group=existing.oco_group).order_by("pk")), False
    selling = request.side == Order.Side.SELL
    limit_leg, _ = _order_place(
        account=account,
        request=OrderRequest(
            instrument=request.instrument,
            side=request.side,
            type=Order.Type.LIMIT,
            quantity=request.quantity,
            price=request.price,
            post_only=True,
            reduce_only=request.reduce_only,
        ),
        client_order_id=client_order_id,
        now=now,
    )
    if limit_leg.status != Order.Status.NEW:
        raise _field_error(
            "price",
            "would_take",
            "The limit leg would trade at once; an OCO's limit must rest in the book.",
        )
    reference = trigger_reference(limit_leg, _quote(limit_leg.instrument))
    if (request.price <= reference) if selling else (request.price >= reference):
        raise _field_error(
            "price",
            "invalid_oco_price",
            f"For a {request.side} OCO the limit price must be "
            f"{'above' if selling else 'below'} the current price ({reference.normalize()}).",
        )
    stop_leg, _ = _order_place(
        account=account,
        request=OrderRequest(
            instrument=request.instrument,
            side=request.side,
            type=Order.Type.STOP_MARKET
            if request.stop_limit_price is None
            else Order.Type.STOP_LIMIT,
            quantity=request.quantity,
            price=request.stop_limit_price,
            stop_price=request.stop_price,
            trigger_by=request.trigger_by,
            reduce_only=request.reduce_only,
        ),
        client_order_id=None,
        now=now,
    )
    group = uuid.uuid4()
    Order.objects.filter(pk=limit_leg.pk).update(request_fingerprint=fingerprint, oco_group=group)
    Order.objects.filter(pk=stop_leg.pk).update(oco_group=group)
    for leg in (limit_leg, stop_leg):
        leg.oco_group = group
    limit_leg.request_fingerprint = fingerprint
    return [limit_leg, stop_leg], True


@transaction.atomic
def order_cancel(*, account: Account, order_id: int) -> Order:
    """Cancel an open order of the account, the exits attached to it and its OCO partner."""
    order = _own_order(account=account, order_id=order_id)
    instrument = _lock_instrument(order.instrument_id)
    order = _lock_order(order.pk)
    order.instrument = instrument  # As locked: the answer reads its symbol.
    if not order.is_open:
        raise Conflict(
            f"The order is {order.get_status_display().lower()} and cannot be canceled.",
            code="order_not_open",
        )
    _close_order(order, Order.Status.CANCELED)
    orders_cancel_open(order.attached.all())
    oco_partners_cancel(order)
    return order


@transaction.atomic
def order_cancel_all(*, account: Account, instrument: Instrument | None = None) -> list[Order]:
    """Cancel every open order of the account, on one instrument or on all."""
    orders = Order.objects.filter(account=account, status__in=Order.OPEN_STATUSES)
    if instrument is not None:
        orders = orders.filter(instrument=instrument)
    canceled = []
    for instrument_id in sorted(set(orders.values_list("instrument_id", flat=True))):
        _lock_instrument(instrument_id)
    for order in orders.select_for_update().order_by("pk"):
        _close_order(order, Order.Status.CANCELED)
        canceled.append(order)
    return canceled


def order_amend(
    *,
    account: Account,
    order_id: int,
    price: Decimal | None = None,
    quantity: Decimal | None = None,
    stop_price: Decimal | None = None,
    now: datetime | None = None,
) -> Order:
    """Change an open order's price, stop price or quantity.

    Lowering only the quantity keeps the order's place in the queue; any other change
    puts it at the back, as on every exchange. A new price that crosses the book
    trades at once, like a new order.
    """
    return _retrying_deadlocks(
        lambda: _order_amend(
            account=account,
            order_id=order_id,
            price=price,
            quantity=quantity,
            stop_price=stop_price,
            now=now,
        )
    )


def position_close(*, account: Account, instrument: Instrument, now=None) -> Order:
    """Close the account's whole position in the instrument at the market."""
    position = Position.objects.filter(account=account, instrument=instrument).first()
    if position is None or position.quantity == 0:
        raise NotFound(f"There is no open position in {instrument.symbol}.")
    request = OrderRequest(
        instrument=instrument.symbol,
        side=Order.Side.SELL if position.quantity > 0 else Order.Side.BUY,
        type=Order.Type.MARKET,
        quantity=abs(position.quantity),
        time_in_force=Order.TimeInForce.IOC,
        reduce_only=True,
    )
    order, _ = order_place(account=account, request=request, now=now)
    _reduce_only_orders_retire(account=account, instrument=instrument)
    return order


@transaction.atomic
def _reduce_only_orders_retire(*, account: Account, instrument: Instrument) -> None:
    """Once a position is flat, cancel what could only have closed it.

    Its attached stop-loss and take-profit, and any other reduce-only order on the
    instrument, have nothing left to reduce, as on an exchange.
    """
    _lock_instrument(instrument.pk)
    _lock_accounts([account.pk])
    if _position(account, instrument).quantity != 0:
        return  # The close filled only in part: the exits still protect the rest.
    orders_cancel_open(
        Order.objects.filter(account=account, instrument=instrument, reduce_only=True)
    )


@transaction.atomic
def leverage_set(*, account: Account, instrument: Instrument, leverage: Decimal) -> Position:
    """Set the account's leverage on an instrument (1x up to the instrument's maximum)."""
    instrument = _lock_instrument(instrument.pk)
    if not leverage.is_finite() or not Decimal(1) <= leverage <= instrument.max_leverage:
        raise OrderRefused(
            f"Leverage must be between 1x and {instrument.max_leverage.normalize()}x.",
            code="invalid_leverage",
            fields={"leverage": ["Out of range."]},
        )
    if leverage != leverage.quantize(Decimal("0.01")):
        raise OrderRefused("Leverage has at most two decimals.", code="invalid_leverage")
    if account.user_id is not None and (
        problem := education_selectors.trading_permission_problem(
            account.user_id, instrument, leverage=leverage
        )
    ):
        raise OrderRefused(problem, code="permission_required", fields={"leverage": [problem]})
    _lock_accounts([account.pk])
    position = _position(account, instrument)
    position.leverage = leverage
    position.save(update_fields=["leverage", "updated_at"])
    events.position_changed(account_id=account.pk, instrument_id=instrument.pk)
    if selectors.account_summary(account=account).available < 0:
        raise OrderRefused(
            "At that leverage your positions and orders would need more margin than you have.",
            code="insufficient_margin",
        )
    return position


@transaction.atomic
def margin_mode_set(*, account: Account, instrument: Instrument, margin_mode: str) -> Position:
    """Choose cross or isolated margin on an instrument, while nothing is open on it.

    Cross margin backs every position with the whole account; isolated margin sets
    aside a margin for this position alone, which is all it can lose when liquidated.
    """
    if margin_mode not in Position.MarginMode.values:
        raise OrderRefused(
            "Margin mode is cross or isolated.",
            code="invalid_margin_mode",
            fields={"margin_mode": ["Choose cross or isolated."]},
        )
    instrument = _lock_instrument(instrument.pk)
    if margin_mode == Position.MarginMode.ISOLATED and instrument.kind == Instrument.Kind.OPTION:
        raise OrderRefused(
            "Options are margined on the account as a whole.",
            code="invalid_margin_mode",
            fields={"margin_mode": ["Options use cross margin."]},
        )
    _lock_accounts([account.pk])
    position = _position(account, instrument)
    if position.margin_mode == margin_mode:
        return position
    has_orders = Order.objects.filter(
        account=account, instrument=instrument, status__in=Order.OPEN_STATUSES
    ).exists()
    if position.quantity != 0 or has_orders:
        raise Conflict(
            f"Close the position and cancel the open orders in {instrument.symbol} "
            "before changing its margin mode.",
            code="margin_mode_locked",
        )
    position.margin_mode = margin_mode
    position.isolated_margin = Decimal(0)
    position.save(update_fields=["margin_mode", "isolated_margin", "updated_at"])
    return position


@transaction.atomic
def isolated_margin_adjust(
    *, account: Account, instrument: Instrument, amount: Decimal
) -> Position:
    """Add margin to an isolated position (a positive amount) or take some out.

    More margin moves the liquidation price away and must be available; what is
    taken out must leave at least the initial margin of the position at its entry.
    """
    if not amount.is_finite() or amount == 0 or amount != amount.quantize(MONEY):
        raise OrderRefused(
            "The amount is a non-zero number with at most eight decimals.",
            code="invalid_amount",
            fields={"amount": ["Non-zero, eight decimals at most."]},
        )
    instrument = _lock_instrument(instrument.pk)
    _lock_accounts([account.pk])
    position = _position(account, instrument)
    if position.quantity == 0:
        raise NotFound(f"There is no open position in {instrument.symbol}.")
    if position.margin_mode != Position.MarginMode.ISOLATED:
        raise Conflict(
            f"The position in {instrument.symbol} is on cross margin.",
            code="not_isolated",
        )
    if amount < 0:
        floor = engine.initial_margin(
            abs(position.quantity) * position.entry_price,
            leverage=position.leverage,
            tiers=mappers.margin_tiers(instrument),
        )
        if position.isolated_margin + amount < floor:
            raise OrderRefused(
                f"At most {max(position.isolated_margin - floor, Decimal(0)).quantize(MONEY)} "
                "can be taken out: the position needs its initial margin.",
                code="insufficient_margin",
                fields={"amount": ["More than the position can spare."]},
            )
    position.isolated_margin += amount
    position.save(update_fields=["isolated_margin", "updated_at"])
    if amount > 0 and selectors.account_summary(account=account).available < 0:
        raise OrderRefused(
            "Not enough available margin to add that much.",
            code="insufficient_margin",
            fields={"amount": ["More than is available."]},
        )
    return position


def account_reset(*, account: Account, requested_by=None, now=None) -> JournalEntry | None:
    """Start a paper account over: cancel its orders, close its positions, restore its cash.

    Positions close at the market through the book, so the history shows what they
    realised; then the balance is restored to the starting amount. Everything stays
    visible in the history.
    """

    def reset():
        order_cancel_all(account=account)
        open_positions = (
            Position.objects.filter(account=account)
            .exclude(quantity=0)
            .select_related("instrument")
            .order_by("instrument_id")
        )
        for position in open_positions:
            instrument = position.instrument
            if instrument.status == Instrument.Status.SETTLED:
                # Pay out the settlement first if the workers have not done so yet.
                from trading.services.carry import instrument_settle

                instrument_settle(instrument=instrument)
            else:
                request = OrderRequest(
                    instrument=instrument.symbol,
                    side=Order.Side.SELL if position.quantity > 0 else Order.Side.BUY,
                    type=Order.Type.MARKET,
                    quantity=abs(position.quantity),
                    time_in_force=Order.TimeInForce.IOC,
                    reduce_only=True,
                )
                _order_place(
                    account=account, request=request, client_order_id=None, now=now,
                    halted_ok=True,
                )  # fmt: skip
        return balance_restore(account=account, requested_by=requested_by)

    return _retrying_deadlocks(reset)


# Placing --------------------------------------------------------------------------


def _retrying_deadlocks(work):
    """Run a service again when PostgreSQL chose it as a deadlock victim."""
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            deadlock = getattr(getattr(error, "__cause__", None), "sqlstate", None) == "40P01"
            if (
                not deadlock
                or attempt == DEADLOCK_RETRIES - 1
                or transaction.get_connection().in_atomic_block
            ):
                raise
    raise AssertionError("unreachable")


def _order_place(
    *, account, request: OrderRequest, client_order_id, now, halted_ok: bool = False
) -> tuple[Order, bool]:
    now = now or timezone.now()
    instrument = _lock_instrument_by_symbol(request.instrument)
    if instrument is None:
        raise OrderRefused(
            f"No instrument is called {request.instrument}.",
            code="unknown_instrument",
            fields={"instrument": ["Unknown symbol."]},
        )
    fingerprint = request.fingerprint()
    taker = _lock_taker(account.pk, instrument, client_order_id or None)
    if taker.existing_id is not None:
        return _idempotent(Order.objects.get(pk=taker.existing_id), fingerprint), False
    _check_account_may_trade(account, instrument)
    if not halted_ok:
        _check_instrument(instrument, now)
    spec = mappers.instrument_spec(instrument)
    _check_sizes(instrument, spec, request)
    position = _position(account, instrument)
    if request.reduce_only and not _reduces(position.quantity, request.side):
        raise OrderRefused(
            "A reduce-only order must be on the other side of an open position.",
            code="reduce_only_would_increase",
        )
    if not request.reduce_only and account.user_id is not None:
        signed = request.quantity if request.side == Order.Side.BUY else -request.quantity
        after = position.quantity + signed
        grows = after != 0 and (abs(after) > abs(position.quantity) or after * signed > 0)
        # The rules limit only what opens or adds to a position: an order that reduces
        # or closes one passes without asking for them.
        problem = grows and education_selectors.trading_permission_problem(
            account.user_id,
            instrument,
            leverage=position.leverage,
            side=request.side if after < 0 else None,
        )
        if problem:
            raise OrderRefused(problem, code="permission_required")
    quote = _quote(instrument)
    _check_exits(request, quote.mark_price)
    position_before = position.quantity
    order = Order(
        account=account,
        instrument=instrument,
        client_order_id=client_order_id or None,
        request_fingerprint=fingerprint,
        side=request.side,
        type=request.type,
        quantity=request.quantity,
        price=request.price,
        stop_price=request.stop_price,
        trailing_amount=request.trailing_amount,
        trailing_percent=request.trailing_percent,
        trigger_by=request.trigger_by,
        time_in_force=request.time_in_force,
        expire_at=request.expire_at,
        post_only=request.post_only,
        reduce_only=request.reduce_only,
        sequence=taker.next_sequence,
    )
    # Only a client_order_id can collide: the same one placed by a request that
    # committed while this one waited for the account's lock.
    if not rows.insert(order, skip_conflict_on=CLIENT_ORDER_ID_UNIQUE):
        existing = Order.objects.get(account=account, client_order_id=client_order_id)
        return _idempotent(existing, fingerprint), False

    # The cached balances of the accounts this order moves money for, read once under
    # their locks and kept current by the journal entries: the margin check reads the
    # account's cash from them.
    balances: dict = {}
    if request.type in CONDITIONAL_TYPES:
        _arm_conditional(order, instrument, quote)
    else:
        _execute(
            order,
            instrument,
            spec,
            quote,
            now,
            position=position,
            balances=balances,
            system=taker.system,
        )
    _attached_known(order, _attach_exits(order, request))
    held = balances.get((account.pk, account.currency)) if account.is_users else None
    _check_margin(
        account,
        order,
        position_before=position_before,
        position=position,
        quotes=_quotes_at(instrument, quote),
        cash=held.amount if held is not None else None,
    )
    events.order_changed(order=order)
    return order, True


def _attached_known(order: Order, exits: list[Order]) -> None:
    """Remember a new order's attached exits, as ``prefetch_related("attached")`` would.

    A new order's exits are exactly the ones just created, so reading them back (the
    API's answer lists them) needs no query. They are kept in the model's ordering,
    newest first.
    """
    attached = Order.objects.filter(parent=order)
    attached._result_cache = exits[::-1]
    attached._prefetch_done = True
    order._prefetched_objects_cache = {"attached": attached}


def _idempotent(existing: Order, fingerprint: str) -> Order:
    if existing.request_fingerprint != fingerprint:
        raise Conflict(
            "This client_order_id was already used for a different order.",
            code="duplicate_client_order_id",
            fields={"client_order_id": ["Already used with another request."]},
        )
    return existing


def _lock_instrument(instrument_id: int) -> Instrument:
    """Lock the instrument (its book), its underlying read with it."""
    found = _INSTRUMENT_LOCK_BY_ID.fetch([instrument_id])
    if not found:
        raise Instrument.DoesNotExist(f"No instrument {instrument_id}.")
    return found[0][0]


# Every order starts with it: a plain statement, as ``select_for_update(of=("self",))
# .select_related("underlying")`` would run it.
_INSTRUMENT_FROM = "FROM market_instrument i JOIN market_underlying u ON u.id = i.underlying_id "
_INSTRUMENT_LOCK = JoinedSelect(
    (("i", Instrument), ("u", Underlying)),
    _INSTRUMENT_FROM + "WHERE i.symbol = %s",
    lock="i",  # The instrument alone: the feed writes the underlying.
    related=[("i", "underlying", "u")],
)
_INSTRUMENT_LOCK_BY_ID = JoinedSelect(
    _INSTRUMENT_LOCK.tables,
    _INSTRUMENT_FROM + "WHERE i.id = %s",
    lock="i",
    related=[("i", "underlying", "u")],
)
# An account's order, and its lock once the caller holds the instrument's.
_OWN_ORDER = JoinedSelect(
    (("o", Order),), "FROM trading_order o WHERE o.id = %s AND o.account_id = %s"
)
_ORDER_LOCK = JoinedSelect((("o", Order),), "FROM trading_order o WHERE o.id = %s", lock="o")


def _lock_instrument_by_symbol(symbol: str) -> Instrument | None:
    """Lock the instrument called ``symbol``, its underlying read with it; None if none is."""
    found = _INSTRUMENT_LOCK.fetch([symbol])
    return found[0][0] if found else None


# The columns of ``trading_order_client_id_unique``.
CLIENT_ORDER_ID_UNIQUE = ("account_id", "client_order_id")


@dataclass(frozen=True, slots=True)
class _Taker:
    """What the ordering account's lock read with it.

    The book's next time priority, and the platform's own accounts that an order's
    fills post to (None until all of them exist).
    """

    next_sequence: int
    system: dict[str, Account] | None
    existing_id: int | None  # The account's order with the request's client_order_id.


# The book's sequences and the platform's accounts ride along with the account's lock.
# Both are safe to read in this statement: only a holder of the instrument's lock (this
# transaction, already) writes the instrument's sequences, and the platform's accounts
# never change once created. The account's balance is not read here: a statement that
# waited for the lock would return the balance as it was before the wait. For the same
# reason an order with the request's client_order_id that committed during the wait is
# not seen here; the order's insert then skips it (``_order_place``).
_TAKER_LOCK_SQL = """
SELECT a.id,
    (SELECT MAX(o.sequence) FROM trading_order o WHERE o.instrument_id = %s) AS top_sequence,
    (SELECT c.id FROM trading_order c WHERE c.account_id = a.id AND c.client_order_id = %s)
        AS existing_id,
    (SELECT f.id FROM trading_account f WHERE f.system_code = %s) AS fees_id,
    (SELECT m.id FROM trading_account m WHERE m.system_code = %s) AS market_id,
    (SELECT i.id FROM trading_account i WHERE i.system_code = %s) AS insurance_id
FROM trading_account a
WHERE a.id = %s
"""
_POSTING_SYSTEM_CODES = (
    Account.SystemCode.FEES,
    Account.SystemCode.MARKET,
    Account.SystemCode.INSURANCE,
)


def _lock_taker(account_id: int, instrument: Instrument, client_order_id: str | None) -> _Taker:
    """Lock the ordering account's row (the caller holds the instrument's lock)."""
    sql = _TAKER_LOCK_SQL
    if transaction.get_connection().features.has_select_for_update:
        sql += "FOR UPDATE OF a"  # The account alone: never the platform's hot rows.
    params = [instrument.pk, client_order_id, *_POSTING_SYSTEM_CODES, account_id]
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Account.DoesNotExist(f"No account {account_id}.")
    _id, top_sequence, existing_id, *ids = row
    system = (
        {
            code: Account(pk=pk, kind=Account.Kind.SYSTEM, system_code=code)
            for code, pk in zip(_POSTING_SYSTEM_CODES, ids, strict=True)
        }
        if None not in ids
        else None
    )
    return _Taker(next_sequence=(top_sequence or 0) + 1, system=system, existing_id=existing_id)


def _next_sequence(instrument: Instrument) -> int:
    """The next time priority in the instrument's book (the caller holds its lock)."""
    top = Order.objects.filter(instrument=instrument).aggregate(top=Max("sequence"))["top"]
    return (top or 0) + 1


def _check_account_may_trade(account: Account, instrument: Instrument) -> None:
    """A scenario account trades only private replays; any other account only listed markets."""
    if account.kind == Account.Kind.SCENARIO and instrument.underlying.listed:
        raise OrderRefused(
            "A scenario account trades only its scenario's instruments.",
            code="scenario_instrument_only",
        )
    if account.kind != Account.Kind.SCENARIO and not instrument.underlying.listed:
        raise OrderRefused(
            f"No instrument is called {instrument.symbol}.",
            code="unknown_instrument",
            fields={"instrument": ["Unknown symbol."]},
        )


def _check_instrument(instrument: Instrument, now: datetime) -> None:
    if instrument.status == Instrument.Status.HALTED:
        raise OrderRefused(f"Trading in {instrument.symbol} is halted.", code="instrument_halted")
    if instrument.status == Instrument.Status.SETTLED or (
        instrument.expiry is not None and instrument.expiry <= now
    ):
        raise OrderRefused(f"{instrument.symbol} has expired.", code="instrument_expired")


def _check_sizes(instrument: Instrument, spec: engine.InstrumentSpec, request: OrderRequest):
    quantity = request.quantity
    if not quantity.is_finite() or quantity <= 0:
        raise _field_error("quantity", "invalid_quantity", "The quantity must be positive.")
    if quantity % instrument.lot_size:
        raise _field_error(
            "quantity",
            "invalid_quantity",
            f"The quantity must be a multiple of the lot size {instrument.lot_size.normalize()}.",
        )
    if quantity < instrument.min_quantity or quantity > instrument.max_quantity:
        raise _field_error(
            "quantity",
            "invalid_quantity",
            f"The quantity must be between {instrument.min_quantity.normalize()} and "
            f"{instrument.max_quantity.normalize()}.",
        )
    exits = {
        f"{name}.{part}": getattr(getattr(request, name), part)
        for name in ("stop_loss", "take_profit")
        if getattr(request, name) is not None
        for part in ("stop_price", "price")
    }
    prices = {name: getattr(request, name) for name in ("price", "stop_price", "trailing_amount")}
    for name, value in {**prices, **exits}.items():
        if value is None:
            continue
        field_name = name.split(".")[0]
        if not value.is_finite() or value <= 0:
            raise _field_error(field_name, "invalid_price", "The price must be positive.")
        if value % instrument.tick_size:
            raise _field_error(
                field_name,
                "invalid_price",
                f"The price must be a multiple of the tick size "
                f"{instrument.tick_size.normalize()}.",
            )
    try:
        _engine_shape(request, spec)
    except engine.EngineError as error:
        code = ENGINE_CODES.get(error.code, error.code)
        raise OrderRefused(str(error), code=code) from error


def _engine_shape(request: OrderRequest, spec: engine.InstrumentSpec) -> engine.Order:
    """Let the engine check the order's shape: which fields each type and flag needs."""
    return engine.Order(
        id=0,
        account_id=0,
        side=engine.Side(request.side),
        type=engine.OrderType(request.type),
        quantity_lots=spec.to_lots(request.quantity),
        sequence=1,
        price_ticks=None if request.price is None else spec.to_ticks(request.price),
        stop_price_ticks=(
            None if request.stop_price is None else spec.to_ticks(request.stop_price)
        ),
        trailing_ticks=(
            None if request.trailing_amount is None else spec.to_ticks(request.trailing_amount)
        ),
        trailing_percent=request.trailing_percent,
        trigger_by=engine.TriggerBy(request.trigger_by),
        time_in_force=engine.TimeInForce(request.time_in_force),
        expire_at=request.expire_at.timestamp() if request.expire_at else None,
        post_only=request.post_only,
        reduce_only=request.reduce_only,
    )


def _field_error(name: str, code: str, message: str) -> OrderRefused:
    return OrderRefused(message, code=code, fields={name: [message]})


def _reduces(position_quantity: Decimal, side: str) -> bool:
    return (position_quantity > 0 and side == Order.Side.SELL) or (
        position_quantity < 0 and side == Order.Side.BUY
    )


def _position(account: Account, instrument: Instrument) -> Position:
    return _account_position(account.pk, instrument)


# A plain statement: every order locks one or two positions, and building this one
# through the ORM costs more than running it.
_POSITION_LOCK = JoinedSelect(
    (("p", Position),),
    "FROM trading_position p WHERE p.account_id = %s AND p.instrument_id = %s",
    lock="p",
)


def _account_position(account_id: int, instrument: Instrument) -> Position:
    """Lock the account's position in the instrument, creating it flat on first use."""
    found = _POSITION_LOCK.fetch([account_id, instrument.pk])
    position = found[0][0] if found else None
    if position is None:
        position = Position.objects.create(
            account_id=account_id,
            instrument=instrument,
            leverage=selectors.default_leverage(instrument),
        )
    return position


def _quotes_at(instrument: Instrument, quote) -> dict:
    """Marks for the margin check: the instrument's at the quote the order traded on."""
    return {} if instrument.settlement_price is not None else {instrument.pk: quote.mark_price}


def _quote(instrument: Instrument):
    return market_selectors.ticker_get(instrument=instrument)


def _check_exits(request: OrderRequest, reference: Decimal) -> None:
    """An attached stop-loss sits on the losing side of the entry, a take-profit on the other."""
    entry = request.price or reference
    if request.type in CONDITIONAL_TYPES and (request.stop_loss or request.take_profit):
        raise OrderRefused(
            "Attach a stop-loss or take-profit to a market or limit entry.",
            code="invalid_attached_exit",
        )
    short = request.side == Order.Side.SELL
    if request.stop_loss is not None:
        stop = request.stop_loss.stop_price
        if (short and stop <= entry) or (not short and stop >= entry):
            raise _field_error(
                "stop_loss",
                "invalid_stop_loss",
                f"A {'short' if short else 'long'}'s stop-loss must be "
                f"{'above' if short else 'below'} the entry price {entry.normalize()}.",
            )
    if request.take_profit is not None:
        stop = request.take_profit.stop_price
        if (short and stop >= entry) or (not short and stop <= entry):
            raise _field_error(
                "take_profit",
                "invalid_take_profit",
                f"A {'short' if short else 'long'}'s take-profit must be "
                f"{'below' if short else 'above'} the entry price {entry.normalize()}.",
            )


def _arm_conditional(order: Order, instrument: Instrument, quote) -> None:
    """Store a stop, take-profit or trailing stop off the book, until its trigger."""
    spec = mappers.instrument_spec(instrument)
    price = trigger_reference(order, quote)
    ticks = spec.to_ticks(mappers.to_tick(price, instrument.tick_size))
    engine_order = mappers.conditional_order(order, spec)
    if order.type == Order.Type.TRAILING_STOP:
        order.trailing_best_price = spec.to_price(ticks)
        order.save(update_fields=["trailing_best_price"])
        return
    if engine.should_trigger(engine_order, price_ticks=ticks):
        raise _field_error(
            "stop_price",
            "would_trigger_immediately",
            f"The {order.get_trigger_by_display().lower()} is {price.normalize()}: this "
            "stop would trigger at once. Use a market or limit order instead.",
        )


def trigger_reference(order: Order, quote) -> Decimal:
    """The price an order's trigger watches: mark, index or last (mark when none traded)."""
    if order.trigger_by == Order.TriggerBy.INDEX:
        return quote.index_price
    if order.trigger_by == Order.TriggerBy.LAST:
        last = market_selectors.last_price(instrument=order.instrument)
        return last if last is not None else quote.mark_price
    return quote.mark_price


def _execute(
    order: Order,
    instrument: Instrument,
    spec,
    quote,
    now: datetime,
    *,
    position=None,
    balances: dict | None = None,
    system: dict[str, Account] | None = None,
) -> None:
    """Match a market or limit order against the book and the outside market; persist it.

    ``position`` is the order's account's position in the instrument, when the caller
    has already locked the account and read it; it is updated in place. ``balances``
    collects the cached balances the order's journal entries read and update;
    ``system`` holds the platform's accounts when the caller has read them.
    """
    taker_locked = position is not None
    if position is None:
        position = Position.objects.get(account=order.account, instrument=instrument)
    remaining = order.quantity - order.filled_quantity
    if order.reduce_only:
        lots = engine.reduce_only_lots(
            engine.Side(order.side), spec.to_lots(remaining), _signed_lots(position, spec)
        )
        if lots == 0:
            raise OrderRefused(
                "A reduce-only order must be on the other side of an open position.",
                code="reduce_only_would_increase",
            )
        remaining = spec.to_quantity(lots)
    # The book holds only the orders this one can meet: the other side's, to its limit.
    book = selectors.order_book_load(
        instrument=instrument, spec=spec, exclude=order.pk, meeting=[(order.side, order.price)]
    )
    result = engine.match(
        book,
        mappers.engine_order(order, spec, remaining=remaining),
        mappers.outside_liquidity(instrument, spec, quote),
        now=now.timestamp(),
    )
    if result.status is engine.OrderStatus.REJECTED:
        raise OrderRefused(_REJECT_MESSAGES.get(result.reason, str(result.reason)),
                           code=str(result.reason))  # fmt: skip
    _persist_result(
        order,
        instrument,
        spec,
        result,
        positions={order.account_id: position} if taker_locked else None,
        balances=balances,
        system=system,
    )


_REJECT_MESSAGES = {
    engine.RejectReason.POST_ONLY_WOULD_TAKE: "A post-only order would have traded at once.",
    engine.RejectReason.FOK_NOT_FILLED: "Not enough liquidity to fill the whole order at once.",
    engine.RejectReason.NO_LIQUIDITY: "There is no liquidity to trade against.",
    engine.RejectReason.EXPIRE_AT_PASSED: "The order's expire_at has passed.",
}


def _signed_lots(position: Position, spec: engine.InstrumentSpec) -> int:
    lots = spec.to_lots(abs(position.quantity))
    return lots if position.quantity >= 0 else -lots


def _persist_result(
    order: Order,
    instrument: Instrument,
    spec,
    result,
    *,
    positions: dict | None = None,
    balances: dict | None = None,
    system: dict[str, Account] | None = None,
) -> None:
    """Write what matching decided: orders, fills, positions and the ledger.

    ``positions`` holds the positions already read under their accounts' locks, by
    account id: those accounts are not locked again. ``balances`` and ``system`` are
    passed on to ``_post_moves``.
    """
    if result.expired:
        Order.objects.filter(pk__in=result.expired).update(status=Order.Status.EXPIRED)
        events.orders_changed(order_ids=result.expired)
    if result.self_trade_canceled:
        canceled = Order.objects.filter(pk__in=result.self_trade_canceled)
        canceled.update(status=Order.Status.CANCELED)
        events.orders_changed(order_ids=result.self_trade_canceled)
    moves: dict[int, _AccountMoves] = defaultdict(_AccountMoves)
    maker_ids = {f.maker_order_id for f in result.fills if f.maker_order_id}
    makers = (
        {maker.pk: maker for maker in Order.objects.select_for_update().filter(pk__in=maker_ids)}
        if maker_ids
        else {}
    )
    positions = {} if positions is None else positions
    # The taker's account row, when the caller locked it and the order carries it.
    accounts = (
        {order.account_id: order.account}
        if order.account_id in positions and Order.account.is_cached(order)
        else {}
    )
    to_lock = ({order.account_id} | {m.account_id for m in makers.values()}) - set(positions)
    if to_lock:
        accounts.update(_lock_accounts(to_lock))
    order_notional = sum(
        (spec.notional(f.price_ticks, f.quantity_lots) for f in result.fills), Decimal(0)
    )
    for engine_fill in result.fills:
        price = spec.to_price(engine_fill.price_ticks)
        quantity = spec.to_quantity(engine_fill.quantity_lots)
        maker = makers.get(engine_fill.maker_order_id)
        _record_fill(
            order,
            instrument,
            price=price,
            quantity=quantity,
            liquidity=Fill.Liquidity.TAKER,
            counterparty=Fill.Counterparty.USER if maker else Fill.Counterparty.MARKET,
            moves=moves,
            positions=positions,
        )
        market_services.trade_record(
            instrument=instrument,
            price=price,
            quantity=quantity,
            taker_side=order.side,
            order_notional=order_notional,
        )
        if maker is not None:
            _record_fill(
                maker,
                instrument,
                price=price,
                quantity=quantity,
                liquidity=Fill.Liquidity.MAKER,
                counterparty=Fill.Counterparty.USER,
                moves=moves,
                positions=positions,
            )
    if result.fills:
        order.status = (
            Order.Status.FILLED
            if order.filled_quantity == order.quantity
            else Order.Status.PARTIALLY_FILLED
        )
    if not result.rests and order.filled_quantity < order.quantity:
        # The unfilled rest is canceled (IOC, FOK, market orders, a sweep that ran out of
        # liquidity): the order is done; filled_quantity tells how much of it traded.
        order.status = Order.Status.CANCELED
        if order.filled_quantity > 0:
            order.reject_reason = "remainder_canceled"
        order.save(update_fields=["status", "reject_reason", "updated_at"])
    for maker in makers.values():
        maker.save()
    # What the insurance fund paid for this order's account, for a liquidation's record.
    covered = _post_moves(instrument, moves, accounts=accounts, balances=balances, system=system)
    order.insurance_covered = covered.get(order.account_id, Decimal(0))


def _record_fill(
    order, instrument, *, price, quantity, liquidity, counterparty, moves, positions=None
):
    """Record one side of a fill: the fill row, the order, the position, the money moved.

    ``positions`` caches the locked positions by account id across one order's fills.
    """
    rate = (
        instrument.maker_fee_rate
        if liquidity == Fill.Liquidity.MAKER
        else (instrument.taker_fee_rate)
    )
    notional = price * quantity
    fee = engine.fee(notional, rate).quantize(MONEY)
    positions = {} if positions is None else positions
    position = positions.get(order.account_id)
    if position is None:
        position = positions[order.account_id] = _account_position(order.account_id, instrument)
    change = engine.apply_fill(
        engine.Position(position.quantity, position.entry_price),
        engine.Side(order.side),
        quantity,
        price,
    )
    pnl = change.realized_pnl.quantize(MONEY)
    is_option = instrument.kind == Instrument.Kind.OPTION
    account_moves = moves[order.account_id]
    account_moves.fee += fee
    account_moves.orders.add(order.pk)
    if is_option:
        premium = notional.quantize(MONEY)
        account_moves.premium += premium if order.side == Order.Side.BUY else -premium
        position.premium_paid += premium if order.side == Order.Side.BUY else -premium
    else:
        account_moves.pnl += pnl
    if position.quantity == 0 and change.position.quantity != 0:
        position.opened_at = timezone.now()
    if position.margin_mode == Position.MarginMode.ISOLATED:
        position.isolated_margin = _isolated_margin_after(position, change.position.quantity, price)
    position.quantity = change.position.quantity
    position.entry_price = change.position.entry_price.quantize(MONEY)
    position.realized_pnl += pnl
    position.fees_paid += fee
    fill = Fill(
        order=order,
        account_id=order.account_id,
        instrument=instrument,
        side=order.side,
        price=price,
        quantity=quantity,
        fee=fee,
        liquidity=liquidity,
        counterparty=counterparty,
        realized_pnl=pnl,
    )
    if order.filled_quantity == 0:
        oco_partners_cancel(order)  # The first fill of an OCO leg cancels the other.
    filled = order.filled_quantity + quantity
    previous = (order.average_price or Decimal(0)) * order.filled_quantity
    order.average_price = ((previous + notional) / filled).quantize(MONEY)
    order.filled_quantity = filled
    order.fees += fee
    order.status = (
        Order.Status.FILLED if filled == order.quantity else Order.Status.PARTIALLY_FILLED
    )
    _fill_write(fill, position, order)
    events.fill_recorded(fill=fill)


def _fill_write(fill: Fill, position: Position, order: Order) -> None:
    """Write the fill, its position and its order: one statement on PostgreSQL."""
    if transaction.get_connection().vendor != "postgresql":
        rows.fields_update(position, _FILLED_POSITION_FIELDS)
        rows.insert(fill)
        rows.fields_update(order, _FILLED_ORDER_FIELDS)
        return
    position_sql, position_params = rows.update_step(position, _FILLED_POSITION_FIELDS)
    order_sql, order_params = rows.update_step(order, _FILLED_ORDER_FIELDS)
    rows.insert_then(
        fill,
        f", position AS ({position_sql} RETURNING 1), filled AS ({order_sql} RETURNING 1)",
        [*position_params, *order_params],
        step_rows={"position": 1, "filled": 1},
    )


_FILLED_POSITION_FIELDS = (
    "quantity",
    "entry_price",
    "isolated_margin",
    "realized_pnl",
    "fees_paid",
    "premium_paid",
    "opened_at",
    "updated_at",
)
_FILLED_ORDER_FIELDS = ("average_price", "filled_quantity", "fees", "status", "updated_at")


def _isolated_margin_after(position: Position, quantity: Decimal, price: Decimal) -> Decimal:
    """An isolated position's margin after a fill takes it to ``quantity``.

    Opening or adding sets aside the added notional over the leverage; reducing
    releases margin in proportion; a flip starts the new side afresh.
    """
    before = position.quantity
    if quantity == 0:
        return Decimal(0)
    if before != 0 and (before > 0) == (quantity > 0):
        if abs(quantity) <= abs(before):
            return (position.isolated_margin * abs(quantity) / abs(before)).quantize(MONEY)
        added = abs(quantity) - abs(before)
        return position.isolated_margin + (added * price / position.leverage).quantize(MONEY)
    return (abs(quantity) * price / position.leverage).quantize(MONEY)


def _post_moves(
    instrument: Instrument,
    moves: dict[int, _AccountMoves],
    *,
    accounts: dict[int, Account] | None = None,
    balances: dict | None = None,
    system: dict[str, Account] | None = None,
) -> dict[int, Decimal]:
    """Post one balanced entry per account: fees to the platform, PnL and premiums.

    A realised loss larger than the account's cash is covered by the insurance fund,
    so a paper account never ends below zero. The caller holds the locks of the
    accounts in ``moves``; ``accounts`` may carry those rows already loaded.
    ``balances`` (by account id and asset) receives the cached balances read here,
    updated by the entries, so that the caller can read the cash they leave.
    ``system`` holds the platform's fee, market and insurance accounts when the caller
    has read them.
    """
    covered: dict[int, Decimal] = {}
    if not moves:
        return covered
    if system is None:
        system = _system_accounts(*_POSTING_SYSTEM_CODES)
    fees = system[Account.SystemCode.FEES]
    market = system[Account.SystemCode.MARKET]
    insurance = system[Account.SystemCode.INSURANCE]
    accounts = dict(accounts or {})
    missing = set(moves) - set(accounts)
    if missing:
        accounts.update(Account.objects.in_bulk(missing))
    balances = {} if balances is None else balances
    balances.update(_paper_balances(pk for pk in moves if accounts[pk].is_users))
    for account_id, move in sorted(moves.items()):
        account = accounts[account_id]
        delta = move.pnl - move.fee - move.premium
        postings = [
            Posting(account=fees, amount=move.fee),
            Posting(account=market, amount=-move.pnl + move.premium),
        ]
        if account.is_users:
            balance = balances.get((account_id, account.currency))
            cash = balance.amount if balance is not None else Decimal(0)
        else:
            cash = selectors.account_cash(account=account)
        shortfall = -(cash + delta) if cash + delta < 0 else Decimal(0)
        if shortfall and move.premium > 0:
            raise OrderRefused(
                "Not enough cash to pay the option premium and fees.", code="insufficient_margin"
            )
        if shortfall:
            postings.append(Posting(account=insurance, amount=-shortfall))
            covered[account_id] = shortfall
        postings.append(Posting(account=account, amount=delta + shortfall))
        postings = [p for p in postings if p.amount != 0]
        if not postings:
            continue
        kind = (
            JournalEntry.Kind.PREMIUM
            if move.premium
            else JournalEntry.Kind.REALISED_PNL
            if move.pnl
            else JournalEntry.Kind.FEE
        )
        orders = ", ".join(f"#{pk}" for pk in sorted(move.orders))
        _journal_post_locked(
            kind=kind,
            postings=postings,
            memo=f"{instrument.symbol}: order {orders}; fee {move.fee.normalize()}, "
            f"PnL {move.pnl.normalize()}"
            + (f", premium {(-move.premium).normalize()}" if move.premium else ""),
            balances=balances,
        )
    return covered


def _attach_exits(order: Order, request: OrderRequest) -> list[Order]:
    """Create the attached stop-loss and take-profit: reduce-only, live once the entry fills."""
    exits = (
        (Order.Role.STOP_LOSS, request.stop_loss, Order.Type.STOP_MARKET, Order.Type.STOP_LIMIT),
        (
            Order.Role.TAKE_PROFIT,
            request.take_profit,
            Order.Type.TAKE_PROFIT_MARKET,
            Order.Type.TAKE_PROFIT_LIMIT,
        ),
    )
    created = []
    for role, exit_, market_type, limit_type in exits:
        if exit_ is None:
            continue
        exit_order = Order.objects.create(
            account=order.account,
            instrument=order.instrument,
            side=Order.Side.BUY if order.side == Order.Side.SELL else Order.Side.SELL,
            type=market_type if exit_.price is None else limit_type,
            quantity=order.quantity,
            price=exit_.price,
            stop_price=exit_.stop_price,
            trigger_by=request.trigger_by,
            reduce_only=True,
            role=role,
            parent=order,
            sequence=_next_sequence(order.instrument),
        )
        created.append(exit_order)
    return created


def _check_margin(
    account: Account,
    order: Order,
    *,
    position_before: Decimal,
    position: Position | None = None,
    quotes: dict | None = None,
    cash: Decimal | None = None,
) -> None:
    """Refuse an order that leaves the account without enough margin, unless it only reduced.

    ``position`` is the account's position as this order left it, when the caller
    holds it; ``quotes`` marks already known, by instrument id; ``cash`` the
    account's cash as this order left it, when the caller read it under the lock.
    """
    if position is None:
        position = Position.objects.get(account=account, instrument=order.instrument)
    grew = abs(position.quantity) > abs(position_before) or (
        order.is_open and not order.reduce_only and order.type in LIMIT_PRICED_TYPES
    )
    if not grew:
        return
    instrument = order.instrument
    if abs(position.quantity) > instrument.max_quantity:
        raise OrderRefused(
            f"The position would exceed the largest allowed in {instrument.symbol}, "
            f"{instrument.max_quantity.normalize()}.",
            code="position_limit",
        )
    summary = selectors.account_summary(account=account, quotes=quotes, cash=cash)
    if summary.available < 0:
        raise OrderRefused(
            f"Not enough margin: this order needs {(-summary.available).quantize(MONEY)} "
            f"{account.currency} more than is available.",
            code="insufficient_margin",
        )


def oco_partners_cancel(order: Order) -> list[int]:
    """Cancel the open partner of an OCO leg that filled, triggered or was canceled."""
    if order.oco_group is None:
        return []
    return orders_cancel_open(Order.objects.filter(oco_group=order.oco_group).exclude(pk=order.pk))


def orders_cancel_open(orders) -> list[int]:
    """Lock and cancel the open ones of ``orders`` (the caller holds the book's lock)."""
    canceled = list(
        orders.select_for_update().filter(status__in=Order.OPEN_STATUSES).order_by("pk")
    )
    for order in canceled:
        _close_order(order, Order.Status.CANCELED)
    return [order.pk for order in canceled]


def _close_order(order: Order, status: str) -> None:
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    events.order_changed(order=order)


def _own_order(*, account: Account, order_id: int) -> Order:
    found = _OWN_ORDER.fetch([order_id, account.pk])
    if not found:
        raise NotFound("No order with this id.")
    return found[0][0]


def _lock_order(order_id: int) -> Order:
    """Lock the order's row (the caller holds its instrument's lock)."""
    return _ORDER_LOCK.fetch([order_id])[0][0]


def _order_amend(*, account, order_id, price, quantity, stop_price, now) -> Order:
    now = now or timezone.now()
    order = _own_order(account=account, order_id=order_id)
    instrument = _lock_instrument(order.instrument_id)
    order = _lock_order(order.pk)
    if not order.is_open:
        raise Conflict(
            f"The order is {order.get_status_display().lower()} and cannot be amended.",
            code="order_not_open",
        )
    _check_instrument(instrument, now)
    request = OrderRequest(
        instrument=instrument.symbol,
        side=order.side,
        type=order.type,
        quantity=quantity if quantity is not None else order.quantity,
        price=price if price is not None else order.price,
        stop_price=stop_price if stop_price is not None else order.stop_price,
        trailing_amount=order.trailing_amount,
        trailing_percent=order.trailing_percent,
        trigger_by=order.trigger_by,
        time_in_force=order.time_in_force,
        expire_at=order.expire_at,
        post_only=order.post_only,
        reduce_only=order.reduce_only,
    )
    if price is not None and order.price is None:
        raise _field_error("price", "invalid_price", "This order type has no price to amend.")
    if stop_price is not None and order.stop_price is None:
        raise _field_error(
            "stop_price", "invalid_stop_price", "This order type has no stop price to amend."
        )
    spec = mappers.instrument_spec(instrument)
    _check_sizes(instrument, spec, request)
    if request.quantity <= order.filled_quantity:
        raise _field_error(
            "quantity",
            "invalid_quantity",
            f"The quantity must stay above what has filled, {order.filled_quantity.normalize()}.",
        )
    _lock_accounts([account.pk])
    position = _position(account, instrument)
    position_before = position.quantity
    keeps_priority = (
        request.price == order.price
        and request.stop_price == order.stop_price
        and request.quantity < order.quantity
    )
    order.quantity = request.quantity
    order.price = request.price
    order.stop_price = request.stop_price
    if not keeps_priority:
        order.sequence = _next_sequence(instrument)
    order.save(update_fields=["quantity", "price", "stop_price", "sequence", "updated_at"])
    if order.type in CONDITIONAL_TYPES and order.triggered_at is None:
        _arm_conditional(order, instrument, _quote(instrument))
    elif not keeps_priority:
        _execute(order, instrument, spec, _quote(instrument), now, position=position)
    _check_margin(account, order, position_before=position_before, position=position)
    events.order_changed(order=order)
    return order


def positioning_publish(*, instrument: Instrument) -> None:
    """Tell market how users stand in the instrument, for its sentiment views.

    Run on a schedule rather than after every order, so the hot path of placing an
    order does not aggregate every position.
    """
    standing = selectors.positioning(instrument=instrument)
    market_services.positioning_update(
        instrument=instrument,
        long_quantity=standing.long_quantity,
        short_quantity=standing.short_quantity,
        long_accounts=standing.long_accounts,
        short_accounts=standing.short_accounts,
    )
