"""The simulated walk and the historical replay: reproducible, positive, honest to the bars."""

import json
import math
import statistics
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.pricing.feeds import (
    Bar,
    FeedState,
    HistoricalReplay,
    PriceFeed,
    Regime,
    SimulatedWalk,
)

T0 = datetime(2020, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
CENT = Decimal("0.01")

elapsed_lists = st.lists(
    st.floats(min_value=0, max_value=3600, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
)


def run(feed: PriceFeed, state: FeedState, elapsed: list[float]) -> list[FeedState]:
    """Step `feed` once per elapsed value and return every state."""
    states = []
    for seconds in elapsed:
        state = feed.step(state, elapsed=seconds)
        states.append(state)
    return states


def run_persisted(feed: PriceFeed, state: FeedState, elapsed: list[float]) -> list[FeedState]:
    """Step `feed` like a worker that saves the state as JSON and restarts every tick."""
    states = []
    for seconds in elapsed:
        saved = json.dumps(feed.step(state, elapsed=seconds).to_dict())
        state = FeedState.from_dict(json.loads(saved))
        states.append(state)
    return states


def bar(hour: int, o: str, h: str, low: str, c: str) -> Bar:
    """Build an hourly bar `hour` hours after T0."""
    return Bar(T0 + hour * HOUR, Decimal(o), Decimal(h), Decimal(low), Decimal(c), Decimal(1))


@st.composite
def bar_series(draw: st.DrawFn) -> list[Bar]:
    """Draw consecutive hourly bars with valid OHLC in cents."""
    count = draw(st.integers(min_value=1, max_value=4))
    cents = st.integers(min_value=100, max_value=10_000_000)
    bars = []
    for hour in range(count):
        o, c, a, b = (Decimal(draw(cents)) / 100 for _ in range(4))
        high, low = max(o, c, a, b), min(o, c, a, b)
        bars.append(Bar(T0 + hour * HOUR, o, high, low, c, Decimal(1)))
    return bars


# The simulated walk


@given(seed=st.integers(0, 2**32), elapsed=elapsed_lists)
def test_walk_repeats_exactly_for_the_same_seed_and_elapsed_times(seed, elapsed):
    walk = SimulatedWalk(seed=seed, annual_volatility=Decimal("0.8"))
    start = walk.initial_state(Decimal("60000"))
    first, second = run(walk, start, elapsed), run(walk, start, elapsed)
    assert first == second


@given(seed=st.integers(0, 2**32), elapsed=elapsed_lists)
def test_walk_survives_a_restart_between_every_tick(seed, elapsed):
    walk = SimulatedWalk(seed=seed, annual_volatility=Decimal("1.2"))
    start = walk.initial_state(Decimal("60000"))
    assert run_persisted(walk, start, elapsed) == run(walk, start, elapsed)


@given(
    seed=st.integers(0, 2**32),
    volatility=st.decimals(min_value=0, max_value=5, places=2),
    drift=st.decimals(min_value=-20, max_value=2, places=2),
    tick=st.sampled_from([Decimal("0.01"), Decimal("0.5"), Decimal("5")]),
    elapsed=st.lists(st.floats(min_value=0, max_value=86400 * 30), min_size=1, max_size=30),
)
def test_walk_prices_stay_positive_and_on_the_tick(seed, volatility, drift, tick, elapsed):
    walk = SimulatedWalk(
        seed=seed,
        annual_volatility=volatility,
        drift=drift,
        tick_size=tick,
        jumps_per_year=Decimal(200),
        jump_mean=Decimal("-0.2"),
    )
    for state in run(walk, walk.initial_state(Decimal("20")), elapsed):
        assert state.price >= tick
        assert state.price % tick == 0


@given(
    seed=st.integers(0, 2**32),
    before=elapsed_lists,
    new_price=st.decimals(min_value=1, max_value=10**6, places=2),
    elapsed=st.floats(min_value=0, max_value=3600),
)
def test_walk_rebase_carries_on_from_the_new_price(seed, before, new_price, elapsed):
    walk = SimulatedWalk(seed=seed, annual_volatility=Decimal("0.8"), tick_size=CENT)
    state = run(walk, walk.initial_state(Decimal("60000")), before)[-1]
    rebased = walk.rebase(state, new_price)
    assert rebased.price == new_price
    # The next tick applies the same random return it would have applied without the rebase.
    moved, unmoved = walk.step(rebased, elapsed=elapsed), walk.step(state, elapsed=elapsed)
    growth = float(unmoved.level) / float(state.level)
    assert float(moved.level) == pytest.approx(float(new_price) * growth, rel=1e-12)
    assert moved.regime == unmoved.regime


def test_different_seeds_walk_different_paths():
    elapsed = [1.0] * 20
    paths = {
        tuple(s.price for s in run(w, w.initial_state(Decimal(60000)), elapsed))
        for w in (SimulatedWalk(seed=seed, annual_volatility=Decimal("0.8")) for seed in range(5))
    }
    assert len(paths) == 5


def test_walk_without_randomness_grows_at_the_drift():
    walk = SimulatedWalk(
        seed=1, annual_volatility=Decimal(0), drift=Decimal("0.1"), jumps_per_year=Decimal(0)
    )
    state = walk.step(walk.initial_state(Decimal(100)), elapsed=365 * 86400)
    assert state.price == Decimal("110.52")  # 100 * e^0.1 = 110.517...
    assert walk.step(state, elapsed=0).price == state.price


def test_walk_volatility_matches_the_annual_volatility():
    walk = SimulatedWalk(
        seed=7,
        annual_volatility=Decimal("0.5"),
        storms_per_year=Decimal(0),
        jumps_per_year=Decimal(0),
        tick_size=Decimal("0.00000001"),
    )
    states = run(walk, walk.initial_state(Decimal(60000)), [3600.0] * 4000)
    levels = [float(s.level) for s in states]
    returns = [math.log(b / a) for a, b in pairwise(levels)]
    expected = 0.5 * math.sqrt(3600 / (365 * 86400))
    assert statistics.stdev(returns) == pytest.approx(expected, rel=0.05)


def test_storms_move_the_price_more_than_calm():
    walk = SimulatedWalk(
        seed=3,
        annual_volatility=Decimal("0.5"),
        stormy_multiplier=Decimal(4),
        storms_per_year=Decimal(60),
        storm_days=Decimal(3),
        jumps_per_year=Decimal(0),
        tick_size=Decimal("0.00000001"),
    )
    previous, moves = walk.initial_state(Decimal(60000)), {Regime.CALM: [], Regime.STORMY: []}
    for _ in range(6000):
        state = walk.step(previous, elapsed=3600)
        moves[state.regime].append(math.log(state.level / previous.level))
        previous = state
    assert len(moves[Regime.STORMY]) > 500 and len(moves[Regime.CALM]) > 500
    ratio = statistics.pstdev(moves[Regime.STORMY]) / statistics.pstdev(moves[Regime.CALM])
    assert ratio == pytest.approx(4, rel=0.15)


def test_jumps_move_a_walk_without_volatility():
    walk = SimulatedWalk(
        seed=11, annual_volatility=Decimal(0), jumps_per_year=Decimal(365 * 24), jump_stdev=CENT
    )
    states = run(walk, walk.initial_state(Decimal(60000)), [3600.0] * 50)
    assert len({s.price for s in states}) > 10


@pytest.mark.parametrize("elapsed", [-1.0, math.nan, math.inf])
def test_walk_refuses_impossible_elapsed_times(elapsed):
    walk = SimulatedWalk(seed=1, annual_volatility=Decimal("0.8"))
    with pytest.raises(ValueError, match="elapsed"):
        walk.step(walk.initial_state(Decimal(100)), elapsed=elapsed)


def test_walk_state_round_trips_through_json():
    walk = SimulatedWalk(seed=5, annual_volatility=Decimal("0.8"), storms_per_year=Decimal(500))
    state = run(walk, walk.initial_state(Decimal(60000)), [3600.0] * 30)[-1]
    assert state.source_time is None
    assert FeedState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


# The historical replay

RISING = bar(0, "100", "110", "90", "105")
FALLING = bar(1, "105", "120", "95", "100")


def test_replay_walks_a_rising_bar_low_first_and_a_falling_bar_high_first():
    replay = HistoricalReplay((RISING, FALLING), start=T0, speed=600)
    prices = [replay.initial_state().price] + [
        s.price for s in run(replay, replay.initial_state(), [1.0] * 12)
    ]
    # Ten historical minutes per tick: thirds of each bar fall on 20 and 40 minutes.
    assert prices == [
        Decimal(p)
        for p in (
            "100",
            "95",
            "90",
            "100",
            "110",
            "107.5",
            "105",
            "112.5",
            "120",
            "107.5",
            "95",
            "97.5",
            "100",
        )
    ]


def test_replay_stops_at_the_last_close():
    replay = HistoricalReplay((RISING, FALLING), start=T0, speed=3600)
    states = run(replay, replay.initial_state(), [1.0] * 12)
    assert states[-1].finished and states[-1].price == FALLING.close
    assert states[-1].source_time == T0 + 2 * HOUR
    assert not any(s.finished for s in states[:4])
    assert replay.step(states[-1], elapsed=100).price == FALLING.close


def test_replay_never_skips_an_extreme_and_catches_up_later():
    replay = HistoricalReplay((RISING, FALLING), start=T0, speed=86400)
    states = run(replay, replay.initial_state(), [1.0] * 6)
    assert [s.price for s in states] == [
        Decimal(p) for p in ("90", "110", "120", "95", "100", "100")
    ]
    assert states[0].clock == T0 + timedelta(days=1)
    assert states[4].finished


def test_replay_holds_the_close_through_a_gap():
    later = bar(5, "200", "210", "190", "205")
    replay = HistoricalReplay((RISING, later), start=T0, speed=1, bar_length=HOUR)
    assert replay.price_at(T0 + 3 * HOUR) == RISING.close
    assert replay.price_at(T0 + 5 * HOUR) == later.open


@settings(deadline=None)
@given(
    bars=bar_series(),
    elapsed=st.lists(st.floats(min_value=0.5, max_value=30), min_size=1, max_size=10),
    speed=st.floats(min_value=60, max_value=5000),
)
def test_replay_shows_every_bar_high_and_low(bars, elapsed, speed):
    replay = HistoricalReplay(tuple(bars), start=bars[0].time, speed=speed)
    state, shown = replay.initial_state(), []
    for tick in range(5000):
        state = replay.step(state, elapsed=elapsed[tick % len(elapsed)])
        shown.append(state.price)
        if state.finished:
            break
    assert state.finished and state.price == bars[-1].close
    for each in bars:
        assert each.high in shown and each.low in shown


@settings(deadline=None)
@given(bars=bar_series(), elapsed=elapsed_lists, speed=st.floats(min_value=1, max_value=5000))
def test_replay_survives_a_restart_between_every_tick(bars, elapsed, speed):
    replay = HistoricalReplay(tuple(bars), start=bars[0].time, speed=speed)
    start = replay.initial_state()
    assert run_persisted(replay, start, elapsed) == run(replay, start, elapsed)


@settings(deadline=None)
@given(
    bars=bar_series(),
    before=st.integers(min_value=0, max_value=5),
    factor=st.decimals(min_value=Decimal("0.1"), max_value=10, places=3),
)
def test_replay_rebase_scales_the_rest_of_the_history(bars, before, factor):
    replay = HistoricalReplay(tuple(bars), start=bars[0].time, speed=900)
    state = replay.initial_state()
    for _ in range(before):
        state = replay.step(state, elapsed=1)
    new_price = replay.price_at(state.source_time) * factor
    rebased = replay.rebase(state, new_price)
    assert rebased.price == new_price.quantize(CENT)
    scaled_run, plain_run = run(replay, rebased, [1.0] * 8), run(replay, state, [1.0] * 8)
    for scaled, plain in zip(scaled_run, plain_run, strict=True):
        assert scaled.source_time == plain.source_time
        unrounded = replay.price_at(plain.source_time) * factor
        assert abs(scaled.price - unrounded) <= CENT / 2 + Decimal("1e-20")


def test_replay_rejects_a_start_outside_the_bars():
    with pytest.raises(ValueError, match="outside"):
        HistoricalReplay((RISING, FALLING), start=T0 - HOUR, speed=1)
    with pytest.raises(ValueError, match="ascending"):
        HistoricalReplay((FALLING, RISING), start=T0 + HOUR, speed=1)


def test_bars_refuse_impossible_prices():
    with pytest.raises(ValueError, match="high"):
        bar(0, "100", "99", "90", "95")
    with pytest.raises(ValueError, match="low"):
        bar(0, "100", "110", "101", "105")
    with pytest.raises(ValueError, match="time zone"):
        Bar(datetime(2020, 1, 1), Decimal(1), Decimal(1), Decimal(1), Decimal(1), Decimal(0))
