"""Reads of paper accounts and the ledger that views, serializers and tasks share."""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from config.errors import NotFound
from market import selectors as market_selectors
from market.models import Instrument
from trading import engine, mappers, services
from trading.models import Account, Balance, Fill, JournalEntry, JournalLine, Order, Position

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


def account_cash(*, account: Account, asset: str | None = None) -> Decimal:
    """An account's balance in one asset: cached for paper accounts, summed otherwise."""
    if account.kind != Account.Kind.PAPER:
        total = JournalLine.objects.filter(
            account=account, asset=asset or account.currency
        ).aggregate(total=Sum("amount"))["total"]
        return total or Decimal(0)
    balance = (
        Balance.objects.filter(account=account, asset=asset or account.currency)
        .values_list("amount", flat=True)
        .first()
    )
    return balance if balance is not None else Decimal(0)


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


def _position_view(position: Position, quotes: dict) -> PositionView:
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
        tiers = mappers.margin_tiers(instrument)
        value = upnl
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
    positions = (
        Position.objects.filter(account=account)
        .exclude(quantity=0)
        .select_related("instrument", "instrument__underlying")
        .prefetch_related("instrument__tiers")
        .order_by("instrument__symbol")
    )
    views = [_position_view(position, quotes) for position in positions]
    if cash is None:
        cash = account_cash(account=account)
    equity = cash + sum((v.value for v in views), Decimal(0))
    result = []
    for view in views:
        liquidation = None
        if view.instrument.kind != Instrument.Kind.OPTION:
            tiers = mappers.margin_tiers(view.instrument)
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


def open_orders_margin(*, account: Account) -> Decimal:
    """Margin that resting limit orders hold: what they would need if they filled."""
    total = Decimal(0)
    # The account's leverage on each order's instrument, in the same query.
    positions = Position.objects.filter(account=account, instrument=OuterRef("instrument"))
    orders = (
        resting_orders()
        .filter(account=account, reduce_only=False)
        .select_related("instrument")
        .annotate(position_leverage=Subquery(positions.values("leverage")[:1]))
    )
    for order in orders:
        notional = order.remaining_quantity * order.price
        if order.instrument.kind == Instrument.Kind.OPTION:
            if order.side == Order.Side.BUY:
                total += notional
            continue
        leverage = order.position_leverage or default_leverage(order.instrument)
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


def account_summary(*, account: Account, quotes: dict | None = None) -> AccountSummary:
    """Cash, equity at the mark, the margin in use and what is available for new orders."""
    cash = account_cash(account=account)
    views = position_views(account=account, quotes=quotes, cash=cash)
    equity = cash + sum((v.value for v in views), Decimal(0))
    margin_used = sum((v.initial_margin for v in views), Decimal(0)) + open_orders_margin(
        account=account
    )
    return AccountSummary(
        account_id=account.pk,
        currency=account.currency,
        cash=cash,
        equity=_money(equity),
        margin_used=_money(margin_used),
        available=_money(equity - margin_used),
    )


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
        .exclude(total=0)
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
        for row in JournalLine.objects.filter(account__kind=Account.Kind.PAPER)
        .values("account_id", "asset")
        .annotate(total=Sum("amount"))
    }
    cached = {(b.account_id, b.asset): b.amount for b in Balance.objects.all()}
    for key in sorted(set(sums) | set(cached)):
        ledger_total = sums.get(key, Decimal(0))
        cached_total = cached.get(key, Decimal(0))
        if ledger_total != cached_total:
            problems.append(
                LedgerProblem(
                    "balance mismatch",
                    f"account #{key[0]} {key[1]}: cached {cached_total}, ledger {ledger_total}",
                )
            )
    totals = JournalLine.objects.values("asset").annotate(total=Sum("amount")).exclude(total=0)
    for row in totals:
        problems.append(
            LedgerProblem("nonzero total", f"all accounts sum to {row['total']} {row['asset']}")
        )
    return problems


def order_book_load(*, instrument: Instrument, spec=None, exclude: int | None = None):
    """Rebuild the instrument's book of users' resting orders, in time priority."""
    spec = spec or mappers.instrument_spec(instrument)
    resting = resting_orders().filter(instrument=instrument).order_by("sequence")
    if exclude is not None:
        resting = resting.exclude(pk=exclude)
    return engine.OrderBook.from_orders(
        engine.RestingOrder(
            order=mappers.engine_order(order, spec),
            remaining_lots=spec.to_lots(order.quantity - order.filled_quantity),
        )
        for order in resting
    )


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
    """Where an account stands against liquidation."""

    equity: Decimal
    maintenance_margin: Decimal
    views: list

    @property
    def margin_level(self) -> Decimal | None:
        """Equity over maintenance margin: liquidation at 1, None with no positions."""
        if self.maintenance_margin <= 0:
            return None
        return (self.equity / self.maintenance_margin).quantize(Decimal("0.00000001"))

    @property
    def liquidatable(self) -> bool:
        return self.maintenance_margin > 0 and self.equity <= self.maintenance_margin


def margin_state(*, account: Account, quotes: dict | None = None) -> MarginState:
    """The account's equity at the mark and the maintenance margin its positions need."""
    views = position_views(account=account, quotes=quotes)
    equity = account_cash(account=account) + sum((v.value for v in views), Decimal(0))
    maintenance = sum((v.maintenance_margin for v in views), Decimal(0))
    return MarginState(equity=equity, maintenance_margin=maintenance, views=views)


def accounts_with_positions(*, instrument: Instrument) -> QuerySet[Account]:
    """Paper accounts holding a position in the instrument."""
    return Account.objects.filter(
        positions__instrument=instrument, kind=Account.Kind.PAPER
    ).exclude(positions__quantity=0).distinct().order_by("pk")
