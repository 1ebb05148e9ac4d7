from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.instrument_output_kind_enum import InstrumentOutputKindEnum
from ..models.instrument_output_status_enum import InstrumentOutputStatusEnum
from ..models.option_type_enum import OptionTypeEnum

if TYPE_CHECKING:
    from ..models.margin_tier_output import MarginTierOutput


T = TypeVar("T", bound="InstrumentOutput")


@_attrs_define
class InstrumentOutput:
    """An instrument's listing; fields of other kinds are null.

    Attributes:
        symbol (str):
        kind (InstrumentOutputKindEnum): * `spot` - Spot on margin
            * `perpetual` - Perpetual future
            * `future` - Dated future
            * `cfd` - CFD
            * `option` - Option
        underlying (str):
        quote_asset (str):
        status (InstrumentOutputStatusEnum): * `open` - Open
            * `halted` - Halted
            * `settled` - Settled
        tick_size (str):
        lot_size (str):
        min_quantity (str):
        max_quantity (str):
        max_leverage (str):
        initial_margin_rate (str):
        maintenance_margin_rate (str):
        maker_fee_rate (str):
        taker_fee_rate (str):
        borrow_rate (None | str): Spot on margin: annual borrow interest.
        funding_interval_hours (int | None): Perpetual: hours between funding payments.
        funding_rate_cap (None | str): Perpetual: largest funding rate per interval.
        financing_rate (None | str): CFD: annual overnight financing rate.
        basis_rate (None | str): Dated future: annualised premium over the index.
        expiry (datetime.datetime | None): Future and option.
        strike (None | str): Option.
        option_type (None | OptionTypeEnum): Option.

            * `call` - Call
            * `put` - Put
        settlement_price (None | str): The index at expiry, once settled.
        margin_tiers (list[MarginTierOutput]): Tiered margin by notional, smallest first.
    """

    symbol: str
    kind: InstrumentOutputKindEnum
    underlying: str
    quote_asset: str
    status: InstrumentOutputStatusEnum
    tick_size: str
    lot_size: str
    min_quantity: str
    max_quantity: str
    max_leverage: str
    initial_margin_rate: str
    maintenance_margin_rate: str
    maker_fee_rate: str
    taker_fee_rate: str
    borrow_rate: None | str
    funding_interval_hours: int | None
    funding_rate_cap: None | str
    financing_rate: None | str
    basis_rate: None | str
    expiry: datetime.datetime | None
    strike: None | str
    option_type: None | OptionTypeEnum
    settlement_price: None | str
    margin_tiers: list[MarginTierOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        kind = self.kind.value

        underlying = self.underlying

        quote_asset = self.quote_asset

        status = self.status.value

        tick_size = self.tick_size

        lot_size = self.lot_size

        min_quantity = self.min_quantity

        max_quantity = self.max_quantity

        max_leverage = self.max_leverage

        initial_margin_rate = self.initial_margin_rate

        maintenance_margin_rate = self.maintenance_margin_rate

        maker_fee_rate = self.maker_fee_rate

        taker_fee_rate = self.taker_fee_rate

        borrow_rate: None | str
        borrow_rate = self.borrow_rate

        funding_interval_hours: int | None
        funding_interval_hours = self.funding_interval_hours

        funding_rate_cap: None | str
        funding_rate_cap = self.funding_rate_cap

        financing_rate: None | str
        financing_rate = self.financing_rate

        basis_rate: None | str
        basis_rate = self.basis_rate

        expiry: None | str
        if isinstance(self.expiry, datetime.datetime):
            expiry = self.expiry.isoformat()
        else:
            expiry = self.expiry

        strike: None | str
        strike = self.strike

        option_type: None | str
        if isinstance(self.option_type, OptionTypeEnum):
            option_type = self.option_type.value
        else:
            option_type = self.option_type

        settlement_price: None | str
        settlement_price = self.settlement_price

        margin_tiers = []
        for margin_tiers_item_data in self.margin_tiers:
            margin_tiers_item = margin_tiers_item_data.to_dict()
            margin_tiers.append(margin_tiers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "kind": kind,
                "underlying": underlying,
                "quote_asset": quote_asset,
                "status": status,
                "tick_size": tick_size,
                "lot_size": lot_size,
                "min_quantity": min_quantity,
                "max_quantity": max_quantity,
                "max_leverage": max_leverage,
                "initial_margin_rate": initial_margin_rate,
                "maintenance_margin_rate": maintenance_margin_rate,
                "maker_fee_rate": maker_fee_rate,
                "taker_fee_rate": taker_fee_rate,
                "borrow_rate": borrow_rate,
                "funding_interval_hours": funding_interval_hours,
                "funding_rate_cap": funding_rate_cap,
                "financing_rate": financing_rate,
                "basis_rate": basis_rate,
                "expiry": expiry,
                "strike": strike,
                "option_type": option_type,
                "settlement_price": settlement_price,
                "margin_tiers": margin_tiers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.margin_tier_output import MarginTierOutput  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        kind = InstrumentOutputKindEnum(d.pop("kind"))

        underlying = d.pop("underlying")

        quote_asset = d.pop("quote_asset")

        status = InstrumentOutputStatusEnum(d.pop("status"))

        tick_size = d.pop("tick_size")

        lot_size = d.pop("lot_size")

        min_quantity = d.pop("min_quantity")

        max_quantity = d.pop("max_quantity")

        max_leverage = d.pop("max_leverage")

        initial_margin_rate = d.pop("initial_margin_rate")

        maintenance_margin_rate = d.pop("maintenance_margin_rate")

        maker_fee_rate = d.pop("maker_fee_rate")

        taker_fee_rate = d.pop("taker_fee_rate")

        def _parse_borrow_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        borrow_rate = _parse_borrow_rate(d.pop("borrow_rate"))

        def _parse_funding_interval_hours(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        funding_interval_hours = _parse_funding_interval_hours(d.pop("funding_interval_hours"))

        def _parse_funding_rate_cap(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        funding_rate_cap = _parse_funding_rate_cap(d.pop("funding_rate_cap"))

        def _parse_financing_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        financing_rate = _parse_financing_rate(d.pop("financing_rate"))

        def _parse_basis_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        basis_rate = _parse_basis_rate(d.pop("basis_rate"))

        def _parse_expiry(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expiry_type_0 = datetime.datetime.fromisoformat(data)

                return expiry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expiry = _parse_expiry(d.pop("expiry"))

        def _parse_strike(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        strike = _parse_strike(d.pop("strike"))

        def _parse_option_type(data: object) -> None | OptionTypeEnum:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                option_type_type_0 = OptionTypeEnum(data)

                return option_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OptionTypeEnum, data)

        option_type = _parse_option_type(d.pop("option_type"))

        def _parse_settlement_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        settlement_price = _parse_settlement_price(d.pop("settlement_price"))

        margin_tiers = []
        _margin_tiers = d.pop("margin_tiers")
        for margin_tiers_item_data in _margin_tiers:
            margin_tiers_item = MarginTierOutput.from_dict(margin_tiers_item_data)

            margin_tiers.append(margin_tiers_item)

        instrument_output = cls(
            symbol=symbol,
            kind=kind,
            underlying=underlying,
            quote_asset=quote_asset,
            status=status,
            tick_size=tick_size,
            lot_size=lot_size,
            min_quantity=min_quantity,
            max_quantity=max_quantity,
            max_leverage=max_leverage,
            initial_margin_rate=initial_margin_rate,
            maintenance_margin_rate=maintenance_margin_rate,
            maker_fee_rate=maker_fee_rate,
            taker_fee_rate=taker_fee_rate,
            borrow_rate=borrow_rate,
            funding_interval_hours=funding_interval_hours,
            funding_rate_cap=funding_rate_cap,
            financing_rate=financing_rate,
            basis_rate=basis_rate,
            expiry=expiry,
            strike=strike,
            option_type=option_type,
            settlement_price=settlement_price,
            margin_tiers=margin_tiers,
        )

        instrument_output.additional_properties = d
        return instrument_output

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
