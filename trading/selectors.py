"""Reads of paper accounts and the ledger that views, serializers and tasks share."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from config.celery import HEARTBEAT_KEY
from config.errors import Conflict, NotFound
from config.rows import JoinedSelect, field_value, model_rows
from market import selectors as market_selectors
from market.models import Instrument, MarginTier, Underlying
from trading import engine, mappers, services
from trading.models import (
    USER_KINDS,
    Account,
    Balance,
    EquitySnapshot,
    Fill,
    InstrumentRiskState,
    JournalEntry,
    JournalLine,
    Liquidation,
    Notification,
    Order,
    Position,
)

DEFAULT_LEVERAGE = Decimal(10)


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account_id: int
    currency: str
    cash: Decimal
    equity: Decimal
    margin_used: Decimal
    available: Decimal


def paper_account_for_user(*, user) -> Account:
    """Return the user's paper account, opening it if the user has none yet."""
    account = Account.objects.filter(user=user, kind=Account.Kind.PAPER).first()
    return account if account is not None else services.paper_account_open(user=user)


# Every order's margin check and every positions read asks it: compiled once.
_BALANCE_SQL = "SELECT amount FROM trading_balance WHERE account_id = %s AND asset = %s"


def account_cash(*, account: Account, asset: str | None = None) -> Decimal:
    """An account's balance in one asset: cached for paper accounts, summed otherwise."""
    if not account.is_users:
        total = JournalLine.objects.filter(
            account=account, asset=asset or account.currency
        ).aggregate(total=Sum("amount"))["total"]
        return total or Decimal(0)
    with connection.cursor() as cursor:
        cursor.execute(_BALANCE_SQL, [account.pk, asset or account.currency])
        row = cursor.fetchone()
    return field_value(Balance, "amount", row[0]) if row else Decimal(0)


@dataclass(frozen=True, slots=True)
class PositionView:
    """A position valued at the mark: what the dashboard, the API and margin checks see."""

    position: Position
    instrument: Instrument
    side: str
    quantity: Decimal
    mark_price: Decimal
    notional: Decimal
    unrealized_pnl: Decimal
    value: Decimal  # What the position adds to equity: PnL, or an option's worth.
    initial_margin: Decimal
    maintenance_margin: Decimal
    liquidation_price: Decimal | None = None


def _mark(instrument: Instrument, quotes: dict) -> Decimal:
    if instrument.pk not in quotes:
        if instrument.settlement_price is not None:
            # Settled: a future is worth the settlement price, an option its intrinsic value.
            quotes[instrument.pk] = (
                engine.option_payoff(
                    engine.OptionKind(instrument.option_type),
                    instrument.strike,
                    instrument.settlement_price,
                    Decimal(1),
                )
                if instrument.kind == Instrument.Kind.OPTION
                else instrument.settlement_price
            )
        else:
            quotes[instrument.pk] = market_selectors.ticker_get(instrument=instrument).mark_price
    return quotes[instrument.pk]


def _marks_read(instruments: list[Instrument], quotes: dict) -> None:
    """Add the marks of the traded instruments missing from ``quotes``, in one cache read.

    Settled instruments are left to ``_mark``, which values them at settlement.
    """
    missing = [
        instrument
        for instrument in instruments
        if instrument.pk not in quotes and instrument.settlement_price is None
    ]
    if missing:
        for pk, quote in market_selectors.tickers_get(instruments=missing).items():
            quotes[pk] = quote.mark_price


def _position_view(position: Position, quotes: dict, tiers=None) -> PositionView:
    """Value the position at the mark; ``tiers`` are its instrument's tier rows, if read."""
    instrument = position.instrument
    mark = _mark(instrument, quotes)
    quantity = abs(position.quantity)
    side = engine.Side.BUY if position.quantity > 0 else engine.Side.SELL
    upnl = engine.unrealized_pnl(side, quantity, position.entry_price, mark)
    notional = quantity * mark
    if instrument.kind == Instrument.Kind.OPTION:
        value = position.quantity * mark
        if position.quantity > 0:
            initial = maintenance = Decimal(0)  # A bought option risks only its premium.
        else:
            underlying = instrument.underlying.index_price or mark
            margin = engine.option_short_margin(
                engine.OptionKind(instrument.option_type),
                strike=instrument.strike,
                underlying_price=underlying,
                mark_price=mark,
                quantity=quantity,
            )
            initial, maintenance = margin.initial, margin.maintenance
    else:
        tiers = mappers.margin_tiers(instrument, tiers)
        value = upnl
        if position.margin_mode == Position.MarginMode.ISOLATED:
            initial = position.isolated_margin  # Set aside for this position alone.
        else:
            initial = engine.initial_margin(notional, leverage=position.leverage, tiers=tiers)
        maintenance = engine.maintenance_margin(notional, tiers=tiers)
    return PositionView(
        position=position,
        instrument=instrument,
        side="long" if position.quantity > 0 else "short",
        quantity=quantity,
        mark_price=mark,
        notional=notional,
        unrealized_pnl=upnl,
        value=value,
        initial_margin=initial,
        maintenance_margin=maintenance,
    )


def position_views(
    *, account: Account, quotes: dict | None = None, cash: Decimal | None = None
) -> list[PositionView]:
    """The account's open positions valued at the mark, with liquidation prices.

    ``cash`` is the account's cash when the caller has just read it.
    """
    quotes = {} if quotes is None else quotes
    # The plain statements the margin check reads positions and tiers with.
    positions = sorted(
        (p for p in _positions_with_instruments(account.pk) if p.quantity != 0),
        key=lambda position: position.instrument.symbol,
    )
    instruments = [position.instrument for position in positions]
    tiers_by_instrument = _tiers_read(instruments)
    _marks_read(instruments, quotes)
    views = [
        _position_view(position, quotes, tiers_by_instrument[position.instrument_id])
        for position in positions
    ]
    if cash is None:
        cash = account_cash(account=account)
    equity = cash + sum((v.value for v in views), Decimal(0))
    result = []
    for view in views:
        liquidation = None
        if view.instrument.kind != Instrument.Kind.OPTION:
            tiers = mappers.margin_tiers(view.instrument, tiers_by_instrument[view.instrument.pk])
            side = engine.Side.BUY if view.side == "long" else engine.Side.SELL
            if view.position.margin_mode == Position.MarginMode.ISOLATED:
                liquidation = engine.liquidation_price_isolated(
                    side,
                    view.quantity,
                    view.position.entry_price,
                    isolated_margin=view.position.isolated_margin,
                    tiers=tiers,
                )
            else:
                others = [v for v in views if v is not view]
                liquidation = engine.liquidation_price_cross(
                    side,
                    view.quantity,
                    view.position.entry_price,
                    equity_excluding_position=equity - view.value,
                    other_maintenance_margin=sum(
                        (v.maintenance_margin for v in others), Decimal(0)
                    ),
                    tiers=tiers,
                )
            if liquidation is not None:
                liquidation = mappers.to_tick(liquidation, view.instrument.tick_size)
        result.append(replace(view, liquidation_price=liquidation))
    return result


def position_view_get(*, account: Account, instrument: Instrument) -> PositionView:
    """The account's open position in the instrument valued at the mark, or ``NotFound``."""
    for view in position_views(account=account):
        if view.instrument.pk == instrument.pk:
            return view
    raise NotFound(f"There is no open position in {instrument.symbol}.")


def open_orders_margin(*, account: Account, leverages: dict[int, Decimal] | None = None) -> Decimal:
    """Margin that resting limit orders hold: what they would need if they filled.

    ``leverages`` is the account's leverage by instrument id, from all its positions
    (flat ones too), when the caller has read them.
    """
    if leverages is not None and connection.vendor == "postgresql":
        return _open_orders_margin_at(account.pk, leverages)
    total = Decimal(0)
    orders = (
        resting_orders().filter(account=account, reduce_only=False).select_related("instrument")
    )
    if leverages is None:
        # The account's leverage on each order's instrument, in the same query.
        positions = Position.objects.filter(account=account, instrument=OuterRef("instrument"))
        orders = orders.annotate(position_leverage=Subquery(positions.values("leverage")[:1]))
    for order in orders:
        notional = order.remaining_quantity * order.price
        if order.instrument.kind == Instrument.Kind.OPTION:
            if order.side == Order.Side.BUY:
                total += notional
            continue
        leverage = (
            order.position_leverage if leverages is None else leverages.get(order.instrument_id)
        )
        total += notional / (leverage or default_leverage(order.instrument))
    return total


# ``resting_orders`` in plain SQL, for the statements of the order path: the condition
# on an order aliased ``o``, and its parameters.
_RESTING_SQL = (
    "o.status IN (%s, %s, %s) AND o.price IS NOT NULL "
    "AND (o.type = %s OR o.triggered_at IS NOT NULL)"
)
_RESTING_PARAMS = [*Order.OPEN_STATUSES, Order.Type.LIMIT]

# ``resting_orders`` of one account that can add to a position, with what their margin
# needs, in the order ``open_orders_margin`` sums them.
_OPEN_ORDERS_MARGIN_SQL = f"""
SELECT o.instrument_id, i.kind, i.max_leverage, o.side, o.quantity - o.filled_quantity, o.price
FROM trading_order o
JOIN market_instrument i ON i.id = o.instrument_id
WHERE o.account_id = %s AND NOT o.reduce_only AND {_RESTING_SQL}
ORDER BY o.created_at DESC, o.id DESC
"""  # noqa: S608 - constant SQL


def _open_orders_margin_at(account_id: int, leverages: dict[int, Decimal]) -> Decimal:
    """``open_orders_margin`` in one plain statement, for the order path's margin check."""
    total = Decimal(0)
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_ORDERS_MARGIN_SQL, [account_id, *_RESTING_PARAMS])
        rows = cursor.fetchall()
    for instrument_id, kind, max_leverage, side, remaining, price in rows:
        notional = remaining * price
        if kind == Instrument.Kind.OPTION:
            if side == Order.Side.BUY:
                total += notional
            continue
        # As ``default_leverage`` when the account has no position row there.
        leverage = leverages.get(instrument_id) or min(DEFAULT_LEVERAGE, max_leverage)
        total += notional / leverage
    return total


def resting_orders() -> QuerySet[Order]:
    """Orders in a book: open limit orders, and stop-limits that have triggered."""
    return Order.objects.filter(
        Q(type=Order.Type.LIMIT) | Q(triggered_at__isnull=False),
        status__in=Order.OPEN_STATUSES,
        price__isnull=False,
    )


def default_leverage(instrument: Instrument) -> Decimal:
    """An account's leverage on an instrument starts at the lower of 10x and its maximum."""
    return min(DEFAULT_LEVERAGE, instrument.max_leverage)


def leverage_get(*, account: Account, instrument: Instrument) -> Decimal:
    """The leverage the account trades the instrument at, set or by default."""
    leverage = (
        Position.objects.filter(account=account, instrument=instrument)
        .values_list("leverage", flat=True)
        .first()
    )
    return leverage if leverage is not None else default_leverage(instrument)


def margin_mode_get(*, account: Account, instrument: Instrument) -> str:
    """Cross or isolated: how the account margins its position in the instrument."""
    mode = (
        Position.objects.filter(account=account, instrument=instrument)
        .values_list("margin_mode", flat=True)
        .first()
    )
    return mode or Position.MarginMode.CROSS


def account_summary(
    *, account: Account, quotes: dict | None = None, cash: Decimal | None = None
) -> AccountSummary:
    """Cash, equity at the mark, the margin in use and what is available for new orders.

    ``cash`` is the account's cash when the caller holds its lock and has just read
    it. Liquidation prices play no part, so the positions are valued without them.
    """
    if cash is None:
        cash = account_cash(account=account)
    quotes = {} if quotes is None else quotes
    # Flat positions too: they carry the account's leverage for its resting orders. They
    # are summed in symbol order, sorted here rather than by the database's join.
    positions = sorted(
        _positions_with_instruments(account.pk),
        key=lambda position: position.instrument.symbol,
    )
    held = [position for position in positions if position.quantity != 0]
    instruments = [position.instrument for position in held]
    tiers = _tiers_read(instruments)
    _marks_read(instruments, quotes)
    views = [_position_view(position, quotes, tiers[position.instrument_id]) for position in held]
    equity = cash + sum((v.value for v in views), Decimal(0))
    leverages = {position.instrument_id: position.leverage for position in positions}
    margin_used = sum((v.initial_margin for v in views), Decimal(0)) + open_orders_margin(
        account=account, leverages=leverages
    )
    return AccountSummary(
        account_id=account.pk,
        currency=account.currency,
        cash=cash,
        equity=_money(equity),
        margin_used=_money(margin_used),
        available=_money(equity - margin_used),
    )


# The margin check of every order reads them: a plain statement, as
# ``select_related("instrument", "instrument__underlying")`` would load them.
_POSITIONS_READ = JoinedSelect(
    (("p", Position), ("i", Instrument), ("u", Underlying)),
    "FROM trading_position p JOIN market_instrument i ON i.id = p.instrument_id "
    "JOIN market_underlying u ON u.id = i.underlying_id WHERE p.account_id = %s",
    related=[("p", "instrument", "i"), ("i", "underlying", "u")],
)


def _positions_with_instruments(account_id: int) -> list[Position]:
    """All the account's positions with their instruments and underlyings, in no order."""
    return [position for position, _, _ in _POSITIONS_READ.fetch([account_id])]


# The instruments' margin tiers by size, as their ``tiers`` relation lists them.
_TIERS_FROM = "FROM market_margintier t WHERE t.instrument_id IN ({ids}) ORDER BY t.max_notional"


def _tiers_read(instruments: list[Instrument]) -> dict[int, list[MarginTier]]:
    """The instruments' margin tiers by instrument id, read in one plain statement."""
    by_instrument: dict[int, list[MarginTier]] = {instrument.pk: [] for instrument in instruments}
    if by_instrument:
        body = _TIERS_FROM.format(ids=", ".join(["%s"] * len(by_instrument)))
        for tier in model_rows(MarginTier, "t", body, list(by_instrument)):
            by_instrument[tier.instrument_id].append(tier)
    return by_instrument


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.00000001"))


def ledger_line_list(
    *, account: Account, kind: str | None = None, since=None, until=None, asset: str | None = None
) -> QuerySet[JournalLine]:
    """The account's ledger lines, newest first, with their entries."""
    lines = JournalLine.objects.filter(account=account).select_related("entry")
    if kind:
        lines = lines.filter(entry__kind=kind)
    if asset:
        lines = lines.filter(asset=asset)
    if since:
        lines = lines.filter(entry__created_at__gte=since)
    if until:
        lines = lines.filter(entry__created_at__lt=until)
    return lines.order_by("-entry__created_at", "-pk")


def order_list(
    *, account: Account, status: str | None = None, instrument: Instrument | None = None
) -> QuerySet[Order]:
    """The account's orders, newest first, with their exits; status ``open`` is any open one."""
    orders = (
        Order.objects.filter(account=account)
        .select_related("instrument")
        .prefetch_related("attached")
    )
    if status == "open":
        orders = orders.filter(status__in=Order.OPEN_STATUSES)
    elif status:
        orders = orders.filter(status=status)
    if instrument is not None:
        orders = orders.filter(instrument=instrument)
    return orders.order_by("-created_at", "-pk")


# The exits attached to a page of orders, in the model's ordering (newest first).
_ATTACHED_FROM = (
    "FROM trading_order o WHERE o.parent_id IN ({ids}) ORDER BY o.created_at DESC, o.id DESC"
)


def orders_attached_load(orders: list[Order]) -> None:
    """Read the orders' attached exits, as ``prefetch_related("attached")`` would.

    One plain statement for the page: the ORM's prefetch compiled its query anew for
    every page of a bot's polling, and cost more than the orders' own read.
    """
    by_parent: dict[int, list[Order]] = {order.pk: [] for order in orders}
    if by_parent:
        body = _ATTACHED_FROM.format(ids=", ".join(["%s"] * len(by_parent)))
        for child in model_rows(Order, "o", body, list(by_parent)):
            by_parent[child.parent_id].append(child)
    unfiltered = Order.objects.all()
    for order in orders:
        attached = unfiltered._chain()
        attached._result_cache = by_parent[order.pk]
        attached._prefetch_done = True
        cache = getattr(order, "_prefetched_objects_cache", None)
        if cache is None:
            cache = order._prefetched_objects_cache = {}
        cache["attached"] = attached


def order_get(*, account: Account, order_id: int) -> Order:
    """One of the account's orders, or ``NotFound`` (another account's order too)."""
    order = order_list(account=account).filter(pk=order_id).first()
    if order is None:
        raise NotFound("No order with this id.")
    return order


def fill_list(
    *,
    account: Account,
    instrument: Instrument | None = None,
    order_id: int | None = None,
    since=None,
    until=None,
) -> QuerySet[Fill]:
    """The account's fills, newest first."""
    fills = Fill.objects.filter(account=account).select_related("instrument")
    if instrument is not None:
        fills = fills.filter(instrument=instrument)
    if order_id is not None:
        fills = fills.filter(order_id=order_id)
    if since:
        fills = fills.filter(created_at__gte=since)
    if until:
        fills = fills.filter(created_at__lt=until)
    return fills.order_by("-created_at", "-pk")


# The ledger keeps eight decimal places, so a real difference is at least 1e-8. SQLite
# (the quick start's embedded default) sums decimals as binary floats, whose error is far
# below half of that: sums are compared to the ledger's precision, not exactly.
LEDGER_PLACES = Decimal("0.00000001")
_OFF_ZERO = Q(total__gt=LEDGER_PLACES / 2) | Q(total__lt=-LEDGER_PLACES / 2)


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    what: str
    detail: str


def ledger_problems() -> list[LedgerProblem]:
    """Every way the ledger disagrees with itself; empty when it is sound."""
    problems = []
    unbalanced = (
        JournalLine.objects.values("entry_id", "asset")
        .annotate(total=Sum("amount"))
        .filter(_OFF_ZERO)
        .order_by("entry_id")
    )
    for row in unbalanced:
        problems.append(
            LedgerProblem(
                "unbalanced entry",
                f"entry #{row['entry_id']} sums to {row['total']} {row['asset']}",
            )
        )
    empty = JournalEntry.objects.filter(lines__isnull=True).values_list("pk", flat=True)
    for entry_id in empty:
        problems.append(LedgerProblem("empty entry", f"entry #{entry_id} has no lines"))

    # Only paper accounts keep a cached balance; the platform's are sums of lines.
    sums = {
        (row["account_id"], row["asset"]): row["total"]
        for row in JournalLine.objects.filter(account__kind__in=USER_KINDS)
        .values("account_id", "asset")
        .annotate(total=Sum("amount"))
    }
    cached = {(b.account_id, b.asset): b.amount for b in Balance.objects.all()}
    for key in sorted(set(sums) | set(cached)):
        ledger_total = sums.get(key, Decimal(0)).quantize(LEDGER_PLACES)
        cached_total = cached.get(key, Decimal(0)).quantize(LEDGER_PLACES)
        if ledger_total != cached_total:
            problems.append(
                LedgerProblem(
                    "balance mismatch",
                    f"account #{key[0]} {key[1]}: cached {cached_total}, ledger {ledger_total}",
                )
            )
    totals = JournalLine.objects.values("asset").annotate(total=Sum("amount")).filter(_OFF_ZERO)
    for row in totals:
        problems.append(
            LedgerProblem("nonzero total", f"all accounts sum to {row['total']} {row['asset']}")
        )
    return problems


# ``resting_orders`` of one instrument in time priority, as a plain statement: every
# order that may match reads it.
_BOOK_FROM = f"""
FROM trading_order o WHERE o.instrument_id = %s AND {_RESTING_SQL} {{where}}
ORDER BY o.sequence
"""
# The resting orders a taker on one side can meet: the other side's, at its limit or better.
_MEETING_SQL = {
    (Order.Side.BUY, False): f"o.side = '{Order.Side.SELL}'",
    (Order.Side.BUY, True): f"(o.side = '{Order.Side.SELL}' AND o.price <= %s)",
    (Order.Side.SELL, False): f"o.side = '{Order.Side.BUY}'",
    (Order.Side.SELL, True): f"(o.side = '{Order.Side.BUY}' AND o.price >= %s)",
}


def order_book_load(
    *,
    instrument: Instrument,
    spec=None,
    exclude: int | None = None,
    meeting: Iterable[tuple[str, Decimal | None]] | None = None,
):
    """Rebuild the instrument's book of users' resting orders, in time priority.

    ``meeting`` keeps only the orders that a taker could meet, for each (side, limit
    price or None) it names: the other side's orders at the limit or better, every one
    of them without a limit. Matching a taker, or filling what a price traded through,
    needs no other order, and a long book on the side it cannot reach is never read.
    """
    spec = spec or mappers.instrument_spec(instrument)
    where, params = _book_where(instrument, exclude=exclude, meeting=meeting)
    resting = model_rows(Order, "o", _BOOK_FROM.format(where=where), params)
    return engine.OrderBook.from_orders(
        engine.RestingOrder(
            order=mappers.engine_order(order, spec),
            remaining_lots=spec.to_lots(order.quantity - order.filled_quantity),
        )
        for order in resting
    )


def resting_orders_meet(
    *, instrument: Instrument, meeting: Iterable[tuple[str, Decimal | None]]
) -> bool:
    """Whether the instrument has a resting order ``order_book_load`` keeps for ``meeting``."""
    where, params = _book_where(instrument, meeting=meeting)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 {_BOOK_FROM.format(where=where)})", params)
        return cursor.fetchone()[0]


def instruments_traded_through(*, references: dict[int, Decimal]) -> set[int]:
    """Of the instruments (id: reference price), those with a resting order it traded through.

    That is a resting buy at the reference or above, or a sell at it or below: what
    ``resting_orders_meet`` finds for one instrument, for all of them in one statement.
    """
    if not references:
        return set()
    through = (
        f"(o.instrument_id = %s AND ({_MEETING_SQL[Order.Side.SELL, True]} "
        f"OR {_MEETING_SQL[Order.Side.BUY, True]}))"
    )
    sql = (
        f"SELECT DISTINCT o.instrument_id FROM trading_order o WHERE {_RESTING_SQL} "  # noqa: S608
        f"AND ({' OR '.join([through] * len(references))})"
    )
    params = [*_RESTING_PARAMS]
    for instrument_id, reference in references.items():
        params += [instrument_id, reference, reference]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _book_where(
    instrument: Instrument,
    *,
    exclude: int | None = None,
    meeting: Iterable[tuple[str, Decimal | None]] | None = None,
) -> tuple[str, list]:
    """The conditions ``order_book_load`` adds to ``_BOOK_FROM``, and all its parameters."""
    where, params = [], [instrument.pk, *_RESTING_PARAMS]
    if exclude is not None:
        where.append("AND o.id <> %s")
        params.append(exclude)
    if meeting is not None:
        takers = list(meeting)
        sides = " OR ".join(_MEETING_SQL[side, limit is not None] for side, limit in takers)
        where.append(f"AND ({sides})")
        params += [limit for _, limit in takers if limit is not None]
    return " ".join(where), params


@dataclass(frozen=True, slots=True)
class BookLevel:
    price: Decimal
    quantity: Decimal
    users_quantity: Decimal  # Of which users' resting orders; the rest is outside liquidity.


def order_book_depth(*, instrument: Instrument, depth: int = 20) -> dict[str, list[BookLevel]]:
    """The book a trader sees: users' resting orders merged with the outside liquidity."""
    spec = mappers.instrument_spec(instrument)
    book = order_book_load(instrument=instrument, spec=spec)
    quote = market_selectors.ticker_get(instrument=instrument)
    outside = mappers.outside_liquidity(instrument, spec, quote)
    users = book.depth(depth)
    sides = {}
    for name, user_levels, taking_side, best_first in (
        ("bids", users.bids, engine.Side.SELL, True),
        ("asks", users.asks, engine.Side.BUY, False),
    ):
        levels: dict[int, list[int]] = {}
        for level in user_levels:
            levels[level.price_ticks] = [level.quantity_lots, level.quantity_lots]
        for price_ticks, lots in outside.price_levels(taking_side):
            entry = levels.setdefault(price_ticks, [0, 0])
            entry[0] += lots
        ordered = sorted(levels.items(), reverse=best_first)[:depth]
        sides[name] = [
            BookLevel(
                price=spec.to_price(price),
                quantity=spec.to_quantity(total),
                users_quantity=spec.to_quantity(from_users),
            )
            for price, (total, from_users) in ordered
        ]
    return sides


@dataclass(frozen=True, slots=True)
class Positioning:
    long_quantity: Decimal
    short_quantity: Decimal
    long_accounts: int
    short_accounts: int


def positioning(*, instrument: Instrument) -> Positioning:
    """How all users stand in the instrument: gross long and short, and how many of each."""
    open_positions = Position.objects.filter(instrument=instrument)
    longs = open_positions.filter(quantity__gt=0).aggregate(
        quantity=Sum("quantity"), accounts=Count("pk")
    )
    shorts = open_positions.filter(quantity__lt=0).aggregate(
        quantity=Sum("quantity"), accounts=Count("pk")
    )
    return Positioning(
        long_quantity=longs["quantity"] or Decimal(0),
        short_quantity=-(shorts["quantity"] or Decimal(0)),
        long_accounts=longs["accounts"],
        short_accounts=shorts["accounts"],
    )


@dataclass(frozen=True, slots=True)
class MarginState:
    """Where an account stands against liquidation.

    ``equity`` and ``maintenance_margin`` are the cross-margin pool's: the cash less
    what isolated positions set aside, plus the cross positions' value. An isolated
    position stands alone: it breaches when its margin plus its PnL falls to its
    maintenance margin.
    """

    equity: Decimal
    maintenance_margin: Decimal
    views: list
    isolated_breaches: list = field(default_factory=list)

    @property
    def margin_level(self) -> Decimal | None:
        """Equity over maintenance margin: liquidation at 1, None with no positions."""
        if self.maintenance_margin <= 0:
            return None
        return (self.equity / self.maintenance_margin).quantize(Decimal("0.00000001"))

    @property
    def cross_liquidatable(self) -> bool:
        return self.maintenance_margin > 0 and self.equity <= self.maintenance_margin

    @property
    def liquidatable(self) -> bool:
        return self.cross_liquidatable or bool(self.isolated_breaches)


def is_isolated(view: PositionView) -> bool:
    return view.position.margin_mode == Position.MarginMode.ISOLATED


def margin_state(*, account: Account, quotes: dict | None = None) -> MarginState:
    """The account's equity at the mark and the maintenance margin its positions need."""
    views = position_views(account=account, quotes=quotes)
    cross = [v for v in views if not is_isolated(v)]
    isolated = [v for v in views if is_isolated(v)]
    equity = (
        account_cash(account=account)
        + sum((v.value for v in cross), Decimal(0))
        - sum((v.position.isolated_margin for v in isolated), Decimal(0))
    )
    maintenance = sum((v.maintenance_margin for v in cross), Decimal(0))
    breaches = [
        v for v in isolated if v.position.isolated_margin + v.unrealized_pnl <= v.maintenance_margin
    ]
    return MarginState(
        equity=equity, maintenance_margin=maintenance, views=views, isolated_breaches=breaches
    )


def accounts_with_positions(*, instrument: Instrument) -> QuerySet[Account]:
    """Users' accounts (paper and scenario) holding a position in the instrument."""
    return (
        Account.objects.filter(positions__instrument=instrument, kind__in=USER_KINDS)
        .exclude(positions__quantity=0)
        .distinct()
        .order_by("pk")
    )


# Order preview --------------------------------------------------------------------

MONEY = Decimal("0.00000001")
PREVIEW_RATIO = Decimal("0.01")
HOURS_PER_DAY = 24


@dataclass(frozen=True, slots=True)
class PreviewWarning:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class OrderPreview:
    """What an order would cost and risk, worked out the way placing it would."""

    instrument: Instrument
    side: str
    type: str
    quantity: Decimal
    mark_price: Decimal
    entry_price: Decimal  # The estimated average price of the whole order.
    immediate_quantity: Decimal  # Trades at once against the book.
    resting_quantity: Decimal  # Waits in the book or for its trigger.
    notional: Decimal
    fee: Decimal
    leverage: Decimal
    initial_margin: Decimal  # Added margin once the order has filled.
    premium: Decimal  # Options: paid (positive) or received (negative).
    cost: Decimal  # Margin, fee and premium paid: what it takes from available.
    available: Decimal
    available_after: Decimal
    position_after: Decimal  # Signed: positive long, negative short.
    liquidation_price: Decimal | None
    loss_at_stop: Decimal | None
    profit_at_take_profit: Decimal | None
    risk_reward_ratio: Decimal | None  # Reward per unit of risk.
    risk_percent_of_equity: Decimal | None
    carrying_cost_per_day: Decimal | None  # Positive: paid; negative: received.
    warnings: tuple[PreviewWarning, ...]


def order_preview(*, account: Account, request, now=None) -> OrderPreview:
    """Work out what placing ``request`` (an ``OrderRequest``) would do, writing nothing.

    The order goes through the checks ``order_place`` makes, so a request it would
    refuse for its shape, prices, sizes, exits or the instrument's status raises the
    same error here. Market and limit orders are matched against a copy of the book
    and the outside liquidity to estimate their price; a stop waits for its trigger
    and is estimated at its stop (or limit) price. Margin is what the account would
    need once the whole order has filled; a shortfall is a warning, not an error,
    since the point of a preview is to show it.
    """
    rules = services.orders
    now = now or timezone.now()
    instrument = (
        Instrument.objects.select_related("underlying")
        .prefetch_related("tiers")
        .filter(symbol=request.instrument)
        .first()
    )
    if instrument is None:
        raise rules.OrderRefused(
            f"No instrument is called {request.instrument}.",
            code="unknown_instrument",
            fields={"instrument": ["Unknown symbol."]},
        )
    rules._check_instrument(instrument, now)
    spec = mappers.instrument_spec(instrument)
    rules._check_sizes(instrument, spec, request)
    position = Position.objects.filter(account=account, instrument=instrument).first()
    held = position.quantity if position is not None else Decimal(0)
    if request.reduce_only and not rules._reduces(held, request.side):
        raise rules.OrderRefused(
            "A reduce-only order must be on the other side of an open position.",
            code="reduce_only_would_increase",
        )
    quote = market_selectors.ticker_get(instrument=instrument)
    rules._check_exits(request, quote.mark_price)
    side = engine.Side(request.side)
    warnings = []

    # Now: what trades at once, at what price. Later: what waits, at what price.
    if request.type in rules.CONDITIONAL_TYPES:
        trigger = _preview_trigger(account, instrument, spec, request, quote)
        now_quantity, now_notional = Decimal(0), Decimal(0)
        later_quantity = request.quantity
        later_price = request.price if request.price is not None else trigger
        fee_rate_later = (
            instrument.maker_fee_rate if request.price is not None else instrument.taker_fee_rate
        )
    else:
        now_quantity, now_notional, later_quantity = _preview_match(
            account, instrument, spec, request, quote, held, now
        )
        later_price = request.price
        fee_rate_later = instrument.maker_fee_rate
        canceled = request.quantity - now_quantity - later_quantity
        if canceled > 0 and not request.reduce_only:
            warnings.append(
                PreviewWarning(
                    "partial_fill",
                    f"Only {now_quantity.normalize()} of {request.quantity.normalize()} would "
                    "fill at once; the rest would be canceled.",
                )
            )
    later_notional = later_quantity * later_price if later_quantity else Decimal(0)
    quantity = now_quantity + later_quantity
    notional = now_notional + later_notional
    entry_price = (notional / quantity).quantize(MONEY) if quantity else quote.mark_price
    fee = (
        engine.fee(now_notional, instrument.taker_fee_rate)
        + engine.fee(later_notional, fee_rate_later)
    ).quantize(MONEY)

    # The account after the whole order has filled.
    quotes: dict = {}
    views = position_views(account=account, quotes=quotes)
    summary = account_summary(account=account, quotes=quotes)
    old = next((v for v in views if v.instrument.pk == instrument.pk), None)
    after = engine.Position(held, position.entry_price if position is not None else Decimal(0))
    realized = Decimal(0)
    for part_quantity, part_notional in (
        (now_quantity, now_notional),
        (later_quantity, later_notional),
    ):
        if part_quantity:
            change = engine.apply_fill(after, side, part_quantity, part_notional / part_quantity)
            after, realized = change.position, realized + change.realized_pnl
    # Valued where it fills: at the mark when it trades now, at its price when it waits.
    value_price = later_price if later_quantity else quote.mark_price
    leverage = position.leverage if position is not None else default_leverage(instrument)
    is_option = instrument.kind == Instrument.Kind.OPTION
    after_side = engine.Side.BUY if after.quantity > 0 else engine.Side.SELL
    after_quantity = abs(after.quantity)
    premium = Decimal(0)
    if is_option:
        premium = notional if side is engine.Side.BUY else -notional
        value = after.quantity * value_price
        margin_after = Decimal(0)
        if after.quantity < 0:
            margin_after = engine.option_short_margin(
                engine.OptionKind(instrument.option_type),
                strike=instrument.strike,
                underlying_price=instrument.underlying.index_price or value_price,
                mark_price=value_price,
                quantity=after_quantity,
            ).initial
        equity_change = value - (old.value if old else 0) - premium - fee
    else:
        tiers = mappers.margin_tiers(instrument)
        value = (
            engine.unrealized_pnl(after_side, after_quantity, after.entry_price, value_price)
            if after_quantity
            else Decimal(0)
        )
        margin_after = (
            engine.initial_margin(after_quantity * value_price, leverage=leverage, tiers=tiers)
            if after_quantity
            else Decimal(0)
        )
        equity_change = realized + value - (old.value if old else 0) - fee
    margin_change = margin_after - (old.initial_margin if old else 0)
    available_after = summary.available + equity_change - margin_change
    grows = after_quantity > abs(held)
    if grows and available_after < 0:
        warnings.append(
            PreviewWarning(
                "insufficient_margin",
                f"Not enough margin: this order needs {(-available_after).quantize(MONEY)} "
                f"{account.currency} more than is available.",
            )
        )
    if grows and after_quantity > instrument.max_quantity:
        warnings.append(
            PreviewWarning(
                "position_limit",
                f"The position would exceed the largest allowed in {instrument.symbol}, "
                f"{instrument.max_quantity.normalize()}.",
            )
        )

    liquidation = None
    if after_quantity and not is_option:
        equity_after = summary.equity + equity_change
        others = sum((v.maintenance_margin for v in views if v is not old), Decimal(0))
        if position is not None and position.margin_mode == Position.MarginMode.ISOLATED:
            liquidation = engine.liquidation_price_isolated(
                after_side,
                after_quantity,
                after.entry_price,
                isolated_margin=position.isolated_margin + max(margin_change, Decimal(0)),
                tiers=tiers,
            )
        else:
            liquidation = engine.liquidation_price_cross(
                after_side,
                after_quantity,
                after.entry_price,
                equity_excluding_position=equity_after - value,
                other_maintenance_margin=others,
                tiers=tiers,
            )
        if liquidation is not None:
            liquidation = mappers.to_tick(liquidation, instrument.tick_size)

    loss = _preview_exit(instrument, request, request.stop_loss, entry_price, fee)
    profit = _preview_exit(instrument, request, request.take_profit, entry_price, fee)
    loss = -loss if loss is not None else None
    ratio = risk = None
    if loss is not None and loss > 0:
        if profit is not None:
            ratio = (profit / loss).quantize(PREVIEW_RATIO)
        if summary.equity > 0:
            risk = (loss / summary.equity * 100).quantize(PREVIEW_RATIO)
    stop = request.stop_loss.stop_price if request.stop_loss else None
    if stop is not None and liquidation is not None and after_quantity:
        beyond = stop >= liquidation if after_side is engine.Side.SELL else stop <= liquidation
        if beyond:
            warnings.append(
                PreviewWarning(
                    "stop_beyond_liquidation",
                    f"The stop-loss at {stop.normalize()} lies beyond the liquidation price "
                    f"{liquidation.normalize()}: the position would be liquidated first.",
                )
            )

    cost = fee + max(margin_change, Decimal(0)) + max(premium, Decimal(0))
    return OrderPreview(
        instrument=instrument,
        side=request.side,
        type=request.type,
        quantity=request.quantity,
        mark_price=quote.mark_price,
        entry_price=entry_price,
        immediate_quantity=now_quantity,
        resting_quantity=later_quantity,
        notional=notional.quantize(MONEY),
        fee=fee,
        leverage=leverage,
        initial_margin=_money(max(margin_change, Decimal(0))),
        premium=_money(premium),
        cost=_money(cost),
        available=summary.available,
        available_after=_money(available_after),
        position_after=after.quantity,
        liquidation_price=liquidation,
        loss_at_stop=None if loss is None else _money(loss),
        profit_at_take_profit=None if profit is None else _money(profit),
        risk_reward_ratio=ratio,
        risk_percent_of_equity=risk,
        carrying_cost_per_day=(
            None
            if request.reduce_only
            else _carrying_cost_per_day(instrument, side, quantity, quote)
        ),
        warnings=tuple(warnings),
    )


def _preview_trigger(account, instrument, spec, request, quote) -> Decimal:
    """The price a stop or take-profit would trigger at; refuse one that would trigger now."""
    rules = services.orders
    order = Order(
        account=account,
        instrument=instrument,
        side=request.side,
        type=request.type,
        stop_price=request.stop_price,
        trigger_by=request.trigger_by,
    )
    price = rules.trigger_reference(order, quote)
    ticks = spec.to_ticks(mappers.to_tick(price, instrument.tick_size))
    shape = rules._engine_shape(request, spec)
    if request.type == Order.Type.TRAILING_STOP:
        return spec.to_price(engine.trailing_start(shape, ticks).stop_price_ticks)
    if engine.should_trigger(shape, price_ticks=ticks):
        raise rules._field_error(
            "stop_price",
            "would_trigger_immediately",
            f"The {order.get_trigger_by_display().lower()} is {price.normalize()}: this "
            "stop would trigger at once. Use a market or limit order instead.",
        )
    return request.stop_price


def _preview_match(account, instrument, spec, request, quote, held, now):
    """Match a copy of the order against a copy of the book: (quantity now, notional now, rest)."""
    rules = services.orders
    book = order_book_load(instrument=instrument, spec=spec)
    shape = rules._engine_shape(request, spec)
    lots = shape.quantity_lots
    if request.reduce_only:
        signed = spec.to_lots(abs(held)) * (1 if held >= 0 else -1)
        lots = engine.reduce_only_lots(shape.side, lots, signed)
    time_in_force = shape.time_in_force
    if shape.type is engine.OrderType.MARKET and time_in_force is engine.TimeInForce.GTD:
        time_in_force = engine.TimeInForce.IOC
    order = replace(
        shape,
        account_id=account.pk,
        quantity_lots=lots,
        sequence=book.last_sequence + 1,
        time_in_force=time_in_force,
        expire_at=shape.expire_at if time_in_force is engine.TimeInForce.GTD else None,
    )
    result = engine.match(
        book, order, mappers.outside_liquidity(instrument, spec, quote), now=now.timestamp()
    )
    if result.status is engine.OrderStatus.REJECTED:
        raise rules.OrderRefused(
            rules._REJECT_MESSAGES.get(result.reason, str(result.reason)), code=str(result.reason)
        )
    quantity = sum((spec.to_quantity(f.quantity_lots) for f in result.fills), Decimal(0))
    notional = sum(
        (spec.to_price(f.price_ticks) * spec.to_quantity(f.quantity_lots) for f in result.fills),
        Decimal(0),
    )
    rest = spec.to_quantity(result.remaining_lots) if result.rests else Decimal(0)
    return quantity, notional, rest


def _preview_exit(instrument, request, exit_, entry_price, entry_fee) -> Decimal | None:
    """The PnL of closing the whole order at an attached exit, after both fees."""
    if exit_ is None:
        return None
    price = exit_.price if exit_.price is not None else exit_.stop_price
    rate = instrument.maker_fee_rate if exit_.price is not None else instrument.taker_fee_rate
    side = engine.Side(request.side)
    pnl = engine.realized_pnl(side, request.quantity, entry_price, price)
    return pnl - entry_fee - engine.fee(request.quantity * price, rate)


def _carrying_cost_per_day(instrument, side, quantity, quote) -> Decimal | None:
    """What holding the order's quantity for a day would cost at today's rates."""
    from trading.services import carry

    if not quantity:
        return None
    mark = quote.mark_price
    if instrument.kind == Instrument.Kind.PERPETUAL:
        interval = instrument.funding_interval_hours or 8
        per_interval = engine.funding_payment(side, quantity, mark, quote.funding_rate or 0)
        return _money(per_interval * HOURS_PER_DAY / interval)
    if instrument.kind == Instrument.Kind.SPOT:
        if side is engine.Side.BUY:
            return Decimal(0)  # Only a short borrows: the coin it sold.
        rate = instrument.borrow_rate or Decimal(0)
        return _money(engine.borrow_interest(quantity, mark, rate, HOURS_PER_DAY))
    if instrument.kind == Instrument.Kind.CFD:
        return _money(
            engine.overnight_financing(
                side,
                quantity * mark,
                benchmark_rate=carry.FINANCING_BENCHMARK_RATE,
                admin_fee_rate=instrument.financing_rate or Decimal(0),
                day_count=carry.FINANCING_DAY_COUNT,
            )
        )
    return None  # Futures carry their cost in the basis, options in the premium.


# Valuing many accounts at once --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountValuation:
    """An account valued at the marks in one SQL statement, for rounds over many accounts.

    Exact for linear positions (tiered margins included); a short option's margin is
    left out, so ``short_options`` says when the per-account selectors must be asked.
    """

    account_id: int
    cash: Decimal
    equity: Decimal
    unrealized_pnl: Decimal
    initial_margin: Decimal
    maintenance_margin: Decimal
    short_options: bool
    margin_warned: bool


# Per position: notional at the mark, the tier it falls in (a tier holds the notionals
# above the previous tier's max_notional up to its own; the last holds every larger one)
# and what the position adds to its account's figures. Summed per account before the
# accounts are joined, so that no step sorts or hashes more than one row per account.
# With an at-risk level the sums first cover only what the level compares (equity and
# maintenance margin); the other figures are summed for the accounts that come through.
_VALUATION_SQL = """
WITH marks(instrument_id, mark) AS (VALUES {marks}),
tiers AS MATERIALIZED (
    SELECT t.instrument_id, t.initial_margin_rate AS imr, t.maintenance_margin_rate AS mmr,
           t.maintenance_amount AS mma,
           LAG(t.max_notional) OVER bracket AS above,
           CASE WHEN LEAD(t.max_notional) OVER bracket IS NOT NULL THEN t.max_notional END AS upto
    FROM market_margintier t
    WHERE t.instrument_id IN (SELECT instrument_id FROM marks)
    WINDOW bracket AS (PARTITION BY t.instrument_id ORDER BY t.max_notional)
),
pos AS NOT MATERIALIZED (
    SELECT p.account_id,
        CASE WHEN i.kind = 'option' THEN p.quantity * m.mark
             ELSE p.quantity * (m.mark - p.entry_price) END AS value,
        p.quantity * (m.mark - p.entry_price) AS pnl,
        CASE WHEN i.kind = 'option' THEN 0
             ELSE GREATEST(ABS(p.quantity) * m.mark / p.leverage,
                           ABS(p.quantity) * m.mark
                           * COALESCE(tier.imr, i.initial_margin_rate)) END AS im,
        CASE WHEN i.kind = 'option' THEN 0
             ELSE GREATEST(0, ABS(p.quantity) * m.mark
                              * COALESCE(tier.mmr, i.maintenance_margin_rate)
                              - COALESCE(tier.mma, 0)) END AS mm,
        i.kind = 'option' AND p.quantity < 0 AS short_option,
        p.margin_mode = 'isolated' AS isolated
    FROM trading_position p
    JOIN marks m ON m.instrument_id = p.instrument_id
    JOIN market_instrument i ON i.id = p.instrument_id
    LEFT JOIN tiers tier ON tier.instrument_id = p.instrument_id
        AND (tier.above IS NULL OR ABS(p.quantity) * m.mark > tier.above)
        AND (tier.upto IS NULL OR ABS(p.quantity) * m.mark <= tier.upto)
    WHERE p.quantity <> 0 AND {position_where}
),
held AS (
    SELECT pos.account_id, SUM(pos.value) AS value, SUM(pos.mm) AS mm,
        BOOL_OR(pos.short_option) AS short_options, BOOL_OR(pos.isolated) AS isolated{sums}
    FROM pos
    GROUP BY pos.account_id
),
valued AS {valued_materialized}(
    SELECT a.id, COALESCE(b.amount, 0) AS cash, a.margin_warned_at IS NOT NULL AS warned,
        COALESCE(h.value, 0) AS value, COALESCE(h.mm, 0) AS mm,
        COALESCE(h.short_options, FALSE) AS short_options{held_sums}
    FROM trading_account a
    LEFT JOIN trading_balance b ON b.account_id = a.id AND b.asset = a.currency
    LEFT JOIN held h ON h.account_id = a.id
    WHERE a.kind IN ('paper', 'scenario') AND {where}{at_risk}
)
SELECT v.id, v.cash, v.cash + v.value, COALESCE({sums_from}.pnl, 0), COALESCE({sums_from}.im, 0),
    v.mm, v.short_options, v.warned
FROM valued v{rest_sums}
ORDER BY v.id
"""
# The sums beside the compared ones, for every account or for those that came through.
_VALUATION_SUMS = ", SUM(pos.pnl) AS pnl, SUM(pos.im) AS im"
_VALUATION_REST_SUMS = """
LEFT JOIN LATERAL (
    SELECT SUM(pos.pnl) AS pnl, SUM(pos.im) AS im FROM pos WHERE pos.account_id = v.id
) s ON TRUE"""


def marks_for_open_positions(*, instrument_ids=None) -> dict[int, Decimal]:
    """The mark of every instrument someone holds a position in (or of the ones given)."""
    instruments = Instrument.objects.select_related("underlying")
    if instrument_ids is None:
        # One index probe per instrument, not a pass over every position.
        held = Position.objects.filter(instrument=OuterRef("pk")).exclude(quantity=0)
        instruments = instruments.filter(Exists(held))
    else:
        instruments = instruments.filter(pk__in=list(instrument_ids))
    quotes: dict = {}
    for instrument in instruments:
        try:
            _mark(instrument, quotes)
        except Conflict:
            continue  # No price yet: its positions are left out of the round until it ticks.
    return quotes


def account_valuations(
    *,
    marks: dict[int, Decimal],
    instrument_ids: Iterable[int] | None = None,
    account_ids: tuple[int, int] | None = None,
    at_risk_level: Decimal | None = None,
) -> list[AccountValuation]:
    """Value users' accounts at ``marks`` in one statement.

    ``instrument_ids``: only accounts holding a position in one of them; ``account_ids``: only
    accounts with a primary key in [first, last]; ``at_risk_level``: only accounts
    whose equity is at most that many times their maintenance margin, or that hold
    short options or isolated positions, or were warned (the rest are safe at these
    marks).
    """
    if connection.vendor != "postgresql":
        return _account_valuations_one_by_one(
            marks=marks,
            instrument_ids=instrument_ids,
            account_ids=account_ids,
            at_risk_level=at_risk_level,
        )
    if not marks:
        marks = {0: Decimal(0)}  # VALUES needs a row; no position has instrument 0.
    values = ", ".join(["(%s::bigint, %s::numeric)"] * len(marks))
    # The account filters apply to the positions summed as well as to the accounts.
    where, where_params = ["TRUE"], []
    if instrument_ids is not None:
        ids = list(instrument_ids)
        # One instrument (a tick's own check, the bench) keeps the plain equality the
        # planner estimates best; a group's screen asks for any of its instruments.
        held_in = "= %s" if len(ids) == 1 else "= ANY(%s)"
        where.append(
            "{id} IN (SELECT q.account_id FROM trading_position q "  # noqa: S608
            f"WHERE q.instrument_id {held_in} AND q.quantity <> 0)"
        )
        where_params.append(ids[0] if len(ids) == 1 else ids)
    if account_ids is not None:
        where.append("{id} BETWEEN %s AND %s")
        where_params += list(account_ids)
    where_sql = " AND ".join(where)
    at_risk, at_risk_params = "", []
    if at_risk_level is not None:
        # An isolated position stands alone: the account's totals cannot clear it.
        at_risk = (
            " AND (a.margin_warned_at IS NOT NULL OR h.short_options OR h.isolated "
            "OR COALESCE(b.amount, 0) + COALESCE(h.value, 0) <= %s * COALESCE(h.mm, 0))"
        )
        at_risk_params.append(at_risk_level)
    full = at_risk_level is None
    sql = _VALUATION_SQL.format(
        marks=values,
        position_where=where_sql.format(id="p.account_id"),
        where=where_sql.format(id="a.id"),
        at_risk=at_risk,
        sums=_VALUATION_SUMS if full else "",
        held_sums=", h.pnl, h.im" if full else "",
        valued_materialized="" if full else "MATERIALIZED ",
        sums_from="v" if full else "s",
        rest_sums="" if full else _VALUATION_REST_SUMS,
    )
    params: list = [v for pair in marks.items() for v in pair]
    params += where_params + where_params + at_risk_params
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner cannot foresee how few accounts come through the level, so it
        # prices the per-account sums as if all did, and would spend longer compiling
        # the statement (JIT) than running it.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.execute("SET LOCAL jit TO DEFAULT")
    return [AccountValuation(*row) for row in rows]


def _account_valuations_one_by_one(
    *, marks, instrument_ids, account_ids, at_risk_level
) -> list[AccountValuation]:
    """``account_valuations`` account by account, where the database is not PostgreSQL.

    The embedded default (SQLite) of the quick start holds a handful of accounts.
    """
    accounts = Account.objects.filter(kind__in=USER_KINDS).order_by("pk")
    if instrument_ids is not None:
        held = Position.objects.filter(instrument_id__in=list(instrument_ids)).exclude(quantity=0)
        accounts = accounts.filter(pk__in=held.values("account_id"))
    if account_ids is not None:
        accounts = accounts.filter(pk__range=account_ids)
    result = []
    for account in accounts:
        cash = account_cash(account=account)
        views = [
            v
            for v in position_views(account=account, quotes=dict(marks), cash=cash)
            if v.instrument.pk in marks
        ]
        linear = [v for v in views if v.instrument.kind != Instrument.Kind.OPTION]
        valuation = AccountValuation(
            account_id=account.pk,
            cash=cash,
            equity=cash + sum((v.value for v in views), Decimal(0)),
            unrealized_pnl=sum((v.unrealized_pnl for v in views), Decimal(0)),
            initial_margin=sum((v.initial_margin for v in linear), Decimal(0)),
            maintenance_margin=sum((v.maintenance_margin for v in linear), Decimal(0)),
            short_options=any(
                v.instrument.kind == Instrument.Kind.OPTION and v.position.quantity < 0
                for v in views
            ),
            margin_warned=account.margin_warned_at is not None,
        )
        at_risk = (
            valuation.margin_warned
            or valuation.short_options
            or any(is_isolated(v) for v in views)
            or valuation.equity <= at_risk_level * valuation.maintenance_margin
            if at_risk_level is not None
            else True
        )
        if at_risk:
            result.append(valuation)
    return result


def accounts_at_margin_risk(*, instruments: Iterable[Instrument], level: Decimal) -> list[int]:
    """Ids of the accounts in the instruments whose margin level may be at most ``level``.

    Set-based, one statement for all the instruments: the per-account selectors then
    check only these.
    """
    marks = marks_for_open_positions()
    instrument_ids = [instrument.pk for instrument in instruments]
    valuations = account_valuations(marks=marks, instrument_ids=instrument_ids, at_risk_level=level)
    return [valuation.account_id for valuation in valuations]


# Notifications --------------------------------------------------------------------


def notification_list(*, account: Account, unread: bool = False) -> QuerySet:
    """The account's notifications, newest first."""
    notifications = Notification.objects.filter(account=account)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def notification_unread_count(*, account: Account) -> int:
    return notification_list(account=account, unread=True).count()


# History and position stories -----------------------------------------------------


def traded_instruments(*, account: Account) -> QuerySet[Instrument]:
    """The instruments the account has ever placed an order in, by symbol."""
    return Instrument.objects.filter(
        pk__in=Order.objects.filter(account=account).values("instrument")
    ).order_by("symbol")


def order_history(
    *,
    account: Account,
    instrument: Instrument | None = None,
    status: str | None = None,
    order_type: str | None = None,
    since=None,
    until=None,
) -> QuerySet[Order]:
    """The account's orders, newest first, filtered as the history page asks."""
    orders = order_list(account=account, status=status, instrument=instrument)
    if order_type:
        orders = orders.filter(type=order_type)
    if since:
        orders = orders.filter(created_at__gte=since)
    if until:
        orders = orders.filter(created_at__lt=until)
    return orders


def fill_history(
    *,
    account: Account,
    instrument: Instrument | None = None,
    side: str | None = None,
    since=None,
    until=None,
) -> QuerySet[Fill]:
    """The account's fills, newest first, filtered as the history page asks."""
    fills = fill_list(account=account, instrument=instrument, since=since, until=until)
    if side:
        fills = fills.filter(side=side)
    return fills


def _instrument_memo(instrument: Instrument) -> str:
    """How every entry about one instrument's trades and carry begins its memo."""
    return f"{instrument.symbol}:"


def ledger_line_history(
    *,
    account: Account,
    instrument: Instrument | None = None,
    kind: str | None = None,
    since=None,
    until=None,
) -> QuerySet[JournalLine]:
    """The account's ledger lines, newest first; with an instrument, the ones about it.

    Fills, funding, borrow interest, financing and settlement name their instrument
    at the start of their entry's memo.
    """
    lines = ledger_line_list(account=account, kind=kind, since=since, until=until)
    if instrument is not None:
        lines = lines.filter(entry__memo__startswith=_instrument_memo(instrument))
    return lines


@dataclass(frozen=True, slots=True)
class PnlBreakdown:
    """Where a position's profit or loss came from; positive is money made.

    ``price_move`` is realised plus unrealised PnL for everything but options. An
    option's result is its net premium plus what it is worth now or paid out at
    settlement, so it shows as ``premium`` and ``option_value`` instead.
    """

    price_move: Decimal | None
    premium: Decimal | None
    option_value: Decimal | None
    fees: Decimal
    funding: Decimal
    borrow_interest: Decimal
    financing: Decimal
    liquidation_fees: Decimal

    @property
    def total(self) -> Decimal:
        parts = (
            self.price_move,
            self.premium,
            self.option_value,
            self.fees,
            self.funding,
            self.borrow_interest,
            self.financing,
            self.liquidation_fees,
        )
        return sum((part for part in parts if part is not None), Decimal(0))


@dataclass(frozen=True, slots=True)
class LiquidationReplay:
    """One liquidation as it touched this position, step by step."""

    liquidation: Liquidation
    mark_price: Decimal | None  # The instrument's mark when it happened.
    position: dict | None  # The position as it stood, from the record.
    canceled_orders: list[Order]
    closing_orders: list[Order]
    closing_fills: list[Fill]
    fee_share: Decimal  # This position's part of the liquidation fee, by closed notional.


@dataclass(frozen=True, slots=True)
class PositionStory:
    """An account's position in one instrument from its first fill: what it cost and earned."""

    instrument: Instrument
    position: Position
    view: PositionView | None  # None once the position is flat.
    fills: list[Fill]  # Oldest first.
    carry_lines: list[JournalLine]  # Funding, interest, financing and settlement, oldest first.
    liquidations: list[LiquidationReplay]  # Oldest first.
    breakdown: PnlBreakdown


def _liquidation_replays(account: Account, instrument: Instrument) -> list[LiquidationReplay]:
    # An account is liquidated a handful of times at most; JSON containment is not
    # portable to the quick start's SQLite, so the positions are matched here.
    liquidations = (
        Liquidation.objects.filter(account=account)
        .prefetch_related("canceled_orders__instrument", "closing_orders__fills")
        .order_by("created_at", "pk")
    )
    replays = []
    for liquidation in liquidations:
        if not any(p["instrument"] == instrument.symbol for p in liquidation.positions):
            continue
        closing_all = list(liquidation.closing_orders.all())
        closing = [order for order in closing_all if order.instrument_id == instrument.pk]
        total = sum((o.filled_quantity * (o.average_price or 0) for o in closing_all), Decimal(0))
        mine = sum((o.filled_quantity * (o.average_price or 0) for o in closing), Decimal(0))
        share = _money(liquidation.fee * mine / total) if total else Decimal(0)
        mark = liquidation.marks.get(instrument.symbol)
        replays.append(
            LiquidationReplay(
                liquidation=liquidation,
                mark_price=Decimal(mark) if mark is not None else None,
                position=next(
                    (p for p in liquidation.positions if p["instrument"] == instrument.symbol),
                    None,
                ),
                canceled_orders=sorted(liquidation.canceled_orders.all(), key=lambda o: o.pk),
                closing_orders=closing,
                closing_fills=sorted(
                    (fill for order in closing for fill in order.fills.all()),
                    key=lambda fill: (fill.created_at, fill.pk),
                ),
                fee_share=share,
            )
        )
    return replays


def position_story(*, account: Account, instrument: Instrument) -> PositionStory:
    """The account's position in the instrument, its fills, carry and liquidations.

    ``NotFound`` when the account never traded the instrument, so another user's
    position is as invisible as one that does not exist.
    """
    position = Position.objects.filter(account=account, instrument=instrument).first()
    fills = list(
        Fill.objects.filter(account=account, instrument=instrument)
        .select_related("order")
        .order_by("created_at", "pk")
    )
    if position is None or not fills:
        raise NotFound(f"You have no position in {instrument.symbol}.")
    view = None
    if position.quantity != 0:
        view = next(
            (v for v in position_views(account=account) if v.instrument.pk == instrument.pk),
            None,
        )
    carry_kinds = (
        JournalEntry.Kind.FUNDING,
        JournalEntry.Kind.BORROW_INTEREST,
        JournalEntry.Kind.FINANCING,
        JournalEntry.Kind.SETTLEMENT,
    )
    carry_lines = list(
        ledger_line_history(account=account, instrument=instrument)
        .filter(entry__kind__in=carry_kinds)
        .order_by("entry__created_at", "pk")
    )
    replays = _liquidation_replays(account, instrument)
    is_option = instrument.kind == Instrument.Kind.OPTION
    unrealized = view.unrealized_pnl if view is not None else Decimal(0)
    settled = sum(
        (line.amount for line in carry_lines if line.entry.kind == JournalEntry.Kind.SETTLEMENT),
        Decimal(0),
    )
    breakdown = PnlBreakdown(
        price_move=None if is_option else position.realized_pnl + unrealized,
        premium=-position.premium_paid if is_option else None,
        option_value=((view.value if view is not None else Decimal(0)) + settled)
        if is_option
        else None,
        fees=-position.fees_paid,
        funding=-position.funding_paid,
        borrow_interest=-position.borrow_interest_paid,
        financing=-position.financing_paid,
        liquidation_fees=-sum((replay.fee_share for replay in replays), Decimal(0)),
    )
    return PositionStory(
        instrument=instrument,
        position=position,
        view=view,
        fills=fills,
        carry_lines=carry_lines,
        liquidations=replays,
        breakdown=breakdown,
    )


# Equity curves and leaderboards ------------------------------------------------------

# A range of the equity curve: the resolution it is drawn at and how far back it goes.
EQUITY_RANGES = {
    "1d": (EquitySnapshot.Resolution.MINUTE, timedelta(days=1)),
    "1m": (EquitySnapshot.Resolution.HOUR, timedelta(days=30)),
    "all": (EquitySnapshot.Resolution.DAY, None),
}


@dataclass(frozen=True, slots=True)
class EquityPoint:
    time: datetime
    equity: Decimal
    cash: Decimal
    unrealized_pnl: Decimal


def equity_curve(*, account: Account, range: str = "1d", now=None) -> list[EquityPoint]:
    """The account's equity over ``range`` (1d, 1m or all), oldest first."""
    if range not in EQUITY_RANGES:
        raise ValueError(f"Unknown range {range!r}: one of {', '.join(EQUITY_RANGES)}.")
    resolution, span = EQUITY_RANGES[range]
    snapshots = EquitySnapshot.objects.filter(account=account, resolution=resolution)
    if span is not None:
        snapshots = snapshots.filter(taken_at__gte=(now or timezone.now()) - span)
    return [
        EquityPoint(time=row[0], equity=row[1], cash=row[2], unrealized_pnl=row[3])
        for row in snapshots.order_by("taken_at").values_list(
            "taken_at", "equity", "cash", "unrealized_pnl"
        )
    ]


def equity_leaderboard(*, since: datetime, limit: int = 100) -> QuerySet[Account]:
    """Users' accounts ranked by return since ``since``, from their daily and hourly snapshots.

    Each account is annotated with ``start_equity`` (its first daily snapshot at or
    after ``since``), ``latest_equity`` (its newest hourly snapshot) and
    ``return_ratio`` (latest over start, less one). Accounts without both are left out.
    """
    start = EquitySnapshot.objects.filter(
        account=OuterRef("pk"), resolution=EquitySnapshot.Resolution.DAY, taken_at__gte=since
    ).order_by("taken_at")
    latest = EquitySnapshot.objects.filter(
        account=OuterRef("pk"), resolution=EquitySnapshot.Resolution.HOUR
    ).order_by("-taken_at")
    return (
        Account.objects.filter(kind=Account.Kind.PAPER)
        .annotate(
            start_equity=Subquery(start.values("equity")[:1]),
            latest_equity=Subquery(latest.values("equity")[:1]),
        )
        .filter(start_equity__gt=0, latest_equity__isnull=False)
        .annotate(
            return_ratio=ExpressionWrapper(
                F("latest_equity") / F("start_equity") - 1,
                output_field=DecimalField(max_digits=28, decimal_places=8),
            )
        )
        .select_related("user")
        .order_by("-return_ratio", "pk")[:limit]
    )


# The staff health page ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InstrumentHealth:
    symbol: str
    underlying: str
    tick_sequence: int
    last_tick_at: datetime | None
    tick_age: timedelta | None
    handled_sequence: int | None  # The newest tick whose risk checks ran.
    checked_at: datetime | None
    ticks_behind: int | None
    reaction_lag: timedelta | None  # From the tick to its checks done, when they are current.
    at_risk: bool  # Has open orders or positions: a tick must reach it.


@dataclass(frozen=True, slots=True)
class ScheduleHealth:
    name: str
    task: str
    last_run_at: datetime | None
    state: str | None
    result: object


def instrument_health(*, now: datetime | None = None) -> list[InstrumentHealth]:
    """Per listed instrument: its last tick, and how far the risk checks have followed it."""
    now = now or timezone.now()
    states = {s.instrument_id: s for s in InstrumentRiskState.objects.all()}
    open_orders = Order.objects.filter(instrument=OuterRef("pk"), status__in=Order.OPEN_STATUSES)
    open_positions = Position.objects.filter(instrument=OuterRef("pk")).exclude(quantity=0)
    instruments = (
        Instrument.objects.exclude(status=Instrument.Status.SETTLED)
        .select_related("underlying")
        .annotate(at_risk=Exists(open_orders) | Exists(open_positions))
        .order_by("underlying__symbol", "symbol")
    )
    rows = []
    for instrument in instruments:
        underlying = instrument.underlying
        state = states.get(instrument.pk)
        handled = state.last_sequence if state else None
        behind = None if handled is None else max(underlying.tick_sequence - handled, 0)
        lag = None
        if state and state.checked_at and underlying.last_tick_at and behind == 0:
            lag = max(state.checked_at - underlying.last_tick_at, timedelta(0))
        rows.append(
            InstrumentHealth(
                symbol=instrument.symbol,
                underlying=underlying.symbol,
                tick_sequence=underlying.tick_sequence,
                last_tick_at=underlying.last_tick_at,
                tick_age=now - underlying.last_tick_at if underlying.last_tick_at else None,
                handled_sequence=handled,
                checked_at=state.checked_at if state else None,
                ticks_behind=behind,
                reaction_lag=lag,
                at_risk=instrument.at_risk,
            )
        )
    return rows


def queue_depths() -> dict[str, int] | None:
    """Messages waiting in each Celery queue (LLEN), or None when the broker is not Redis."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    queues = ["celery", "feed", *settings.RISK_QUEUES]
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipeline:
            for queue in queues:
                pipeline.llen(queue)
            return dict(zip(queues, pipeline.execute(), strict=True))
    finally:
        client.close()


def schedule_health() -> list[ScheduleHealth]:
    """The last run of every scheduled job, from the heartbeats the workers record."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    keys = {name: HEARTBEAT_KEY.format(task=entry["task"]) for name, entry in schedule.items()}
    beats = cache.get_many(list(set(keys.values())))
    rows = []
    for name, entry in sorted(schedule.items()):
        beat = beats.get(keys[name]) or {}
        at = beat.get("at")
        rows.append(
            ScheduleHealth(
                name=name,
                task=entry["task"],
                last_run_at=datetime.fromtimestamp(at, tz=UTC) if at else None,
                state=beat.get("state"),
                result=beat.get("result"),
            )
        )
    return rows


def accounts_near_liquidation(*, level: Decimal, limit: int = 50) -> list[tuple]:
    """Accounts whose margin level is at most ``level``, lowest first: (valuation, level)."""
    valuations = account_valuations(marks=marks_for_open_positions(), at_risk_level=level)
    rows = []
    for valuation in valuations:
        if valuation.maintenance_margin > 0:
            level = (valuation.equity / valuation.maintenance_margin).quantize(MONEY)
            rows.append((valuation, level))
        elif valuation.short_options or valuation.margin_warned:
            rows.append((valuation, None))
    rows.sort(key=lambda row: (row[1] is None, row[1] or 0))
    return rows[:limit]
