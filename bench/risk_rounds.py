"""What the risk workers' rounds cost: margin checks, funding and a stop's fill after a tick.

Creates a throwaway database (``test_`` + the name in DATABASE_URL) with the test
market (BTC spot, perpetual, CFD, dated future and options), then measures:

1. The margin check of a tick round: ``selectors.accounts_at_margin_risk`` values
   every account holding the perpetual at the marks in one SQL statement and returns
   those near their maintenance margin, over POSITIONS open positions (target: under
   1 s for 100,000).
2. The carry rounds, a journal entry per position, as the risk workers run them: the
   round opens (``services.funding_round_open``: the positions written down in
   batches, one short transaction under the instrument's lock), then CARRY_WORKERS
   threads, each with its own database connection as each worker process of the
   instrument's queue has, post the batches (``services.carry_batch_post``, one
   transaction each) as they come. The funding round over FUNDING_POSITIONS
   positions of the perpetual (target: 100,000 in under 5 s from opening to the last
   batch committed; the figure per position is printed), the same round again (it
   finds every batch posted and charges nobody), then the borrow-interest round over
   as many spot shorts and the financing round over as many CFD positions (printed,
   no target; BENCH_CARRY_ALL=0 leaves them out).
3. From a tick arriving to a triggered stop's fill committed, with STOPS resting stops
   across STOP_ACCOUNTS accounts on the CFD, ROUNDS times (target: p50 under 50 ms, p99
   under 250 ms). The tick arrives when the feed has committed it and announced it
   (``index_move`` returns; the feed's own cost per tick is ``bench.feed_ticks``'s);
   the instrument's risk task then runs in this process, without the broker's hop,
   and the fill is committed when its trigger check returns. The whole reaction (the
   resting limits and the margin screen after the stops) is printed beside it, and
   so is ``index_move``.

Accounts, positions and resting stops are bulk-inserted (their cash as cached
balances, not ledger entries), since placing 100,000 orders would take longer than
the rounds measured.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sb_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m bench.risk_rounds
"""

import os
import statistics
import sys
import time
from decimal import Decimal

from bench._db import configure, throwaway_database

POSITIONS = int(os.environ.get("BENCH_POSITIONS", "100000"))
FUNDING_POSITIONS = int(os.environ.get("BENCH_FUNDING_POSITIONS", "100000"))
CARRY_ALL = os.environ.get("BENCH_CARRY_ALL", "1") != "0"
CARRY_WORKERS = int(os.environ.get("BENCH_CARRY_WORKERS", "2"))
STOPS = int(os.environ.get("BENCH_STOPS", "10000"))
STOP_ACCOUNTS = int(os.environ.get("BENCH_STOP_ACCOUNTS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))
BATCH = 5000


def _accounts(count: int, prefix: str) -> list:
    from accounts.models import User
    from trading.models import Account, Balance

    users = User.objects.bulk_create(
        [User(email=f"{prefix}{i}@bench.local") for i in range(count)],
        batch_size=BATCH,
    )
    accounts = Account.objects.bulk_create(
        [Account(kind=Account.Kind.PAPER, user=user) for user in users], batch_size=BATCH
    )
    Balance.objects.bulk_create(
        [Balance(account=a, asset="USD", amount=Decimal(100000)) for a in accounts],
        batch_size=BATCH,
    )
    return accounts


def _positions(accounts, instrument, count: int, *, shorts_only: bool = False) -> None:
    from django.utils import timezone

    from trading.models import Position

    now = timezone.now()
    Position.objects.bulk_create(
        [
            Position(
                account=account,
                instrument=instrument,
                quantity=Decimal("-0.1") if shorts_only or i % 2 else Decimal("0.1"),
                entry_price=Decimal(50000),
                leverage=Decimal(10 if i % 100 else 50),
                opened_at=now,
            )
            for i, account in enumerate(accounts[:count])
        ],
        batch_size=BATCH,
    )


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> int:
    configure()
    with throwaway_database():
        return _run()


def _run() -> int:
    from django.db import connection
    from django.utils import timezone

    from market import services as market_services
    from tests.factories.market import btc_market
    from trading import selectors, services, tasks
    from trading.models import Order
    from trading.services.orders import OrderRequest

    market = btc_market()
    perp, cfd = market["BTC-PERP"], market["BTC-CFD"]
    missed = []

    # 1. The margin check of a tick round.
    print(f"Seeding {max(POSITIONS, FUNDING_POSITIONS):,} accounts with a perpetual position...")
    holders = _accounts(max(POSITIONS, FUNDING_POSITIONS), "p")
    _positions(holders, perp, max(POSITIONS, FUNDING_POSITIONS))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    market_services.index_move(symbol="BTC", price=Decimal("50500"))
    times = []
    for _ in range(5):
        started = time.perf_counter()
        at_risk = selectors.accounts_at_margin_risk(instruments=[perp], level=Decimal("1.75"))
        times.append(time.perf_counter() - started)
    best = min(times)
    print(
        f"Margin check of {POSITIONS:,} positions (one statement): median "
        f"{statistics.median(times) * 1000:.0f} ms, best {best * 1000:.0f} ms; "
        f"{len(at_risk)} accounts near maintenance checked one by one"
    )
    if POSITIONS >= 100_000 and statistics.median(times) > 1.0:
        missed.append("margin check")

    # 2. The carry rounds (BENCH_FUNDING_POSITIONS=0 leaves them out).
    if FUNDING_POSITIONS:
        _funding_round(perp, missed)
        if CARRY_ALL:
            _borrow_and_financing_rounds(market["BTC-USD"], cfd, holders[:FUNDING_POSITIONS])

    # 3. From a tick to a triggered stop's fill.
    print(f"Seeding {STOPS:,} resting stops across {STOP_ACCOUNTS:,} accounts on {cfd}...")
    stoppers = _accounts(STOP_ACCOUNTS, "s")
    now = timezone.now()
    Order.objects.bulk_create(
        [
            Order(
                account=stoppers[i % STOP_ACCOUNTS],
                instrument=cfd,
                side=Order.Side.BUY,
                type=Order.Type.STOP_MARKET,
                quantity=Decimal("0.01"),
                stop_price=Decimal(70000 + (i % 1000) * 10),  # Far above: never crossed.
                sequence=i + 1,
                created_at=now,
            )
            for i in range(STOPS)
        ],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        # As autovacuum would after the bulk inserts and the rounds' writes above: the
        # planner needs to know the stops are there to look them up by index.
        cursor.execute("ANALYZE")
    trader = selectors.paper_account_for_user(user=stoppers[0].user)
    services.funds_grant(account=trader, amount=Decimal(1), reason="bench", granted_by=None)
    latencies, reactions, ticks, price = [], [], [], Decimal(50000)
    # The stop's fill commits when the trigger check returns (it is one transaction):
    # the task's later checks are timed as the whole reaction.
    check = services.conditional_orders_check
    committed = []

    def timed_check(**kwargs):
        result = check(**kwargs)
        committed.append(time.perf_counter())
        return result

    services.conditional_orders_check = timed_check
    for _ in range(ROUNDS):
        market_services.index_move(symbol="BTC", price=price)
        stop, _ = services.order_place(
            account=trader,
            request=OrderRequest(
                instrument=cfd.symbol,
                side="buy",
                type="stop_market",
                quantity=Decimal("0.01"),
                stop_price=price + 100,
            ),
        )
        moving = time.perf_counter()
        market_services.index_move(symbol="BTC", price=price + 200)  # The feed's tick.
        started = time.perf_counter()  # Committed and announced: the tick arrives.
        ticks.append(started - moving)
        sequence = cfd.underlying.__class__.objects.get(pk=cfd.underlying_id).tick_sequence
        committed.clear()
        tasks.instrument_risk.apply(kwargs={"instrument_id": cfd.pk, "sequence": sequence})
        reactions.append(time.perf_counter() - started)
        latencies.append(committed[0] - started)
        stop.refresh_from_db()
        assert stop.status == Order.Status.FILLED, stop.status
        services.position_close(account=trader, instrument=cfd)
    services.conditional_orders_check = check
    p50, p99 = _percentile(latencies, 0.5), _percentile(latencies, 0.99)
    print(
        f"Tick to stop fill committed ({STOPS:,} resting stops): p50 {p50 * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms over {ROUNDS} rounds"
    )
    print(
        f"  the whole reaction: p50 {_percentile(reactions, 0.5) * 1000:.0f} ms, "
        f"p99 {_percentile(reactions, 0.99) * 1000:.0f} ms; the feed's index_move before it: "
        f"p50 {_percentile(ticks, 0.5) * 1000:.0f} ms"
    )
    if p50 > 0.05 or p99 > 0.25:
        missed.append("stop latency")

    if missed:
        print("Missed targets:", ", ".join(missed))
        return 1
    return 0


def _funding_round(perp, missed) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from market.models import FundingRate
    from trading import services

    rate = FundingRate.objects.create(
        instrument=perp,
        funding_time=timezone.now().replace(microsecond=0) - timedelta(minutes=1),
        rate=Decimal("0.0001"),
        mark_price=Decimal(50500),
        index_price=Decimal(50500),
    )
    paid, seconds, opening = _round_in_parallel(
        lambda: services.funding_round_open(instrument=perp, funding_rate=rate)
    )
    print(
        f"Funding round over {paid:,} positions: {seconds:.2f} s "
        f"({seconds / max(paid, 1) * 1000:.3f} ms a position; {opening:.2f} s of it opening "
        f"the round, the rest {CARRY_WORKERS} workers posting its batches)"
    )
    if paid >= 100_000 and seconds > 5:
        missed.append("funding round")
    elif seconds / max(paid, 1) * 100_000 > 5:
        missed.append("funding round (extrapolated)")
    again, seconds = _timed(lambda: services.funding_apply(instrument=perp, funding_rate=rate))
    assert again == 0, again
    print(f"The same funding round again: {seconds:.2f} s, charged {again}")


def _borrow_and_financing_rounds(spot, cfd, holders) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from trading import services
    from trading.models import Position

    print(f"Seeding {len(holders):,} spot shorts and CFD positions...")
    _positions(holders, spot, len(holders), shorts_only=True)
    _positions(holders, cfd, len(holders))
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    rounds = (
        (
            "Borrow interest",
            lambda: services.borrow_interest_round_open(instrument=spot, hour=hour),
        ),
        ("Financing", lambda: services.financing_round_open(instrument=cfd, day=hour.date())),
    )
    for name, open_round in rounds:
        charged, seconds, opening = _round_in_parallel(open_round)
        print(
            f"{name} round over {charged:,} positions: {seconds:.2f} s "
            f"({seconds / max(charged, 1) * 1000:.3f} ms a position; {opening:.2f} s of it "
            f"opening the round)"
        )
    # The stop latency below measures the CFD's risk round with its stops alone.
    Position.objects.filter(instrument__in=[spot, cfd]).update(quantity=0)


def _round_in_parallel(open_round):
    """Open a round, then post its batches on CARRY_WORKERS threads as they come.

    Return how many positions paid, the seconds from opening to the last batch
    committed, and the seconds the opening took.
    """
    import queue
    import threading

    from django.db import connection

    from trading import services

    started = time.perf_counter()
    batches = queue.SimpleQueue()
    for batch_id in open_round():
        batches.put(batch_id)
    opened = time.perf_counter()
    charged, errors = [], []

    def worker():
        try:
            while True:
                try:
                    batch_id = batches.get_nowait()
                except queue.Empty:
                    return
                charged.append(services.carry_batch_post(batch_id=batch_id))
        except Exception as error:  # Raised again below, in the bench's thread.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CARRY_WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(charged), time.perf_counter() - started, opened - started


def _timed(run):
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
