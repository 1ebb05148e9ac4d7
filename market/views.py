"""Public market pages: every instrument with its price and positioning, and option chains.

Anyone may read them without signing in; the tables refresh through small partials
that the pages poll while they are visible.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from config.errors import Conflict
from market import selectors
from market.models import Candle, Instrument, Underlying
from market.quotes import Quote
from market.templatetags.prices import KIND_GUIDES

CHANGE_WINDOW = timedelta(hours=24)
# The sections of the markets page, in the order a beginner meets them.
SECTIONS = (
    Instrument.Kind.PERPETUAL,
    Instrument.Kind.SPOT,
    Instrument.Kind.FUTURE,
    Instrument.Kind.CFD,
)
OPTIONS_GUIDE = KIND_GUIDES[Instrument.Kind.OPTION]


@dataclass(frozen=True, slots=True)
class MarketRow:
    """One instrument as the markets page shows it."""

    instrument: Instrument
    quote: Quote | None
    change: Decimal | None  # Over the last 24 hours, as a fraction of the price then.
    open_interest: Decimal
    long_accounts: int
    short_accounts: int
    long_short_ratio: Decimal | None
    freshness: selectors.PriceFreshness


@dataclass(frozen=True, slots=True)
class MarketSection:
    kind: str
    label: str
    guide: str
    rows: list[MarketRow]


@dataclass(frozen=True, slots=True)
class OptionSide:
    instrument: Instrument
    quote: Quote | None


@dataclass(frozen=True, slots=True)
class ChainRow:
    strike: Decimal
    call: OptionSide | None
    put: OptionSide | None


@dataclass(frozen=True, slots=True)
class ChainExpiry:
    expiry: datetime
    rows: list[ChainRow]

    @property
    def anchor(self) -> str:
        return f"expiry-{self.expiry:%Y%m%d}"


def _quote(instrument: Instrument) -> Quote | None:
    """The latest quote, or None while the underlying's feed has not ticked."""
    try:
        return selectors.ticker_get(instrument=instrument)
    except Conflict:
        return None


def _change(instrument: Instrument, quote: Quote | None) -> Decimal | None:
    """How far the mark moved since the first hourly candle of the last 24 hours."""
    if quote is None:
        return None
    first = selectors.candle_list(
        instrument=instrument,
        interval=Candle.Interval.HOUR,
        start=quote.timestamp - CHANGE_WINDOW,
        limit=1,
    )
    if not first or not first[0].open:
        return None
    return (quote.mark_price - first[0].open) / first[0].open


def _market_row(instrument: Instrument, *, now: datetime) -> MarketRow:
    quote = _quote(instrument)
    positioning = getattr(instrument, "positioning", None)
    longs = positioning.long_accounts if positioning else 0
    shorts = positioning.short_accounts if positioning else 0
    return MarketRow(
        instrument=instrument,
        quote=quote,
        change=_change(instrument, quote),
        open_interest=(
            positioning.long_quantity + positioning.short_quantity if positioning else Decimal(0)
        ),
        long_accounts=longs,
        short_accounts=shorts,
        # As the sentiment API counts it: accounts long per account short.
        long_short_ratio=(Decimal(longs) / Decimal(shorts)).quantize(Decimal("0.01"))
        if shorts
        else None,
        freshness=selectors.price_freshness(instrument=instrument, now=now),
    )


@dataclass(frozen=True, slots=True)
class OptionChainLink:
    underlying: str
    expiry: datetime
    strikes: int


def _market_sections() -> tuple[list[MarketSection], list[OptionChainLink]]:
    instruments = (
        selectors.instrument_list()
        .exclude(status=Instrument.Status.SETTLED)
        .select_related("positioning")
        .order_by("underlying__symbol", "expiry", "symbol")
    )
    now = timezone.now()
    by_kind = defaultdict(list)
    chains: dict[tuple[str, datetime], set] = defaultdict(set)
    for instrument in instruments:
        if instrument.kind == Instrument.Kind.OPTION:
            chains[(instrument.underlying.symbol, instrument.expiry)].add(instrument.strike)
        else:
            by_kind[instrument.kind].append(instrument)
    sections = [
        MarketSection(
            kind=kind,
            label=Instrument.Kind(kind).label,
            guide=KIND_GUIDES[kind],
            rows=[_market_row(instrument, now=now) for instrument in by_kind[kind]],
        )
        for kind in SECTIONS
        if by_kind[kind]
    ]
    links = [
        OptionChainLink(underlying=underlying, expiry=expiry, strikes=len(strikes))
        for (underlying, expiry), strikes in sorted(chains.items())
    ]
    return sections, links


@require_safe
def market_list(request):
    """Show every instrument by kind with its price, 24 h change, funding and positioning."""
    sections, chains = _market_sections()
    return render(request, "market/markets.html", {"sections": sections, "chains": chains})


@require_safe
def market_list_live(request):
    """The markets tables alone, for the page to poll."""
    sections, _ = _market_sections()
    return render(request, "market/_market_tables.html", {"sections": sections})


def _option_chain(underlying: Underlying) -> list[ChainExpiry]:
    options = (
        selectors.instrument_list(kind=Instrument.Kind.OPTION, underlying=underlying.symbol)
        .exclude(status=Instrument.Status.SETTLED)
        .order_by("expiry", "strike", "option_type")
    )
    expiries: dict[datetime, dict[Decimal, dict[str, OptionSide]]] = {}
    for option in options:
        strikes = expiries.setdefault(option.expiry, {})
        strikes.setdefault(option.strike, {})[option.option_type] = OptionSide(
            instrument=option, quote=_quote(option)
        )
    return [
        ChainExpiry(
            expiry=expiry,
            rows=[
                ChainRow(
                    strike=strike,
                    call=sides.get(Instrument.OptionType.CALL),
                    put=sides.get(Instrument.OptionType.PUT),
                )
                for strike, sides in strikes.items()
            ],
        )
        for expiry, strikes in expiries.items()
    ]


def _chain_underlyings() -> list[str]:
    return list(
        selectors.instrument_list(kind=Instrument.Kind.OPTION)
        .exclude(status=Instrument.Status.SETTLED)
        .values_list("underlying__symbol", flat=True)
        .order_by("underlying__symbol")
        .distinct()
    )


def _chain_context(symbol: str) -> dict:
    underlying = Underlying.objects.filter(symbol=symbol.upper()).first()
    if underlying is None:
        raise Http404(f"No underlying is called {symbol}.")
    return {
        "underlying": underlying,
        "underlyings": _chain_underlyings(),
        "expiries": _option_chain(underlying),
        "guide": OPTIONS_GUIDE,
    }


@require_safe
def option_chain_index(request):
    """Open the first underlying's option chain, or say that none is listed."""
    underlyings = _chain_underlyings()
    if underlyings:
        return redirect("option_chain", underlying=underlyings[0])
    return render(
        request,
        "market/option_chain.html",
        {"underlying": None, "underlyings": [], "expiries": [], "guide": OPTIONS_GUIDE},
    )


@require_safe
def option_chain(request, underlying: str):
    """Show an underlying's options: strikes by expiry with bid, ask, implied vol and Greeks."""
    return render(request, "market/option_chain.html", _chain_context(underlying))


@require_safe
def option_chain_live(request, underlying: str):
    """The chain tables alone, for the page to poll."""
    return render(request, "market/_option_chain_tables.html", _chain_context(underlying))
