from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import DefaultPagination
from config.api.schema import ERROR_RESPONSES, ErrorSerializer
from market import selectors as market_selectors
from trading import selectors, services
from trading.api.pagination import LedgerPagination, NewestFirstPagination
from trading.api.serializers import (
    AccountOutputSerializer,
    AccountResetInputSerializer,
    FillFilterSerializer,
    FillOutputSerializer,
    LedgerCursorFilterSerializer,
    LedgerFilterSerializer,
    LedgerLineOutputSerializer,
    LeverageInputSerializer,
    LeverageOutputSerializer,
    OrderAmendInputSerializer,
    OrderBookFilterSerializer,
    OrderBookOutputSerializer,
    OrderCancelAllFilterSerializer,
    OrderCancelAllOutputSerializer,
    OrderFilterSerializer,
    OrderOutputSerializer,
    OrderPlaceInputSerializer,
    PositionOutputSerializer,
    TradeFilterSerializer,
    TradeListOutputSerializer,
)


class AccountDetailApi(APIView):
    @extend_schema(
        operation_id="account_retrieve",
        summary="Read your paper account",
        responses={200: AccountOutputSerializer, **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        account = selectors.paper_account_for_user(user=request.user)
        summary = selectors.account_summary(account=account)
        return Response(AccountOutputSerializer(summary).data)


class AccountResetApi(APIView):
    @extend_schema(
        operation_id="account_reset",
        summary="Reset your paper account to the starting balance",
        description="Cancels open orders, closes positions and restores the starting "
        "balance through ledger entries; the history stays.",
        request=AccountResetInputSerializer,
        responses={200: AccountOutputSerializer, **ERROR_RESPONSES},
        tags=["account"],
    )
    def post(self, request):
        AccountResetInputSerializer(data=request.data).is_valid(raise_exception=True)
        account = selectors.paper_account_for_user(user=request.user)
        services.account_reset(account=account, requested_by=request.user)
        summary = selectors.account_summary(account=account)
        return Response(AccountOutputSerializer(summary).data, status=status.HTTP_200_OK)


class LedgerListApi(APIView):
    pagination_class = DefaultPagination  # So the schema shows the page, as the view answers.

    @extend_schema(
        operation_id="account_ledger_list",
        summary="List your ledger lines, newest first",
        parameters=[LedgerFilterSerializer],
        responses={200: LedgerLineOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        filters = LedgerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        account = selectors.paper_account_for_user(user=request.user)
        lines = selectors.ledger_line_list(account=account, **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(lines, request, view=self)
        return paginator.get_paginated_response(LedgerLineOutputSerializer(page, many=True).data)


# Shared schema pieces -------------------------------------------------------------


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


SYMBOL = OpenApiParameter(
    "symbol", str, OpenApiParameter.PATH, description="The instrument's symbol, such as BTC-PERP."
)
ORDER_ID = OpenApiParameter("order_id", int, OpenApiParameter.PATH, description="The order's id.")
REFUSED = {
    400: _error(
        "Invalid input (`invalid`, `parse_error`) or the order was refused with a specific "
        "code: `insufficient_margin`, `invalid_quantity`, `invalid_price`, "
        "`invalid_stop_price`, `instrument_halted`, `instrument_expired`, "
        "`reduce_only_would_increase`, `post_only_would_take`, `would_trigger_immediately`, "
        "`unknown_instrument`, `invalid_stop_loss`, `invalid_take_profit`, `position_limit`... "
        "Nothing changed."
    ),
}
ORDER_NOT_FOUND = {404: _error("None of your orders has this id (`not_found`).")}
ORDER_NOT_OPEN = {409: _error("The order is no longer open (`order_not_open`).")}
INSTRUMENT_NOT_FOUND = {404: _error("No instrument has this symbol (`not_found`).")}
POSITION_NOT_FOUND = {
    404: _error("No instrument has this symbol, or you hold no position in it (`not_found`).")
}
NO_PRICE = {409: _error("The underlying's feed has not ticked yet (`no_price`).")}
# Public reads are never forbidden; credentials count only when they are sent and wrong.
PUBLIC_ERRORS = {
    400: ERROR_RESPONSES[400],
    401: _error("Credentials were sent and are not valid."),
    429: ERROR_RESPONSES[429],
}


def _account(request):
    return selectors.paper_account_for_user(user=request.user)


# Orders ---------------------------------------------------------------------------


class OrderCollectionApi(APIView):
    pagination_class = NewestFirstPagination

    @extend_schema(
        operation_id="orders_list",
        summary="List your orders, newest first",
        parameters=[OrderFilterSerializer],
        responses={200: OrderOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=["orders"],
    )
    def get(self, request):
        filters = OrderFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        orders = selectors.order_list(account=_account(request), **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(OrderOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="orders_place",
        summary="Place an order",
        description="Answers 201 with the new order. Sending the same `client_order_id` "
        "with the same body again answers 200 with the order placed the first time; the "
        "same id with another body is a 409 `duplicate_client_order_id`. A `stop_loss` "
        "or `take_profit` attaches a reduce-only exit on the other side.",
        request=OrderPlaceInputSerializer,
        responses={
            201: OrderOutputSerializer,
            200: OpenApiResponse(
                OrderOutputSerializer, description="A retry: the order this client_order_id placed."
            ),
            **ERROR_RESPONSES,
            **REFUSED,
            409: _error(
                "The client_order_id was used for another order "
                "(`duplicate_client_order_id`), or there is no price yet (`no_price`)."
            ),
        },
        tags=["orders"],
    )
    def post(self, request):
        serializer = OrderPlaceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = services.order_place(
            account=_account(request),
            request=serializer.order_request(),
            client_order_id=serializer.validated_data.get("client_order_id"),
        )
        return Response(
            OrderOutputSerializer(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="orders_cancel_all",
        summary="Cancel all your open orders",
        description="On every instrument, or on one with `instrument`.",
        parameters=[OrderCancelAllFilterSerializer],
        responses={200: OrderCancelAllOutputSerializer, **ERROR_RESPONSES},
        tags=["orders"],
    )
    def delete(self, request):
        filters = OrderCancelAllFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        canceled = services.order_cancel_all(
            account=_account(request), instrument=filters.validated_data.get("instrument")
        )
        return Response(
            OrderCancelAllOutputSerializer({"canceled": [order.pk for order in canceled]}).data
        )


class OrderDetailApi(APIView):
    @extend_schema(
        operation_id="orders_retrieve",
        summary="Show one of your orders",
        parameters=[ORDER_ID],
        responses={200: OrderOutputSerializer, **ERROR_RESPONSES, **ORDER_NOT_FOUND},
        tags=["orders"],
    )
    def get(self, request, order_id: int):
        order = selectors.order_get(account=_account(request), order_id=order_id)
        return Response(OrderOutputSerializer(order).data)

    @extend_schema(
        operation_id="orders_amend",
        summary="Change an open order's price, quantity or stop price",
        description="Lowering only the quantity keeps the order's place in the queue; any "
        "other change sends it to the back. A new price that crosses the book trades at once.",
        parameters=[ORDER_ID],
        request=OrderAmendInputSerializer,
        responses={
            200: OrderOutputSerializer,
            **ERROR_RESPONSES,
            **REFUSED,
            **ORDER_NOT_FOUND,
            **ORDER_NOT_OPEN,
        },
        tags=["orders"],
    )
    def patch(self, request, order_id: int):
        serializer = OrderAmendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.order_amend(
            account=_account(request), order_id=order_id, **serializer.validated_data
        )
        return Response(OrderOutputSerializer(order).data)

    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an open order",
        description="Its attached stop-loss and take-profit are canceled with it.",
        parameters=[ORDER_ID],
        responses={
            200: OrderOutputSerializer,
            **ERROR_RESPONSES,
            **ORDER_NOT_FOUND,
            **ORDER_NOT_OPEN,
        },
        tags=["orders"],
    )
    def delete(self, request, order_id: int):
        order = services.order_cancel(account=_account(request), order_id=order_id)
        return Response(OrderOutputSerializer(order).data)


# Positions ------------------------------------------------------------------------


class PositionListApi(APIView):
    @extend_schema(
        operation_id="positions_list",
        summary="List your open positions, valued at the mark",
        responses={200: PositionOutputSerializer(many=True), **ERROR_RESPONSES, **NO_PRICE},
        tags=["positions"],
    )
    def get(self, request):
        views = selectors.position_views(account=_account(request))
        return Response(PositionOutputSerializer(views, many=True).data)


class PositionDetailApi(APIView):
    @extend_schema(
        operation_id="positions_retrieve",
        summary="Show your open position in one instrument",
        parameters=[SYMBOL],
        responses={
            200: PositionOutputSerializer,
            **ERROR_RESPONSES,
            **POSITION_NOT_FOUND,
            **NO_PRICE,
        },
        tags=["positions"],
    )
    def get(self, request, symbol: str):
        instrument = market_selectors.instrument_get(symbol=symbol)
        view = selectors.position_view_get(account=_account(request), instrument=instrument)
        return Response(PositionOutputSerializer(view).data)


class PositionCloseApi(APIView):
    @extend_schema(
        operation_id="positions_close",
        summary="Close your whole position in one instrument at the market",
        description="Answers with the closing order: reduce-only, immediate or cancel.",
        parameters=[SYMBOL],
        request=None,
        responses={
            200: OrderOutputSerializer,
            **ERROR_RESPONSES,
            **REFUSED,
            **POSITION_NOT_FOUND,
            **NO_PRICE,
        },
        tags=["positions"],
    )
    def post(self, request, symbol: str):
        instrument = market_selectors.instrument_get(symbol=symbol)
        order = services.position_close(account=_account(request), instrument=instrument)
        return Response(OrderOutputSerializer(order).data)


class PositionLeverageApi(APIView):
    @extend_schema(
        operation_id="positions_leverage",
        summary="Set your leverage on one instrument",
        description="Works with or without an open position; refused (`insufficient_margin`) "
        "when your positions and orders would then need more margin than you have, and "
        "`invalid_leverage` outside 1x to the instrument's maximum.",
        parameters=[SYMBOL],
        request=LeverageInputSerializer,
        responses={
            200: LeverageOutputSerializer,
            **ERROR_RESPONSES,
            **INSTRUMENT_NOT_FOUND,
        },
        tags=["positions"],
    )
    def post(self, request, symbol: str):
        instrument = market_selectors.instrument_get(symbol=symbol)
        serializer = LeverageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        position = services.leverage_set(
            account=_account(request),
            instrument=instrument,
            leverage=serializer.validated_data["leverage"],
        )
        return Response(LeverageOutputSerializer(position).data)


# Fills and the ledger -------------------------------------------------------------


class FillListApi(APIView):
    pagination_class = NewestFirstPagination

    @extend_schema(
        operation_id="fills_list",
        summary="List your fills, newest first",
        parameters=[FillFilterSerializer],
        responses={200: FillOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=["orders"],
    )
    def get(self, request):
        filters = FillFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        order_id = data.pop("order", None)
        fills = selectors.fill_list(account=_account(request), order_id=order_id, **data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(fills, request, view=self)
        return paginator.get_paginated_response(FillOutputSerializer(page, many=True).data)


class LedgerCursorListApi(APIView):
    pagination_class = LedgerPagination

    @extend_schema(
        operation_id="ledger_list",
        summary="List your ledger lines, newest first",
        description="Every movement of your cash: deposits, fees, realised PnL, funding, "
        "borrow interest, financing, premiums, settlements.",
        parameters=[LedgerCursorFilterSerializer],
        responses={200: LedgerLineOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        filters = LedgerCursorFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        lines = selectors.ledger_line_list(
            account=_account(request), kind=data.pop("type", None), **data
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(lines, request, view=self)
        return paginator.get_paginated_response(LedgerLineOutputSerializer(page, many=True).data)


# Public market data ---------------------------------------------------------------


class PublicApi(APIView):
    """A read anyone may make."""

    permission_classes = [AllowAny]


class OrderBookApi(PublicApi):
    @extend_schema(
        operation_id="instruments_orderbook",
        summary="Show an instrument's order book",
        description="Users' resting orders merged with the simulated outside liquidity "
        "around the mark; `users_quantity` is the users' part of each level.",
        parameters=[SYMBOL, OrderBookFilterSerializer],
        responses={
            200: OrderBookOutputSerializer,
            **PUBLIC_ERRORS,
            **INSTRUMENT_NOT_FOUND,
            **NO_PRICE,
        },
        tags=["market"],
    )
    def get(self, request, symbol: str):
        instrument = market_selectors.instrument_get(symbol=symbol)
        filters = OrderBookFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        book = selectors.order_book_depth(
            instrument=instrument, depth=filters.validated_data["depth"]
        )
        return Response(OrderBookOutputSerializer({"symbol": instrument.symbol, **book}).data)


class TradeListApi(PublicApi):
    @extend_schema(
        operation_id="instruments_trades",
        summary="List an instrument's latest trades on the platform",
        parameters=[SYMBOL, TradeFilterSerializer],
        responses={200: TradeListOutputSerializer, **PUBLIC_ERRORS, **INSTRUMENT_NOT_FOUND},
        tags=["market"],
    )
    def get(self, request, symbol: str):
        instrument = market_selectors.instrument_get(symbol=symbol)
        filters = TradeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        trades = market_selectors.trade_list(
            instrument=instrument, whales_only=filters.validated_data["whales"]
        )[: filters.validated_data["limit"]]
        output = {"symbol": instrument.symbol, "trades": trades}
        return Response(TradeListOutputSerializer(output).data)
