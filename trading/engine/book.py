"""A limit order book of users' resting orders, with price-time priority.

Invariants (every method here and in `matching` keeps them; `check_invariants`
verifies them, and the property tests call it after every operation):

- The book is never crossed: the best bid is below the best ask.
- FIFO within a level: the orders at one price sit in arrival order, which is
  increasing `sequence`, because the book refuses an order whose sequence is not
  above every sequence it has seen (`last_sequence`).
- Every resting order is a limit order with at least one lot left; a price level
  exists exactly when it holds an order, and its quantity and count are the sums
  over its orders. An order id rests at most once.

Structure and cost (n orders, m price levels on a side):

- Each side keeps a dict price -> level and a heap of keys (the price for asks,
  minus the price for bids, so the best is always the smallest key). An emptied
  level leaves the dict at once and its key leaves the heap lazily, when it
  reaches the top or when stale keys outnumber live ones (compaction). A new
  level costs O(log m); the best price is O(1) amortised.
- A level is a doubly linked list of nodes: appending and removing anywhere are
  O(1); a dict order id -> node makes cancel by id O(1).
- GTD orders are also kept in a heap of (expire_at, sequence, id) for `expire`.
- Iterating a side from the best price walks the heap best-first without
  changing it: O(k log k) for the first k levels.
- An order leaving the book leaves no reference cycle behind, so reference
  counting frees it at once and a worker may pause or freeze the cyclic
  collector around a big book; only a book dropped while it still holds
  orders (levels and nodes point at each other) waits for the collector.

`matching` reads and changes these internals directly, as the book's one
friend, so the hot path pays no method calls; nothing else should.
"""

from collections.abc import Iterable, Iterator
from heapq import heapify, heappop, heappush
from itertools import islice

from trading.engine.errors import EngineError
from trading.engine.types import (
    BookDepth,
    DepthLevel,
    Order,
    OrderType,
    RestingOrder,
    Side,
)

NO_SEQUENCE = -(1 << 63)
_BUY = Side.BUY  # a module constant: reading a member off an Enum class is slow
# Rebuild a heap once it holds this many more keys than twice the live levels.
COMPACTION_SLACK = 64


class _Node:
    """One resting order in a level's linked list.

    `OrderBook._rest` sets every slot: with no `__init__`, building a node runs
    no Python code, which nearly halves its cost on the busiest path.
    """

    __slots__ = ("account_id", "level", "next", "order", "order_id", "prev", "remaining")

    account_id: int
    level: "_Level"
    next: "_Node | None"
    order: Order
    order_id: int
    prev: "_Node | None"
    remaining: int


class _Level:
    """The orders resting at one price, oldest first."""

    __slots__ = ("count", "head", "price", "quantity", "side", "tail")

    def __init__(self, price: int, side: "_BookSide") -> None:
        self.price = price
        self.side = side
        self.head: _Node | None = None
        self.tail: _Node | None = None
        self.quantity = 0
        self.count = 0


class _BookSide:
    """One side of the book: levels by price and a heap of keys (sign * price)."""

    __slots__ = ("heap", "levels", "sign")

    def __init__(self, sign: int) -> None:
        self.sign = sign
        self.levels: dict[int, _Level] = {}
        self.heap: list[int] = []

    def best_level(self) -> _Level | None:
        """Return the best level, dropping stale keys from the top of the heap."""
        heap, levels, sign = self.heap, self.levels, self.sign
        while heap:
            level = levels.get(heap[0] * sign)
            if level is not None:
                return level
            heappop(heap)
        return None

    def compact(self) -> None:
        """Rebuild the heap from the live levels, in place."""
        self.heap[:] = [price * self.sign for price in self.levels]
        heapify(self.heap)

    def prices_from_best(self) -> Iterator[int]:
        """Yield the live prices from the best, each once, without changing the heap."""
        heap, levels, sign = self.heap, self.levels, self.sign
        size = len(heap)
        if not size:
            return
        seen: set[int] = set()
        frontier = [(heap[0], 0)]
        while frontier:
            key, index = heappop(frontier)
            for child in (2 * index + 1, 2 * index + 2):
                if child < size:
                    heappush(frontier, (heap[child], child))
            price = key * sign
            if price in levels and price not in seen:
                seen.add(price)
                yield price


class OrderBook:
    """Users' resting limit orders for one instrument, with price-time priority."""

    __slots__ = ("_asks", "_bids", "_expiries", "_nodes", "last_sequence")

    def __init__(self) -> None:
        self._bids = _BookSide(-1)
        self._asks = _BookSide(1)
        self._nodes: dict[int, _Node] = {}
        self._expiries: list[tuple[float, int, int]] = []
        self.last_sequence = NO_SEQUENCE

    @classmethod
    def from_orders(cls, resting: Iterable[RestingOrder]) -> "OrderBook":
        """Build a book from resting orders (say, rows read back), in sequence order."""
        book = cls()
        for item in sorted(resting, key=lambda item: item.order.sequence):
            book.add(item.order, remaining_lots=item.remaining_lots)
        return book

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._nodes

    def best_bid(self) -> int | None:
        """Return the highest bid price in ticks, None when there are no bids."""
        level = self._bids.best_level()
        return None if level is None else level.price

    def best_ask(self) -> int | None:
        """Return the lowest ask price in ticks, None when there are no asks."""
        level = self._asks.best_level()
        return None if level is None else level.price

    def add(self, order: Order, *, remaining_lots: int | None = None) -> None:
        """Rest a limit order without matching it; refuse one that would cross the book."""
        remaining = order.quantity_lots if remaining_lots is None else remaining_lots
        if order.type is not OrderType.LIMIT:
            raise EngineError("not_a_limit_order", f"only limit orders rest, not {order.type}")
        if not 0 < remaining <= order.quantity_lots:
            raise EngineError(
                "invalid_quantity", f"cannot rest {remaining} of {order.quantity_lots}"
            )
        if order.id in self._nodes:
            raise EngineError("duplicate_order_id", f"order {order.id} already rests")
        if order.sequence <= self.last_sequence:
            raise EngineError("sequence_not_increasing", f"sequence {order.sequence} is too low")
        price = order.price_ticks
        assert price is not None  # a limit order always has a price
        opposite = self.best_ask() if order.side is Side.BUY else self.best_bid()
        if opposite is not None and (price - opposite) * self._side(order.side).sign <= 0:
            raise EngineError("book_would_cross", f"{order.side} at {price} meets {opposite}")
        self.last_sequence = order.sequence
        self._rest(order, remaining)

    def _side(self, side: Side) -> _BookSide:
        """Return the book side an order on `side` rests on."""
        return self._bids if side is Side.BUY else self._asks

    def _rest(self, order: Order, remaining: int) -> None:
        """Append an order at the tail of its price level; no checks (matching's path)."""
        book_side = self._bids if order.side is _BUY else self._asks
        price = order.price_ticks
        levels = book_side.levels
        level = levels.get(price)  # type: ignore[arg-type]
        node = _Node()
        node.order = order
        node.order_id = order_id = order.id
        node.account_id = order.account_id
        node.remaining = remaining
        node.next = None
        if level is None:
            level = _Level(price, book_side)  # type: ignore[arg-type]
            levels[price] = level  # type: ignore[index]
            heap = book_side.heap
            heappush(heap, price * book_side.sign)  # type: ignore[operator]
            if len(heap) > 2 * len(levels) + COMPACTION_SLACK:
                book_side.compact()
            node.prev = None
            level.head = node
        else:
            tail = level.tail
            tail.next = node  # type: ignore[union-attr]
            node.prev = tail
        node.level = level
        level.tail = node
        level.quantity += remaining
        level.count += 1
        self._nodes[order_id] = node
        if order.expire_at is not None:
            heappush(self._expiries, (order.expire_at, order.sequence, order.id))

    def cancel(self, order_id: int) -> int | None:
        """Remove a resting order; return its canceled lots, None when it is not in the book."""
        node = self._nodes.pop(order_id, None)
        if node is None:
            return None
        # `_unlink`, inlined: cancel is a third of a busy book's traffic.
        level = node.level
        prev, nxt = node.prev, node.next
        if prev is None:
            level.head = nxt
        else:
            prev.next = nxt
        if nxt is None:
            level.tail = prev
        else:
            nxt.prev = prev
        level.count -= 1
        level.quantity -= node.remaining
        if not level.count:
            del level.side.levels[level.price]
        return node.remaining

    def reduce(self, order_id: int, remaining_lots: int) -> None:
        """Lower a resting order's remaining lots, keeping its time priority."""
        node = self._nodes.get(order_id)
        if node is None:
            raise EngineError("order_not_found", f"order {order_id} is not in the book")
        if not 0 < remaining_lots <= node.remaining:
            raise EngineError(
                "invalid_quantity",
                f"can only lower {node.remaining} lots to at least one (cancel to remove)",
            )
        node.level.quantity -= node.remaining - remaining_lots
        node.remaining = remaining_lots

    def expire(self, now: float) -> tuple[int, ...]:
        """Remove every GTD order whose expire_at is at or before `now`; return their ids."""
        expiries, nodes = self._expiries, self._nodes
        expired = []
        while expiries and expiries[0][0] <= now:
            _, sequence, order_id = heappop(expiries)
            node = nodes.get(order_id)
            if node is not None and node.order.sequence == sequence:
                del nodes[order_id]
                _unlink(node)
                expired.append(order_id)
        if len(expiries) > 2 * len(nodes) + COMPACTION_SLACK:
            self._expiries = [
                (node.order.expire_at, node.order.sequence, order_id)  # type: ignore[misc]
                for order_id, node in nodes.items()
                if node.order.expire_at is not None
            ]
            heapify(self._expiries)
        return tuple(expired)

    def get(self, order_id: int) -> RestingOrder | None:
        """Return a resting order and its remaining lots, None when it is not in the book."""
        node = self._nodes.get(order_id)
        return None if node is None else RestingOrder(node.order, node.remaining)

    def orders(self, side: Side) -> Iterator[RestingOrder]:
        """Yield one side's resting orders in priority order; do not change the book meanwhile."""
        book_side = self._side(side)
        for price in book_side.prices_from_best():
            node = book_side.levels[price].head
            while node is not None:
                yield RestingOrder(node.order, node.remaining)
                node = node.next

    def levels(self, side: Side) -> Iterator[DepthLevel]:
        """Yield one side's aggregated price levels from the best price."""
        book_side = self._side(side)
        for price in book_side.prices_from_best():
            level = book_side.levels[price]
            yield DepthLevel(price, level.quantity, level.count)

    def depth(self, levels: int = 10) -> BookDepth:
        """Return the best `levels` aggregated levels of each side."""
        return BookDepth(
            bids=tuple(islice(self.levels(Side.BUY), levels)),
            asks=tuple(islice(self.levels(Side.SELL), levels)),
        )

    def check_invariants(self) -> None:
        """Raise AssertionError when an invariant stated at the top of the module is broken."""
        seen = 0
        for book_side, side in ((self._bids, Side.BUY), (self._asks, Side.SELL)):
            live_keys = set(book_side.heap)
            for price, level in book_side.levels.items():
                _check(level.price == price and level.side is book_side, f"level {price} misfiled")
                _check(price * book_side.sign in live_keys, f"price {price} missing from heap")
                seen += _check_level(level, side, self._nodes, self.last_sequence)
        _check(seen == len(self._nodes), "order index holds orders that are not in a level")
        bid, ask = self.best_bid(), self.best_ask()
        _check(bid is None or ask is None or bid < ask, f"book crossed: bid {bid} >= ask {ask}")


def _unlink(node: _Node) -> None:
    """Take a node out of its level, and the level out of its side once it is empty."""
    level = node.level
    prev, nxt = node.prev, node.next
    if prev is None:
        level.head = nxt
    else:
        prev.next = nxt
    if nxt is None:
        level.tail = prev
    else:
        nxt.prev = prev
    level.count -= 1
    level.quantity -= node.remaining
    if not level.count:
        del level.side.levels[level.price]


def _check_level(level: _Level, side: Side, nodes: dict[int, _Node], last_sequence: int) -> int:
    """Check one level's list, sums, order and index; return its order count."""
    count = quantity = 0
    previous_sequence = NO_SEQUENCE
    prev = None
    node = level.head
    while node is not None:
        order = node.order
        _check(nodes.get(node.order_id) is node, f"order {node.order_id} not indexed")
        _check(node.level is level and node.prev is prev, f"order {node.order_id} mislinked")
        _check(order.side is side and order.price_ticks == level.price, "order on the wrong level")
        _check(0 < node.remaining <= order.quantity_lots, f"order {order.id} remaining off")
        _check(previous_sequence < order.sequence <= last_sequence, f"level {level.price} not FIFO")
        previous_sequence = order.sequence
        count += 1
        quantity += node.remaining
        prev, node = node, node.next
    _check(level.tail is prev, f"level {level.price} tail is not its last order")
    _check(count == level.count > 0, f"level {level.price} count {level.count} != {count}")
    _check(quantity == level.quantity, f"level {level.price} quantity off")
    return count


def _check(condition: bool, message: str) -> None:
    """Raise AssertionError with `message` when `condition` is false (kept under -O)."""
    if not condition:
        raise AssertionError(message)
