"""The comparison API: one bearish view priced as a margin short, a perpetual, a put and a CFD."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ERROR_RESPONSES
from education import comparison
from education.selectors import comparison as selectors

AMOUNT = {"max_digits": 28, "decimal_places": 8}
MAX_PRICE = Decimal("10000000")
MAX_DAYS = Decimal(730)


def _positive(value):
    if value is not None and value <= 0:
        raise serializers.ValidationError("Must be positive.")


def _price(**kwargs):
    return serializers.DecimalField(**AMOUNT, validators=[_positive], max_value=MAX_PRICE, **kwargs)


class ComparisonFilterSerializer(serializers.Serializer):
    entry_price = _price(help_text="Where the view sells (USD).")
    exit_price = _price(help_text="Where it buys back (USD).")
    holding_days = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), max_value=MAX_DAYS
    )
    quantity = serializers.DecimalField(
        **AMOUNT, validators=[_positive], required=False, max_value=Decimal(10000),
        help_text="In BTC; give this or the notional.",
    )  # fmt: skip
    notional = serializers.DecimalField(
        **AMOUNT, validators=[_positive], required=False, max_value=Decimal(10**9),
        help_text="In USD at the entry price; give this or the quantity.",
    )  # fmt: skip
    funding_rate = serializers.DecimalField(
        max_digits=12, decimal_places=8, required=False,
        min_value=Decimal("-0.05"), max_value=Decimal("0.05"),
        help_text="Per funding interval (0.0001 is 0.01%); the latest fixed rate if empty.",
    )  # fmt: skip
    strike = _price(required=False, help_text="The put's strike; at the money if empty.")
    expiry_days = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False,
        min_value=Decimal(1), max_value=MAX_DAYS,
        help_text="Days from entry to the put's expiry; the next weekly expiry if empty.",
    )  # fmt: skip

    def validate(self, attrs):
        if ("quantity" in attrs) == ("notional" in attrs):
            raise serializers.ValidationError(
                {"quantity": ["Give either a quantity or a notional, not both."]}
            )
        return attrs


class BreakdownOutputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=[(m.value, m.value) for m in comparison.Method], source="breakdown.method"
    )
    label = serializers.CharField()
    symbol = serializers.CharField()
    total = serializers.DecimalField(**AMOUNT, source="breakdown.total")
    price_move = serializers.DecimalField(**AMOUNT, source="breakdown.price_move")
    fees = serializers.DecimalField(**AMOUNT, source="breakdown.fees")
    interest = serializers.DecimalField(**AMOUNT, source="breakdown.interest")
    funding = serializers.DecimalField(**AMOUNT, source="breakdown.funding")
    financing = serializers.DecimalField(**AMOUNT, source="breakdown.financing")
    premium = serializers.DecimalField(**AMOUNT, source="breakdown.premium")
    capital = serializers.DecimalField(
        **AMOUNT, source="breakdown.capital", help_text="Margin or premium tied up at entry."
    )
    return_on_capital = serializers.DecimalField(
        **AMOUNT, source="breakdown.return_on_capital", allow_null=True
    )
    notes = serializers.ListField(child=serializers.CharField(), source="breakdown.notes")
    terms = serializers.DictField(child=serializers.CharField())


class ComparisonOutputSerializer(serializers.Serializer):
    entry_price = serializers.DecimalField(**AMOUNT, source="view.entry_price")
    exit_price = serializers.DecimalField(**AMOUNT, source="view.exit_price")
    holding_days = serializers.DecimalField(**AMOUNT, source="view.holding_days")
    quantity = serializers.DecimalField(**AMOUNT, source="view.quantity")
    index_price = serializers.DecimalField(**AMOUNT, allow_null=True)
    methods = BreakdownOutputSerializer(many=True)


class ComparisonApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="compare",
        summary="Price one bearish view four ways, PnL split leg by leg",
        description="Margin short, perpetual short, a bought put and a CFD short, each with "
        "the platform's own fees, borrow, funding, financing and option pricing. Legs are "
        "in USD, positive a gain, and add up to `total`.",
        parameters=[ComparisonFilterSerializer],
        responses={200: ComparisonOutputSerializer, 400: ERROR_RESPONSES[400]},
        tags=["guides"],
    )
    def get(self, request):
        filters = ComparisonFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        result = selectors.comparison_get(**filters.validated_data)
        return Response(ComparisonOutputSerializer(result).data)
