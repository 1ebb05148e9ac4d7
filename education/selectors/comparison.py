"""The side-by-side comparison with each instrument's real terms read from the platform.

The terms come from the listed BTC instruments (fees, borrow, funding interval,
financing, margin) and the underlying's volatility smile; the reader's view and any
override (a funding rate, a put's strike or expiry) come from the request.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from config.errors import Conflict
from education import comparison
from market import selectors as market_selectors
from market.models import FundingRate, Instrument, Underlying
from market.pricing.options import DAYS_PER_YEAR, smile_volatility
from market.services import OPTION_LISTING
from trading.services.carry import FINANCING_BENCHMARK_RATE

UNDERLYING = "BTC"
# What a perpetual's funding usually fixes at when nobody leans either way: 0.01% per 8h.
BASELINE_FUNDING_RATE = Decimal("0.0001")
DAYS_PER_WEEK = 7


@dataclass(frozen=True, slots=True)
class MethodResult:
    """One method's breakdown and the instrument and terms it was priced with."""

    breakdown: comparison.Breakdown
    label: str
    symbol: str
    terms: dict[str, Decimal | int | str]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The view and what it makes with each way to short."""

    view: comparison.View
    index_price: Decimal | None
    methods: list[MethodResult]


def comparison_defaults() -> dict[str, Decimal]:
    """A starting view: BTC at its index, falling 10% over two weeks, one BTC."""
    underlying = Underlying.objects.filter(symbol=UNDERLYING, listed=True).first()
    entry = (underlying and underlying.index_price) or Decimal("60000")
    entry = entry.quantize(Decimal(1))
    return {
        "entry_price": entry,
        "exit_price": (entry * Decimal("0.9")).quantize(Decimal(1)),
        "holding_days": Decimal(14),
        "quantity": Decimal(1),
    }


def _first(kind: str) -> Instrument | None:
    return (
        market_selectors.instrument_list(underlying=UNDERLYING, kind=kind)
        .exclude(status=Instrument.Status.SETTLED)
        .order_by("pk")
        .first()
    )


def _latest_funding_rate(instrument: Instrument) -> Decimal:
    rate = (
        FundingRate.objects.filter(instrument=instrument)
        .order_by("-funding_time")
        .values_list("rate", flat=True)
        .first()
    )
    return BASELINE_FUNDING_RATE if rate is None else rate


def comparison_get(
    *,
    entry_price: Decimal,
    exit_price: Decimal,
    holding_days: Decimal,
    quantity: Decimal | None = None,
    notional: Decimal | None = None,
    funding_rate: Decimal | None = None,
    strike: Decimal | None = None,
    expiry_days: Decimal | None = None,
) -> Comparison:
    """Price the view as a margin short, a perpetual short, a put and a CFD short."""
    if quantity is None:
        if notional is None:
            raise Conflict("Give a quantity or a notional.", code="invalid")
        quantity = notional / entry_price
    view = comparison.View(
        entry_price=entry_price,
        exit_price=exit_price,
        holding_days=holding_days,
        quantity=quantity,
    )
    methods = []
    spot = _first(Instrument.Kind.SPOT)
    if spot is not None:
        terms = comparison.MarginTerms(
            taker_fee_rate=spot.taker_fee_rate,
            borrow_rate=spot.borrow_rate or Decimal(0),
            initial_margin_rate=spot.initial_margin_rate,
        )
        methods.append(
            MethodResult(
                comparison.margin_short(view, terms),
                "Margin short",
                spot.symbol,
                {"taker_fee_rate": spot.taker_fee_rate, "borrow_rate": terms.borrow_rate},
            )
        )
    perpetual = _first(Instrument.Kind.PERPETUAL)
    if perpetual is not None:
        rate = funding_rate if funding_rate is not None else _latest_funding_rate(perpetual)
        terms = comparison.PerpetualTerms(
            taker_fee_rate=perpetual.taker_fee_rate,
            funding_rate=rate,
            funding_interval_hours=perpetual.funding_interval_hours or 8,
            initial_margin_rate=perpetual.initial_margin_rate,
        )
        methods.append(
            MethodResult(
                comparison.perpetual_short(view, terms),
                "Perpetual short",
                perpetual.symbol,
                {
                    "taker_fee_rate": perpetual.taker_fee_rate,
                    "funding_rate": rate,
                    "funding_interval_hours": terms.funding_interval_hours,
                },
            )
        )
    methods += _put(view, strike=strike, expiry_days=expiry_days)
    cfd = _first(Instrument.Kind.CFD)
    if cfd is not None:
        terms = comparison.CfdTerms(
            taker_fee_rate=cfd.taker_fee_rate,
            financing_rate=cfd.financing_rate or Decimal(0),
            benchmark_rate=FINANCING_BENCHMARK_RATE,
            initial_margin_rate=cfd.initial_margin_rate,
        )
        methods.append(
            MethodResult(
                comparison.cfd_short(view, terms),
                "CFD short",
                cfd.symbol,
                {"taker_fee_rate": cfd.taker_fee_rate, "financing_rate": terms.financing_rate},
            )
        )
    underlying = Underlying.objects.filter(symbol=UNDERLYING, listed=True).first()
    return Comparison(
        view=view,
        index_price=underlying.index_price if underlying else None,
        methods=methods,
    )


def _put(view, *, strike, expiry_days) -> list[MethodResult]:
    """A put at the money on the entry (or at ``strike``), on the next weekly expiry."""
    underlying = Underlying.objects.filter(symbol=UNDERLYING, listed=True).first()
    option = _first(Instrument.Kind.OPTION)
    if underlying is None:
        return []
    step = underlying.option_strike_step
    if strike is None:
        strike = (view.entry_price / step).quantize(Decimal(1)) * step
    if expiry_days is None:
        weeks = max(math.ceil(view.holding_days / DAYS_PER_WEEK), 1)
        expiry_days = Decimal(weeks * DAYS_PER_WEEK)
    years = (expiry_days / DAYS_PER_YEAR).quantize(Decimal("0.000001"), rounding=ROUND_CEILING)
    volatility = smile_volatility(
        underlying.implied_volatility,
        strike=strike,
        forward=view.entry_price,
        time_to_expiry=years,
        skew=underlying.volatility_skew,
        curvature=underlying.volatility_curvature,
    )
    fee_rate = option.taker_fee_rate if option is not None else OPTION_LISTING["taker_fee_rate"]
    terms = comparison.PutTerms(
        taker_fee_rate=fee_rate, strike=strike, expiry_days=expiry_days, volatility=volatility
    )
    return [
        MethodResult(
            comparison.long_put(view, terms),
            "Buy a put",
            f"{UNDERLYING} put {strike.normalize():f}, {expiry_days.normalize():f} days",
            {
                "taker_fee_rate": fee_rate,
                "strike": strike,
                "expiry_days": expiry_days,
                "volatility": volatility,
            },
        )
    ]
