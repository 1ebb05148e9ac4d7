"""The exchange calendar: when futures and options expire and which strikes to list.

Pure date and price arithmetic, no Django: quarterly futures expire on the last
Friday of March, June, September and December at 08:00 UTC, options every Friday
at 08:00 UTC, the way the large crypto derivatives exchanges list them.
"""

from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

EXPIRY_TIME = time(8, 0, tzinfo=UTC)
FRIDAY = 4
QUARTER_MONTHS = (3, 6, 9, 12)
# A new listing must have at least this long to live.
MIN_LIFETIME = timedelta(days=1)


def last_friday(year: int, month: int) -> datetime:
    """Return 08:00 UTC on the last Friday of a month."""
    first_of_next = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    day = first_of_next - timedelta(days=1)
    while day.weekday() != FRIDAY:
        day -= timedelta(days=1)
    return datetime.combine(day.date(), EXPIRY_TIME)


def quarterly_expiry(now: datetime) -> datetime:
    """Return the next quarterly expiry at least MIN_LIFETIME after ``now``."""
    year = now.year
    while True:
        for month in QUARTER_MONTHS:
            expiry = last_friday(year, month)
            if expiry - now >= MIN_LIFETIME:
                return expiry
        year += 1


def weekly_expiries(now: datetime, count: int) -> list[datetime]:
    """Return the next ``count`` Friday expiries at least MIN_LIFETIME after ``now``."""
    day = datetime.combine(now.date(), EXPIRY_TIME)
    day += timedelta(days=(FRIDAY - day.weekday()) % 7)
    expiries = []
    while len(expiries) < count:
        if day - now >= MIN_LIFETIME:
            expiries.append(day)
        day += timedelta(days=7)
    return expiries


def strike_ladder(index: Decimal, *, step: Decimal, count: int) -> list[Decimal]:
    """Return strikes around the money: the nearest multiple of ``step`` and ``count`` each side."""
    if index <= 0 or step <= 0 or count < 0:
        raise ValueError("index and step must be positive, count not negative")
    middle = (index / step).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * step
    strikes = [middle + step * offset for offset in range(-count, count + 1)]
    return [strike for strike in strikes if strike > 0]


def future_symbol(underlying: str, expiry: datetime) -> str:
    return f"{underlying}-{expiry:%y%m%d}"


def option_symbol(underlying: str, expiry: datetime, strike: Decimal, option_type: str) -> str:
    return f"{underlying}-{expiry:%y%m%d}-{strike.normalize():f}-{option_type[0].upper()}"
