from datetime import UTC, datetime
from decimal import Decimal

import pytest

from market import listings, services
from market.models import Instrument


def test_last_friday_and_quarterly_expiry():
    assert listings.last_friday(2026, 12) == datetime(2026, 12, 25, 8, 0, tzinfo=UTC)
    assert listings.last_friday(2027, 3) == datetime(2027, 3, 26, 8, 0, tzinfo=UTC)
    assert listings.quarterly_expiry(datetime(2026, 11, 25, tzinfo=UTC)) == datetime(
        2026, 12, 25, 8, 0, tzinfo=UTC
    )
    # Less than a day before expiry, the next quarter is listed instead.
    assert listings.quarterly_expiry(datetime(2026, 12, 24, 12, tzinfo=UTC)) == datetime(
        2027, 3, 26, 8, 0, tzinfo=UTC
    )


def test_weekly_expiries_skip_one_that_is_too_close():
    thursday_noon = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert listings.weekly_expiries(thursday_noon, 2) == [
        datetime(2026, 12, 4, 8, 0, tzinfo=UTC),
        datetime(2026, 12, 11, 8, 0, tzinfo=UTC),
    ]
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    assert listings.weekly_expiries(monday, 1) == [datetime(2026, 11, 27, 8, 0, tzinfo=UTC)]


def test_strike_ladder_and_symbols():
    assert listings.strike_ladder(Decimal("94620"), step=Decimal("1000"), count=2) == [
        Decimal(s) for s in ("93000", "94000", "95000", "96000", "97000")
    ]
    assert listings.strike_ladder(Decimal("900"), step=Decimal("1000"), count=2) == [
        Decimal("1000"), Decimal("2000"), Decimal("3000"),
    ]  # fmt: skip
    expiry = datetime(2026, 12, 25, 8, tzinfo=UTC)
    assert listings.future_symbol("BTC", expiry) == "BTC-261225"
    assert listings.option_symbol("BTC", expiry, Decimal("95000.00"), "put") == "BTC-261225-95000-P"
    with pytest.raises(ValueError):
        listings.strike_ladder(Decimal("0"), step=Decimal("1"), count=1)


@pytest.mark.django_db
def test_listings_roll_lists_once():
    btc = services.underlying_upsert(
        symbol="BTC", name="Bitcoin", initial_price=Decimal("94620"), option_strike_count=2
    )
    now = datetime(2026, 11, 23, tzinfo=UTC)
    listed = services.listings_roll(now=now)
    assert "BTC-261225" in listed
    assert "BTC-261127-95000-P" in listed and "BTC-261204-93000-C" in listed
    assert len(listed) == 1 + 2 * 5 * 2
    assert services.listings_roll(now=now) == []
    option = Instrument.objects.get(symbol="BTC-261127-95000-P")
    assert option.underlying == btc
    assert option.option_type == "put"
    assert option.strike == Decimal("95000")
    assert option.expiry == datetime(2026, 11, 27, 8, tzinfo=UTC)
