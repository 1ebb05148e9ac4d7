"""Numbers on pages, to the precision the instrument trades at.

Prices show as many decimals as the tick size has (BTC-PERP's 0.5 shows one),
quantities as many as the lot size; amounts in USD show cents. Every signed
amount carries its sign, so a loss never reads by its colour alone.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()

MISSING = "—"


def places(step: Decimal | None) -> int:
    """How many decimals a step such as a tick size (0.5, 0.01, 100) has."""
    if not step:
        return 2
    exponent = Decimal(step).normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 2


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _grouped(value: Decimal, decimals: int) -> str:
    return floatformat(value, f"{decimals}g")


@register.filter
def price(value, instrument) -> str:
    """A price to the instrument's tick: 50,000.5 for BTC-PERP."""
    number = _decimal(value)
    if number is None:
        return MISSING
    return _grouped(number, places(getattr(instrument, "tick_size", None)))


@register.filter
def quantity(value, instrument) -> str:
    """A quantity to the instrument's lot: 0.125 for a lot of 0.001."""
    number = _decimal(value)
    if number is None:
        return MISSING
    return _grouped(number, places(getattr(instrument, "lot_size", None)))


@register.filter
def money(value) -> str:
    """An amount of USD in cents, grouped: 100,000.00."""
    number = _decimal(value)
    if number is None:
        return MISSING
    return _grouped(number, 2)


@register.filter
def signed_money(value) -> str:
    """An amount of USD with its sign: +1,250.00 or -80.25."""
    number = _decimal(value)
    if number is None:
        return MISSING
    text = _grouped(number, 2)
    return f"+{text}" if number > 0 else text


@register.filter
def percent(value, decimals=2) -> str:
    """A fraction as a signed percentage: 0.0123 is +1.23%."""
    number = _decimal(value)
    if number is None:
        return MISSING
    text = _grouped(number * 100, int(decimals))
    return f"+{text}%" if number > 0 else f"{text}%"


@register.filter
def sign_class(value) -> str:
    """The class that colours an amount: amount-pos, amount-neg or nothing at zero."""
    number = _decimal(value)
    if not number:
        return ""
    return "amount-pos" if number > 0 else "amount-neg"


@register.filter
def significant(value, digits=4) -> str:
    """A Greek or a rate to a few significant digits: 0.0001234 stays readable."""
    number = _decimal(value)
    if number is None:
        return MISSING
    if number == 0:
        return "0"
    rounded = round(number, int(digits) - 1 - number.adjusted())
    return f"{rounded:,f}"


# The guide that explains each kind of instrument, by its slug under /guides/.
KIND_GUIDES = {
    "spot": "margin-shorting",
    "perpetual": "perpetual-futures",
    "future": "dated-futures",
    "cfd": "cfds",
    "option": "puts-and-calls",
}


@register.filter
def kind_guide(kind: str) -> str:
    """The slug of the guide that explains an instrument kind."""
    return KIND_GUIDES.get(kind, "")
