"""Real BTC/USD history shipped with the project, and the episodes users can replay.

Rules of this module:

- The app reads only `market/data/btcusd_1d.csv.gz` and `btcusd_1h.csv.gz`:
  gzip-compressed CSV, `time,open,high,low,close,volume`, oldest first, time in
  ISO-8601 UTC, volume in BTC. `market/data/README.md` records where they come
  from; show `DATA_CREDIT` wherever the data is shown.
- `normalise_cryptodatadownload` rebuilds those files from the CryptoDataDownload
  CSVs, so the conversion is reproducible; the app never needs the originals.
  Its cleaning rules (banner, order, swapped volumes, 12-hour clock, repeated
  rows, the hourly splice) are stated on the functions that apply them.
- Loading is cached per interval; bars are immutable values.
"""

import csv
import gzip
import io
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

from market.pricing.feeds import Bar

__all__ = [
    "DATA_CREDIT",
    "EPISODES",
    "HOURLY_SPLICE",
    "Bar",
    "Episode",
    "Interval",
    "bars_between",
    "episode_bars",
    "episode_get",
    "load_bars",
    "normalise_cryptodatadownload",
    "parse_cryptodatadownload",
    "read_bars",
    "splice_bars",
    "window_key",
    "write_bars",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_CREDIT = (
    "Price history from CryptoDataDownload (www.CryptoDataDownload.com): "
    "Bitstamp and Coinbase BTC/USD."
)
# Hourly bars come from Coinbase before this hour and from Bitstamp from it on.
HOURLY_SPLICE = datetime(2018, 5, 15, 6, tzinfo=UTC)
HOURLY_END = datetime(2022, 8, 20, tzinfo=UTC)
# Two rows with the same prices and non-zero volume this close together are one
# bar written twice (Coinbase repeats five hours of 2017-11-12 five hours later).
REPEAT_WINDOW = timedelta(hours=24)
CSV_HEADER = ("time", "open", "high", "low", "close", "volume")
SOURCE_FILES = {
    "daily": "bitstamp_btcusd_1d.csv",
    "bitstamp_hourly": "bitstamp_btcusd_1h.csv",
    "coinbase_hourly": "coinbase_btcusd_1h.csv",
}


class Interval(StrEnum):
    """The length of one bar in a shipped history file."""

    DAY = "1d"
    HOUR = "1h"


@dataclass(frozen=True, slots=True)
class Episode:
    """A named stretch of real history to replay; start and end are inclusive."""

    key: str
    title: str
    start: datetime
    end: datetime
    interval: Interval
    description: str

    @property
    def exchange(self) -> str:
        """Return the exchange whose bars the episode replays."""
        if self.interval is Interval.DAY or self.start >= HOURLY_SPLICE:
            return "Bitstamp"
        return "Coinbase" if self.end < HOURLY_SPLICE else "Coinbase and Bitstamp"

    @property
    def credit(self) -> str:
        """Return the credit line to show next to the replay."""
        return f"{self.exchange} BTC/USD data from CryptoDataDownload (www.CryptoDataDownload.com)"


EPISODES: dict[str, Episode] = {
    episode.key: episode
    for episode in (
        Episode(
            key="2017-peak",
            title="The December 2017 peak and the 2018 crash",
            start=datetime(2017, 11, 15, tzinfo=UTC),
            end=datetime(2018, 2, 15, tzinfo=UTC),
            interval=Interval.HOUR,
            description=(
                "Bitcoin climbs from about $7,000 to nearly $20,000 in mid-December 2017 "
                "as CME and Cboe launch futures, then loses more than half by early "
                "February 2018."
            ),
        ),
        Episode(
            key="2017-china-ban",
            title="China bans ICOs, September 2017",
            start=datetime(2017, 8, 25, tzinfo=UTC),
            end=datetime(2017, 9, 30, tzinfo=UTC),
            interval=Interval.HOUR,
            description=(
                "On 4 September 2017 the People's Bank of China bans initial coin "
                "offerings; reports that Chinese exchanges will close follow, and "
                "Bitcoin falls from about $4,900 to under $3,000 within two weeks."
            ),
        ),
        Episode(
            key="2021-tesla",
            title="Tesla buys Bitcoin, then stops taking it, 2021",
            start=datetime(2021, 1, 15, tzinfo=UTC),
            end=datetime(2021, 6, 30, tzinfo=UTC),
            interval=Interval.DAY,
            description=(
                "On 8 February 2021 Tesla discloses a $1.5 billion purchase and Bitcoin "
                "jumps past $46,000; on 12 May Tesla suspends Bitcoin payments, and with "
                "China's mining crackdown the price halves from its April high."
            ),
        ),
        Episode(
            key="2018-crash",
            title="The long fall of 2018",
            start=datetime(2018, 1, 1, tzinfo=UTC),
            end=datetime(2018, 12, 31, tzinfo=UTC),
            interval=Interval.DAY,
            description=(
                "A year-long bear market: from about $13,000 on New Year's Day to near "
                "$3,200 in December 2018, with sharp rallies that punished early shorts."
            ),
        ),
    )
}


def load_bars(interval: Interval | str) -> tuple[Bar, ...]:
    """Return the shipped bars for `interval` ("1d" or "1h"), oldest first."""
    return _load_once(Interval(interval).value)


@cache
def _load_once(interval: str) -> tuple[Bar, ...]:
    """Read a shipped file once per process."""
    return read_bars(DATA_DIR / f"btcusd_{interval}.csv.gz")


def episode_bars(key: str) -> tuple[Bar, ...]:
    """Return the bars of the episode named `key` (a name or a `window_key`)."""
    episode = episode_get(key)
    return bars_between(load_bars(episode.interval), episode.start, episode.end)


def window_key(interval: Interval | str, start: datetime, end: datetime) -> str:
    """Name any stretch of the history, such as `1h:2017-08-25T00/2017-09-30T00` (UTC hours)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return f"{Interval(interval).value}:{start:%Y-%m-%dT%H}/{end:%Y-%m-%dT%H}"


def episode_get(key: str) -> Episode:
    """Return the named episode, or the stretch a `window_key` names; KeyError if neither."""
    if key in EPISODES:
        return EPISODES[key]
    try:
        interval, span = key.split(":", 1)
        start, end = (
            datetime.strptime(part, "%Y-%m-%dT%H").replace(tzinfo=UTC) for part in span.split("/")
        )
        interval = Interval(interval)
    except ValueError:
        raise KeyError(key) from None
    if end <= start:
        raise KeyError(key)
    return Episode(
        key=key,
        title=f"BTC/USD {start:%Y-%m-%d} to {end:%Y-%m-%d}",
        start=start,
        end=end,
        interval=interval,
        description="",
    )


def bars_between(bars: Sequence[Bar], start: datetime, end: datetime) -> tuple[Bar, ...]:
    """Return the bars of sorted `bars` that start within start..end inclusive."""
    times = [bar.time for bar in bars]
    return tuple(bars[bisect_left(times, start) : bisect_right(times, end)])


def read_bars(path: Path) -> tuple[Bar, ...]:
    """Read a normalised gzip CSV of bars."""
    rows = csv.reader(io.StringIO(gzip.decompress(path.read_bytes()).decode("ascii")))
    if tuple(next(rows)) != CSV_HEADER:
        raise ValueError(f"{path} does not start with the header {','.join(CSV_HEADER)}")
    return tuple(
        Bar(datetime.fromisoformat(time), *map(Decimal, (open_, high, low, close, volume)))
        for time, open_, high, low, close, volume in rows
    )


def write_bars(bars: Iterable[Bar], path: Path) -> None:
    """Write bars as a normalised gzip CSV, byte-for-byte reproducible."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for bar in bars:
        prices = (bar.open, bar.high, bar.low, bar.close, bar.volume)
        writer.writerow([bar.time.strftime("%Y-%m-%dT%H:%M:%SZ"), *map(_plain, prices)])
    path.write_bytes(gzip.compress(out.getvalue().encode("ascii"), compresslevel=9, mtime=0))


def parse_cryptodatadownload(text: str) -> list[Bar]:
    """Parse one CryptoDataDownload CSV into clean bars, oldest first.

    Skip the banner above the header; read `unix` seconds or a `date` written
    either `2017-12-17 00:00:00` or `2017-12-17 12-PM`; take the BTC volume
    from whichever volume column holds the smaller number (a BTC amount is
    worth more than one dollar, so a larger "BTC" figure means the two columns
    are swapped, as on Bitstamp rows up to 2018-02-27 daily and 2020-10-12
    hourly); sort oldest first; drop repeated rows (see `_drop_repeats`).
    """
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if "open" in line.lower().split(","))
    rows = csv.DictReader(lines[header_at:])
    bars = sorted((_bar_from_row(row) for row in rows), key=lambda bar: bar.time)
    return _drop_repeats(bars)


def splice_bars(earlier: Sequence[Bar], later: Sequence[Bar], at: datetime) -> list[Bar]:
    """Join two sorted series: `earlier` before `at`, `later` from `at` on."""
    return [bar for bar in earlier if bar.time < at] + [bar for bar in later if bar.time >= at]


def normalise_cryptodatadownload(source_dir: Path, target_dir: Path = DATA_DIR) -> dict[str, int]:
    """Rebuild the shipped history files from CryptoDataDownload CSVs; return row counts."""
    sources = {
        name: parse_cryptodatadownload((source_dir / filename).read_text(encoding="utf-8"))
        for name, filename in SOURCE_FILES.items()
    }
    hourly = splice_bars(sources["coinbase_hourly"], sources["bitstamp_hourly"], HOURLY_SPLICE)
    hourly = [bar for bar in hourly if bar.time <= HOURLY_END]
    outputs = {"btcusd_1d.csv.gz": sources["daily"], "btcusd_1h.csv.gz": hourly}
    for filename, bars in outputs.items():
        write_bars(bars, target_dir / filename)
    return {filename: len(bars) for filename, bars in outputs.items()}


def _bar_from_row(row: dict[str, str]) -> Bar:
    """Build a bar from one source row, un-swapping the volume columns."""
    columns = {key.strip().lower().replace(" ", "_"): value for key, value in row.items()}
    usd = columns.get("volume_usd", columns.get("volume", "0"))
    volumes = [Decimal(columns["volume_btc"]), Decimal(usd)]
    return Bar(
        time=_row_time(columns),
        open=Decimal(columns["open"]),
        high=Decimal(columns["high"]),
        low=Decimal(columns["low"]),
        close=Decimal(columns["close"]),
        volume=min(volumes),
    )


def _row_time(columns: dict[str, str]) -> datetime:
    """Read a row's UTC time from `unix` (seconds or milliseconds) or `date`."""
    if columns.get("unix"):
        seconds = int(columns["unix"])
        return datetime.fromtimestamp(seconds / 1000 if seconds > 10**11 else seconds, UTC)
    day, clock = columns["date"].split(" ")
    if clock.endswith(("AM", "PM")):
        hour, meridiem = clock.split("-")
        clock = f"{int(hour) % 12 + (12 if meridiem == 'PM' else 0):02d}:00:00"
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)


def _drop_repeats(bars: list[Bar]) -> list[Bar]:
    """Drop duplicate times and rows that repeat an earlier traded bar within a day."""
    kept: list[Bar] = []
    last_seen: dict[tuple[Decimal, ...], datetime] = {}
    for bar in bars:
        values = (bar.open, bar.high, bar.low, bar.close, bar.volume)
        seen = last_seen.get(values)
        repeated = bar.volume > 0 and seen is not None and bar.time - seen <= REPEAT_WINDOW
        if not repeated and not (kept and kept[-1].time == bar.time):
            kept.append(bar)
            last_seen[values] = bar.time
    return kept


def _plain(value: Decimal) -> str:
    """Format a decimal without exponent or trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


if __name__ == "__main__":
    counts = normalise_cryptodatadownload(Path(sys.argv[1]))
    sys.stdout.write(f"{counts}\n")
