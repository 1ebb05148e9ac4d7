"""Pages of the paper account: dashboard, trade, history, position stories and the reset."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import Conflict, DomainError, NotFound
from market import selectors as market_selectors
from market.models import Instrument
from market.templatetags.prices import places
from trading import selectors, services
from trading.csv_export import HistoryFilterForm, Table, csv_response, history_rows
from trading.forms import AccountResetForm, starting_balance_display
from trading.models import Fill, JournalLine, Order
from trading.services.notifications import margin_warning_level

LEDGER_LINES_SHOWN = 20
OPEN_ORDERS_SHOWN = 50


RECENT_FILLS_SHOWN = 10
NOTIFICATIONS_SHOWN = 10
# The margin gauge runs from 0 to this margin level; a higher level fills it.
GAUGE_SCALE = Decimal(5)
LIQUIDATION_LEVEL = Decimal(1)


@dataclass(frozen=True, slots=True)
class MarginGauge:
    """Where the account's margin level stands between liquidation (1) and safety."""

    level: Decimal | None  # Equity over maintenance margin; None without positions.
    warning: Decimal
    liquidation: Decimal = LIQUIDATION_LEVEL
    scale: Decimal = GAUGE_SCALE

    @property
    def status(self) -> str:
        if self.level is None:
            return "none"
        if self.level <= self.liquidation:
            return "danger"
        return "warning" if self.level <= self.warning else "safe"

    def _percent(self, level: Decimal) -> int:
        return int(min(max(level, Decimal(0)), self.scale) / self.scale * 100)

    @property
    def percent(self) -> int:
        return self._percent(self.level) if self.level is not None else 0

    @property
    def warning_percent(self) -> int:
        return self._percent(self.warning)

    @property
    def liquidation_percent(self) -> int:
        return self._percent(self.liquidation)

    @property
    def warning_width(self) -> int:
        """How much of the bar lies between liquidation and the warning level."""
        return self.warning_percent - self.liquidation_percent


def _dashboard_live(account) -> dict:
    """What the dashboard shows live: balances, margin, positions and open orders."""
    quotes = {}  # One quote per instrument, shared by the summary, margin and positions.
    margin = selectors.margin_state(account=account, quotes=quotes)
    return {
        "summary": selectors.account_summary(account=account, quotes=quotes),
        "positions": margin.views,
        "price_freshness": market_selectors.price_freshness_list(
            instruments=[view.instrument for view in margin.views]
        ),
        "gauge": MarginGauge(level=margin.margin_level, warning=margin_warning_level()),
        "open_orders": selectors.order_list(account=account, status="open")[:OPEN_ORDERS_SHOWN],
    }


def _dashboard_activity(account) -> dict:
    """What the dashboard shows of what happened lately: fills and notifications."""
    return {
        "recent_fills": selectors.fill_list(account=account)[:RECENT_FILLS_SHOWN],
        "notifications": selectors.notification_list(account=account)[:NOTIFICATIONS_SHOWN],
        "unread_count": selectors.notification_unread_count(account=account),
    }


def _dashboard_ledger(account) -> dict:
    """The account's latest ledger lines."""
    return {
        "ledger_lines": selectors.ledger_line_list(account=account)[:LEDGER_LINES_SHOWN],
        "ledger_lines_shown": LEDGER_LINES_SHOWN,
    }


def _equity_chart(account, span: str) -> dict:
    points = selectors.equity_curve(account=account, range=span)
    return {
        "range": span,
        "points": [{"time": _epoch(p.time), "value": str(p.equity)} for p in points],
    }


def _education_progress(user):
    """The reader's learning path for the dashboard, when the guides are installed."""
    if not apps.is_installed("education"):
        return None
    from education import selectors as education_selectors

    return education_selectors.progress_summary(user=user)


def _permission_notes(user, instrument):
    """The quizzes the trader has yet to pass to trade ``instrument`` the riskier way."""
    if not apps.is_installed("education"):
        return []
    from education import selectors as education_selectors

    return education_selectors.trading_permission_notes(user=user, instrument=instrument)


@require_safe
@login_required
def dashboard(request):
    """Show the account's balances, margin, equity curve, positions, orders and activity."""
    account = selectors.paper_account_for_user(user=request.user)
    span = request.GET.get("range", "1d")
    if span not in selectors.EQUITY_RANGES:
        span = "1d"
    context = {
        **_dashboard_live(account),
        **_dashboard_activity(account),
        "equity_chart": _equity_chart(account, span),
        "equity_ranges": selectors.EQUITY_RANGES,
        "education_progress": _education_progress(request.user),
        **_dashboard_ledger(account),
    }
    return render(request, "trading/dashboard.html", context)


@require_safe
@login_required
def dashboard_live(request):
    """The dashboard's live part alone, for the page to poll."""
    account = selectors.paper_account_for_user(user=request.user)
    return render(request, "trading/partials/dashboard_live.html", _dashboard_live(account))


@require_safe
@login_required
def dashboard_activity(request):
    """The dashboard's recent fills and notifications alone, for the page to poll."""
    account = selectors.paper_account_for_user(user=request.user)
    return render(request, "trading/partials/dashboard_activity.html", _dashboard_activity(account))


@require_safe
@login_required
def dashboard_ledger(request):
    """The dashboard's recent ledger alone, for the page to poll."""
    account = selectors.paper_account_for_user(user=request.user)
    return render(request, "trading/partials/dashboard_ledger.html", _dashboard_ledger(account))


@require_POST
@login_required
def notifications_read(request):
    """Mark every notification read and go back to the dashboard."""
    account = selectors.paper_account_for_user(user=request.user)
    services.notifications_mark_all_read(account=account)
    return redirect("dashboard")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_reset(request):
    """Restore the paper account to the starting balance once the user confirms."""
    account = selectors.paper_account_for_user(user=request.user)
    form = AccountResetForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            entry = services.account_reset(account=account, requested_by=request.user)
        except DomainError as error:
            form.add_service_error(error)
        else:
            if entry is None:
                messages.info(
                    request, "Your paper account already had the starting balance; nothing changed."
                )
            else:
                messages.success(
                    request, f"Your paper account is reset to {starting_balance_display()}."
                )
            return redirect("dashboard")
    context = {"form": form, "summary": selectors.account_summary(account=account)}
    return render(request, "trading/account_reset.html", context)


# History ----------------------------------------------------------------------------

HISTORY_PAGE_SIZE = 50
HISTORY_GUIDES = {
    Table.ORDERS: ("stops-and-exits", "Orders, stops and take-profits"),
    Table.FILLS: ("stops-and-exits", "Orders, stops and take-profits"),
    Table.LEDGER: ("leverage-and-liquidation", "Where the money goes"),
}


def _history_form(request, table: str):
    if table not in Table.ALL:
        raise Http404(f"No history table is called {table}.")
    account = selectors.paper_account_for_user(user=request.user)
    return account, HistoryFilterForm(request.GET, table=table, account=account)


@require_safe
@login_required
def history(request, table: str = Table.ORDERS):
    """List the account's orders, fills or ledger lines, filtered and a page at a time."""
    account, form = _history_form(request, table)
    context = {"table": table, "tables": Table.ALL, "form": form, "page": None}
    context["guide"], context["guide_text"] = HISTORY_GUIDES[table]
    if not form.is_valid():
        return render(request, "trading/history.html", context, status=400)
    rows = history_rows(account=account, table=table, filters=form.selector_filters())
    context["page"] = Paginator(rows, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trading/history.html", context)


@require_safe
@login_required
def history_export(request, table: str):
    """Download every row of a history table that the filters select, as CSV."""
    account, form = _history_form(request, table)
    if not form.is_valid():
        context = {"table": table, "tables": Table.ALL, "form": form, "page": None}
        context["guide"], context["guide_text"] = HISTORY_GUIDES[table]
        return render(request, "trading/history.html", context, status=400)
    rows = history_rows(account=account, table=table, filters=form.selector_filters())
    return csv_response(table=table, rows=rows)


# Position detail --------------------------------------------------------------------

# Each chart interval and the longest span it draws within the candle list's maximum.
CHART_INTERVALS = (
    ("1m", timedelta(hours=12)),
    ("5m", timedelta(days=3)),
    ("1h", timedelta(days=40)),
    ("1d", None),
)
CHART_SPANS = {"1m": 60, "5m": 300, "1h": 3600, "1d": 86400}


def _position_story(request, symbol: str):
    account = selectors.paper_account_for_user(user=request.user)
    try:
        instrument = market_selectors.instrument_get(symbol=symbol)
        return selectors.position_story(account=account, instrument=instrument)
    except NotFound as error:
        raise Http404(error.message) from error


def _epoch(moment) -> int:
    return int(moment.timestamp())


def _position_freshness(story) -> list:
    """A stale-price banner while the position is open; a closed one's prices are history."""
    if story.view is None:
        return []
    return market_selectors.price_freshness_list(instruments=[story.instrument])


def _position_chart(story) -> dict:
    """Candles around the position's life, its fills as markers and its key prices as lines."""
    first = story.fills[0].created_at
    last = timezone.now() if story.view is not None else story.fills[-1].created_at
    span = last - first
    interval = next(name for name, longest in CHART_INTERVALS if longest is None or span <= longest)
    padding = max(span / 10, timedelta(seconds=CHART_SPANS[interval] * 10))
    candles = market_selectors.candle_list(
        instrument=story.instrument, interval=interval, start=first - padding
    )
    step = CHART_SPANS[interval]
    # One arrow per candle and side: an order that walked the book fills many times.
    filled: dict[tuple[int, str], Decimal] = {}
    for fill in story.fills:
        key = (_epoch(fill.created_at) // step * step, fill.side)
        filled[key] = filled.get(key, Decimal(0)) + fill.quantity
    markers = [
        {
            "time": time,
            "side": side,
            "text": f"{'Buy' if side == 'buy' else 'Sell'} {quantity.normalize():f}",
        }
        for (time, side), quantity in filled.items()
    ]
    lines = []
    if story.view is not None:
        lines.append({"price": str(story.position.entry_price), "title": "Entry", "kind": "entry"})
        if story.view.liquidation_price is not None:
            lines.append(
                {
                    "price": str(story.view.liquidation_price),
                    "title": "Liquidation",
                    "kind": "liquidation",
                }
            )
    for replay in story.liquidations:
        if replay.position is not None:
            lines.append(
                {"price": replay.position["entry_price"], "title": "Entry", "kind": "entry"}
            )
        if replay.mark_price is not None:
            lines.append(
                {"price": str(replay.mark_price), "title": "Liquidated", "kind": "liquidation"}
            )
    return {
        "interval": interval,
        "precision": places(story.instrument.tick_size),
        "min_move": str(story.instrument.tick_size),
        "candles": [
            {
                "time": _epoch(bar.open_time),
                "open": str(bar.open),
                "high": str(bar.high),
                "low": str(bar.low),
                "close": str(bar.close),
            }
            for bar in candles
        ],
        "markers": sorted(markers, key=lambda marker: marker["time"]),
        "lines": lines,
    }


@dataclass(frozen=True, slots=True)
class OrderFills:
    """An order's fills in one position's story: one line however many prices it took."""

    order: Order
    side: str
    fills: list[Fill]

    @property
    def quantity(self) -> Decimal:
        return sum((fill.quantity for fill in self.fills), Decimal(0))

    @property
    def average_price(self) -> Decimal:
        return sum((fill.price * fill.quantity for fill in self.fills), Decimal(0)) / self.quantity

    @property
    def fee(self) -> Decimal:
        return sum((fill.fee for fill in self.fills), Decimal(0))

    @property
    def realized_pnl(self) -> Decimal:
        return sum((fill.realized_pnl for fill in self.fills), Decimal(0))


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One line of a position's story, oldest first."""

    at: datetime
    kind: str  # fill, carry or liquidation
    fills: OrderFills | None = None
    line: JournalLine | None = None
    replay: selectors.LiquidationReplay | None = None


def _order_fills(story) -> list[OrderFills]:
    by_order: dict[int, OrderFills] = {}
    for fill in story.fills:
        if fill.order_id not in by_order:
            by_order[fill.order_id] = OrderFills(order=fill.order, side=fill.side, fills=[])
        by_order[fill.order_id].fills.append(fill)
    return list(by_order.values())


def _story_events(story) -> list[StoryEvent]:
    events = [
        StoryEvent(at=group.fills[0].created_at, kind="fill", fills=group)
        for group in _order_fills(story)
    ]
    events += [
        StoryEvent(at=line.entry.created_at, kind="carry", line=line) for line in story.carry_lines
    ]
    events += [
        StoryEvent(at=replay.liquidation.created_at, kind="liquidation", replay=replay)
        for replay in story.liquidations
    ]
    # A liquidation's record is written just before its closing fills.
    order = {"liquidation": 0, "fill": 1, "carry": 2}
    return sorted(events, key=lambda event: (event.at, order[event.kind]))


@require_safe
@login_required
def position_detail(request, symbol: str):
    """Tell a position's story: fills, costs, PnL breakdown and any liquidation, on a chart."""
    story = _position_story(request, symbol)
    liquidation_orders = {
        order.pk for replay in story.liquidations for order in replay.closing_orders
    }
    context = {
        "story": story,
        "instrument": story.instrument,
        "chart": _position_chart(story),
        "events": _story_events(story),
        "liquidation_orders": liquidation_orders,
        "price_freshness": _position_freshness(story),
    }
    return render(request, "trading/position.html", context)


@require_safe
@login_required
def position_detail_live(request, symbol: str):
    """The position's live figures alone, for the page to poll."""
    story = _position_story(request, symbol)
    context = {
        "story": story,
        "instrument": story.instrument,
        "price_freshness": _position_freshness(story),
    }
    return render(request, "trading/position_live.html", context)


# Trade ------------------------------------------------------------------------------

TRADE_BOOK_DEPTH = 12
TRADE_TAPE_LENGTH = 25
TRADE_ORDERS_SHOWN = 20
TRADE_GUIDES = {
    Instrument.Kind.SPOT: ("margin-shorting", "Shorting on margin"),
    Instrument.Kind.PERPETUAL: ("perpetual-futures", "Perpetual futures"),
    Instrument.Kind.FUTURE: ("dated-futures", "Dated futures"),
    Instrument.Kind.CFD: ("cfds", "CFDs"),
    Instrument.Kind.OPTION: ("puts-and-calls", "Options"),
}
TRADE_INTERVALS = ("1m", "5m", "1h", "1d")
# What an open order's change can touch, as PATCH /api/v1/orders/{id} takes it.
AMEND_FIELDS = (
    ("price", "New limit (USD)"),
    ("stop_price", "New trigger (USD)"),
    ("quantity", "New size (BTC)"),
)


def _trade_instrument(symbol: str) -> Instrument:
    try:
        return market_selectors.instrument_get(symbol=symbol)
    except NotFound as error:
        raise Http404(error.message) from error


def _trade_market(instrument: Instrument) -> dict:
    """The instrument's quote, merged order book and tape; no quote before the first tick."""
    context = {
        "instrument": instrument,
        "quote": None,
        "book": None,
        "trades": [],
        "price_freshness": [],
    }
    try:
        context["quote"] = market_selectors.ticker_get(instrument=instrument)
    except Conflict:
        return context
    context["price_freshness"] = market_selectors.price_freshness_list(instruments=[instrument])
    context["last"] = market_selectors.last_price(instrument=instrument)
    book = selectors.order_book_depth(instrument=instrument, depth=TRADE_BOOK_DEPTH)
    # Each level's bar shows the depth from the best price out to it.
    totals = {
        side: list(accumulate(level.quantity for level in levels)) for side, levels in book.items()
    }
    deepest = max((running[-1] for running in totals.values() if running), default=0)
    context["book"] = {
        side: [
            {"level": level, "percent": int(total * 100 / deepest) if deepest else 0}
            for level, total in zip(levels, totals[side], strict=True)
        ]
        for side, levels in book.items()
    }
    context["asks_far_first"] = list(reversed(context["book"]["asks"]))
    if book["bids"] and book["asks"]:
        context["spread"] = book["asks"][0].price - book["bids"][0].price
    context["trades"] = market_selectors.trade_list(instrument=instrument)[:TRADE_TAPE_LENGTH]
    return context


def _trade_account(request, instrument: Instrument) -> dict:
    """The signed-in trader's standing in the instrument; nothing for a visitor."""
    if not request.user.is_authenticated:
        return {"instrument": instrument, "account": None}
    account = selectors.paper_account_for_user(user=request.user)
    quotes: dict = {}
    context = {"instrument": instrument, "account": account, "summary": None, "position": None}
    try:
        context["summary"] = selectors.account_summary(account=account, quotes=quotes)
        views = selectors.position_views(account=account, quotes=quotes)
    except Conflict:
        views = []
    context["position"] = next((v for v in views if v.instrument.pk == instrument.pk), None)
    context["open_orders"] = selectors.order_list(
        account=account, status="open", instrument=instrument
    )[:TRADE_ORDERS_SHOWN]
    return context


@require_safe
def trade_index(request):
    """Open the trade page of the instrument asked for, or of the first perpetual."""
    if request.GET.get("symbol"):
        return redirect("trade", symbol=_trade_instrument(request.GET["symbol"]).symbol)
    instruments = market_selectors.instrument_list().exclude(status=Instrument.Status.SETTLED)
    instrument = (
        instruments.filter(kind=Instrument.Kind.PERPETUAL).order_by("symbol").first()
        or instruments.order_by("symbol").first()
    )
    if instrument is None:
        raise Http404("No instrument is listed yet.")
    return redirect("trade", symbol=instrument.symbol)


@require_safe
def trade(request, symbol: str):
    """Chart, order book, tape and an order ticket for one instrument; visitors watch."""
    instrument = _trade_instrument(symbol)
    context = {
        **_trade_market(instrument),
        **_trade_account(request, instrument),
        "instruments": market_selectors.instrument_list().exclude(status=Instrument.Status.SETTLED),
        "intervals": TRADE_INTERVALS,
        "guide": TRADE_GUIDES.get(instrument.kind),
        "leverage": None,
        "amend_fields": AMEND_FIELDS,
        "permission_notes": _permission_notes(request.user, instrument),
    }
    if request.user.is_authenticated and instrument.kind != Instrument.Kind.OPTION:
        position = context["position"]
        context["leverage"] = (
            position.position.leverage
            if position is not None
            else selectors.leverage_get(account=context["account"], instrument=instrument)
        )
        context["margin_mode"] = selectors.margin_mode_get(
            account=context["account"], instrument=instrument
        )
    return render(request, "trading/trade.html", context)


@require_safe
def trade_market(request, symbol: str):
    """The quote, book and tape alone, for the trade page to poll."""
    instrument = _trade_instrument(symbol)
    # The page's price banner sits above the chart, outside this partial: it comes along
    # out of band, so it appears and goes with the quote.
    context = {**_trade_market(instrument), "price_banner_oob": True}
    return render(request, "trading/partials/trade_market.html", context)


@require_safe
def trade_account(request, symbol: str):
    """The trader's position and open orders in the instrument, for the trade page to poll."""
    instrument = _trade_instrument(symbol)
    return render(
        request, "trading/partials/trade_account.html", _trade_account(request, instrument)
    )


@require_safe
@login_required
def staff_health(request):
    """Show staff whether the feed, the risk workers and the schedules keep up."""
    if not request.user.is_staff:
        raise Http404("No such page.")
    try:
        queues = selectors.queue_depths()
        queues_error = None
    except Exception as error:
        queues, queues_error = None, str(error)
    schedules = selectors.schedule_health()
    audit = next((s for s in schedules if s.task == "trading.tasks.ledger_audit"), None)
    context = {
        "instruments": selectors.instrument_health(),
        "queues": queues,
        "queues_error": queues_error,
        "schedules": schedules,
        "audit": audit,
        "warning_level": margin_warning_level(),
        "near_liquidation": selectors.accounts_near_liquidation(level=margin_warning_level()),
        "now": timezone.now(),
    }
    return render(request, "trading/health.html", context)
