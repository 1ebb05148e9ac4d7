from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.margin_mode_enum import MarginModeEnum
from ..models.position_side_enum import PositionSideEnum

if TYPE_CHECKING:
    from ..models.position_costs_output import PositionCostsOutput


T = TypeVar("T", bound="PositionOutput")


@_attrs_define
class PositionOutput:
    """
    Attributes:
        instrument (str):
        side (PositionSideEnum): * `long` - Long
            * `short` - Short
        quantity (str): Unsigned; side says which way.
        entry_price (str):
        mark_price (str):
        notional (str): Quantity times the mark price.
        unrealized_pnl (str):
        realized_pnl (str):
        margin (str): Initial margin the position holds.
        maintenance_margin (str):
        leverage (str):
        margin_mode (MarginModeEnum): * `cross` - Cross
            * `isolated` - Isolated
        isolated_margin (str): Margin set aside for an isolated position (0 in cross margin).
        liquidation_price (None | str): Null for options, and when no price liquidates.
        opened_at (datetime.datetime | None):
        costs (PositionCostsOutput): What holding the position has cost so far (negative: received).
    """

    instrument: str
    side: PositionSideEnum
    quantity: str
    entry_price: str
    mark_price: str
    notional: str
    unrealized_pnl: str
    realized_pnl: str
    margin: str
    maintenance_margin: str
    leverage: str
    margin_mode: MarginModeEnum
    isolated_margin: str
    liquidation_price: None | str
    opened_at: datetime.datetime | None
    costs: PositionCostsOutput
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        side = self.side.value

        quantity = self.quantity

        entry_price = self.entry_price

        mark_price = self.mark_price

        notional = self.notional

        unrealized_pnl = self.unrealized_pnl

        realized_pnl = self.realized_pnl

        margin = self.margin

        maintenance_margin = self.maintenance_margin

        leverage = self.leverage

        margin_mode = self.margin_mode.value

        isolated_margin = self.isolated_margin

        liquidation_price: None | str
        liquidation_price = self.liquidation_price

        opened_at: None | str
        if isinstance(self.opened_at, datetime.datetime):
            opened_at = self.opened_at.isoformat()
        else:
            opened_at = self.opened_at

        costs = self.costs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "side": side,
                "quantity": quantity,
                "entry_price": entry_price,
                "mark_price": mark_price,
                "notional": notional,
                "unrealized_pnl": unrealized_pnl,
                "realized_pnl": realized_pnl,
                "margin": margin,
                "maintenance_margin": maintenance_margin,
                "leverage": leverage,
                "margin_mode": margin_mode,
                "isolated_margin": isolated_margin,
                "liquidation_price": liquidation_price,
                "opened_at": opened_at,
                "costs": costs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.position_costs_output import PositionCostsOutput  # noqa: PLC0415

        d = dict(src_dict)
        instrument = d.pop("instrument")

        side = PositionSideEnum(d.pop("side"))

        quantity = d.pop("quantity")

        entry_price = d.pop("entry_price")

        mark_price = d.pop("mark_price")

        notional = d.pop("notional")

        unrealized_pnl = d.pop("unrealized_pnl")

        realized_pnl = d.pop("realized_pnl")

        margin = d.pop("margin")

        maintenance_margin = d.pop("maintenance_margin")

        leverage = d.pop("leverage")

        margin_mode = MarginModeEnum(d.pop("margin_mode"))

        isolated_margin = d.pop("isolated_margin")

        def _parse_liquidation_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        liquidation_price = _parse_liquidation_price(d.pop("liquidation_price"))

        def _parse_opened_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                opened_at_type_0 = datetime.datetime.fromisoformat(data)

                return opened_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        opened_at = _parse_opened_at(d.pop("opened_at"))

        costs = PositionCostsOutput.from_dict(d.pop("costs"))

        position_output = cls(
            instrument=instrument,
            side=side,
            quantity=quantity,
            entry_price=entry_price,
            mark_price=mark_price,
            notional=notional,
            unrealized_pnl=unrealized_pnl,
            realized_pnl=realized_pnl,
            margin=margin,
            maintenance_margin=maintenance_margin,
            leverage=leverage,
            margin_mode=margin_mode,
            isolated_margin=isolated_margin,
            liquidation_price=liquidation_price,
            opened_at=opened_at,
            costs=costs,
        )

        position_output.additional_properties = d
        return position_output

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
