"""The tick pipeline: feeds move, marks follow, candles fold, ticks are ordered."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from market import services
from market.models import Candle, Instrument, Underlying
from market.signals import tick_announced

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def btc():
    return services.underlying_upsert(
        symbol="BTC", name="Bitcoin", initial_price=Decimal("50000"), seed=7
    )


@pytest.fixture
def perp(btc):
    return services.instrument_upsert(
        symbol="BTC-PERP",
        underlying=btc,
        kind=Instrument.Kind.PERPETUAL,
        funding_interval_hours=8,
        funding_rate_cap=Decimal("0.0075"),
        tick_size=Decimal("0.5"),
        lot_size=Decimal("0.001"),
        min_quantity=Decimal("0.001"),
        max_quantity=Decimal("100"),
        max_leverage=Decimal("50"),
        initial_margin_rate=Decimal("0.02"),
        maintenance_margin_rate=Decimal("0.01"),
    )


@pytest.fixture
def spot(btc):
    return services.instrument_upsert(
        symbol="BTC-USD",
        underlying=btc,
        kind=Instrument.Kind.SPOT,
        borrow_rate=Decimal("0.08"),
        tick_size=Decimal("0.01"),
        lot_size=Decimal("0.001"),
        min_quantity=Decimal("0.001"),
        max_quantity=Decimal("100"),
        max_leverage=Decimal("3"),
        initial_margin_rate=Decimal("0.33"),
        maintenance_margin_rate=Decimal("0.15"),
    )


def tick_prices(underlying, seconds):
    prices = []
    for second in seconds:
        services.underlying_tick(underlying=underlying, now=T0 + timedelta(seconds=second))
        underlying.refresh_from_db()
        prices.append(underlying.index_price)
    return prices


def test_simulated_feed_moves_and_is_reproducible_from_its_seed(btc, spot):
    first = tick_prices(btc, range(0, 60, 5))
    assert len(set(first)) > 3, "the walk should move"
    assert all(price > 0 for price in first)
    Underlying.objects.filter(pk=btc.pk).update(
        feed_state=None, index_price=None, last_tick_at=None, tick_sequence=0
    )
    btc.refresh_from_db()
    assert tick_prices(btc, range(0, 60, 5)) == first


def test_a_stale_or_duplicate_tick_changes_nothing(btc, spot):
    services.underlying_tick(underlying=btc, now=T0)
    services.underlying_tick(underlying=btc, now=T0 + timedelta(seconds=5))
    btc.refresh_from_db()
    before = (btc.index_price, btc.tick_sequence, btc.feed_state)
    assert services.underlying_tick(underlying=btc, now=T0 + timedelta(seconds=5)) is None
    assert services.underlying_tick(underlying=btc, now=T0 + timedelta(seconds=1)) is None
    btc.refresh_from_db()
    assert (btc.index_price, btc.tick_sequence, btc.feed_state) == before


def test_manual_move_goes_through_the_pipeline_and_the_feed_carries_on(btc, spot, perp):
    services.underlying_tick(underlying=btc, now=T0)
    quotes = services.index_move(symbol="btc-perp", price=Decimal("60000"), now=T0 + timedelta(1))
    assert {q.symbol: q.index_price for q in quotes} == {
        "BTC-USD": Decimal("60000"),
        "BTC-PERP": Decimal("60000"),
    }
    btc.refresh_from_db()
    assert btc.index_price == Decimal("60000")
    after = tick_prices(btc, [86400 + 1, 86400 + 2, 86400 + 3])
    assert all(abs(price - 60000) < 600 for price in after), after


def test_market_tick_command(btc, spot, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("market_tick", "BTC", "42000.004")
    assert "Moved BTC to 42000.004" in capsys.readouterr().out
    btc.refresh_from_db()
    assert btc.index_price == Decimal("42000.00")
    assert cache.get("market:quotes:BTC")["BTC-USD"]["mark_price"] == "42000.00000000"
    for arguments in (("NOPE", "1"), ("BTC", "-5"), ("BTC", "abc"), ("BTC", "NaN")):
        with pytest.raises(CommandError):
            call_command("market_tick", *arguments)
    btc.refresh_from_db()
    assert btc.index_price == Decimal("42000.00")


def test_index_move_refuses_bad_input(btc):
    with pytest.raises(ValidationError):
        services.index_move(symbol="BTC", price=Decimal("0"))
    with pytest.raises(ValidationError):
        services.index_move(symbol="DOGE", price=Decimal("1"))


def test_quotes_per_kind(btc, spot, perp):
    quotes = {q.symbol: q for q in services.underlying_tick(underlying=btc, now=T0)}
    spot_quote, perp_quote = quotes["BTC-USD"], quotes["BTC-PERP"]
    assert spot_quote.mark_price == spot_quote.index_price == Decimal("50000")
    assert spot_quote.bid < spot_quote.mark_price < spot_quote.ask
    assert perp_quote.funding_rate is not None
    assert abs(perp_quote.funding_rate) <= Decimal("0.0075")
    assert perp_quote.next_funding_time == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    later = services.underlying_tick(underlying=btc, now=T0 + timedelta(seconds=60))
    premium = next(q for q in later if q.symbol == "BTC-PERP")
    assert premium.mark_price != premium.index_price or premium.funding_rate is not None


def test_future_converges_to_the_index_and_settles_at_expiry(
    btc, spot, django_capture_on_commit_callbacks
):
    expiry = T0 + timedelta(days=30)
    Instrument.objects.create(
        symbol="BTC-260401",
        underlying=btc,
        kind=Instrument.Kind.FUTURE,
        expiry=expiry,
        basis_rate=Decimal("0.1"),
        tick_size=Decimal("0.5"),
        lot_size=Decimal("0.001"),
        min_quantity=Decimal("0.001"),
        max_quantity=Decimal("100"),
        max_leverage=Decimal("20"),
        initial_margin_rate=Decimal("0.05"),
        maintenance_margin_rate=Decimal("0.025"),
    )
    announced = []

    def listen(sender, **kwargs):
        announced.append(kwargs)

    tick_announced.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            early = services.index_move(symbol="BTC", price=Decimal("50000"), now=T0)
            future = next(q for q in early if q.symbol == "BTC-260401")
            assert future.mark_price > future.index_price
            late = services.index_move(
                symbol="BTC", price=Decimal("51000"), now=expiry - timedelta(hours=1)
            )
            gap = next(q for q in late if q.symbol == "BTC-260401").mark_price - 51000
            assert 0 <= gap < future.mark_price - future.index_price
            settled = services.index_move(symbol="BTC", price=Decimal("49000"), now=expiry)
    finally:
        tick_announced.disconnect(listen)
    instrument = Instrument.objects.get(symbol="BTC-260401")
    assert instrument.status == Instrument.Status.SETTLED
    assert instrument.settlement_price == Decimal("49000")
    assert "BTC-260401" not in {q.symbol for q in settled}
    assert announced[-1]["settled"] == ["BTC-260401"]
    assert [a["sequence"] for a in announced] == [1, 2, 3]


def test_announcement_waits_for_commit(btc, spot, django_capture_on_commit_callbacks):
    received = []

    def listen(sender, **kwargs):
        received.append(kwargs["sequence"])

    tick_announced.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.underlying_tick(underlying=btc, now=T0)
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [1]
    finally:
        tick_announced.disconnect(listen)


def test_candles_fold_ticks_into_every_interval(btc, spot):
    for second, price in [(0, "100"), (20, "130"), (40, "90"), (59, "110"), (60, "120")]:
        services.index_move(symbol="BTC", price=Decimal(price), now=T0 + timedelta(seconds=second))
    minute = Candle.objects.get(instrument=spot, interval="1m", open_time=T0)
    assert (minute.open, minute.high, minute.low, minute.close) == (100, 130, 90, 110)
    assert Candle.objects.get(
        instrument=spot, interval="1m", open_time=T0 + timedelta(minutes=1)
    ).open == Decimal("120")
    for interval in ("5m", "1h", "1d"):
        candle = Candle.objects.get(instrument=spot, interval=interval)
        assert (candle.open, candle.high, candle.low, candle.close) == (100, 130, 90, 120)


def test_admin_feed_change_takes_effect_on_the_next_tick(admin_client, btc, spot):
    services.underlying_tick(underlying=btc, now=T0)
    services.underlying_upsert(
        symbol="BTC", feed_source=Underlying.FeedSource.REPLAY, replay_episode="2017-peak"
    )
    btc.refresh_from_db()
    services.underlying_tick(underlying=btc, now=T0 + timedelta(seconds=1))
    btc.refresh_from_db()
    # The replay starts in mid-November 2017, when BTC traded near $7,000.
    assert Decimal("5000") < btc.index_price < Decimal("9000")


def test_replay_of_december_2017_shows_the_real_peak(btc, spot):
    services.underlying_upsert(
        symbol="BTC",
        feed_source=Underlying.FeedSource.REPLAY,
        replay_episode="2017-peak",
        replay_start=datetime(2017, 12, 14, tzinfo=UTC),
        replay_speed=Decimal("1200"),  # twenty minutes of history a second
    )
    btc.refresh_from_db()
    # A tick never skips a bar's high or low: each hourly bar takes three ticks, and
    # six days of hours run past the peak of 17 December into the first fall.
    prices = tick_prices(btc, range(0, 6 * 24 * 3))
    # The hourly bars (Coinbase) top out at $19,891 on 17 December 2017.
    assert Decimal("19500") < max(prices) < Decimal("20000")
    peak_tick = prices.index(max(prices))
    assert min(prices[peak_tick:]) < Decimal("17500")


def test_replay_needs_a_known_episode_and_a_start_inside_it(btc):
    with pytest.raises(ValidationError):
        services.underlying_upsert(
            symbol="BTC",
            feed_source="replay",
            replay_episode="2017-peak",
            replay_start=datetime(2019, 1, 1, tzinfo=UTC),
        )
    with pytest.raises(ValidationError):
        services.underlying_upsert(symbol="BTC", feed_source="replay", replay_episode="")
    with pytest.raises(ValidationError):
        services.underlying_upsert(symbol="BTC", feed_source="replay", replay_episode="nope")


def test_feeds_tick_task_is_idempotent_within_a_second(btc, spot):
    from market.tasks import feeds_tick

    assert feeds_tick.apply().get() == 1
    btc.refresh_from_db()
    sequence = btc.tick_sequence
    feeds_tick.apply()
    btc.refresh_from_db()
    assert btc.tick_sequence in (sequence, sequence + 1)


def test_margin_tiers_must_grow_with_notional(perp):
    tiers = [
        {
            "max_notional": Decimal("50000"),
            "initial_margin_rate": Decimal("0.02"),
            "maintenance_margin_rate": Decimal("0.01"),
            "maintenance_amount": Decimal("0"),
        },
        {
            "max_notional": Decimal("250000"),
            "initial_margin_rate": Decimal("0.05"),
            "maintenance_margin_rate": Decimal("0.025"),
            "maintenance_amount": Decimal("750"),
        },
    ]
    services.margin_tiers_replace(instrument=perp, tiers=tiers)
    assert list(perp.tiers.values_list("max_notional", flat=True)) == [50000, 250000]
    shrinking = [tiers[0], {**tiers[1], "initial_margin_rate": Decimal("0.01"),
                            "maintenance_margin_rate": Decimal("0.005")}]  # fmt: skip
    with pytest.raises(ValidationError):
        services.margin_tiers_replace(instrument=perp, tiers=shrinking)
    assert perp.tiers.count() == 2
