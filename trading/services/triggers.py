"""What the risk workers do to orders as prices move: triggers, reference fills, expiry.

Rules of this module:

- Each service is one transaction that locks the instrument's row first (its book
  has one writer at a time), then the accounts it trades for in primary-key order,
  as ``orders`` does, and goes through the same execution and persistence path as
  ``order_place``: ``orders._execute`` matches and ``orders._persist_result``
  writes fills, positions, the ledger and the tape.
- Conditional orders (stops, take-profits, trailing stops) wait off the book until
  the price their ``trigger_by`` names reaches their trigger (``engine.triggers``).
  A trailing stop's best price moves first and is stored on the order. A triggered
  order records ``triggered_at``, takes a new time priority, and enters as a
  market order (stop, take-profit and trailing stop market) or as a limit order at
  its ``price`` that trades or rests (stop and take-profit limit).
- An attached exit waits until its entry has filled, and closes no more than the
  entry filled; like every reduce-only order it is clamped to the position, and is
  canceled when there is nothing left to close. When one exit of a pair triggers,
  the other is canceled (OCO). An exit that could not execute does not cancel its
  partner: the position is still open and keeps that protection.
- Each triggered order executes in its own savepoint: one that is refused (no
  liquidity, not enough margin) is marked rejected with the refusal's code, and
  the others' triggers and fills stand.
- Running a service twice does nothing the second time: a triggered order has
  ``triggered_at``, a filled or expired order has left the book.
"""

import logging
from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.errors import DomainError
from market import selectors as market_selectors
from market import services as market_services
from market.models import Instrument
from trading import engine, events, mappers, selectors
from trading.models import Fill, Order
from trading.services.ledger import _lock_accounts
from trading.services.notifications import order_triggered_notify
from trading.services.orders import (
    CONDITIONAL_TYPES,
    _AccountMoves,
    _check_margin,
    _close_order,
    _execute,
    _lock_instrument,
    _next_sequence,
    _position,
    _post_moves,
    _quote,
    _quotes_at,
    _record_fill,
    _reduces,
    _retrying_deadlocks,
    _signed_lots,
    oco_partners_cancel,
    orders_cancel_open,
    trigger_reference,
)

logger = logging.getLogger(__name__)

EXITS = (Order.Role.STOP_LOSS, Order.Role.TAKE_PROFIT)
NOTHING_TO_CLOSE = "position_closed"


# Public services -------------------------------------------------------------------


def conditional_orders_check(*, instrument: Instrument, now: datetime | None = None) -> list[Order]:
    """Trigger the instrument's stops, take-profits and trailing stops the price reached.

    Return the orders that triggered, in the state they ended in: filled, resting
    (a stop-limit), rejected, or canceled when there was no position left to close.
    """
    return _retrying_deadlocks(
        lambda: _conditional_orders_check(instrument=instrument, now=now or timezone.now())
    )


def resting_orders_fill_on_reference(*, instrument: Instrument, now: datetime | None = None) -> int:
    """Fill the resting limit orders the reference price traded through; return how many.

    Each fills in full at its own price against the outside market, as a maker.
    """
    return _retrying_deadlocks(
        lambda: _resting_orders_fill_on_reference(instrument=instrument, now=now or timezone.now())
    )


def gtd_orders_expire(*, now: datetime) -> int:
    """Expire the open good-till-date orders whose expire_at has passed; return how many.

    An entry that expires without any fill takes its attached exits with it.
    """
    return _retrying_deadlocks(lambda: _gtd_orders_expire(now=now))


# Triggers --------------------------------------------------------------------------


def _trades(instrument: Instrument, now: datetime) -> bool:
    """Whether the instrument trades now: halted or expired, nothing triggers or fills."""
    return instrument.status == Instrument.Status.OPEN and (
        instrument.expiry is None or instrument.expiry > now
    )


def _conditional_orders_check(*, instrument: Instrument, now: datetime) -> list[Order]:
    # Most ticks reach no stop: that is found without the book's lock, so the
    # instrument's orders wait for nothing. One placed meanwhile is looked at again
    # under the lock by the next tick (or the sweep).
    instrument = Instrument.objects.select_related("underlying").get(pk=instrument.pk)
    if not _waiting(instrument).filter(_may_trigger_now(instrument, _quote(instrument))).exists():
        return []
    instrument = _lock_instrument(instrument.pk)
    if not _trades(instrument, now):
        return []
    spec = mappers.instrument_spec(instrument)
    quote = _quote(instrument)
    waiting = (
        _waiting(instrument)
        .filter(_may_trigger_now(instrument, quote))
        .select_related("parent")
        .select_for_update(of=("self",))
        .order_by("sequence", "pk")
    )
    triggered: list[int] = []
    due = []
    for order in waiting:
        try:
            if _is_due(order, instrument, spec, quote, now):
                due.append(order)
        except engine.EngineError as error:
            # A malformed order (a price off the tick): page staff, check the others.
            logger.exception("Conditional order #%s cannot be checked", order.pk)
            _reject(order.pk, error.code, now, triggered=False)
            triggered.append(order.pk)
    accounts = _lock_accounts(order.account_id for order in due)
    for order in due:
        order.account = accounts[order.account_id]  # Locked: the fill need not lock it again.
        order.instrument = instrument

    closed: set[int] = set()  # OCO partners canceled by an earlier trigger in this run.
    for order in due:
        if order.pk in closed:
            continue
        try:
            with transaction.atomic():
                canceled = _trigger(order, instrument, spec, quote, now)
        except (DomainError, engine.EngineError) as refusal:
            if isinstance(refusal, engine.EngineError):
                # A bug, not a refusal: page staff, but keep the other orders' triggers.
                logger.exception("Triggered order #%s could not enter the book", order.pk)
            _reject(order.pk, refusal.code, now)
        else:
            closed.update(canceled)
        triggered.append(order.pk)
    result = list(
        Order.objects.filter(pk__in=triggered)
        .select_related("account", "instrument")
        .order_by("sequence", "pk")
    )
    order_triggered_notify(orders=result)
    return result


def instruments_due(
    *, instruments: list[Instrument], now: datetime | None = None
) -> tuple[set[int], set[int]]:
    """Of the instruments, the ids of those a tick's checks have work in, without locks.

    The first set has a stop, take-profit or trailing stop the prices may trigger
    (``conditional_orders_check``), the second a resting order the reference price
    traded through (``resting_orders_fill_on_reference``). One statement each for all
    the instruments, where the checks ask one instrument at a time: a tick's task
    screens its group with these and runs the checks only where they find work. An
    order placed meanwhile is found by the next tick.
    """
    now = now or timezone.now()
    trading = [instrument for instrument in instruments if _trades(instrument, now)]
    if not trading:
        return set(), set()
    quotes = market_selectors.tickers_get(instruments=trading)
    lasts = market_selectors.last_prices(instrument_ids=quotes)
    may = Q()
    for instrument in trading:
        may |= Q(instrument=instrument) & _may_trigger(
            instrument, quotes[instrument.pk], lasts.get(instrument.pk)
        )
    stops = set(
        _waiting().filter(may).order_by().values_list("instrument_id", flat=True).distinct()
    )
    fills = selectors.instruments_traded_through(
        references={
            instrument.pk: mappers.to_tick(quotes[instrument.pk].mark_price, instrument.tick_size)
            for instrument in trading
        }
    )
    return stops, fills


def _waiting(instrument: Instrument | None = None):
    """The instrument's stops, take-profits and trailing stops not triggered yet (or all)."""
    waiting = Order.objects.filter(
        type__in=CONDITIONAL_TYPES,
        status__in=Order.OPEN_STATUSES,
        triggered_at__isnull=True,
    )
    return waiting if instrument is None else waiting.filter(instrument=instrument)


RISE_TRIGGERED = {  # Side and types that trigger when the price rises to the stop.
    Order.Side.BUY: (Order.Type.STOP_MARKET, Order.Type.STOP_LIMIT),
    Order.Side.SELL: (Order.Type.TAKE_PROFIT_MARKET, Order.Type.TAKE_PROFIT_LIMIT),
}
FALL_TRIGGERED = {
    Order.Side.SELL: (Order.Type.STOP_MARKET, Order.Type.STOP_LIMIT),
    Order.Side.BUY: (Order.Type.TAKE_PROFIT_MARKET, Order.Type.TAKE_PROFIT_LIMIT),
}


def _may_trigger_now(instrument: Instrument, quote) -> Q:
    return _may_trigger(instrument, quote, market_selectors.last_price(instrument=instrument))


def _may_trigger(instrument: Instrument, quote, last: Decimal | None) -> Q:
    """The orders the prices could trigger, so that only those are locked and checked.

    A fixed stop that triggers on a rise is one whose stop price the highest of the
    prices a stop can watch (mark, index or last, to the tick) has reached, and one
    that triggers on a fall the same with the lowest: a few index ranges, whichever
    price each order watches. Trailing stops move with the price and are all checked.
    A superset: ``_is_due`` compares each with its own price, as ``engine.should_trigger``.
    ``last`` is the instrument's last trade price, if it traded.
    """
    references = {
        Order.TriggerBy.MARK: quote.mark_price,
        Order.TriggerBy.INDEX: quote.index_price,
        Order.TriggerBy.LAST: last if last is not None else quote.mark_price,
    }
    # Every branch names the side, so that each is a range of trading_order_waiting_idx.
    sides = Order.Side.values
    may = Q(type=Order.Type.TRAILING_STOP, side__in=sides)
    unknown = [trigger_by for trigger_by, price in references.items() if price is None]
    if unknown:
        may |= Q(trigger_by__in=unknown, side__in=sides)
    prices = [
        mappers.to_tick(price, instrument.tick_size)
        for price in references.values()
        if price is not None
    ]
    if prices:
        for side, types in RISE_TRIGGERED.items():
            may |= Q(side=side, type__in=types, stop_price__lte=max(prices))
        for side, types in FALL_TRIGGERED.items():
            may |= Q(side=side, type__in=types, stop_price__gte=min(prices))
    return may


def _reject(order_id: int, code: str, now: datetime, *, triggered: bool = True) -> None:
    """Mark an order that could not be checked or executed as rejected, with the code why."""
    Order.objects.filter(pk=order_id).update(
        status=Order.Status.REJECTED,
        reject_reason=code[:64],
        triggered_at=now if triggered else None,
        updated_at=now,
    )
    events.orders_changed(order_ids=[order_id])


def _is_due(order: Order, instrument: Instrument, spec, quote, now: datetime) -> bool:
    """Whether the order triggers now; a trailing stop's best price moves first."""
    if order.expire_at is not None and order.expire_at <= now:
        return False  # gtd_orders_expire's to retire, not to trigger.
    if order.parent is not None and order.parent.filled_quantity == 0:
        return False  # An exit protects what its entry filled: nothing yet.
    engine_order = mappers.conditional_order(order, spec)
    price_ticks = spec.to_ticks(
        mappers.to_tick(trigger_reference(order, quote), instrument.tick_size)
    )
    trailing = None
    if order.type == Order.Type.TRAILING_STOP:
        trailing = _trail(order, engine_order, spec, price_ticks)
    return engine.should_trigger(engine_order, price_ticks=price_ticks, trailing=trailing)


def _trail(order: Order, engine_order, spec, price_ticks: int) -> engine.TrailingState:
    """Move a trailing stop's best price with the new price; store it when it moved."""
    if order.trailing_best_price is None:
        state = engine.trailing_start(engine_order, price_ticks)
    else:
        best = spec.to_ticks(mappers.to_tick(order.trailing_best_price, spec.tick_size))
        state = engine.trailing_update(
            engine_order,
            engine.TrailingState(best, engine.trailing_stop_price(engine_order, best)),
            price_ticks,
        )
    best_price = spec.to_price(state.best_price_ticks)
    if order.trailing_best_price != best_price:
        order.trailing_best_price = best_price
        order.save(update_fields=["trailing_best_price", "updated_at"])
    return state


def _trigger(order: Order, instrument: Instrument, spec, quote, now: datetime) -> list[int]:
    """Trigger one order and execute it; return the ids of the OCO partners it canceled."""
    order.triggered_at = now
    order.status = Order.Status.TRIGGERED
    order.sequence = _next_sequence(instrument)  # Time priority starts at the trigger.
    position = _position(order.account, instrument)
    quantity = order.quantity
    if order.parent is not None:
        quantity = min(quantity, order.parent.filled_quantity)
    if order.reduce_only:
        if not _reduces(position.quantity, order.side):
            order.status = Order.Status.CANCELED
            order.reject_reason = NOTHING_TO_CLOSE
            quantity = order.quantity
        else:
            quantity = min(quantity, abs(position.quantity))
    order.quantity = quantity
    order.save(
        update_fields=[
            "triggered_at", "status", "sequence", "quantity", "reject_reason", "updated_at"
        ]
    )  # fmt: skip
    events.order_changed(order=order)
    canceled = _cancel_partner(order)
    if order.status == Order.Status.CANCELED:
        return canceled
    position_before = position.quantity
    # The account and its position are locked: the fill updates them in place and the
    # margin check reads the position as the fill left it.
    _execute(order, instrument, spec, quote, now, position=position)
    _check_margin(
        order.account,
        order,
        position_before=position_before,
        position=position,
        quotes=_quotes_at(instrument, quote),
    )
    return canceled


def _cancel_partner(order: Order) -> list[int]:
    """Cancel what a triggered order was paired with: the other attached exit or OCO leg."""
    canceled = oco_partners_cancel(order)
    if order.parent_id is None or order.role not in EXITS:
        return canceled
    exits = Order.objects.filter(parent_id=order.parent_id, role__in=EXITS).exclude(pk=order.pk)
    return canceled + orders_cancel_open(exits)


# Fills on the reference price ------------------------------------------------------


def _resting_orders_fill_on_reference(*, instrument: Instrument, now: datetime) -> int:
    # Most ticks trade through no resting order: that is found without the book's lock,
    # so the instrument's orders wait for nothing. One placed meanwhile is looked at
    # again under the lock by the next tick (or the sweep).
    instrument = Instrument.objects.select_related("underlying").get(pk=instrument.pk)
    _, through = _traded_through(instrument)
    if not selectors.resting_orders_meet(instrument=instrument, meeting=through):
        return 0
    instrument = _lock_instrument(instrument.pk)
    if not _trades(instrument, now):
        return 0
    spec = mappers.instrument_spec(instrument)
    reference, through = _traded_through(instrument)
    book = selectors.order_book_load(instrument=instrument, spec=spec, meeting=through)
    # A GTD order past its expire_at no longer rests, whether or not expiry ran yet.
    expired = book.expire(now.timestamp())
    if expired:
        _expire(Order.objects.filter(pk__in=expired))
    fills = engine.fills_on_reference(book, spec.to_ticks(reference))
    if not fills:
        return 0
    makers = Order.objects.select_for_update().in_bulk([f.maker_order_id for f in fills])
    _lock_accounts(maker.account_id for maker in makers.values())
    filled = 0
    for fill in fills:
        maker = makers[fill.maker_order_id]
        try:
            with transaction.atomic():
                filled += _fill_resting(maker, instrument, spec, fill)
        except DomainError as refusal:
            # Not enough cash for an option's premium: the order leaves the book.
            maker = Order.objects.get(pk=maker.pk)
            maker.status = Order.Status.CANCELED
            maker.reject_reason = refusal.code[:64]
            maker.save(update_fields=["status", "reject_reason", "updated_at"])
            events.order_changed(order=maker)
    return filled


def _traded_through(instrument: Instrument) -> tuple[Decimal, list[tuple[str, Decimal]]]:
    """The reference price, and the takers ``order_book_load`` keeps what it traded through for.

    Those are the buys at the reference or above and the sells at it or below.
    """
    reference = mappers.to_tick(_quote(instrument).mark_price, instrument.tick_size)
    return reference, [(Order.Side.SELL, reference), (Order.Side.BUY, reference)]


def _fill_resting(maker: Order, instrument: Instrument, spec, fill: engine.Fill) -> int:
    """Fill one resting order the outside market took; return 1 if it traded."""
    quantity = spec.to_quantity(fill.quantity_lots)
    if maker.reduce_only:
        position = _position(maker.account, instrument)
        lots = engine.reduce_only_lots(
            engine.Side(maker.side), fill.quantity_lots, _signed_lots(position, spec)
        )
        if lots == 0:
            maker.status = Order.Status.CANCELED
            maker.reject_reason = NOTHING_TO_CLOSE
            maker.save(update_fields=["status", "reject_reason", "updated_at"])
            events.order_changed(order=maker)
            return 0
        if lots < fill.quantity_lots:
            # A reduce-only order shrinks with the position it closes.
            quantity = spec.to_quantity(lots)
            maker.quantity = maker.filled_quantity + quantity
            maker.save(update_fields=["quantity", "updated_at"])
    price = spec.to_price(fill.price_ticks)
    moves: dict[int, _AccountMoves] = defaultdict(_AccountMoves)
    _record_fill(
        maker,
        instrument,
        price=price,
        quantity=quantity,
        liquidity=Fill.Liquidity.MAKER,
        counterparty=Fill.Counterparty.MARKET,
        moves=moves,
    )
    market_services.trade_record(
        instrument=instrument, price=price, quantity=quantity, taker_side=fill.taker_side
    )
    _post_moves(instrument, moves)
    return 1


# Expiry ----------------------------------------------------------------------------


def _gtd_orders_expire(*, now: datetime) -> int:
    due = Order.objects.filter(
        time_in_force=Order.TimeInForce.GTD,
        status__in=Order.OPEN_STATUSES,
        expire_at__lte=now,
    )
    for instrument_id in sorted(set(due.values_list("instrument_id", flat=True))):
        _lock_instrument(instrument_id)
    return _expire(due)


def _expire(orders) -> int:
    """Expire orders (the caller holds their instrument); an unfilled entry's exits go too."""
    expired = list(orders.select_for_update().order_by("pk"))
    for order in expired:
        _close_order(order, Order.Status.EXPIRED)
        if order.filled_quantity == 0:
            for exit_ in order.attached.filter(status__in=Order.OPEN_STATUSES).order_by("pk"):
                _close_order(exit_, Order.Status.CANCELED)
    return len(expired)
