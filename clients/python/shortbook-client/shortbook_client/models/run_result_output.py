from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.perfect_short_output import PerfectShortOutput
    from ..models.point_output import PointOutput
    from ..models.run_costs_output import RunCostsOutput
    from ..models.scenario_run_output import ScenarioRunOutput


T = TypeVar("T", bound="RunResultOutput")


@_attrs_define
class RunResultOutput:
    """
    Attributes:
        run (ScenarioRunOutput):
        final_equity (str):
        profit (str):
        total_return (str):
        max_drawdown (str):
        buy_and_hold_return (str):
        buy_and_hold_profit (str):
        perfect_short (None | PerfectShortOutput):
        perfect_short_profit (str):
        equity (list[PointOutput]):
        credit (str):
        costs (RunCostsOutput): Paid is positive, received negative; carrying costs follow the replayed clock.
    """

    run: ScenarioRunOutput
    final_equity: str
    profit: str
    total_return: str
    max_drawdown: str
    buy_and_hold_return: str
    buy_and_hold_profit: str
    perfect_short: None | PerfectShortOutput
    perfect_short_profit: str
    equity: list[PointOutput]
    credit: str
    costs: RunCostsOutput
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.perfect_short_output import PerfectShortOutput  # noqa: PLC0415

        run = self.run.to_dict()

        final_equity = self.final_equity

        profit = self.profit

        total_return = self.total_return

        max_drawdown = self.max_drawdown

        buy_and_hold_return = self.buy_and_hold_return

        buy_and_hold_profit = self.buy_and_hold_profit

        perfect_short: dict[str, Any] | None
        if isinstance(self.perfect_short, PerfectShortOutput):
            perfect_short = self.perfect_short.to_dict()
        else:
            perfect_short = self.perfect_short

        perfect_short_profit = self.perfect_short_profit

        equity = []
        for equity_item_data in self.equity:
            equity_item = equity_item_data.to_dict()
            equity.append(equity_item)

        credit = self.credit

        costs = self.costs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run": run,
                "final_equity": final_equity,
                "profit": profit,
                "total_return": total_return,
                "max_drawdown": max_drawdown,
                "buy_and_hold_return": buy_and_hold_return,
                "buy_and_hold_profit": buy_and_hold_profit,
                "perfect_short": perfect_short,
                "perfect_short_profit": perfect_short_profit,
                "equity": equity,
                "credit": credit,
                "costs": costs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.perfect_short_output import PerfectShortOutput  # noqa: PLC0415
        from ..models.point_output import PointOutput  # noqa: PLC0415
        from ..models.run_costs_output import RunCostsOutput  # noqa: PLC0415
        from ..models.scenario_run_output import ScenarioRunOutput  # noqa: PLC0415

        d = dict(src_dict)
        run = ScenarioRunOutput.from_dict(d.pop("run"))

        final_equity = d.pop("final_equity")

        profit = d.pop("profit")

        total_return = d.pop("total_return")

        max_drawdown = d.pop("max_drawdown")

        buy_and_hold_return = d.pop("buy_and_hold_return")

        buy_and_hold_profit = d.pop("buy_and_hold_profit")

        def _parse_perfect_short(data: object) -> None | PerfectShortOutput:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                perfect_short_type_1 = PerfectShortOutput.from_dict(data)

                return perfect_short_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PerfectShortOutput, data)

        perfect_short = _parse_perfect_short(d.pop("perfect_short"))

        perfect_short_profit = d.pop("perfect_short_profit")

        equity = []
        _equity = d.pop("equity")
        for equity_item_data in _equity:
            equity_item = PointOutput.from_dict(equity_item_data)

            equity.append(equity_item)

        credit = d.pop("credit")

        costs = RunCostsOutput.from_dict(d.pop("costs"))

        run_result_output = cls(
            run=run,
            final_equity=final_equity,
            profit=profit,
            total_return=total_return,
            max_drawdown=max_drawdown,
            buy_and_hold_return=buy_and_hold_return,
            buy_and_hold_profit=buy_and_hold_profit,
            perfect_short=perfect_short,
            perfect_short_profit=perfect_short_profit,
            equity=equity,
            credit=credit,
            costs=costs,
        )

        run_result_output.additional_properties = d
        return run_result_output

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
