"""The instruments a new installation lists, for the quick start and the demo."""

from decimal import Decimal

from market.models import Instrument, Underlying
from market.services import instrument_upsert, listings_roll, underlying_upsert

DEMO_UNDERLYINGS = {
    "BTC": {
        "name": "Bitcoin",
        "initial_price": Decimal("95000"),
        "seed": 2009,
        "annual_volatility": Decimal("0.6"),
        "implied_volatility": Decimal("0.55"),
        "option_strike_step": Decimal("1000"),
    },
    "ETH": {
        "name": "Ether",
        "initial_price": Decimal("3400"),
        "seed": 2015,
        "annual_volatility": Decimal("0.75"),
        "implied_volatility": Decimal("0.7"),
        "option_strike_step": Decimal("100"),
        "lists_derivatives": False,
    },
}

BTC_SIZES = {
    "underlying": "BTC",
    "lot_size": Decimal("0.0001"),
    "min_quantity": Decimal("0.0001"),
    "max_quantity": Decimal("100"),
}
ETH_SIZES = {
    "underlying": "ETH",
    "lot_size": Decimal("0.001"),
    "min_quantity": Decimal("0.001"),
    "max_quantity": Decimal("1000"),
}
SPOT_MARGIN = {
    "kind": Instrument.Kind.SPOT,
    "tick_size": Decimal("0.01"),
    "max_leverage": Decimal("3"),
    "initial_margin_rate": Decimal("0.33"),
    "maintenance_margin_rate": Decimal("0.15"),
    "maker_fee_rate": Decimal("0.0008"),
    "taker_fee_rate": Decimal("0.001"),
    "borrow_rate": Decimal("0.08"),
}
PERPETUAL_MARGIN = {
    "kind": Instrument.Kind.PERPETUAL,
    "funding_interval_hours": 8,
    "funding_rate_cap": Decimal("0.0075"),
    "max_leverage": Decimal("50"),
    "initial_margin_rate": Decimal("0.02"),
    "maintenance_margin_rate": Decimal("0.01"),
    "maker_fee_rate": Decimal("0.0002"),
    "taker_fee_rate": Decimal("0.0005"),
}
CFD_MARGIN = {
    "kind": Instrument.Kind.CFD,
    "financing_rate": Decimal("0.1"),
    "max_leverage": Decimal("2"),
    "initial_margin_rate": Decimal("0.5"),
    "maintenance_margin_rate": Decimal("0.25"),
    "maker_fee_rate": Decimal("0.0005"),
    "taker_fee_rate": Decimal("0.0005"),
}
BTC_TICK = {"tick_size": Decimal("0.5")}
ETH_TICK = {"tick_size": Decimal("0.05")}

# Dated futures and options are listed by the expiry calendar, not here.
DEMO_INSTRUMENTS = {
    "BTC-USD": {**SPOT_MARGIN, **BTC_SIZES},
    "ETH-USD": {**SPOT_MARGIN, **ETH_SIZES},
    "BTC-PERP": {**PERPETUAL_MARGIN, **BTC_SIZES, **BTC_TICK},
    "ETH-PERP": {**PERPETUAL_MARGIN, **ETH_SIZES, **ETH_TICK},
    "BTC-CFD": {**CFD_MARGIN, **BTC_SIZES, **BTC_TICK},
    "ETH-CFD": {**CFD_MARGIN, **ETH_SIZES, **ETH_TICK},
}


def demo_instruments_seed() -> list[str]:
    """List the demo underlyings and instruments that are missing, then roll the listings.

    Existing rows are left as staff set them.
    """
    created = []
    underlyings = {u.symbol: u for u in Underlying.objects.filter(symbol__in=DEMO_UNDERLYINGS)}
    for symbol, fields in DEMO_UNDERLYINGS.items():
        if symbol not in underlyings:
            underlyings[symbol] = underlying_upsert(symbol=symbol, **fields)
            created.append(f"underlying {symbol} (simulated feed)")
    existing = set(
        Instrument.objects.filter(symbol__in=DEMO_INSTRUMENTS).values_list("symbol", flat=True)
    )
    for symbol, fields in DEMO_INSTRUMENTS.items():
        if symbol not in existing:
            fields = {**fields, "underlying": underlyings[fields["underlying"]]}
            instrument = instrument_upsert(symbol=symbol, **fields)
            created.append(f"instrument {instrument.symbol} ({instrument.get_kind_display()})")
    listed = listings_roll()
    if listed:
        created.append(f"{len(listed)} dated futures and options ({listed[0]}, ...)")
    return created
