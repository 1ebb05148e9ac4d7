"""What the price feed and candle aggregation cost at one tick a second.

Creates a throwaway database (``test_`` + the name in DATABASE_URL) with one
underlying and 50 instruments on it (spot, perpetual, CFD, a dated future and 46
options), then runs the tick pipeline the way the feed worker does, once per
simulated second: step the feed, quote every instrument (Black-Scholes for the
options), fold 200 candle updates into PostgreSQL, commit, write the quotes to Redis
and announce the tick. Time is simulated (no sleeping), so the figures are the cost
of one tick; at one tick a second, the CPU seconds per tick are the share of a core.

It prints the CPU time of this process and of its PostgreSQL backend per tick.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sb_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m bench.feed_ticks
"""

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench._db import configure, throwaway_database

INSTRUMENTS = 50
TICKS = 300
WARMUP_TICKS = 10
TARGET_CORE_SHARE = 0.10
# Listings must expire in the future, so the simulated clock starts at today's midnight.
START = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _seed() -> None:
    from market import services
    from market.models import Instrument

    btc = services.underlying_upsert(
        symbol="BTC",
        name="Bitcoin",
        initial_price=Decimal("95000"),
        option_strike_step=Decimal("1000"),
        option_strike_count=11,
    )
    common = {
        "underlying": btc,
        "lot_size": Decimal("0.0001"),
        "min_quantity": Decimal("0.0001"),
        "max_quantity": Decimal("100"),
    }
    services.instrument_upsert(
        symbol="BTC-USD", kind=Instrument.Kind.SPOT, tick_size=Decimal("0.01"),
        max_leverage=Decimal("3"), initial_margin_rate=Decimal("0.33"),
        maintenance_margin_rate=Decimal("0.15"), borrow_rate=Decimal("0.08"), **common,
    )  # fmt: skip
    services.instrument_upsert(
        symbol="BTC-PERP", kind=Instrument.Kind.PERPETUAL, tick_size=Decimal("0.5"),
        max_leverage=Decimal("50"), initial_margin_rate=Decimal("0.02"),
        maintenance_margin_rate=Decimal("0.01"), funding_interval_hours=8, **common,
    )  # fmt: skip
    services.instrument_upsert(
        symbol="BTC-CFD", kind=Instrument.Kind.CFD, tick_size=Decimal("0.5"),
        max_leverage=Decimal("2"), initial_margin_rate=Decimal("0.5"),
        maintenance_margin_rate=Decimal("0.25"), financing_rate=Decimal("0.1"), **common,
    )  # fmt: skip
    # One quarterly future and 2 expiries x 23 strikes x 2 types would be 93; keep 46.
    services.listings_roll(now=START)
    options = Instrument.objects.filter(kind=Instrument.Kind.OPTION).order_by("expiry", "strike")
    keep = list(options.values_list("pk", flat=True)[: INSTRUMENTS - 4])
    options.exclude(pk__in=keep).delete()
    count = Instrument.objects.count()
    if count != INSTRUMENTS:
        raise SystemExit(f"Seeded {count} instruments, not {INSTRUMENTS}.")


def _backend_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def main() -> int:
    configure()
    from django.db import connection

    from market import services
    from market.models import Candle

    with throwaway_database():
        _seed()
        for second in range(WARMUP_TICKS):
            services.feeds_tick(now=START + timedelta(seconds=second))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()
        process_cpu, backend_cpu = [], []
        wall_started = time.perf_counter()
        for second in range(WARMUP_TICKS, WARMUP_TICKS + TICKS):
            cpu0, db0 = time.process_time(), _backend_cpu_seconds(backend)
            moved = services.feeds_tick(now=START + timedelta(seconds=second))
            process_cpu.append(time.process_time() - cpu0)
            backend_cpu.append(_backend_cpu_seconds(backend) - db0)
            assert moved == 1
        wall = time.perf_counter() - wall_started
        candles = Candle.objects.count()

    app_ms = statistics.mean(process_cpu) * 1000
    db_ms = sum(backend_cpu) / TICKS * 1000
    share = (app_ms + db_ms) / 1000
    print(f"{TICKS} ticks of {INSTRUMENTS} instruments ({candles} candle rows), "
          f"{wall / TICKS * 1000:.1f} ms wall per tick")  # fmt: skip
    print(f"CPU per tick: feed process {app_ms:.1f} ms (p95 "
          f"{sorted(process_cpu)[int(TICKS * 0.95)] * 1000:.1f} ms), "
          f"PostgreSQL backend {db_ms:.1f} ms")  # fmt: skip
    verdict = "meets" if share < TARGET_CORE_SHARE else "MISSES"
    print(f"At one tick a second: {share:.1%} of one core; {verdict} the target of "
          f"{TARGET_CORE_SHARE:.0%}.")  # fmt: skip
    return 0 if share < TARGET_CORE_SHARE else 1


if __name__ == "__main__":
    sys.exit(main())
