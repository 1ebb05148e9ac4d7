"""The shipped BTC history, its episodes and the converter that made it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from market import history
from market.history import (
    DATA_DIR,
    EPISODES,
    HOURLY_SPLICE,
    Bar,
    Interval,
    bars_between,
    episode_bars,
    load_bars,
    parse_cryptodatadownload,
    read_bars,
    splice_bars,
    write_bars,
)
from market.pricing.feeds import HistoricalReplay


def day(text: str) -> datetime:
    """Return midnight UTC of an ISO date."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def daily(text: str) -> Bar:
    """Return the shipped daily bar of an ISO date."""
    (found,) = bars_between(load_bars(Interval.DAY), day(text), day(text))
    return found


@pytest.mark.parametrize(
    ("date", "close"),
    [
        ("2017-12-17", "18953"),
        ("2018-12-15", "3179.54"),
        ("2017-09-04", "4277"),
        ("2021-02-08", "46416.45"),  # the source notes round it to 46,416
        ("2021-05-12", "49386.56"),  # and this one to 49,387
    ],
)
def test_daily_closes_match_the_source_notes(date, close):
    assert daily(date).close == Decimal(close)


def test_the_2017_peak_day():
    peak = daily("2017-12-17")
    assert peak.high == Decimal(19666)
    assert peak.volume == Decimal("9749.25")  # the BTC column, un-swapped


@pytest.mark.parametrize("interval", list(Interval))
def test_bars_are_sorted_unique_and_consistent(interval):
    bars = load_bars(interval)
    times = [bar.time for bar in bars]
    assert times == sorted(times) and len(set(times)) == len(times)
    for bar in bars:
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
        assert bar.low > 0 and bar.volume >= 0
        assert bar.time.utcoffset() == timedelta(0)


def test_daily_history_covers_2014_to_2025_without_gaps():
    bars = load_bars("1d")
    assert (bars[0].time, bars[-1].time) == (day("2014-11-28"), day("2025-09-24"))
    assert all(b.time - a.time == timedelta(days=1) for a, b in pairwise(bars))


def test_hourly_history_is_spliced_from_coinbase_to_bitstamp():
    bars = load_bars("1h")
    assert bars[0].time == datetime(2017, 7, 1, 11, tzinfo=UTC)
    assert bars[-1].time == datetime(2022, 8, 20, tzinfo=UTC)
    (last_coinbase, first_bitstamp) = bars_between(
        bars, HOURLY_SPLICE - timedelta(hours=1), HOURLY_SPLICE
    )
    assert last_coinbase.close == Decimal("8724.97")
    assert first_bitstamp.open == Decimal("8733.86") and first_bitstamp.volume == Decimal("559.93")
    gaps = [(a.time, b.time) for a, b in pairwise(bars) if b.time - a.time != timedelta(hours=1)]
    assert gaps == [(datetime(2017, 11, 12, 3, tzinfo=UTC), datetime(2017, 11, 12, 9, tzinfo=UTC))]


def test_loading_is_cached():
    assert load_bars("1h") is load_bars(Interval.HOUR)


def test_shipped_files_stay_small():
    total = sum(path.stat().st_size for path in DATA_DIR.glob("*.csv.gz"))
    assert total < 3 * 1024 * 1024


@pytest.mark.parametrize("key", list(EPISODES))
def test_episodes_have_their_whole_span_of_bars(key):
    episode = EPISODES[key]
    bars = episode_bars(key)
    assert episode.key == key and episode.title and episode.description
    assert (bars[0].time, bars[-1].time) == (episode.start, episode.end)
    step = timedelta(days=1) if episode.interval is Interval.DAY else timedelta(hours=1)
    assert len(bars) == (episode.end - episode.start) // step + 1


def test_episodes_credit_the_exchange_and_cryptodatadownload():
    assert EPISODES["2017-peak"].exchange == "Coinbase"
    assert EPISODES["2021-tesla"].exchange == "Bitstamp"
    assert "www.CryptoDataDownload.com" in EPISODES["2017-china-ban"].credit
    assert EPISODES["2017-china-ban"].credit.startswith("Coinbase")


def test_episodes_contain_the_moves_they_are_named_after():
    peak = episode_bars("2017-peak")
    assert max(bar.high for bar in peak) > 19000 and peak[-1].close < 11000
    china = episode_bars("2017-china-ban")
    assert max(bar.high for bar in china) > 4900 and min(bar.low for bar in china) < 3000
    tesla = {bar.time: bar for bar in episode_bars("2021-tesla")}
    assert tesla[day("2021-02-08")].close > tesla[day("2021-02-07")].close * Decimal("1.15")
    crash = episode_bars("2018-crash")
    assert crash[0].open > 13000 and crash[-1].close < 4000


def test_replaying_an_episode_shows_its_highest_and_lowest_prices():
    bars = episode_bars("2021-tesla")
    replay = HistoricalReplay(bars, start=bars[0].time, speed=86400 / 6)
    state, shown = replay.initial_state(), set()
    while not state.finished:
        state = replay.step(state, elapsed=1.0)
        shown.add(state.price)
    assert max(shown) == max(bar.high for bar in bars) == Decimal("64895.22")
    assert min(shown) == min(bar.low for bar in bars)
    assert state.price == bars[-1].close


SOURCE = """\
Timestamps are UTC timezone,https://www.CryptoDataDownload.com
date,symbol,open,high,low,close,volume_btc,volume
2017-11-12 09-AM,BTCUSD,6201,6289.99,6000,6241.81,1862.81,11425120.6
2017-11-12 03-AM,BTCUSD,6172.93,6485.67,6113.85,6201,3891.25,24503261.14
2017-11-12 08-AM,BTCUSD,6172.93,6485.67,6113.85,6201,3891.25,24503261.14
2017-11-12 12-PM,BTCUSD,6371.26,6371.26,6145.88,6146,998.84,6247891.44
2017-11-12 12-AM,BTCUSD,6005.01,6005.01,5611,5850.98,5477.97,31764136.43
"""

BITSTAMP = """\
https://www.CryptoDataDownload.com
unix,date,symbol,open,high,low,close,Volume BTC,Volume USD
1519776000,2018-02-28 00:00:00,BTC/USD,10572.49,11064.75,10255.07,10314.9,10490.749,113048046.5
1519689600,2018-02-27 00:00:00,BTC/USD,10324.7,10850.0,10150.0,10566.3,111279052.44,10408.48
"""


def test_parser_reads_twelve_hour_dates_oldest_first_and_drops_the_repeat():
    bars = parse_cryptodatadownload(SOURCE)
    assert [bar.time.hour for bar in bars] == [0, 3, 9, 12]
    assert all(bar.time.tzinfo is UTC for bar in bars)
    assert bars[1].close == Decimal(6201) and bars[1].volume == Decimal("3891.25")


def test_parser_reads_unix_times_and_unswaps_volumes():
    bars = parse_cryptodatadownload(BITSTAMP)
    assert [bar.time for bar in bars] == [day("2018-02-27"), day("2018-02-28")]
    assert [bar.volume for bar in bars] == [Decimal("10408.48"), Decimal("10490.749")]
    assert bars[0].high == Decimal("10850.0")


def test_splice_takes_each_source_on_its_side_of_the_join():
    early, late = parse_cryptodatadownload(SOURCE), parse_cryptodatadownload(BITSTAMP)
    joined = splice_bars(early, late, day("2018-01-01"))
    assert joined == [*early, *late]
    assert splice_bars(early, early, early[2].time) == early


def test_written_files_read_back_and_are_reproducible(tmp_path):
    bars = parse_cryptodatadownload(SOURCE)
    first, second = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    write_bars(bars, first)
    write_bars(bars, second)
    assert read_bars(first) == tuple(bars)
    assert first.read_bytes() == second.read_bytes()


BITSTAMP_HOURLY = """\
https://www.CryptoDataDownload.com
unix,date,symbol,open,high,low,close,Volume BTC,Volume USD
1526364000,2018-05-15 06:00:00,BTC/USD,8733.86,8796.68,8707.28,8740.99,4906603.14,559.93
1526360400,2018-05-15 05:00:00,BTC/USD,8700,8750,8690,8733.86,4000000,458.5
"""


def test_normaliser_builds_both_files_from_source_csvs(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    (source / "bitstamp_btcusd_1d.csv").write_text(BITSTAMP, encoding="utf-8")
    (source / "bitstamp_btcusd_1h.csv").write_text(BITSTAMP_HOURLY, encoding="utf-8")
    (source / "coinbase_btcusd_1h.csv").write_text(SOURCE, encoding="utf-8")
    counts = history.normalise_cryptodatadownload(source, target)
    assert counts == {"btcusd_1d.csv.gz": 2, "btcusd_1h.csv.gz": 5}
    hourly = read_bars(target / "btcusd_1h.csv.gz")
    assert list(hourly[:4]) == parse_cryptodatadownload(SOURCE)
    assert hourly[4].time == HOURLY_SPLICE and hourly[4].volume == Decimal("559.93")
    assert read_bars(target / "btcusd_1d.csv.gz") == tuple(parse_cryptodatadownload(BITSTAMP))
