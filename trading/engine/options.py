"""Cash-settled options: the payoff at expiry and the margin on a short option.

Rules of this module:

- Money is `Decimal` in and out, in USD per unit of the underlying; quantity is
  in units of the underlying and positive.
- At expiry an option pays its intrinsic value in cash: a call max(S - K, 0)
  times quantity, a put max(K - S, 0). The holder receives it and the writer
  pays it.
- A long option needs no margin: its premium is paid upfront. A short option's
  margin follows the USD-margined rule of Deribit-style exchanges (as Bit.com
  publishes it for BTC and ETH options). With S the underlying price, m the
  option's mark price and OTM how far out of the money it is (a call
  max(K - S, 0), a put max(S - K, 0)), per unit:
      call: initial = max(0.15 S - OTM, 0.10 S) + m
            maintenance = 0.075 S + m
      put:  maintenance = max(0.075 S, 0.075 m) + m
            initial = max(max(0.15 S - OTM, 0.10 S) + m, maintenance)
  The three rates are keyword arguments, so an instrument can set its own.
"""

from dataclasses import dataclass
from decimal import Decimal

from trading.engine.positions import ZERO
from trading.engine.types import OptionKind

BASE_RATE = Decimal("0.15")
FLOOR_RATE = Decimal("0.10")
MAINTENANCE_RATE = Decimal("0.075")


@dataclass(frozen=True, slots=True)
class OptionMargin:
    """The initial and maintenance margin of a short option position."""

    initial: Decimal
    maintenance: Decimal


def option_payoff(
    kind: OptionKind, strike: Decimal, settlement_price: Decimal, quantity: Decimal
) -> Decimal:
    """Return the intrinsic value an option pays its holder at settlement."""
    if kind is OptionKind.CALL:
        return max(settlement_price - strike, ZERO) * quantity
    return max(strike - settlement_price, ZERO) * quantity


def option_short_margin(
    kind: OptionKind,
    *,
    strike: Decimal,
    underlying_price: Decimal,
    mark_price: Decimal,
    quantity: Decimal,
    base_rate: Decimal = BASE_RATE,
    floor_rate: Decimal = FLOOR_RATE,
    maintenance_rate: Decimal = MAINTENANCE_RATE,
) -> OptionMargin:
    """Return the initial and maintenance margin for writing an option."""
    spot = underlying_price
    if kind is OptionKind.CALL:
        out_of_money = max(strike - spot, ZERO)
        maintenance = maintenance_rate * spot + mark_price
        initial = max(base_rate * spot - out_of_money, floor_rate * spot) + mark_price
    else:
        out_of_money = max(spot - strike, ZERO)
        maintenance = max(maintenance_rate * spot, maintenance_rate * mark_price) + mark_price
        initial = max(
            max(base_rate * spot - out_of_money, floor_rate * spot) + mark_price, maintenance
        )
    return OptionMargin(initial * quantity, maintenance * quantity)
