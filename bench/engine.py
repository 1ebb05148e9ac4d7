"""How fast the pure matching engine places, cancels and matches orders.

No database, no Django: builds one order book with 100,000 resting limit orders
around a fixed reference price, with simulated outside liquidity, then runs a
seeded mix of 1,000,000 operations on it:

- 50% limit orders, 1 to 10 lots: nine in ten rest away from the touch (1 to
  1,000 ticks off the reference), one in ten is priced up to 20 ticks through
  the best opposite price when its batch is drawn, so it takes, then rests any
  remainder (GTC);
- 40% cancels of an order picked at random among those resting;
- 10% market orders, 1 to 50 lots, which take users' orders inside the outside
  spread first and then walk the outside levels.

Orders come from 1,000 accounts, so self-trade prevention fires now and then.
The operations are drawn in batches of 10,000 (a cancel picks its order when it
runs); then each operation's engine call (`match` or `OrderBook.cancel`) is
timed alone with `time.perf_counter_ns`, so the figures are the engine's, not
the cost of building `Order` values (about 3 us each, paid by the service
anyway). After setup `gc.freeze()` moves the book's objects out of the
collector's way, as a long-lived worker would; `--pause-gc` also pauses the
collector during the timed loop, which is safe for the engine because it
leaves no reference cycles (tests/trading/engine/test_purity.py checks that).

It prints operations per second over the timed calls, the throughput of the
whole loop (bookkeeping included), and p50/p99/p99.9/max latency per operation
in microseconds, for all operations and per kind. Targets: 250,000 operations a
second and p99 under 20 microseconds; it exits with status 1 when one is missed.

    .venv/bin/python -m bench.engine
    .venv/bin/python -m bench.engine --pause-gc
    .venv/bin/python bench/engine.py --operations 200000
"""

import argparse
import gc
import os
import random
import sys
import time
from array import array

if __package__ in (None, ""):
    # Run as a script (python bench/engine.py): make the project importable.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from trading.engine import (
    MatchResult,
    Order,
    OrderBook,
    OrderType,
    OutsideLiquidity,
    Side,
    match,
)

RESTING_ORDERS = 100_000
OPERATIONS = 1_000_000
SEED = 20_260_509
ACCOUNTS = 1_000
REFERENCE = 5_000_000  # 50,000.00 at a tick of 0.01
OUTSIDE = OutsideLiquidity(
    reference_price_ticks=REFERENCE,
    half_spread_ticks=50,
    level_step_ticks=10,
    depth_per_level_lots=40,
    levels=25,
)
MAX_OFFSET = 1_000
TARGET_OPS_PER_SECOND = 250_000
TARGET_P99_US = 20.0
LIMIT, CANCEL, MARKET = "limit", "cancel", "market"
BATCH = 10_000
# The rest are limit orders; with these shares the book stays near its starting size.
CANCEL_SHARE = 0.40
MARKET_SHARE = 0.10


class Workload:
    """Seeded order flow, and the ids resting in the book (to pick cancels from)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - a reproducible workload, not a secret
        self.next_id = 1
        self.resting: list[int] = []
        self.position: dict[int, int] = {}

    def limit_order(self, book: OrderBook, *, marketable: bool) -> Order:
        """Return a new limit order, resting away from the touch or priced through it."""
        rng = self.rng
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        if marketable:
            best = book.best_ask() if side is Side.BUY else book.best_bid()
            touch = best if best is not None else REFERENCE
            step = rng.randint(0, 20)
            price = touch + step if side is Side.BUY else touch - step
        else:
            offset = rng.randint(1, MAX_OFFSET)
            price = REFERENCE - offset if side is Side.BUY else REFERENCE + offset
        return self._order(side, OrderType.LIMIT, rng.randint(1, 10), price)

    def market_order(self) -> Order:
        """Return a new market order."""
        side = Side.BUY if self.rng.random() < 0.5 else Side.SELL
        return self._order(side, OrderType.MARKET, self.rng.randint(1, 50), None)

    def cancel_id(self) -> int:
        """Return the id of a resting order picked at random (0 when none rests)."""
        if not self.resting:
            return 0
        return self.resting[self.rng.randrange(len(self.resting))]

    def _order(self, side: Side, order_type: OrderType, lots: int, price: int | None) -> Order:
        order_id = self.next_id
        self.next_id += 1
        return Order(
            id=order_id,
            account_id=self.rng.randrange(ACCOUNTS),
            side=side,
            type=order_type,
            quantity_lots=lots,
            sequence=order_id,
            price_ticks=price,
        )

    def record(self, order_id: int, result: MatchResult) -> None:
        """Track which orders rest after a match."""
        for fill in result.fills:
            if fill.maker_order_id is not None and not fill.maker_remaining_lots:
                self.forget(fill.maker_order_id)
        for canceled in result.self_trade_canceled:
            self.forget(canceled)
        if result.rests:
            self.position[order_id] = len(self.resting)
            self.resting.append(order_id)

    def forget(self, order_id: int) -> None:
        """Drop an order from the resting ids in O(1) (swap with the last)."""
        index = self.position.pop(order_id, None)
        if index is None:
            return
        last = self.resting.pop()
        if last != order_id:
            self.resting[index] = last
            self.position[last] = index


def build_book(workload: Workload, count: int) -> tuple[OrderBook, float]:
    """Rest `count` orders away from the touch; return the book and the seconds it took."""
    book = OrderBook()
    started = time.perf_counter()
    while len(book) < count:
        order = workload.limit_order(book, marketable=False)
        workload.record(order.id, match(book, order, OUTSIDE))
    return book, time.perf_counter() - started


def run(book: OrderBook, workload: Workload, operations: int) -> dict[str, array]:
    """Run the seeded mix in batches; return the latency of every operation, in ns, by kind."""
    latencies = {LIMIT: array("q"), CANCEL: array("q"), MARKET: array("q")}
    clock = time.perf_counter_ns
    cancel = book.cancel
    done = 0
    while done < operations:
        batch = _batch(book, workload, min(BATCH, operations - done))
        done += len(batch)
        for kind, order in batch:
            if order is None:
                order_id = workload.cancel_id()
                started = clock()
                cancel(order_id)
                elapsed = clock() - started
                workload.forget(order_id)
            else:
                started = clock()
                result = match(book, order, OUTSIDE)
                elapsed = clock() - started
                workload.record(order.id, result)
            latencies[kind].append(elapsed)
    return latencies


def _batch(book: OrderBook, workload: Workload, size: int) -> list[tuple[str, Order | None]]:
    """Draw the next operations; cancels pick their order when they run."""
    rng = workload.rng
    batch: list[tuple[str, Order | None]] = []
    for _ in range(size):
        draw = rng.random()
        if draw < CANCEL_SHARE:
            batch.append((CANCEL, None))
        elif draw < CANCEL_SHARE + MARKET_SHARE:
            batch.append((MARKET, workload.market_order()))
        else:
            batch.append((LIMIT, workload.limit_order(book, marketable=rng.random() < 0.1)))
    return batch


def percentile(ordered: list[int], fraction: float) -> float:
    """Return a percentile of sorted nanoseconds, in microseconds (nearest rank)."""
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index] / 1000


def summary(name: str, values: list[int]) -> str:
    """Return one line: count, p50, p99, p99.9 and max in microseconds."""
    ordered = sorted(values)
    return (
        f"  {name:<7} {len(ordered):>9,}  p50 {percentile(ordered, 0.50):6.2f}  "
        f"p99 {percentile(ordered, 0.99):6.2f}  p99.9 {percentile(ordered, 0.999):7.2f}  "
        f"max {ordered[-1] / 1000:9.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--resting", type=int, default=RESTING_ORDERS)
    parser.add_argument("--operations", type=int, default=OPERATIONS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--pause-gc",
        action="store_true",
        help="pause the cyclic garbage collector during the timed loop",
    )
    args = parser.parse_args()

    workload = Workload(args.seed)
    book, build_seconds = build_book(workload, args.resting)
    print(
        f"built a book of {len(book):,} resting orders in {build_seconds:.2f} s "
        f"({len(book) / build_seconds:,.0f} orders/s)"
    )
    gc.collect()
    gc.freeze()
    if args.pause_gc:
        gc.disable()
    started = time.perf_counter()
    latencies = run(book, workload, args.operations)
    wall = time.perf_counter() - started
    book.check_invariants()

    everything = [value for values in latencies.values() for value in values]
    engine_seconds = sum(everything) / 1e9
    ops_per_second = len(everything) / engine_seconds
    ordered = sorted(everything)
    p99 = percentile(ordered, 0.99)
    print(
        f"{len(everything):,} operations: {ops_per_second:,.0f} ops/s in the engine "
        f"({engine_seconds:.2f} s), {len(everything) / wall:,.0f} ops/s for the whole loop "
        f"({wall:.2f} s with order generation and bookkeeping); {len(book):,} orders rest"
    )
    print("latency per operation, microseconds:")
    print(summary("all", everything))
    for kind, values in latencies.items():
        print(summary(kind, list(values)))
    collector = "paused" if args.pause_gc else "running (book frozen after setup)"
    print(f"garbage collector: {collector}")
    print(f"targets: {TARGET_OPS_PER_SECOND:,} ops/s, p99 under {TARGET_P99_US:g} us")
    return 0 if ops_per_second >= TARGET_OPS_PER_SECOND and p99 < TARGET_P99_US else 1


if __name__ == "__main__":
    sys.exit(main())
