from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.method_enum import MethodEnum

if TYPE_CHECKING:
    from ..models.breakdown_output_terms import BreakdownOutputTerms


T = TypeVar("T", bound="BreakdownOutput")


@_attrs_define
class BreakdownOutput:
    """
    Attributes:
        method (MethodEnum): * `margin` - margin
            * `perpetual` - perpetual
            * `put` - put
            * `cfd` - cfd
        label (str):
        symbol (str):
        total (str):
        price_move (str):
        fees (str):
        interest (str):
        funding (str):
        financing (str):
        premium (str):
        capital (str): Margin or premium tied up at entry.
        return_on_capital (None | str):
        notes (list[str]):
        terms (BreakdownOutputTerms):
    """

    method: MethodEnum
    label: str
    symbol: str
    total: str
    price_move: str
    fees: str
    interest: str
    funding: str
    financing: str
    premium: str
    capital: str
    return_on_capital: None | str
    notes: list[str]
    terms: BreakdownOutputTerms
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        label = self.label

        symbol = self.symbol

        total = self.total

        price_move = self.price_move

        fees = self.fees

        interest = self.interest

        funding = self.funding

        financing = self.financing

        premium = self.premium

        capital = self.capital

        return_on_capital: None | str
        return_on_capital = self.return_on_capital

        notes = self.notes

        terms = self.terms.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "method": method,
                "label": label,
                "symbol": symbol,
                "total": total,
                "price_move": price_move,
                "fees": fees,
                "interest": interest,
                "funding": funding,
                "financing": financing,
                "premium": premium,
                "capital": capital,
                "return_on_capital": return_on_capital,
                "notes": notes,
                "terms": terms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.breakdown_output_terms import BreakdownOutputTerms  # noqa: PLC0415

        d = dict(src_dict)
        method = MethodEnum(d.pop("method"))

        label = d.pop("label")

        symbol = d.pop("symbol")

        total = d.pop("total")

        price_move = d.pop("price_move")

        fees = d.pop("fees")

        interest = d.pop("interest")

        funding = d.pop("funding")

        financing = d.pop("financing")

        premium = d.pop("premium")

        capital = d.pop("capital")

        def _parse_return_on_capital(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        return_on_capital = _parse_return_on_capital(d.pop("return_on_capital"))

        notes = cast(list[str], d.pop("notes"))

        terms = BreakdownOutputTerms.from_dict(d.pop("terms"))

        breakdown_output = cls(
            method=method,
            label=label,
            symbol=symbol,
            total=total,
            price_move=price_move,
            fees=fees,
            interest=interest,
            funding=funding,
            financing=financing,
            premium=premium,
            capital=capital,
            return_on_capital=return_on_capital,
            notes=notes,
            terms=terms,
        )

        breakdown_output.additional_properties = d
        return breakdown_output

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
