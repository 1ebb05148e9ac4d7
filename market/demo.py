"""The instruments a new installation lists, for the quick start and the demo."""

from decimal import Decimal

from market.models import Instrument
from market.services import instrument_upsert

BTC_SIZES = {
    "base_asset": "BTC",
    "lot_size": Decimal("0.0001"),
    "min_quantity": Decimal("0.0001"),
    "max_quantity": Decimal("100"),
}
ETH_SIZES = {
    "base_asset": "ETH",
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
}
PERPETUAL_MARGIN = {
    "kind": Instrument.Kind.PERPETUAL,
    "max_leverage": Decimal("50"),
    "initial_margin_rate": Decimal("0.02"),
    "maintenance_margin_rate": Decimal("0.01"),
    "maker_fee_rate": Decimal("0.0002"),
    "taker_fee_rate": Decimal("0.0005"),
}
CFD_MARGIN = {
    "kind": Instrument.Kind.CFD,
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
    """List the demo instruments that are missing; leave existing ones as staff set them."""
    existing = set(
        Instrument.objects.filter(symbol__in=DEMO_INSTRUMENTS).values_list("symbol", flat=True)
    )
    created = []
    for symbol, fields in DEMO_INSTRUMENTS.items():
        if symbol not in existing:
            instrument = instrument_upsert(symbol=symbol, **fields)
            created.append(f"instrument {instrument.symbol} ({instrument.get_kind_display()})")
    return created
