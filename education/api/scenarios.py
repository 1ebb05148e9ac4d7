"""Scenario API: list scenarios, start a run, read its state, control it, trade it, read its result.

One view per operation with its own small input and output serializers. A run is
reached only through its owner: anyone else's run answers 404, like a missing one.
"""

from decimal import Decimal

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ERROR_RESPONSES, ErrorSerializer
from education.models import Scenario, ScenarioRun
from education.selectors import scenarios as selectors
from education.services import scenarios as services
from market.models import Instrument
from trading.api.serializers import (
    AccountOutputSerializer,
    OrderOutputSerializer,
    PositionOutputSerializer,
)
from trading.models import Order

AMOUNT = {"max_digits": 28, "decimal_places": 8}
RATE = {"max_digits": 20, "decimal_places": 8}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such run of yours.")}
FINISHED = {409: OpenApiResponse(ErrorSerializer, description="The run has finished.")}
TAGS = ["scenarios"]


def _positive(value):
    if value is not None and value <= 0:
        raise serializers.ValidationError("Must be positive.")


# Output ------------------------------------------------------------------------------


class ScenarioOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    lesson = serializers.CharField()
    interval = serializers.ChoiceField(choices=Scenario.Interval.choices)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    starting_balance = serializers.DecimalField(**AMOUNT)
    default_speed = serializers.IntegerField()
    speeds = serializers.SerializerMethodField()

    def get_speeds(self, scenario) -> dict[str, str]:
        return {
            str(speed): label for speed, label in selectors.speeds_for(scenario.interval).items()
        }


class QuoteOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    mark_price = serializers.DecimalField(**AMOUNT)
    index_price = serializers.DecimalField(**AMOUNT)
    bid = serializers.DecimalField(**AMOUNT, allow_null=True)
    ask = serializers.DecimalField(**AMOUNT, allow_null=True)
    funding_rate = serializers.DecimalField(**RATE, allow_null=True)


class ScenarioRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scenario = serializers.SlugField(source="scenario.slug")
    title = serializers.CharField(source="scenario.title")
    status = serializers.ChoiceField(choices=ScenarioRun.Status.choices)
    speed = serializers.IntegerField()
    starting_balance = serializers.DecimalField(**AMOUNT)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()


class PointOutputSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    value = serializers.DecimalField(**AMOUNT)

    def to_representation(self, instance):
        time, value = instance
        return super().to_representation({"time": time, "value": value})


class RunCostsOutputSerializer(serializers.Serializer):
    """Paid is positive, received negative; carrying costs follow the replayed clock."""

    fees = serializers.DecimalField(**AMOUNT)
    funding = serializers.DecimalField(**AMOUNT)
    borrow_interest = serializers.DecimalField(**AMOUNT)
    financing = serializers.DecimalField(**AMOUNT)
    carrying = serializers.DecimalField(
        **AMOUNT, help_text="Funding, borrow interest and financing together."
    )
    total = serializers.DecimalField(**AMOUNT)


class RunStateOutputSerializer(serializers.Serializer):
    run = ScenarioRunOutputSerializer()
    source_time = serializers.DateTimeField(help_text="The historical time the replay shows.")
    progress = serializers.DecimalField(max_digits=6, decimal_places=4, help_text="0 to 1.")
    index_price = serializers.DecimalField(**AMOUNT, allow_null=True)
    instruments = serializers.SerializerMethodField()
    account = AccountOutputSerializer(source="summary")
    total_return = serializers.DecimalField(
        **RATE, help_text="Equity against the start, 0.1 is 10%."
    )
    positions = PositionOutputSerializer(many=True)
    orders = OrderOutputSerializer(many=True)
    prices = PointOutputSerializer(many=True)
    equity = PointOutputSerializer(many=True)
    speeds = serializers.SerializerMethodField()
    credit = serializers.CharField()
    costs = RunCostsOutputSerializer(help_text="What trading and holding has cost so far.")

    def get_instruments(self, state) -> dict[str, dict]:
        return {
            kind: {
                **QuoteOutputSerializer(quote).data,
                "kind": kind,
                "label": Instrument.Kind(kind).label,
            }
            for kind, quote in state.quotes.items()
        }

    def get_speeds(self, state) -> dict[str, str]:
        return {str(speed): label for speed, label in state.speeds.items()}


class PerfectShortOutputSerializer(serializers.Serializer):
    sell_time = serializers.DateTimeField(source="sell.time")
    sell_price = serializers.DecimalField(**AMOUNT, source="sell.price")
    cover_time = serializers.DateTimeField(source="cover.time")
    cover_price = serializers.DecimalField(**AMOUNT, source="cover.price")
    fraction = serializers.DecimalField(**RATE)


class RunResultOutputSerializer(serializers.Serializer):
    run = ScenarioRunOutputSerializer()
    final_equity = serializers.DecimalField(**AMOUNT)
    profit = serializers.DecimalField(**AMOUNT)
    total_return = serializers.DecimalField(**RATE)
    max_drawdown = serializers.DecimalField(**RATE)
    buy_and_hold_return = serializers.DecimalField(**RATE)
    buy_and_hold_profit = serializers.DecimalField(**AMOUNT)
    perfect_short = PerfectShortOutputSerializer(allow_null=True)
    perfect_short_profit = serializers.DecimalField(**AMOUNT)
    equity = PointOutputSerializer(many=True)
    credit = serializers.CharField()
    costs = RunCostsOutputSerializer(help_text="What trading and holding cost over the run.")


# Input -------------------------------------------------------------------------------


class RunStartInputSerializer(serializers.Serializer):
    speed = serializers.IntegerField(
        required=False, min_value=1, help_text="Historical seconds a second; the default if empty."
    )


class RunSpeedInputSerializer(serializers.Serializer):
    speed = serializers.IntegerField(min_value=1)


class ScenarioOrderInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind, Instrument.Kind(kind).label) for kind in selectors.SCENARIO_KINDS]
    )
    side = serializers.ChoiceField(choices=Order.Side.choices)
    type = serializers.ChoiceField(
        choices=[(Order.Type.MARKET, "Market"), (Order.Type.LIMIT, "Limit")]
    )
    quantity = serializers.DecimalField(**AMOUNT, validators=[_positive])
    price = serializers.DecimalField(
        **AMOUNT, validators=[_positive], required=False, allow_null=True
    )
    stop_loss = serializers.DecimalField(
        **AMOUNT, validators=[_positive], required=False, allow_null=True
    )
    take_profit = serializers.DecimalField(
        **AMOUNT, validators=[_positive], required=False, allow_null=True
    )
    leverage = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, min_value=Decimal(1)
    )

    def validate(self, attrs):
        if attrs["type"] == Order.Type.LIMIT and attrs.get("price") is None:
            raise serializers.ValidationError({"price": ["A limit order needs a price."]})
        if attrs["type"] == Order.Type.MARKET and attrs.get("price") is not None:
            raise serializers.ValidationError({"price": ["A market order takes no price."]})
        return attrs


# Views -------------------------------------------------------------------------------


def _state(run: ScenarioRun) -> dict:
    return RunStateOutputSerializer(selectors.run_state(run=run)).data


class ScenarioListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="scenarios_list",
        summary="List the historical scenarios",
        responses={200: ScenarioOutputSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        scenarios = selectors.scenario_list()
        return Response(ScenarioOutputSerializer(scenarios, many=True).data)


class ScenarioDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="scenarios_retrieve",
        summary="Read one scenario",
        responses={200: ScenarioOutputSerializer, 404: ERROR_RESPONSES[400]},
        tags=TAGS,
    )
    def get(self, request, slug: str):
        return Response(ScenarioOutputSerializer(selectors.scenario_get(slug=slug)).data)


class ScenarioRunCollectionApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_list",
        summary="List your scenario runs, newest first",
        responses={200: ScenarioRunOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=TAGS,
    )
    def get(self, request):
        runs = selectors.run_list(user=request.user)
        return Response(ScenarioRunOutputSerializer(runs, many=True).data)


class ScenarioRunStartApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_start",
        summary="Start a run of a scenario in a new scenario account",
        request=RunStartInputSerializer,
        responses={
            201: RunStateOutputSerializer,
            **ERROR_RESPONSES,
            404: OpenApiResponse(ErrorSerializer, description="No scenario has this slug."),
            409: FINISHED[409],
        },
        tags=TAGS,
    )
    def post(self, request, slug: str):
        scenario = selectors.scenario_get(slug=slug)
        data = RunStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.scenario_run_start(
            user=request.user, scenario=scenario, speed=data.validated_data.get("speed")
        )
        return Response(_state(run), status=status.HTTP_201_CREATED)


class ScenarioRunDetailApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_retrieve",
        summary="Read a run's state: replay time, prices, account, positions, orders",
        responses={200: RunStateOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request, run_id: int):
        return Response(_state(selectors.run_get(user=request.user, run_id=run_id)))


class ScenarioRunPauseApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_pause",
        summary="Pause a run's replay",
        request=None,
        responses={200: RunStateOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND, **FINISHED},
        tags=TAGS,
    )
    def post(self, request, run_id: int):
        run = selectors.run_get(user=request.user, run_id=run_id)
        return Response(_state(services.scenario_run_pause(run=run)))


class ScenarioRunResumeApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_resume",
        summary="Resume a paused run",
        request=None,
        responses={200: RunStateOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND, **FINISHED},
        tags=TAGS,
    )
    def post(self, request, run_id: int):
        run = selectors.run_get(user=request.user, run_id=run_id)
        return Response(_state(services.scenario_run_resume(run=run)))


class ScenarioRunSpeedApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_speed",
        summary="Change how fast a run replays history",
        request=RunSpeedInputSerializer,
        responses={200: RunStateOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND, **FINISHED},
        tags=TAGS,
    )
    def post(self, request, run_id: int):
        run = selectors.run_get(user=request.user, run_id=run_id)
        data = RunSpeedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.scenario_run_speed_set(run=run, speed=data.validated_data["speed"])
        return Response(_state(run))


class ScenarioRunEndApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_end",
        summary="End a run now: close its positions and keep its result",
        request=None,
        responses={200: RunResultOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND},
        tags=TAGS,
    )
    def post(self, request, run_id: int):
        run = selectors.run_get(user=request.user, run_id=run_id)
        run = services.scenario_run_finish(run=run)
        return Response(RunResultOutputSerializer(selectors.run_result(run=run)).data)


class ScenarioRunResultApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_result",
        summary="Read a finished run's result against buy-and-hold and a perfect short",
        responses={
            200: RunResultOutputSerializer,
            **ERROR_RESPONSES,
            **NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer, description="Still running (`run_not_finished`)."
            ),
        },
        tags=TAGS,
    )
    def get(self, request, run_id: int):
        run = selectors.run_get(user=request.user, run_id=run_id)
        return Response(RunResultOutputSerializer(selectors.run_result(run=run)).data)


class ScenarioOrderPlaceApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_order_place",
        summary="Place an order on one of the run's instruments, in its scenario account",
        request=ScenarioOrderInputSerializer,
        responses={201: OrderOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND, **FINISHED},
        tags=TAGS,
    )
    def post(self, request, run_id: int):
        run = selectors.run_get(user=request.user, run_id=run_id)
        data = ScenarioOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.scenario_order_place(run=run, **data.validated_data)
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)


class ScenarioOrderCancelApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_order_cancel",
        summary="Cancel one of the run's open orders",
        request=None,
        responses={200: OrderOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND, **FINISHED},
        tags=TAGS,
    )
    def delete(self, request, run_id: int, order_id: int):
        run = selectors.run_get(user=request.user, run_id=run_id)
        order = services.scenario_order_cancel(run=run, order_id=order_id)
        return Response(OrderOutputSerializer(order).data)


class ScenarioPositionCloseApi(APIView):
    @extend_schema(
        operation_id="scenario_runs_position_close",
        summary="Close the run's position in one instrument at the market",
        request=None,
        responses={200: OrderOutputSerializer, **ERROR_RESPONSES, **NOT_FOUND, **FINISHED},
        tags=TAGS,
    )
    def post(self, request, run_id: int, kind: str):
        run = selectors.run_get(user=request.user, run_id=run_id)
        order = services.scenario_position_close(run=run, kind=kind)
        return Response(OrderOutputSerializer(order).data)
