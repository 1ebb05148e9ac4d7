from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.journal_entry_kind_enum import JournalEntryKindEnum

T = TypeVar("T", bound="LedgerLineOutput")


@_attrs_define
class LedgerLineOutput:
    """
    Attributes:
        id (int):
        entry_id (int):
        kind (JournalEntryKindEnum): * `deposit` - Opening deposit
            * `grant` - Staff grant or removal
            * `reset` - Paper account reset
            * `transfer` - Transfer
            * `fee` - Trading fee
            * `realised_pnl` - Realised profit and loss
            * `borrow_interest` - Borrow interest
            * `funding` - Funding payment
            * `financing` - Overnight financing
            * `premium` - Option premium
            * `liquidation_fee` - Liquidation fee
            * `insurance_cover` - Insurance fund cover
            * `settlement` - Settlement
        memo (str):
        asset (str):
        amount (str):
        created_at (datetime.datetime):
    """

    id: int
    entry_id: int
    kind: JournalEntryKindEnum
    memo: str
    asset: str
    amount: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        entry_id = self.entry_id

        kind = self.kind.value

        memo = self.memo

        asset = self.asset

        amount = self.amount

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "entry_id": entry_id,
                "kind": kind,
                "memo": memo,
                "asset": asset,
                "amount": amount,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        entry_id = d.pop("entry_id")

        kind = JournalEntryKindEnum(d.pop("kind"))

        memo = d.pop("memo")

        asset = d.pop("asset")

        amount = d.pop("amount")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        ledger_line_output = cls(
            id=id,
            entry_id=entry_id,
            kind=kind,
            memo=memo,
            asset=asset,
            amount=amount,
            created_at=created_at,
        )

        ledger_line_output.additional_properties = d
        return ledger_line_output

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
