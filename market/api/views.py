"""The public market API: instruments, their tickers, candles and indicators.

Anyone may read it without signing in. Callers who do send credentials are
authenticated as usual, so each client is throttled on its own.
"""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.api.pagination import DefaultPagination
from config.api.schema import ERROR_RESPONSES, ErrorSerializer
from market import selectors
from market.api.serializers import (
    CandleFilterSerializer,
    CandleListOutputSerializer,
    IndicatorFilterSerializer,
    IndicatorOutputSerializer,
    InstrumentFilterSerializer,
    InstrumentOutputSerializer,
    SentimentOutputSerializer,
    TickerOutputSerializer,
    ticker_data,
)

# Public reads are never forbidden; credentials count only when they are sent and wrong.
PUBLIC_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Credentials were sent and are not valid."),
    429: ERROR_RESPONSES[429],
}
INVALID = {400: ERROR_RESPONSES[400]}
NOT_FOUND = {
    404: OpenApiResponse(
        ErrorSerializer, description="No instrument has this symbol (`not_found`)."
    ),
}
NO_PRICE = {
    409: OpenApiResponse(
        ErrorSerializer, description="The underlying's feed has not ticked yet (`no_price`)."
    ),
}
SYMBOL = OpenApiParameter(
    "symbol",
    str,
    OpenApiParameter.PATH,
    description="The instrument's symbol, such as BTC-PERP or BTC-USD.",
    examples=[OpenApiExample("A perpetual", value="BTC-PERP")],
)


class PublicApi(APIView):
    """A read anyone may make."""

    permission_classes = [AllowAny]
    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES


class InstrumentListApi(PublicApi):
    pagination_class = DefaultPagination

    @extend_schema(
        operation_id="instruments_list",
        summary="List the instruments",
        parameters=[InstrumentFilterSerializer],
        responses={200: InstrumentOutputSerializer(many=True), **INVALID, **PUBLIC_ERRORS},
        tags=["market"],
    )
    def get(self, request):
        filters = InstrumentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        instruments = selectors.instrument_list(**filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(instruments, request, view=self)
        return paginator.get_paginated_response(InstrumentOutputSerializer(page, many=True).data)


class InstrumentDetailApi(PublicApi):
    @extend_schema(
        operation_id="instruments_retrieve",
        summary="Show one instrument",
        parameters=[SYMBOL],
        responses={200: InstrumentOutputSerializer, **PUBLIC_ERRORS, **NOT_FOUND},
        tags=["market"],
    )
    def get(self, request, symbol: str):
        instrument = selectors.instrument_get(symbol=symbol)
        return Response(InstrumentOutputSerializer(instrument).data)


class TickerApi(PublicApi):
    @extend_schema(
        operation_id="instruments_ticker",
        summary="Show an instrument's latest quote",
        description="Index, mark, the outside liquidity's bid and ask, and the last trade. "
        "Perpetuals add the predicted funding rate and the next funding time, options the "
        "implied volatility and the Greeks; for other kinds those fields are null. "
        "`stale` says the feed stopped ticking (`updated_at` is its last tick), `paused` that "
        "a historical replay stands still on purpose.",
        parameters=[SYMBOL],
        responses={200: TickerOutputSerializer, **PUBLIC_ERRORS, **NOT_FOUND, **NO_PRICE},
        tags=["market"],
    )
    def get(self, request, symbol: str):
        instrument = selectors.instrument_get(symbol=symbol)
        quote = selectors.ticker_get(instrument=instrument)
        freshness = selectors.price_freshness(instrument=instrument)
        last = selectors.last_price(instrument=instrument)
        return Response(ticker_data(quote, freshness=freshness, last=last))


class CandleListApi(PublicApi):
    @extend_schema(
        operation_id="instruments_candles",
        summary="List an instrument's candles, oldest first",
        description="Candles of the mark price. With `start`, the first `limit` candles "
        "from there; without it, the most recent `limit` (before `end` if given).",
        parameters=[SYMBOL, CandleFilterSerializer],
        responses={200: CandleListOutputSerializer, **INVALID, **PUBLIC_ERRORS, **NOT_FOUND},
        tags=["market"],
    )
    def get(self, request, symbol: str):
        instrument = selectors.instrument_get(symbol=symbol)
        filters = CandleFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        candles = selectors.candle_list(instrument=instrument, **filters.validated_data)
        output = {
            "symbol": instrument.symbol,
            "interval": filters.validated_data["interval"],
            "candles": candles,
        }
        return Response(CandleListOutputSerializer(output).data)


class IndicatorApi(PublicApi):
    @extend_schema(
        operation_id="instruments_indicators",
        summary="Compute a chart indicator over an instrument's candles",
        description="`sma`, `ema`, `rsi` (`period`), `bollinger` (`period`, `k`) and "
        "`macd` (`fast`, `slow`, `signal`) give one point per candle of the window that "
        "`interval`, `start`, `end` and `limit` choose, as the candles endpoint does; the "
        "candles just before the window warm them up. `fibonacci` gives the retracement "
        "levels between the window's highest high and lowest low, and as points the "
        "swing's start and end.",
        parameters=[SYMBOL, IndicatorFilterSerializer],
        responses={200: IndicatorOutputSerializer, **INVALID, **PUBLIC_ERRORS, **NOT_FOUND},
        tags=["market"],
    )
    def get(self, request, symbol: str):
        instrument = selectors.instrument_get(symbol=symbol)
        filters = IndicatorFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        series = selectors.indicator_get(instrument=instrument, **filters.validated_data)
        output = {
            "symbol": instrument.symbol,
            "interval": filters.validated_data["interval"],
            "name": series.name,
            "params": series.params,
            "points": series.points,
            "fibonacci": series.fibonacci,
        }
        return Response(IndicatorOutputSerializer(output).data)


class SentimentApi(PublicApi):
    @extend_schema(
        operation_id="instruments_sentiment",
        summary="Show how users stand in an instrument",
        description="Long and short quantity and accounts, open interest, the funding rates "
        "fixed so far (perpetuals) and the latest whale trades.",
        parameters=[SYMBOL],
        responses={200: SentimentOutputSerializer, **PUBLIC_ERRORS, **NOT_FOUND},
        tags=["market"],
    )
    def get(self, request, symbol: str):
        instrument = selectors.instrument_get(symbol=symbol)
        return Response(SentimentOutputSerializer(selectors.sentiment(instrument=instrument)).data)
