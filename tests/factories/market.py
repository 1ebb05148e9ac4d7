"""Markets for tests, built through market's own services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from market import services
from market.models import Instrument, MarginTier

BTC_SIZES = {
    "lot_size": Decimal("0.001"),
    "min_quantity": Decimal("0.001"),
    "max_quantity": Decimal("100"),
}


def btc_market(*, price: Decimal = Decimal("50000")) -> dict[str, Instrument]:
    """BTC with one instrument of each kind, its index moved to ``price``."""
    btc = services.underlying_upsert(
        symbol="BTC", name="Bitcoin", initial_price=price, seed=11, lists_derivatives=False
    )
    expiry = timezone.now() + timedelta(days=30)
    listings = {
        "BTC-USD": {
            "kind": Instrument.Kind.SPOT,
            "tick_size": Decimal("0.5"),
            "max_leverage": Decimal("3"),
            "initial_margin_rate": Decimal("0.33"),
            "maintenance_margin_rate": Decimal("0.15"),
            "borrow_rate": Decimal("0.08"),
        },
        "BTC-PERP": {
            "kind": Instrument.Kind.PERPETUAL,
            "tick_size": Decimal("0.5"),
            "max_leverage": Decimal("50"),
            "initial_margin_rate": Decimal("0.02"),
            "maintenance_margin_rate": Decimal("0.01"),
            "funding_interval_hours": 8,
        },
        "BTC-CFD": {
            "kind": Instrument.Kind.CFD,
            "tick_size": Decimal("0.5"),
            "max_leverage": Decimal("2"),
            "initial_margin_rate": Decimal("0.5"),
            "maintenance_margin_rate": Decimal("0.25"),
            "financing_rate": Decimal("0.1"),
        },
        "BTC-FUT": {
            "kind": Instrument.Kind.FUTURE,
            "tick_size": Decimal("0.5"),
            "max_leverage": Decimal("20"),
            "initial_margin_rate": Decimal("0.05"),
            "maintenance_margin_rate": Decimal("0.025"),
            "basis_rate": Decimal("0"),
            "expiry": expiry,
        },
        "BTC-P50000": {
            "kind": Instrument.Kind.OPTION,
            "tick_size": Decimal("0.5"),
            "max_leverage": Decimal("5"),
            "initial_margin_rate": Decimal("0.15"),
            "maintenance_margin_rate": Decimal("0.075"),
            "expiry": expiry,
            "strike": Decimal("50000"),
            "option_type": "put",
            "spread_rate": Decimal("0.02"),
        },
    }
    instruments = {
        symbol: services.instrument_upsert(symbol=symbol, underlying=btc, **fields, **BTC_SIZES)
        for symbol, fields in listings.items()
    }
    services.index_move(symbol="BTC", price=price)
    return instruments


def move(price) -> None:
    """Move BTC's index to ``price`` through the tick pipeline."""
    services.index_move(symbol="BTC", price=Decimal(price))


def margin_tiers_add(instrument: Instrument) -> None:
    """Give ``instrument`` three tiers by notional, as futures exchanges publish them."""
    for max_notional, imr, mmr, amount in [
        ("20000", "0.02", "0.01", "0"),
        ("60000", "0.05", "0.025", "200"),
        ("150000", "0.1", "0.05", "1700"),
    ]:
        MarginTier.objects.create(
            instrument=instrument,
            max_notional=Decimal(max_notional),
            initial_margin_rate=Decimal(imr),
            maintenance_margin_rate=Decimal(mmr),
            maintenance_amount=Decimal(amount),
        )
