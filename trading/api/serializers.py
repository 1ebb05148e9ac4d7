import copy

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from config.errors import NotFound
from market import selectors as market_selectors
from market.models import Instrument
from trading.models import Fill, JournalEntry, Notification, Order, Position
from trading.services.orders import Exit, OcoRequest, OrderRequest


class AccountOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="account_id")
    currency = serializers.CharField()
    cash = serializers.DecimalField(max_digits=28, decimal_places=8)
    equity = serializers.DecimalField(max_digits=28, decimal_places=8)
    margin_used = serializers.DecimalField(max_digits=28, decimal_places=8)
    available = serializers.DecimalField(max_digits=28, decimal_places=8)


class LedgerLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry_id = serializers.IntegerField()
    kind = serializers.ChoiceField(source="entry.kind", choices=JournalEntry.Kind.choices)
    memo = serializers.CharField(source="entry.memo")
    asset = serializers.CharField()
    amount = serializers.DecimalField(max_digits=28, decimal_places=8)
    created_at = serializers.DateTimeField(source="entry.created_at")


class AccountLedgerLineOutputSerializer(LedgerLineOutputSerializer):
    """A ledger line as ``/account/ledger`` pages it, by page number.

    A name of its own, so its page's schema (with ``count``) and ``/ledger``'s cursor
    page (without) do not share one component.
    """


class LedgerFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, required=False)
    asset = serializers.CharField(max_length=12, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        return attrs


class AccountResetInputSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="Must be true: the reset cancels open orders, closes positions and "
        "restores the starting balance."
    )

    def validate_confirm(self, value):
        if value is not True:
            raise serializers.ValidationError("Set confirm to true to reset the account.")
        return value


# Orders --------------------------------------------------------------------------


class EnumField(serializers.ChoiceField):
    """A choice field that the schema documents as the enum component ``enum_name``."""

    def __init__(self, enum_name: str, choices, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices=choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    """Document an ``EnumField`` as a reference to its own named enum.

    ``side`` and ``status`` mean different choice sets on orders, positions and
    instruments; naming each set keeps the schema's enums apart and stable.
    """

    target_class = EnumField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "type": "string",
                "enum": list(field.choices),
                "description": "\n".join(
                    f"* `{value}` - {label}" for value, label in field.choices.items()
                ),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# DRF deep-copies every declared field for every instance, arguments, validators and
# choices included; for the order's body that was a twentieth of an order's CPU in the
# web process. With this mixin a leaf field's copy shares its (never changed)
# arguments, validators and choices, and gets its own name, parent and source when
# bound; nested serializers are still deep-copied, as DRF does. (A comment, not a
# docstring: the schema would take a docstring as the description of every body.)
class ShallowCopiedFields:
    def get_fields(self):
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


AMOUNT = {"max_digits": 28, "decimal_places": 8}
# Stored as numeric(8, 4): more places would be rounded away without a word.
PERCENT = {"max_digits": 8, "decimal_places": 4}
ORDER_STATUS_FILTERS = [*Order.Status.choices, ("open", "Open (new, partially filled, triggered)")]


def _positive(value):
    if value is not None and value <= 0:
        raise serializers.ValidationError("Must be positive.")


def _amount(**kwargs) -> serializers.DecimalField:
    """A positive decimal string, up to 20 digits before the point and 8 after."""
    return serializers.DecimalField(**AMOUNT, validators=[_positive], **kwargs)


def _optional_amount(help_text: str) -> serializers.DecimalField:
    return _amount(required=False, allow_null=True, help_text=help_text)


def _instrument_symbol(value: str) -> Instrument:
    try:
        return market_selectors.instrument_get(symbol=value)
    except NotFound as error:
        raise serializers.ValidationError(error.message) from error


class ExitInputSerializer(serializers.Serializer):
    stop_price = _amount(help_text="The trigger price.")
    price = _optional_amount("A limit price once triggered; without it the exit is a market order.")


class OrderPlaceInputSerializer(ShallowCopiedFields, serializers.Serializer):
    instrument = serializers.CharField(max_length=32, help_text="The symbol, such as BTC-PERP.")
    side = EnumField("OrderSideEnum", Order.Side.choices)
    type = EnumField("OrderTypeEnum", Order.Type.choices)
    quantity = _amount(help_text="In the underlying (BTC), a multiple of the lot size.")
    price = _optional_amount("Limit price: limit, stop_limit and take_profit_limit.")
    stop_price = _optional_amount("Trigger price: stop and take-profit types.")
    trailing_amount = _optional_amount("Trailing stop: distance in the quote currency.")
    trailing_percent = serializers.DecimalField(
        **PERCENT,
        validators=[_positive],
        required=False,
        allow_null=True,
        help_text="Trailing stop: distance in percent (1.5 is 1.5%).",
    )
    trigger_by = EnumField("TriggerByEnum", Order.TriggerBy.choices, default=Order.TriggerBy.MARK)
    time_in_force = EnumField(
        "TimeInForceEnum", Order.TimeInForce.choices, default=Order.TimeInForce.GTC
    )
    expire_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Required with gtd, and only with gtd."
    )
    post_only = serializers.BooleanField(default=False)
    reduce_only = serializers.BooleanField(default=False)
    client_order_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        help_text="Your own id. Sending the same id and body again returns the same order.",
    )
    stop_loss = ExitInputSerializer(required=False, allow_null=True)
    take_profit = ExitInputSerializer(required=False, allow_null=True)

    def validate(self, attrs):
        gtd = attrs["time_in_force"] == Order.TimeInForce.GTD
        if gtd and attrs.get("expire_at") is None:
            raise serializers.ValidationError({"expire_at": ["Required with time_in_force gtd."]})
        if not gtd and attrs.get("expire_at") is not None:
            raise serializers.ValidationError({"expire_at": ["Only with time_in_force gtd."]})
        if attrs.get("trailing_amount") is not None and attrs.get("trailing_percent") is not None:
            raise serializers.ValidationError(
                {"trailing_percent": ["Give trailing_amount or trailing_percent, not both."]}
            )
        return attrs

    def order_request(self) -> OrderRequest:
        """The validated body as the service's request; client_order_id stays apart."""
        data = dict(self.validated_data)
        data.pop("client_order_id", None)
        for name in ("stop_loss", "take_profit"):
            exit_ = data.pop(name, None)
            data[name] = Exit(**exit_) if exit_ else None
        return OrderRequest(**{key: value for key, value in data.items() if value is not None})


class PreviewWarningOutputSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="`insufficient_margin`, `position_limit`, `partial_fill` or "
        "`stop_beyond_liquidation`."
    )
    message = serializers.CharField()


def _preview_amount(help_text: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**AMOUNT, help_text=help_text, **kwargs)


class OrderPreviewOutputSerializer(serializers.Serializer):
    """What an order would cost and risk; nothing is placed."""

    instrument = serializers.CharField(source="instrument.symbol")
    side = EnumField("OrderSideEnum", Order.Side.choices)
    type = EnumField("OrderTypeEnum", Order.Type.choices)
    quantity = serializers.DecimalField(**AMOUNT)
    mark_price = serializers.DecimalField(**AMOUNT)
    entry_price = _preview_amount(
        "Estimated average price: market and limit orders matched against the book and the "
        "outside liquidity as they stand, stops at their stop (or limit) price."
    )
    immediate_quantity = _preview_amount("Would trade at once.")
    resting_quantity = _preview_amount("Would wait in the book or for its trigger.")
    notional = _preview_amount("Quantity times the estimated entry price.")
    fee = _preview_amount("Estimated fee: taker for what trades at once, maker for the rest.")
    leverage = serializers.DecimalField(max_digits=6, decimal_places=2)
    initial_margin = _preview_amount("Margin the order adds once it has filled.")
    premium = _preview_amount("Options: premium paid (positive) or received (negative).")
    cost = _preview_amount("Margin, fee and premium paid: what it takes from available.")
    available = _preview_amount("Available for new orders now.")
    available_after = _preview_amount("Available once the order has filled; below zero: refused.")
    position_after = _preview_amount("Your position once the order has filled; negative: short.")
    liquidation_price = _preview_amount(
        "Liquidation price of the position afterwards; null for options, when flat, or when "
        "no price liquidates.",
        allow_null=True,
    )
    loss_at_stop = _preview_amount(
        "Loss if the attached stop-loss closes the whole order, fees included; null without "
        "a stop-loss.",
        allow_null=True,
    )
    profit_at_take_profit = _preview_amount(
        "Profit if the attached take-profit closes the whole order, fees included.",
        allow_null=True,
    )
    risk_reward_ratio = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        allow_null=True,
        help_text="Profit at the take-profit per unit of loss at the stop (2 reads 1:2).",
    )
    risk_percent_of_equity = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        allow_null=True,
        help_text="Loss at the stop as a percentage of your equity.",
    )
    carrying_cost_per_day = _preview_amount(
        "Funding, borrow interest or financing for a day at today's rates; negative: "
        "received. Null for futures, options and reduce-only orders.",
        allow_null=True,
    )
    warnings = PreviewWarningOutputSerializer(many=True)


class OcoPlaceInputSerializer(serializers.Serializer):
    instrument = serializers.CharField(max_length=32, help_text="The symbol, such as BTC-PERP.")
    side = EnumField("OrderSideEnum", Order.Side.choices)
    quantity = _amount(help_text="Of each leg, in the underlying, a multiple of the lot size.")
    price = _amount(
        help_text="The limit leg's price: above the current price for a sell pair, below it "
        "for a buy pair."
    )
    stop_price = _amount(
        help_text="The stop leg's trigger: below the current price for a sell pair, above it "
        "for a buy pair."
    )
    stop_limit_price = _optional_amount(
        "With it the stop leg is a stop-limit at this price; without it, a stop-market."
    )
    trigger_by = EnumField("TriggerByEnum", Order.TriggerBy.choices, default=Order.TriggerBy.MARK)
    reduce_only = serializers.BooleanField(default=False)
    client_order_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        help_text="Your own id for the pair, given to its limit leg. Sending the same id and "
        "body again returns the same pair.",
    )

    def oco_request(self) -> OcoRequest:
        data = dict(self.validated_data)
        data.pop("client_order_id", None)
        return OcoRequest(**{key: value for key, value in data.items() if value is not None})


class OrderAmendInputSerializer(serializers.Serializer):
    price = _amount(required=False)
    quantity = _amount(required=False)
    stop_price = _amount(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send price, quantity or stop_price to change.")
        return attrs


class OrderFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ORDER_STATUS_FILTERS, required=False, help_text="A status, or open."
    )
    instrument = serializers.CharField(max_length=32, required=False)

    def validate_instrument(self, value):
        return _instrument_symbol(value)


class OrderCancelAllFilterSerializer(serializers.Serializer):
    instrument = serializers.CharField(
        max_length=32, required=False, help_text="Only this instrument's orders."
    )

    def validate_instrument(self, value):
        return _instrument_symbol(value)


class AttachedOrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = EnumField("OrderRoleEnum", Order.Role.choices)
    type = EnumField("OrderTypeEnum", Order.Type.choices)
    status = EnumField("OrderStatusEnum", Order.Status.choices)
    stop_price = serializers.DecimalField(**AMOUNT, allow_null=True)
    price = serializers.DecimalField(**AMOUNT, allow_null=True)


class OrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_order_id = serializers.CharField(allow_null=True)
    instrument = serializers.CharField(source="instrument.symbol")
    side = EnumField("OrderSideEnum", Order.Side.choices)
    type = EnumField("OrderTypeEnum", Order.Type.choices)
    quantity = serializers.DecimalField(**AMOUNT)
    price = serializers.DecimalField(**AMOUNT, allow_null=True)
    stop_price = serializers.DecimalField(**AMOUNT, allow_null=True)
    trailing_amount = serializers.DecimalField(**AMOUNT, allow_null=True)
    trailing_percent = serializers.DecimalField(**PERCENT, allow_null=True)
    trigger_by = EnumField("TriggerByEnum", Order.TriggerBy.choices)
    time_in_force = EnumField("TimeInForceEnum", Order.TimeInForce.choices)
    expire_at = serializers.DateTimeField(allow_null=True)
    post_only = serializers.BooleanField()
    reduce_only = serializers.BooleanField()
    role = EnumField("OrderRoleEnum", Order.Role.choices)
    parent_id = serializers.IntegerField(allow_null=True)
    oco_group = serializers.UUIDField(
        allow_null=True, help_text="Shared by the two legs of a one-cancels-the-other pair."
    )
    status = EnumField("OrderStatusEnum", Order.Status.choices)
    filled_quantity = serializers.DecimalField(**AMOUNT)
    average_price = serializers.DecimalField(**AMOUNT, allow_null=True)
    fees = serializers.DecimalField(**AMOUNT)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    attached = AttachedOrderOutputSerializer(
        many=True, help_text="The stop-loss and take-profit attached to this entry."
    )


_ORDER_OUTPUT = OrderOutputSerializer()


def order_data(order: Order) -> dict:
    """An order as ``OrderOutputSerializer(order).data`` shows it, with shared fields.

    DRF deep-copies a serializer's fields for every new serializer; answering with
    one order spends most of its time there. The fields keep no state between calls,
    so one serializer serves every thread.
    """
    return _ORDER_OUTPUT.to_representation(order)


class OcoOutputSerializer(serializers.Serializer):
    oco_group = serializers.UUIDField()
    orders = OrderOutputSerializer(many=True, help_text="The limit leg, then the stop leg.")


class OrderCancelAllOutputSerializer(serializers.Serializer):
    canceled = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the orders canceled."
    )


# Positions -----------------------------------------------------------------------


class PositionCostsOutputSerializer(serializers.Serializer):
    """What holding the position has cost so far (negative: received)."""

    fees = serializers.DecimalField(**AMOUNT, source="fees_paid")
    funding = serializers.DecimalField(**AMOUNT, source="funding_paid")
    borrow_interest = serializers.DecimalField(**AMOUNT, source="borrow_interest_paid")
    financing = serializers.DecimalField(**AMOUNT, source="financing_paid")
    premium = serializers.DecimalField(**AMOUNT, source="premium_paid")


class PositionOutputSerializer(serializers.Serializer):
    instrument = serializers.CharField(source="instrument.symbol")
    side = EnumField("PositionSideEnum", [("long", "Long"), ("short", "Short")])
    quantity = serializers.DecimalField(**AMOUNT, help_text="Unsigned; side says which way.")
    entry_price = serializers.DecimalField(**AMOUNT, source="position.entry_price")
    mark_price = serializers.DecimalField(**AMOUNT)
    notional = serializers.DecimalField(**AMOUNT, help_text="Quantity times the mark price.")
    unrealized_pnl = serializers.DecimalField(**AMOUNT)
    realized_pnl = serializers.DecimalField(**AMOUNT, source="position.realized_pnl")
    margin = serializers.DecimalField(
        **AMOUNT, source="initial_margin", help_text="Initial margin the position holds."
    )
    maintenance_margin = serializers.DecimalField(**AMOUNT)
    leverage = serializers.DecimalField(max_digits=6, decimal_places=2, source="position.leverage")
    margin_mode = EnumField(
        "MarginModeEnum", Position.MarginMode.choices, source="position.margin_mode"
    )
    isolated_margin = serializers.DecimalField(
        **AMOUNT,
        source="position.isolated_margin",
        help_text="Margin set aside for an isolated position (0 in cross margin).",
    )
    liquidation_price = serializers.DecimalField(
        **AMOUNT, allow_null=True, help_text="Null for options, and when no price liquidates."
    )
    opened_at = serializers.DateTimeField(source="position.opened_at", allow_null=True)
    costs = PositionCostsOutputSerializer(source="position")


_POSITION_OUTPUT = PositionOutputSerializer()


def position_data(view) -> dict:
    """A position as ``PositionOutputSerializer(view).data`` shows it, with shared fields.

    As ``order_data``: no field keeps state between calls.
    """
    return _POSITION_OUTPUT.to_representation(view)


class LeverageInputSerializer(serializers.Serializer):
    leverage = serializers.DecimalField(
        **AMOUNT, help_text="From 1 to the instrument's max_leverage, two decimals at most."
    )


class MarginModeInputSerializer(serializers.Serializer):
    margin_mode = EnumField("MarginModeEnum", Position.MarginMode.choices)


class IsolatedMarginInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        **AMOUNT, help_text="Margin to add to the isolated position; negative takes some out."
    )


class LeverageOutputSerializer(serializers.Serializer):
    instrument = serializers.CharField(source="instrument.symbol")
    leverage = serializers.DecimalField(max_digits=6, decimal_places=2)
    margin_mode = EnumField("MarginModeEnum", Position.MarginMode.choices)


# Fills and the ledger ------------------------------------------------------------


class FillFilterSerializer(serializers.Serializer):
    instrument = serializers.CharField(max_length=32, required=False)
    order = serializers.IntegerField(min_value=1, required=False, help_text="An order's id.")
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate_instrument(self, value):
        return _instrument_symbol(value)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        return attrs


class FillOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    instrument = serializers.CharField(source="instrument.symbol")
    side = EnumField("OrderSideEnum", Order.Side.choices)
    price = serializers.DecimalField(**AMOUNT)
    quantity = serializers.DecimalField(**AMOUNT)
    fee = serializers.DecimalField(**AMOUNT)
    liquidity = EnumField("LiquidityEnum", Fill.Liquidity.choices)
    counterparty = EnumField("CounterpartyEnum", Fill.Counterparty.choices)
    realized_pnl = serializers.DecimalField(**AMOUNT)
    created_at = serializers.DateTimeField()


class LedgerCursorFilterSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=JournalEntry.Kind.choices, required=False, help_text="The journal entry's kind."
    )
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        return attrs


# Public market data --------------------------------------------------------------

ORDER_BOOK_MAX_DEPTH = 100
TRADE_LIST_MAX = 500


class OrderBookFilterSerializer(serializers.Serializer):
    depth = serializers.IntegerField(
        min_value=1, max_value=ORDER_BOOK_MAX_DEPTH, default=20, help_text="Levels per side."
    )


class BookLevelOutputSerializer(serializers.Serializer):
    price = serializers.DecimalField(**AMOUNT)
    quantity = serializers.DecimalField(**AMOUNT, help_text="Everything at this price.")
    users_quantity = serializers.DecimalField(
        **AMOUNT, help_text="Of which users' resting orders; the rest is outside liquidity."
    )


class OrderBookOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    bids = BookLevelOutputSerializer(many=True, help_text="Best (highest) first.")
    asks = BookLevelOutputSerializer(many=True, help_text="Best (lowest) first.")


class TradeFilterSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=TRADE_LIST_MAX, default=50)
    whales = serializers.BooleanField(
        default=False, help_text="Only trades of at least the instrument's whale size."
    )


class TradeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    price = serializers.DecimalField(**AMOUNT)
    quantity = serializers.DecimalField(**AMOUNT)
    taker_side = EnumField("OrderSideEnum", Order.Side.choices)
    is_whale = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class TradeListOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    trades = TradeOutputSerializer(many=True, help_text="Newest first.")


# Notifications and the equity curve ---------------------------------------------------


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text="Only the notifications not read yet."
    )


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = EnumField("NotificationKindEnum", Notification.Kind.choices)
    title = serializers.CharField()
    message = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationReadAllOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class EquityCurveFilterSerializer(serializers.Serializer):
    range = serializers.ChoiceField(
        choices=[
            ("1d", "A day, by the minute"),
            ("1m", "A month, by the hour"),
            ("all", "All, by the day"),
        ],
        required=False,
        default="1d",
    )


class EquityPointOutputSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    equity = serializers.DecimalField(**AMOUNT)
    cash = serializers.DecimalField(**AMOUNT)
    unrealized_pnl = serializers.DecimalField(**AMOUNT)


class EquityCurveOutputSerializer(serializers.Serializer):
    range = serializers.CharField()
    resolution = serializers.CharField()
    points = EquityPointOutputSerializer(many=True)
