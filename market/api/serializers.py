"""Input and output shapes of the market API. Decimals are strings; times are UTC."""

from datetime import UTC
from decimal import Decimal

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from market.indicators import Swing
from market.models import Candle, Instrument, Underlying
from market.selectors import CANDLE_LIST_MAX, IndicatorName, indicator_params

PRICE = {"max_digits": 28, "decimal_places": 8}
SIZE = {"max_digits": 28, "decimal_places": 8}
RATE = {"max_digits": 12, "decimal_places": 8}
# Greeks and volatilities keep their significant digits: a BTC option's gamma is tiny.
EXACT = {"max_digits": None, "decimal_places": None}
# Indicator values run to 28 digits; eight decimal places are all a chart can use.
ROUNDED = {"max_digits": None, "decimal_places": 8}
MAX_PERIOD = 500
MAX_BOLLINGER_WIDTH = Decimal(10)


def _utc(**kwargs) -> serializers.DateTimeField:
    """A date-time in UTC whatever the caller's own time zone; naive input is UTC."""
    return serializers.DateTimeField(default_timezone=UTC, **kwargs)


# Instruments ---------------------------------------------------------------------


class InstrumentFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Instrument.Kind.choices, required=False)
    underlying = serializers.CharField(
        max_length=12, required=False, help_text="The underlying's symbol, such as BTC."
    )
    status = serializers.ChoiceField(choices=Instrument.Status.choices, required=False)

    def validate_underlying(self, value):
        value = value.upper()
        if not Underlying.objects.filter(symbol=value).exists():
            raise serializers.ValidationError(f"No underlying is called {value}.")
        return value


class MarginTierOutputSerializer(serializers.Serializer):
    max_notional = serializers.DecimalField(**PRICE)
    initial_margin_rate = serializers.DecimalField(**RATE)
    maintenance_margin_rate = serializers.DecimalField(**RATE)
    maintenance_amount = serializers.DecimalField(**PRICE)


class InstrumentOutputSerializer(serializers.Serializer):
    """An instrument's listing; fields of other kinds are null."""

    symbol = serializers.CharField()
    kind = serializers.ChoiceField(choices=Instrument.Kind.choices)
    underlying = serializers.CharField(source="underlying.symbol")
    quote_asset = serializers.CharField()
    status = serializers.ChoiceField(choices=Instrument.Status.choices)
    tick_size = serializers.DecimalField(**SIZE)
    lot_size = serializers.DecimalField(**SIZE)
    min_quantity = serializers.DecimalField(**SIZE)
    max_quantity = serializers.DecimalField(**SIZE)
    max_leverage = serializers.DecimalField(max_digits=6, decimal_places=2)
    initial_margin_rate = serializers.DecimalField(**RATE)
    maintenance_margin_rate = serializers.DecimalField(**RATE)
    maker_fee_rate = serializers.DecimalField(**RATE)
    taker_fee_rate = serializers.DecimalField(**RATE)
    borrow_rate = serializers.DecimalField(
        **RATE, allow_null=True, help_text="Spot on margin: annual borrow interest."
    )
    funding_interval_hours = serializers.IntegerField(
        allow_null=True, help_text="Perpetual: hours between funding payments."
    )
    funding_rate_cap = serializers.DecimalField(
        **RATE, allow_null=True, help_text="Perpetual: largest funding rate per interval."
    )
    financing_rate = serializers.DecimalField(
        **RATE, allow_null=True, help_text="CFD: annual overnight financing rate."
    )
    basis_rate = serializers.DecimalField(
        **RATE, allow_null=True, help_text="Dated future: annualised premium over the index."
    )
    expiry = _utc(allow_null=True, help_text="Future and option.")
    strike = serializers.DecimalField(**PRICE, allow_null=True, help_text="Option.")
    option_type = serializers.SerializerMethodField()
    settlement_price = serializers.DecimalField(
        **PRICE, allow_null=True, help_text="The index at expiry, once settled."
    )
    margin_tiers = MarginTierOutputSerializer(
        source="tiers", many=True, help_text="Tiered margin by notional, smallest first."
    )

    @extend_schema_field(
        serializers.ChoiceField(
            choices=Instrument.OptionType.choices, allow_null=True, help_text="Option."
        )
    )
    def get_option_type(self, instrument) -> str | None:
        return instrument.option_type or None


# Ticker --------------------------------------------------------------------------


class GreeksOutputSerializer(serializers.Serializer):
    """Black-Scholes Greeks in traders' units (vega per vol point, theta per day)."""

    delta = serializers.DecimalField(**EXACT)
    gamma = serializers.DecimalField(**EXACT)
    vega = serializers.DecimalField(**EXACT)
    theta = serializers.DecimalField(**EXACT)
    rho = serializers.DecimalField(**EXACT)


class TickerOutputSerializer(serializers.Serializer):
    """The latest quote. Fields of other kinds are present and null."""

    symbol = serializers.CharField()
    index_price = serializers.DecimalField(**PRICE)
    mark_price = serializers.DecimalField(**PRICE)
    bid = serializers.DecimalField(**PRICE, help_text="The outside liquidity's best bid.")
    ask = serializers.DecimalField(**PRICE, help_text="The outside liquidity's best ask.")
    last = serializers.DecimalField(
        **PRICE,
        allow_null=True,
        read_only=True,
        help_text="The last traded price; null until the instrument has traded.",
    )
    timestamp = _utc(help_text="When the tick that made this quote happened.")
    sequence = serializers.IntegerField(help_text="The underlying's tick number; only grows.")
    funding_rate = serializers.DecimalField(
        **RATE,
        allow_null=True,
        help_text="Perpetual: predicted rate for this interval; positive means longs pay.",
    )
    next_funding_time = _utc(allow_null=True, help_text="Perpetual: the next funding payment.")
    implied_volatility = serializers.DecimalField(
        **EXACT, allow_null=True, help_text="Option: the smile's volatility at this strike."
    )
    greeks = serializers.SerializerMethodField()
    updated_at = _utc(
        read_only=True,
        help_text="The underlying feed's last tick, from which `stale` is measured.",
    )
    stale = serializers.BooleanField(
        read_only=True,
        help_text="True when the feed has not ticked for longer than the platform's stale-price "
        "threshold (15 s by default). Orders still fill at this quote meanwhile; stops, "
        "take-profits, resting limits and liquidations wait for the next price.",
    )
    paused = serializers.BooleanField(
        read_only=True,
        help_text="True while the underlying's historical replay is paused: prices stand still "
        "on purpose, so they are not stale.",
    )

    @extend_schema_field(GreeksOutputSerializer(allow_null=True, help_text="Option only."))
    def get_greeks(self, quote) -> dict | None:
        return _GREEKS_OUTPUT.to_representation(quote.greeks) if quote.greeks else None

    def to_representation(self, quote):
        """The quote, with the ``last`` trade and its ``freshness`` from the view's context."""
        return self._with_context(
            super().to_representation(quote),
            quote,
            freshness=self.context["freshness"],
            last=self.context.get("last"),
        )

    def _with_context(self, data: dict, quote, *, freshness, last) -> dict:
        fields = self.fields
        data["last"] = None if last is None else fields["last"].to_representation(last)
        # A quote outlives a wiped database in the cache; it then dates itself.
        data["updated_at"] = fields["updated_at"].to_representation(
            freshness.updated_at or quote.timestamp
        )
        data["stale"] = freshness.stale
        data["paused"] = freshness.paused
        return data


_GREEKS_OUTPUT = GreeksOutputSerializer()
_TICKER_OUTPUT = TickerOutputSerializer()


def ticker_data(quote, *, freshness, last) -> dict:
    """A quote as ``TickerOutputSerializer`` shows it, with shared fields (see ``order_data``).

    DRF deep-copies a serializer's fields for every new serializer, which cost more than
    the rest of a ticker's answer; the fields keep no state between calls.
    """
    data = serializers.Serializer.to_representation(_TICKER_OUTPUT, quote)
    return _TICKER_OUTPUT._with_context(data, quote, freshness=freshness, last=last)


# Candles -------------------------------------------------------------------------


class CandleFilterSerializer(serializers.Serializer):
    interval = serializers.ChoiceField(choices=Candle.Interval.choices, default="1m")
    start = _utc(
        required=False,
        help_text="Candles opening at or after this time (ISO 8601). Without it, the most "
        "recent candles.",
    )
    end = _utc(required=False, help_text="Candles opening before this time (ISO 8601).")
    limit = serializers.IntegerField(min_value=1, max_value=CANDLE_LIST_MAX, default=500)

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start is not None and end is not None and end <= start:
            raise serializers.ValidationError({"end": ["Must be after start."]})
        return attrs


def _utc_text(moment) -> str:
    """A date-time as DRF writes it in UTC: ISO 8601 with a Z."""
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class CandleListSerializer(serializers.ListSerializer):
    """Many candles at once, written as ``CandleOutputSerializer`` writes one.

    A chart asks for a thousand candles at a time, and DRF's field-by-field
    rendering costs several times the query. Prices and volumes come from the
    numeric(28, 8) columns, so they already carry exactly eight decimal places.
    """

    def to_representation(self, data):
        return [
            {
                "time": _utc_text(bar.open_time),
                "open": f"{bar.open:f}",
                "high": f"{bar.high:f}",
                "low": f"{bar.low:f}",
                "close": f"{bar.close:f}",
                "volume": f"{bar.volume:f}",
            }
            for bar in data
        ]


class CandleOutputSerializer(serializers.Serializer):
    time = _utc(source="open_time", help_text="When the candle opened.")
    open = serializers.DecimalField(**PRICE)
    high = serializers.DecimalField(**PRICE)
    low = serializers.DecimalField(**PRICE)
    close = serializers.DecimalField(**PRICE)
    volume = serializers.DecimalField(**SIZE)

    class Meta:
        list_serializer_class = CandleListSerializer


class CandleListOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    interval = serializers.ChoiceField(choices=Candle.Interval.choices)
    candles = CandleOutputSerializer(many=True, help_text="Oldest first.")


# Indicators ----------------------------------------------------------------------


class IndicatorFilterSerializer(CandleFilterSerializer):
    name = serializers.ChoiceField(choices=[(n.value, n.value) for n in IndicatorName])
    period = serializers.IntegerField(
        min_value=2,
        max_value=MAX_PERIOD,
        required=False,
        help_text="sma, ema, bollinger (default 20) and rsi (default 14).",
    )
    k = serializers.DecimalField(
        max_digits=6,
        decimal_places=3,
        required=False,
        help_text="bollinger: the bands' width in standard deviations (default 2).",
    )
    fast = serializers.IntegerField(
        min_value=2, max_value=MAX_PERIOD, required=False, help_text="macd (default 12)."
    )
    slow = serializers.IntegerField(
        min_value=2, max_value=MAX_PERIOD, required=False, help_text="macd (default 26)."
    )
    signal = serializers.IntegerField(
        min_value=2, max_value=MAX_PERIOD, required=False, help_text="macd (default 9)."
    )

    def validate_k(self, value):
        if not 0 < value <= MAX_BOLLINGER_WIDTH:
            raise serializers.ValidationError(
                f"Must be positive and at most {MAX_BOLLINGER_WIDTH}."
            )
        return value.normalize()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["name"] == IndicatorName.MACD:
            given = {key: attrs.get(key) for key in ("fast", "slow")}
            params = indicator_params(name=IndicatorName.MACD, **given)
            if params["fast"] >= params["slow"]:
                raise serializers.ValidationError(
                    {"fast": ["Must be shorter than the slow period."]}
                )
        return attrs


class IndicatorParamsOutputSerializer(serializers.Serializer):
    """The parameters used, defaults filled in; only the indicator's own appear."""

    period = serializers.IntegerField(required=False)
    k = serializers.DecimalField(**EXACT, required=False)
    fast = serializers.IntegerField(required=False)
    slow = serializers.IntegerField(required=False)
    signal = serializers.IntegerField(required=False)


class ValuePointSerializer(serializers.Serializer):
    """sma, ema, rsi: one value per candle; fibonacci: the swing's start and end."""

    time = _utc()
    value = serializers.DecimalField(**ROUNDED, allow_null=True)


class BollingerPointSerializer(serializers.Serializer):
    time = _utc()
    middle = serializers.DecimalField(**ROUNDED, allow_null=True)
    upper = serializers.DecimalField(**ROUNDED, allow_null=True)
    lower = serializers.DecimalField(**ROUNDED, allow_null=True)


class MacdPointSerializer(serializers.Serializer):
    time = _utc()
    macd = serializers.DecimalField(**ROUNDED, allow_null=True)
    signal = serializers.DecimalField(**ROUNDED, allow_null=True)
    histogram = serializers.DecimalField(**ROUNDED, allow_null=True)


POINT_SERIALIZERS = {
    IndicatorName.SMA: ValuePointSerializer,
    IndicatorName.EMA: ValuePointSerializer,
    IndicatorName.RSI: ValuePointSerializer,
    IndicatorName.FIBONACCI: ValuePointSerializer,
    IndicatorName.BOLLINGER: BollingerPointSerializer,
    IndicatorName.MACD: MacdPointSerializer,
}


class FibonacciLevelOutputSerializer(serializers.Serializer):
    ratio = serializers.DecimalField(**EXACT)
    price = serializers.DecimalField(**ROUNDED)


class FibonacciOutputSerializer(serializers.Serializer):
    swing = serializers.ChoiceField(
        choices=[(s.value, s.value) for s in Swing],
        help_text="up: the low came first and the high last; down: the other way.",
    )
    high = serializers.DecimalField(**PRICE, help_text="The window's highest high.")
    low = serializers.DecimalField(**PRICE, help_text="The window's lowest low.")
    levels = FibonacciLevelOutputSerializer(many=True, help_text="From 0% (the swing's end).")


class IndicatorOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    interval = serializers.ChoiceField(choices=Candle.Interval.choices)
    name = serializers.ChoiceField(choices=[(n.value, n.value) for n in IndicatorName])
    params = IndicatorParamsOutputSerializer()
    points = serializers.SerializerMethodField()
    fibonacci = FibonacciOutputSerializer(
        allow_null=True, help_text="fibonacci only; null for the other indicators."
    )

    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="IndicatorPoint",
            serializers=[ValuePointSerializer, BollingerPointSerializer, MacdPointSerializer],
            resource_type_field_name=None,
            many=True,
        )
    )
    def get_points(self, indicator) -> list:
        """One point per candle, oldest first; values are null until enough history."""
        return POINT_SERIALIZERS[indicator["name"]](indicator["points"], many=True).data


class FundingRateOutputSerializer(serializers.Serializer):
    funding_time = _utc()
    rate = serializers.DecimalField(**RATE, help_text="Positive: longs paid shorts.")
    mark_price = serializers.DecimalField(**PRICE)
    index_price = serializers.DecimalField(**PRICE)


class WhaleTradeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    price = serializers.DecimalField(**PRICE)
    quantity = serializers.DecimalField(**SIZE)
    taker_side = serializers.CharField()
    created_at = _utc()


class SentimentOutputSerializer(serializers.Serializer):
    """How the platform's users stand, what funding paid, and the largest recent trades."""

    long_quantity = serializers.DecimalField(**SIZE)
    short_quantity = serializers.DecimalField(**SIZE)
    open_interest = serializers.DecimalField(
        **SIZE, help_text="Users' open positions: long plus short quantity."
    )
    long_accounts = serializers.IntegerField()
    short_accounts = serializers.IntegerField()
    long_short_ratio = serializers.DecimalField(
        **RATE, allow_null=True, help_text="Accounts long per account short; null with no shorts."
    )
    funding_rates = FundingRateOutputSerializer(many=True, help_text="Newest first.")
    whales = WhaleTradeOutputSerializer(many=True, help_text="Trades of at least the "
                                        "instrument's whale size, newest first.")  # fmt: skip
