"""Values the engine takes and returns: enums, instruments, orders, fills and results.

Rules of this module:

- Inside the engine a price is a whole number of ticks and a quantity a whole
  number of lots (`int`). `InstrumentSpec` converts `Decimal` prices and
  quantities at the edge and refuses a value that is not a whole number of
  ticks or lots, so rounding never happens silently.
- Every value is a frozen, slotted dataclass or a `StrEnum`: what a service reads
  from the database and hands to the engine cannot be changed by the engine.
- An `Order` checks its own shape when it is built (a limit order has a price, a
  stop has a stop price, GTD has an expiry...) and raises `EngineError` with a
  stable code. Outcomes of matching (post-only would take, FOK not filled) are
  not errors: they are a `MatchResult` with status `rejected` and a `RejectReason`.
- A position's side is a `Side`: `buy` is long, `sell` is short.
- Timestamps (`expire_at`, `now`) are numbers the caller chooses (epoch seconds,
  say); the engine compares them and never reads a clock.
- `Fill` and `MatchResult` are built on the matching hot path by `new_fill` and
  `new_match_result`: they fill in a mutable subclass that adds no slots and
  then switch its `__class__` to the frozen class, which skips the frozen
  dataclass's per-field `object.__setattr__` (about six times faster). The
  result is the same frozen value the class constructor builds.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from trading.engine.errors import EngineError


class Side(StrEnum):
    """The side of an order; for a position, buy is long and sell is short."""

    BUY = "buy"
    SELL = "sell"

    @property
    def opposite(self) -> "Side":
        """Return the other side."""
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(StrEnum):
    """What an order does once it reaches the book, and what wakes it up."""

    MARKET = "market"
    LIMIT = "limit"
    STOP_MARKET = "stop_market"
    STOP_LIMIT = "stop_limit"
    TAKE_PROFIT_MARKET = "take_profit_market"
    TAKE_PROFIT_LIMIT = "take_profit_limit"
    TRAILING_STOP = "trailing_stop"


class TimeInForce(StrEnum):
    """How long an order's unfilled remainder lives."""

    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"
    GTD = "gtd"


class TriggerBy(StrEnum):
    """The price that triggers a stop, take-profit or trailing stop."""

    MARK = "mark"
    INDEX = "index"
    LAST = "last"


class OrderStatus(StrEnum):
    """Where an order stands."""

    NEW = "new"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELED = "canceled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    TRIGGERED = "triggered"


class Liquidity(StrEnum):
    """Who stood on each side of a fill.

    On a `Fill`, `maker` means both sides are users' orders and `outside` means
    one side is the simulated outside market. `taker` is the role of an
    incoming order (see `Fill.role`), which is what decides its fee rate.
    """

    MAKER = "maker"
    TAKER = "taker"
    OUTSIDE = "outside"


class RejectReason(StrEnum):
    """Why matching refused an order without filling it."""

    POST_ONLY_WOULD_TAKE = "post_only_would_take"
    FOK_NOT_FILLED = "fok_not_filled"
    NO_LIQUIDITY = "no_liquidity"
    EXPIRE_AT_PASSED = "expire_at_passed"


class OptionKind(StrEnum):
    """Call or put (the same values as `market.pricing.options.OptionKind`)."""

    CALL = "call"
    PUT = "put"


_MARKET, _LIMIT = OrderType.MARKET, OrderType.LIMIT
_STOP_LIMIT, _TAKE_PROFIT_LIMIT = OrderType.STOP_LIMIT, OrderType.TAKE_PROFIT_LIMIT
_TRAILING_STOP = OrderType.TRAILING_STOP
_GTD, _IOC, _FOK = TimeInForce.GTD, TimeInForce.IOC, TimeInForce.FOK
LIMIT_TYPES = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.TAKE_PROFIT_LIMIT})
STOP_TYPES = frozenset(
    {
        OrderType.STOP_MARKET,
        OrderType.STOP_LIMIT,
        OrderType.TAKE_PROFIT_MARKET,
        OrderType.TAKE_PROFIT_LIMIT,
    }
)
CONDITIONAL_TYPES = STOP_TYPES | {OrderType.TRAILING_STOP}


@dataclass(frozen=True, slots=True)
class InstrumentSpec:
    """An instrument's tick and lot sizes: converts prices and quantities at the edge."""

    tick_size: Decimal
    lot_size: Decimal

    def __post_init__(self) -> None:
        if not (self.tick_size > 0 and self.lot_size > 0):
            raise EngineError("invalid_instrument", "tick and lot sizes must be positive")

    def to_ticks(self, price: Decimal) -> int:
        """Return a price in ticks; refuse a price that is not a whole number of ticks."""
        ticks, rest = divmod(price, self.tick_size)
        if rest:
            raise EngineError(
                "price_off_tick", f"price {price} is not a multiple of {self.tick_size}"
            )
        return int(ticks)

    def to_lots(self, quantity: Decimal) -> int:
        """Return a quantity in lots; refuse a quantity that is not a whole number of lots."""
        lots, rest = divmod(quantity, self.lot_size)
        if rest:
            raise EngineError(
                "quantity_off_lot", f"quantity {quantity} is not a multiple of {self.lot_size}"
            )
        return int(lots)

    def to_price(self, ticks: int) -> Decimal:
        """Return the price of a number of ticks."""
        return self.tick_size * ticks

    def to_quantity(self, lots: int) -> Decimal:
        """Return the quantity of a number of lots."""
        return self.lot_size * lots

    def notional(self, price_ticks: int, quantity_lots: int) -> Decimal:
        """Return price times quantity in the quote currency."""
        return self.tick_size * price_ticks * self.lot_size * quantity_lots


@dataclass(frozen=True, slots=True)
class Order:
    """An order as the engine sees it: ticks, lots and a sequence for time priority.

    `trailing_ticks` or `trailing_percent` (in percent: 1.5 is 1.5%) sets a
    trailing stop's distance. A market order never rests: GTC means the same as
    IOC for it. `reduce_only` is enforced by the caller, which knows the
    position (see `matching.reduce_only_lots`).
    """

    id: int
    account_id: int
    side: Side
    type: OrderType
    quantity_lots: int
    sequence: int
    price_ticks: int | None = None
    stop_price_ticks: int | None = None
    trailing_ticks: int | None = None
    trailing_percent: Decimal | None = None
    trigger_by: TriggerBy = TriggerBy.MARK
    time_in_force: TimeInForce = TimeInForce.GTC
    expire_at: float | None = None
    post_only: bool = False
    reduce_only: bool = False

    def __post_init__(self) -> None:
        kind, tif = self.type, self.time_in_force
        # `is` against module constants: a set lookup would call Enum.__hash__ in Python.
        takes_price = kind is _LIMIT or kind is _STOP_LIMIT or kind is _TAKE_PROFIT_LIMIT
        takes_stop = not (kind is _MARKET or kind is _LIMIT or kind is _TRAILING_STOP)
        if self.quantity_lots <= 0:
            raise EngineError("invalid_quantity", "quantity must be at least one lot")
        if takes_price:
            if self.price_ticks is None or self.price_ticks <= 0:
                raise EngineError("invalid_price", f"a {kind} order needs a positive price")
        elif self.price_ticks is not None:
            raise EngineError("invalid_price", f"a {kind} order takes no price")
        if takes_stop:
            if self.stop_price_ticks is None or self.stop_price_ticks <= 0:
                raise EngineError("invalid_stop_price", f"a {kind} order needs a stop price")
        elif self.stop_price_ticks is not None:
            raise EngineError("invalid_stop_price", f"a {kind} order takes no stop price")
        if (
            kind is _TRAILING_STOP
            or self.trailing_ticks is not None
            or self.trailing_percent is not None
        ):
            self._check_trailing()
        if (tif is _GTD) != (self.expire_at is not None):
            raise EngineError("invalid_expiry", "expire_at is required for GTD and only for GTD")
        if kind is _MARKET and tif is _GTD:
            raise EngineError("invalid_time_in_force", "a market order never rests")
        if self.post_only and (not takes_price or tif is _IOC or tif is _FOK):
            raise EngineError("invalid_post_only", "post-only needs a resting limit order")

    def _check_trailing(self) -> None:
        """Refuse a trailing distance on other types, or not exactly one on a trailing stop."""
        given = (self.trailing_ticks is not None) + (self.trailing_percent is not None)
        if self.type is not OrderType.TRAILING_STOP:
            if given:
                raise EngineError("invalid_trailing", f"a {self.type} order takes no trail")
            return
        if given != 1:
            raise EngineError("invalid_trailing", "give trailing_ticks or trailing_percent")
        if self.trailing_ticks is not None and self.trailing_ticks <= 0:
            raise EngineError("invalid_trailing", "trailing_ticks must be positive")
        if self.trailing_percent is not None and not 0 < self.trailing_percent < 100:
            raise EngineError("invalid_trailing", "trailing_percent must be between 0 and 100")


@dataclass(frozen=True, slots=True)
class Fill:
    """One trade: a quantity at one price between a taker and a maker.

    In a fill made by matching, the taker is the incoming order and the maker is
    a user's resting order (`liquidity` maker) or the outside market (`maker_*`
    are None, `liquidity` outside). In a fill made by `fills_on_reference` the
    outside market took a user's resting order (`taker_*` are None). The maker
    is on `taker_side.opposite`. `maker_remaining_lots` is what the maker order
    still has resting after this fill (0 when it left the book or is outside).
    """

    taker_order_id: int | None
    taker_account_id: int | None
    maker_order_id: int | None
    maker_account_id: int | None
    taker_side: Side
    price_ticks: int
    quantity_lots: int
    maker_remaining_lots: int
    liquidity: Liquidity

    def role(self, order_id: int) -> Liquidity:
        """Return whether the order took (taker) or made (maker) this fill."""
        if order_id == self.taker_order_id:
            return Liquidity.TAKER
        if order_id == self.maker_order_id:
            return Liquidity.MAKER
        raise EngineError("not_in_fill", f"order {order_id} is not part of this fill")


@dataclass(frozen=True, slots=True)
class OutsideLiquidity:
    """The simulated market around the reference price, fresh for each incoming order.

    It asks `depth_per_level_lots` at each of reference + half_spread + k * level_step
    and bids the same at reference - half_spread - k * level_step, for k in
    0..levels-1 (bid levels below one tick are left out).
    """

    reference_price_ticks: int
    half_spread_ticks: int
    level_step_ticks: int
    depth_per_level_lots: int
    levels: int

    def __post_init__(self) -> None:
        if not (
            self.reference_price_ticks > 0
            and self.half_spread_ticks >= 0
            and self.level_step_ticks > 0
            and self.depth_per_level_lots > 0
            and self.levels >= 0
        ):
            raise EngineError("invalid_outside_liquidity", f"{self!r} is not a valid market")

    def best_price(self, side: Side) -> int | None:
        """Return the best outside price an order on `side` can take, None if there is none."""
        levels = self.price_levels(side)
        return levels[0][0] if levels else None

    def price_levels(self, side: Side) -> list[tuple[int, int]]:
        """Return (price_ticks, lots) levels an order on `side` can take, best first."""
        if side is Side.BUY:
            first = self.reference_price_ticks + self.half_spread_ticks
            return [
                (first + k * self.level_step_ticks, self.depth_per_level_lots)
                for k in range(self.levels)
            ]
        first = self.reference_price_ticks - self.half_spread_ticks
        return [
            (first - k * self.level_step_ticks, self.depth_per_level_lots)
            for k in range(self.levels)
            if first - k * self.level_step_ticks >= 1
        ]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Every change one incoming order made, for the caller to persist.

    `filled_lots + remaining_lots` is always the order's quantity. The remainder
    rests in the book when `rests` is true and is canceled otherwise.
    `removed` lists resting orders filled in full (and so removed from the book),
    `self_trade_canceled` the caller's own resting orders canceled by self-trade
    prevention, `expired` resting GTD orders removed because `now` reached their
    `expire_at`. A partly filled resting order stays in the book: its fill
    carries its new remaining quantity.
    """

    order_id: int
    status: OrderStatus
    fills: tuple[Fill, ...]
    filled_lots: int
    remaining_lots: int
    rests: bool
    removed: tuple[int, ...]
    self_trade_canceled: tuple[int, ...]
    expired: tuple[int, ...]
    reason: RejectReason | None

    @property
    def canceled_lots(self) -> int:
        """Return the lots of the incoming order that were canceled rather than rested."""
        return 0 if self.rests else self.remaining_lots


@dataclass(frozen=True, slots=True)
class RestingOrder:
    """An order in the book and the lots it still has resting."""

    order: Order
    remaining_lots: int


@dataclass(frozen=True, slots=True)
class DepthLevel:
    """One aggregated price level of the book."""

    price_ticks: int
    quantity_lots: int
    order_count: int


@dataclass(frozen=True, slots=True)
class BookDepth:
    """The best levels of each side, best price first."""

    bids: tuple[DepthLevel, ...]
    asks: tuple[DepthLevel, ...]


class _FillDraft(Fill):
    """A mutable `Fill` that adds no slots: filled in, then made a `Fill`.

    Being a subclass with the same layout, switching its `__class__` to `Fill`
    needs no comparison of slot names. `object`'s own `__init__`, `__setattr__`
    and `__delattr__` replace the dataclass's, so building one runs no Python
    code and each field is set by a plain slot store.
    """

    __slots__ = ()
    __init__ = object.__init__
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


class _MatchResultDraft(MatchResult):
    """A mutable `MatchResult` that adds no slots (see `_FillDraft`)."""

    __slots__ = ()
    __init__ = object.__init__
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


def new_fill(
    taker_order_id: int | None,
    taker_account_id: int | None,
    maker_order_id: int | None,
    maker_account_id: int | None,
    taker_side: Side,
    price_ticks: int,
    quantity_lots: int,
    maker_remaining_lots: int,
    liquidity: Liquidity,
) -> Fill:
    """Build a `Fill` on the hot path, equal to `Fill(...)` with the same arguments."""
    fill = _FillDraft()
    fill.taker_order_id = taker_order_id
    fill.taker_account_id = taker_account_id
    fill.maker_order_id = maker_order_id
    fill.maker_account_id = maker_account_id
    fill.taker_side = taker_side
    fill.price_ticks = price_ticks
    fill.quantity_lots = quantity_lots
    fill.maker_remaining_lots = maker_remaining_lots
    fill.liquidity = liquidity
    # The same layout as its base, so Python allows the switch; from here on it is frozen.
    fill.__class__ = Fill  # type: ignore[assignment]
    return fill  # type: ignore[return-value]


def new_match_result(
    order_id: int,
    status: OrderStatus,
    fills: tuple[Fill, ...],
    filled_lots: int,
    remaining_lots: int,
    rests: bool,
    removed: tuple[int, ...],
    self_trade_canceled: tuple[int, ...],
    expired: tuple[int, ...],
    reason: RejectReason | None,
) -> MatchResult:
    """Build a `MatchResult` on the hot path, equal to `MatchResult(...)`."""
    result = _MatchResultDraft()
    result.order_id = order_id
    result.status = status
    result.fills = fills
    result.filled_lots = filled_lots
    result.remaining_lots = remaining_lots
    result.rests = rests
    result.removed = removed
    result.self_trade_canceled = self_trade_canceled
    result.expired = expired
    result.reason = reason
    result.__class__ = MatchResult  # type: ignore[assignment]
    return result  # type: ignore[return-value]
