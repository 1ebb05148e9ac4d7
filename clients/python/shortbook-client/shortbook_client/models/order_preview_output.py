from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_side_enum import OrderSideEnum
from ..models.order_type_enum import OrderTypeEnum

if TYPE_CHECKING:
    from ..models.preview_warning_output import PreviewWarningOutput


T = TypeVar("T", bound="OrderPreviewOutput")


@_attrs_define
class OrderPreviewOutput:
    """What an order would cost and risk; nothing is placed.

    Attributes:
        instrument (str):
        side (OrderSideEnum): * `buy` - Buy
            * `sell` - Sell
        type_ (OrderTypeEnum): * `market` - Market
            * `limit` - Limit
            * `stop_market` - Stop market
            * `stop_limit` - Stop limit
            * `take_profit_market` - Take-profit market
            * `take_profit_limit` - Take-profit limit
            * `trailing_stop` - Trailing stop
        quantity (str):
        mark_price (str):
        entry_price (str): Estimated average price: market and limit orders matched against the book and the outside
            liquidity as they stand, stops at their stop (or limit) price.
        immediate_quantity (str): Would trade at once.
        resting_quantity (str): Would wait in the book or for its trigger.
        notional (str): Quantity times the estimated entry price.
        fee (str): Estimated fee: taker for what trades at once, maker for the rest.
        leverage (str):
        initial_margin (str): Margin the order adds once it has filled.
        premium (str): Options: premium paid (positive) or received (negative).
        cost (str): Margin, fee and premium paid: what it takes from available.
        available (str): Available for new orders now.
        available_after (str): Available once the order has filled; below zero: refused.
        position_after (str): Your position once the order has filled; negative: short.
        liquidation_price (None | str): Liquidation price of the position afterwards; null for options, when flat, or
            when no price liquidates.
        loss_at_stop (None | str): Loss if the attached stop-loss closes the whole order, fees included; null without a
            stop-loss.
        profit_at_take_profit (None | str): Profit if the attached take-profit closes the whole order, fees included.
        risk_reward_ratio (None | str): Profit at the take-profit per unit of loss at the stop (2 reads 1:2).
        risk_percent_of_equity (None | str): Loss at the stop as a percentage of your equity.
        carrying_cost_per_day (None | str): Funding, borrow interest or financing for a day at today's rates; negative:
            received. Null for futures, options and reduce-only orders.
        warnings (list[PreviewWarningOutput]):
    """

    instrument: str
    side: OrderSideEnum
    type_: OrderTypeEnum
    quantity: str
    mark_price: str
    entry_price: str
    immediate_quantity: str
    resting_quantity: str
    notional: str
    fee: str
    leverage: str
    initial_margin: str
    premium: str
    cost: str
    available: str
    available_after: str
    position_after: str
    liquidation_price: None | str
    loss_at_stop: None | str
    profit_at_take_profit: None | str
    risk_reward_ratio: None | str
    risk_percent_of_equity: None | str
    carrying_cost_per_day: None | str
    warnings: list[PreviewWarningOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        side = self.side.value

        type_ = self.type_.value

        quantity = self.quantity

        mark_price = self.mark_price

        entry_price = self.entry_price

        immediate_quantity = self.immediate_quantity

        resting_quantity = self.resting_quantity

        notional = self.notional

        fee = self.fee

        leverage = self.leverage

        initial_margin = self.initial_margin

        premium = self.premium

        cost = self.cost

        available = self.available

        available_after = self.available_after

        position_after = self.position_after

        liquidation_price: None | str
        liquidation_price = self.liquidation_price

        loss_at_stop: None | str
        loss_at_stop = self.loss_at_stop

        profit_at_take_profit: None | str
        profit_at_take_profit = self.profit_at_take_profit

        risk_reward_ratio: None | str
        risk_reward_ratio = self.risk_reward_ratio

        risk_percent_of_equity: None | str
        risk_percent_of_equity = self.risk_percent_of_equity

        carrying_cost_per_day: None | str
        carrying_cost_per_day = self.carrying_cost_per_day

        warnings = []
        for warnings_item_data in self.warnings:
            warnings_item = warnings_item_data.to_dict()
            warnings.append(warnings_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "side": side,
                "type": type_,
                "quantity": quantity,
                "mark_price": mark_price,
                "entry_price": entry_price,
                "immediate_quantity": immediate_quantity,
                "resting_quantity": resting_quantity,
                "notional": notional,
                "fee": fee,
                "leverage": leverage,
                "initial_margin": initial_margin,
                "premium": premium,
                "cost": cost,
                "available": available,
                "available_after": available_after,
                "position_after": position_after,
                "liquidation_price": liquidation_price,
                "loss_at_stop": loss_at_stop,
                "profit_at_take_profit": profit_at_take_profit,
                "risk_reward_ratio": risk_reward_ratio,
                "risk_percent_of_equity": risk_percent_of_equity,
                "carrying_cost_per_day": carrying_cost_per_day,
                "warnings": warnings,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_warning_output import PreviewWarningOutput  # noqa: PLC0415

        d = dict(src_dict)
        instrument = d.pop("instrument")

        side = OrderSideEnum(d.pop("side"))

        type_ = OrderTypeEnum(d.pop("type"))

        quantity = d.pop("quantity")

        mark_price = d.pop("mark_price")

        entry_price = d.pop("entry_price")

        immediate_quantity = d.pop("immediate_quantity")

        resting_quantity = d.pop("resting_quantity")

        notional = d.pop("notional")

        fee = d.pop("fee")

        leverage = d.pop("leverage")

        initial_margin = d.pop("initial_margin")

        premium = d.pop("premium")

        cost = d.pop("cost")

        available = d.pop("available")

        available_after = d.pop("available_after")

        position_after = d.pop("position_after")

        def _parse_liquidation_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        liquidation_price = _parse_liquidation_price(d.pop("liquidation_price"))

        def _parse_loss_at_stop(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        loss_at_stop = _parse_loss_at_stop(d.pop("loss_at_stop"))

        def _parse_profit_at_take_profit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        profit_at_take_profit = _parse_profit_at_take_profit(d.pop("profit_at_take_profit"))

        def _parse_risk_reward_ratio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        risk_reward_ratio = _parse_risk_reward_ratio(d.pop("risk_reward_ratio"))

        def _parse_risk_percent_of_equity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        risk_percent_of_equity = _parse_risk_percent_of_equity(d.pop("risk_percent_of_equity"))

        def _parse_carrying_cost_per_day(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        carrying_cost_per_day = _parse_carrying_cost_per_day(d.pop("carrying_cost_per_day"))

        warnings = []
        _warnings = d.pop("warnings")
        for warnings_item_data in _warnings:
            warnings_item = PreviewWarningOutput.from_dict(warnings_item_data)

            warnings.append(warnings_item)

        order_preview_output = cls(
            instrument=instrument,
            side=side,
            type_=type_,
            quantity=quantity,
            mark_price=mark_price,
            entry_price=entry_price,
            immediate_quantity=immediate_quantity,
            resting_quantity=resting_quantity,
            notional=notional,
            fee=fee,
            leverage=leverage,
            initial_margin=initial_margin,
            premium=premium,
            cost=cost,
            available=available,
            available_after=available_after,
            position_after=position_after,
            liquidation_price=liquidation_price,
            loss_at_stop=loss_at_stop,
            profit_at_take_profit=profit_at_take_profit,
            risk_reward_ratio=risk_reward_ratio,
            risk_percent_of_equity=risk_percent_of_equity,
            carrying_cost_per_day=carrying_cost_per_day,
            warnings=warnings,
        )

        order_preview_output.additional_properties = d
        return order_preview_output

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
