"""How fast the candles endpoint serves a chart's worth of candles.

Creates a throwaway database (``test_`` + the name in DATABASE_URL), lists one
instrument with 100,000 one-minute candles, then times
``GET /api/v1/instruments/<symbol>/candles?interval=1m&limit=1000`` through Django's
test client: the whole request (URL routing, throttle, the instrument, the candle
query, serialization, JSON) but no network or web server. Prints the median, 95th
percentile and maximum, and the query plan of the selector's candle query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sb_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m bench.candles_api
"""

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench._db import configure, throwaway_database

CANDLE_COUNT = 100_000
BATCH_SIZE = 5_000
WARMUP_REQUESTS = 20
TIMED_REQUESTS = 200
LIMIT = 1000
SYMBOL = "BENCH-USD"
TARGET_MEDIAN_MS = 30.0
START = datetime(2025, 1, 1, tzinfo=UTC)


def _seed() -> str:
    from market.models import Candle, Instrument
    from market.services import instrument_upsert, underlying_upsert

    underlying = underlying_upsert(
        symbol="BENCH", name="Bench coin", initial_price=Decimal("50000"), lists_derivatives=False
    )
    instrument = instrument_upsert(
        symbol=SYMBOL,
        underlying=underlying,
        kind=Instrument.Kind.SPOT,
        tick_size=Decimal("0.01"),
        lot_size=Decimal("0.0001"),
        min_quantity=Decimal("0.0001"),
        max_quantity=Decimal("100"),
        max_leverage=Decimal("3"),
        initial_margin_rate=Decimal("0.33"),
        maintenance_margin_rate=Decimal("0.15"),
        borrow_rate=Decimal("0.08"),
    )
    price = Decimal("50000")
    for first in range(0, CANDLE_COUNT, BATCH_SIZE):
        batch = []
        for n in range(first, min(first + BATCH_SIZE, CANDLE_COUNT)):
            move = Decimal((n * 7919) % 201 - 100) / 4  # a deterministic wiggle
            open_, close = price, max(price + move, Decimal(1))
            batch.append(
                Candle(
                    instrument=instrument,
                    interval=Candle.Interval.MINUTE,
                    open_time=START + timedelta(minutes=n),
                    open=open_,
                    high=max(open_, close) + Decimal("3.5"),
                    low=min(open_, close) - Decimal("2.25"),
                    close=close,
                    volume=Decimal(n % 50) / 10,
                )
            )
            price = close
        Candle.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Candle._meta.db_table}")
    return SYMBOL


def _time_requests() -> list[float]:
    from django.test import Client

    client = Client()
    url = f"/api/v1/instruments/{SYMBOL}/candles?interval=1m&limit={LIMIT}"
    for _ in range(WARMUP_REQUESTS):
        response = client.get(url)
        if response.status_code != 200 or len(response.json()["candles"]) != LIMIT:
            raise SystemExit(f"Unexpected answer {response.status_code}: {response.content[:300]}")
    timings = []
    for _ in range(TIMED_REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def _selector_timings() -> list[float]:
    """The candle query alone, for comparison: what the database and the ORM cost."""
    from market import selectors

    instrument = selectors.instrument_get(symbol=SYMBOL)
    timings = []
    for _ in range(TIMED_REQUESTS):
        started = time.perf_counter()
        selectors.candle_list(instrument=instrument, interval="1m", limit=LIMIT)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _plan() -> str:
    """EXPLAIN ANALYZE of the query the selector runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from market import selectors

    instrument = selectors.instrument_get(symbol=SYMBOL)
    with CaptureQueriesContext(connection) as captured:
        selectors.candle_list(instrument=instrument, interval="1m", limit=LIMIT)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"{query['sql']}\n\n{plan}"


def _summary(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{name}: median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms, "
        f"max {ordered[-1]:.2f} ms ({len(ordered)} runs)"
    )


def main() -> int:
    configure()
    from django.db import connection

    with throwaway_database():
        print(f"Database {connection.settings_dict['NAME']}: seeding {CANDLE_COUNT:,} candles...")
        started = time.perf_counter()
        _seed()
        print(f"Seeded in {time.perf_counter() - started:.1f} s.")
        timings = _time_requests()
        print(
            f"\nGET /api/v1/instruments/{SYMBOL}/candles?interval=1m&limit={LIMIT} "
            f"({WARMUP_REQUESTS} warm-up requests not counted)"
        )
        print(_summary("whole request", timings))
        print(_summary("selector only", _selector_timings()))
        print("\nPlan of the candle query:\n")
        print(_plan())
        median = statistics.median(timings)
        verdict = "meets" if median < TARGET_MEDIAN_MS else "MISSES"
        print(f"\nThe median {median:.2f} ms {verdict} the target of {TARGET_MEDIAN_MS:.0f} ms.")
        return 0 if median < TARGET_MEDIAN_MS else 1


if __name__ == "__main__":
    sys.exit(main())
