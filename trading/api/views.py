import copy

from django.core.cache import cache
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import DefaultPagination
from config.api.schema import ERROR_RESPONSES, ErrorSerializer
from market import selectors as market_selectors
from trading import selectors, services
from trading.api.pagination import LedgerPagination, NewestFirstPagination
from trading.api.serializers import (
    AccountLedgerLineOutputSerializer,
    AccountOutputSerializer,
    AccountResetInputSerializer,
    EquityCurveFilterSerializer,
    EquityCurveOutputSerializer,
    FillFilterSerializer,
    FillOutputSerializer,
    IsolatedMarginInputSerializer,
    LedgerCursorFilterSerializer,
    LedgerFilterSerializer,
    LedgerLineOutputSerializer,
    LeverageInputSerializer,
    LeverageOutputSerializer,
    MarginModeInputSerializer,
    NotificationFilterSerializer,
    NotificationOutputSerializer,
    NotificationReadAllOutputSerializer,
    OcoOutputSerializer,
    OcoPlaceInputSerializer,
    OrderAmendInputSerializer,
    OrderBookFilterSerializer,
    OrderBookOutputSerializer,
    OrderCancelAllFilterSerializer,
    OrderCancelAllOutputSerializer,
    OrderFilterSerializer,
    OrderOutputSerializer,
    OrderPlaceInputSerializer,
    OrderPreviewOutputSerializer,
    PositionOutputSerializer,
    TradeFilterSerializer,
    TradeListOutputSerializer,
    order_data,
    position_data,
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
        responses={200: AccountLedgerLineOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        filters = LedgerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        account = selectors.paper_account_for_user(user=request.user)
        lines = selectors.ledger_line_list(account=account, **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(lines, request, view=self)
        data = AccountLedgerLineOutputSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


# Shared schema pieces -------------------------------------------------------------


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


SYMBOL = OpenApiParameter(
    "symbol",
    str,
    OpenApiParameter.PATH,
    description="The instrument's symbol, such as BTC-PERP.",
    examples=[OpenApiExample("A perpetual", value="BTC-PERP")],
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


# A user's paper account never changes hands and is never replaced (a reset keeps the
# row), so reads may take it from the cache. The key names the user's sign-up time as
# well as the id: a database created afresh under a running cache (a development reset)
# must not hand one user's account to the next user who gets the same id.
PAPER_ACCOUNT_CACHE_KEY = "paper-account:{user_id}:{joined}"
PAPER_ACCOUNT_CACHE_SECONDS = 600
# Each process also keeps the accounts it has found, up to this many (then it starts
# afresh): a request then spends no round trip to Redis on its account.
PAPER_ACCOUNTS_KEPT = 10_000
_paper_accounts: dict[str, object] = {}


def _account_for_read(request):
    """The user's paper account for a read that needs only its identity.

    Bots poll their positions and orders many times a minute; each poll would
    otherwise spend a query finding the same account. Placing an order takes it from
    here too: ``order_place`` locks and reads the row itself, and a cancel needs only
    the account's identity. Other writes keep ``_account``. Each request gets a copy
    of its own, which it may change.
    """
    user = request.user
    key = PAPER_ACCOUNT_CACHE_KEY.format(user_id=user.pk, joined=user.date_joined.timestamp())
    account = _paper_accounts.get(key)
    if account is None:
        account = cache.get(key)
        if account is None or account.user_id != user.pk:
            account = _account(request)
            cache.set(key, account, PAPER_ACCOUNT_CACHE_SECONDS)
        if len(_paper_accounts) >= PAPER_ACCOUNTS_KEPT:
            _paper_accounts.clear()
        _paper_accounts[key] = account
    return copy.copy(account)


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
        orders = selectors.order_list(account=_account_for_read(request), **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders.prefetch_related(None), request, view=self)
        selectors.orders_attached_load(page)
        return paginator.get_paginated_response([order_data(order) for order in page])

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
        examples=[
            OpenApiExample(
                "A short with a stop-loss",
                value={
                    "instrument": "BTC-PERP",
                    "side": "sell",
                    "type": "market",
                    "quantity": "0.5",
                    "client_order_id": "short-2026-11-25-001",
                    "stop_loss": {"stop_price": "52500"},
                },
                request_only=True,
            ),
            OpenApiExample(
                "Refused for margin",
                value={
                    "error": {
                        "code": "insufficient_margin",
                        "message": "The order needs 5,000.00 USD of margin; 1,200.00 is free.",
                        "fields": {},
                    }
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=["orders"],
    )
    def post(self, request):
        serializer = OrderPlaceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = services.order_place(
            account=_account_for_read(request),
            request=serializer.order_request(),
            client_order_id=serializer.validated_data.get("client_order_id"),
        )
        return Response(
            order_data(order), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
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


class OrderPreviewApi(APIView):
    # A preview writes nothing, so a read-scoped API key may ask for one.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_preview",
        summary="Preview an order without placing it",
        description="Takes the body `orders_place` takes and answers with the estimated "
        "entry price, fee, margin, liquidation price, loss at the stop-loss, profit at the "
        "take-profit and their ratio. An order `orders_place` would refuse for its shape, "
        "prices or sizes is refused here with the same error; a lack of margin is a "
        "warning instead. Nothing is written.",
        request=OrderPlaceInputSerializer,
        responses={
            200: OrderPreviewOutputSerializer,
            **ERROR_RESPONSES,
            **REFUSED,
            **NO_PRICE,
        },
        tags=["orders"],
    )
    def post(self, request):
        serializer = OrderPlaceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preview = selectors.order_preview(
            account=_account(request), request=serializer.order_request()
        )
        return Response(OrderPreviewOutputSerializer(preview).data)


class OcoCollectionApi(APIView):
    @extend_schema(
        operation_id="orders_place_oco",
        summary="Place a one-cancels-the-other pair",
        description="A limit leg that rests in the book and a stop leg, same side and "
        "quantity: the first to fill or trigger cancels the other, and canceling either "
        "cancels both. A sell pair exits a long (take profit above, stop below the current "
        "price); a buy pair exits a short. Refused with `invalid_oco_price` when the limit "
        "price is on the wrong side of the current price, `would_trigger_immediately` when "
        "the stop is, and every code an order can have. Answers 201 with both legs, or 200 "
        "with the pair a repeated `client_order_id` placed.",
        request=OcoPlaceInputSerializer,
        responses={
            201: OcoOutputSerializer,
            200: OpenApiResponse(OcoOutputSerializer, description="A retry: the same pair."),
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
        serializer = OcoPlaceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        legs, created = services.oco_place(
            account=_account(request),
            request=serializer.oco_request(),
            client_order_id=serializer.validated_data.get("client_order_id"),
        )
        return Response(
            OcoOutputSerializer({"oco_group": legs[0].oco_group, "orders": legs}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
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
        order = selectors.order_get(account=_account_for_read(request), order_id=order_id)
        return Response(order_data(order))

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
        return Response(order_data(order))

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
        order = services.order_cancel(account=_account_for_read(request), order_id=order_id)
        selectors.orders_attached_load([order])
        return Response(order_data(order))


# Positions ------------------------------------------------------------------------


class PositionListApi(APIView):
    @extend_schema(
        operation_id="positions_list",
        summary="List your open positions, valued at the mark",
        responses={200: PositionOutputSerializer(many=True), **ERROR_RESPONSES, **NO_PRICE},
        tags=["positions"],
    )
    def get(self, request):
        views = selectors.position_views(account=_account_for_read(request))
        return Response([position_data(view) for view in views])


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
        return Response(position_data(view))


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
        return Response(order_data(order))


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


class PositionMarginModeApi(APIView):
    @extend_schema(
        operation_id="positions_margin_mode",
        summary="Choose cross or isolated margin on one instrument",
        description="Cross margin (the default) backs a position with the whole account. "
        "Isolated margin sets aside notional / leverage for the position alone when it "
        "opens: that is all it can lose if it is liquidated, and a cross liquidation leaves "
        "it alone. Only while you have no position and no open order in the instrument "
        "(`margin_mode_locked`, 409); options always use cross margin "
        "(`invalid_margin_mode`).",
        parameters=[SYMBOL],
        request=MarginModeInputSerializer,
        responses={
            200: LeverageOutputSerializer,
            **ERROR_RESPONSES,
            **INSTRUMENT_NOT_FOUND,
            409: _error("A position or order is open in the instrument (`margin_mode_locked`)."),
        },
        tags=["positions"],
    )
    def post(self, request, symbol: str):
        instrument = market_selectors.instrument_get(symbol=symbol)
        serializer = MarginModeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        position = services.margin_mode_set(
            account=_account(request),
            instrument=instrument,
            margin_mode=serializer.validated_data["margin_mode"],
        )
        return Response(LeverageOutputSerializer(position).data)


class PositionIsolatedMarginApi(APIView):
    @extend_schema(
        operation_id="positions_isolated_margin",
        summary="Add margin to an isolated position, or take some out",
        description="A positive amount moves the liquidation price away and must be "
        "available (`insufficient_margin`); a negative amount must leave the position its "
        "initial margin. 404 without an open position, 409 `not_isolated` when it is on "
        "cross margin.",
        parameters=[SYMBOL],
        request=IsolatedMarginInputSerializer,
        responses={
            200: PositionOutputSerializer,
            **ERROR_RESPONSES,
            **POSITION_NOT_FOUND,
            409: _error("The position is on cross margin (`not_isolated`)."),
        },
        tags=["positions"],
    )
    def post(self, request, symbol: str):
        instrument = market_selectors.instrument_get(symbol=symbol)
        serializer = IsolatedMarginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = _account(request)
        services.isolated_margin_adjust(
            account=account, instrument=instrument, amount=serializer.validated_data["amount"]
        )
        view = selectors.position_view_get(account=account, instrument=instrument)
        return Response(position_data(view))


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


# Notifications and the equity curve ---------------------------------------------------

NOTIFICATION_ID = OpenApiParameter(
    "notification_id", int, OpenApiParameter.PATH, description="The notification's id."
)


class NotificationListApi(APIView):
    pagination_class = NewestFirstPagination

    @extend_schema(
        operation_id="notifications_list",
        summary="List your notifications, newest first",
        description="Margin warnings, stops and take-profits triggered, liquidations, "
        "funding payments and settlements.",
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        filters = NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notifications = selectors.notification_list(
            account=_account(request), unread=filters.validated_data["unread"]
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(notifications, request, view=self)
        return paginator.get_paginated_response(NotificationOutputSerializer(page, many=True).data)


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notification_read",
        summary="Mark one of your notifications read",
        request=None,
        parameters=[NOTIFICATION_ID],
        responses={
            200: NotificationOutputSerializer,
            404: _error("None of your notifications has this id (`not_found`)."),
            **ERROR_RESPONSES,
        },
        tags=["account"],
    )
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(
            account=_account(request), notification_id=notification_id
        )
        return Response(NotificationOutputSerializer(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        operation_id="notifications_read_all",
        summary="Mark all your notifications read",
        request=None,
        responses={200: NotificationReadAllOutputSerializer, **ERROR_RESPONSES},
        tags=["account"],
    )
    def post(self, request):
        marked = services.notifications_mark_all_read(account=_account(request))
        return Response(NotificationReadAllOutputSerializer({"marked": marked}).data)


class EquityCurveApi(APIView):
    @extend_schema(
        operation_id="account_equity_curve",
        summary="Read your account's equity curve",
        description="`1d`: the last day by the minute; `1m`: the last 30 days by the hour; "
        "`all`: every day since the account opened.",
        parameters=[EquityCurveFilterSerializer],
        responses={200: EquityCurveOutputSerializer, **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        filters = EquityCurveFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        span = filters.validated_data["range"]
        points = selectors.equity_curve(account=_account(request), range=span)
        resolution, _ = selectors.EQUITY_RANGES[span]
        return Response(
            EquityCurveOutputSerializer(
                {"range": span, "resolution": resolution, "points": points}
            ).data
        )
