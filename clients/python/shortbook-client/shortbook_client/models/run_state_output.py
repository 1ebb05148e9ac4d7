from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.account_output import AccountOutput
    from ..models.order_output import OrderOutput
    from ..models.point_output import PointOutput
    from ..models.position_output import PositionOutput
    from ..models.run_costs_output import RunCostsOutput
    from ..models.run_state_output_instruments import RunStateOutputInstruments
    from ..models.run_state_output_speeds import RunStateOutputSpeeds
    from ..models.scenario_run_output import ScenarioRunOutput


T = TypeVar("T", bound="RunStateOutput")


@_attrs_define
class RunStateOutput:
    """
    Attributes:
        run (ScenarioRunOutput):
        source_time (datetime.datetime): The historical time the replay shows.
        progress (str): 0 to 1.
        index_price (None | str):
        instruments (RunStateOutputInstruments):
        account (AccountOutput):
        total_return (str): Equity against the start, 0.1 is 10%.
        positions (list[PositionOutput]):
        orders (list[OrderOutput]):
        prices (list[PointOutput]):
        equity (list[PointOutput]):
        speeds (RunStateOutputSpeeds):
        credit (str):
        costs (RunCostsOutput): Paid is positive, received negative; carrying costs follow the replayed clock.
    """

    run: ScenarioRunOutput
    source_time: datetime.datetime
    progress: str
    index_price: None | str
    instruments: RunStateOutputInstruments
    account: AccountOutput
    total_return: str
    positions: list[PositionOutput]
    orders: list[OrderOutput]
    prices: list[PointOutput]
    equity: list[PointOutput]
    speeds: RunStateOutputSpeeds
    credit: str
    costs: RunCostsOutput
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run = self.run.to_dict()

        source_time = self.source_time.isoformat()

        progress = self.progress

        index_price: None | str
        index_price = self.index_price

        instruments = self.instruments.to_dict()

        account = self.account.to_dict()

        total_return = self.total_return

        positions = []
        for positions_item_data in self.positions:
            positions_item = positions_item_data.to_dict()
            positions.append(positions_item)

        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        prices = []
        for prices_item_data in self.prices:
            prices_item = prices_item_data.to_dict()
            prices.append(prices_item)

        equity = []
        for equity_item_data in self.equity:
            equity_item = equity_item_data.to_dict()
            equity.append(equity_item)

        speeds = self.speeds.to_dict()

        credit = self.credit

        costs = self.costs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run": run,
                "source_time": source_time,
                "progress": progress,
                "index_price": index_price,
                "instruments": instruments,
                "account": account,
                "total_return": total_return,
                "positions": positions,
                "orders": orders,
                "prices": prices,
                "equity": equity,
                "speeds": speeds,
                "credit": credit,
                "costs": costs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account_output import AccountOutput  # noqa: PLC0415
        from ..models.order_output import OrderOutput  # noqa: PLC0415
        from ..models.point_output import PointOutput  # noqa: PLC0415
        from ..models.position_output import PositionOutput  # noqa: PLC0415
        from ..models.run_costs_output import RunCostsOutput  # noqa: PLC0415
        from ..models.run_state_output_instruments import RunStateOutputInstruments  # noqa: PLC0415
        from ..models.run_state_output_speeds import RunStateOutputSpeeds  # noqa: PLC0415
        from ..models.scenario_run_output import ScenarioRunOutput  # noqa: PLC0415

        d = dict(src_dict)
        run = ScenarioRunOutput.from_dict(d.pop("run"))

        source_time = datetime.datetime.fromisoformat(d.pop("source_time"))

        progress = d.pop("progress")

        def _parse_index_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        index_price = _parse_index_price(d.pop("index_price"))

        instruments = RunStateOutputInstruments.from_dict(d.pop("instruments"))

        account = AccountOutput.from_dict(d.pop("account"))

        total_return = d.pop("total_return")

        positions = []
        _positions = d.pop("positions")
        for positions_item_data in _positions:
            positions_item = PositionOutput.from_dict(positions_item_data)

            positions.append(positions_item)

        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = OrderOutput.from_dict(orders_item_data)

            orders.append(orders_item)

        prices = []
        _prices = d.pop("prices")
        for prices_item_data in _prices:
            prices_item = PointOutput.from_dict(prices_item_data)

            prices.append(prices_item)

        equity = []
        _equity = d.pop("equity")
        for equity_item_data in _equity:
            equity_item = PointOutput.from_dict(equity_item_data)

            equity.append(equity_item)

        speeds = RunStateOutputSpeeds.from_dict(d.pop("speeds"))

        credit = d.pop("credit")

        costs = RunCostsOutput.from_dict(d.pop("costs"))

        run_state_output = cls(
            run=run,
            source_time=source_time,
            progress=progress,
            index_price=index_price,
            instruments=instruments,
            account=account,
            total_return=total_return,
            positions=positions,
            orders=orders,
            prices=prices,
            equity=equity,
            speeds=speeds,
            credit=credit,
            costs=costs,
        )

        run_state_output.additional_properties = d
        return run_state_output

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
