from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.notification_kind_enum import NotificationKindEnum

T = TypeVar("T", bound="NotificationOutput")


@_attrs_define
class NotificationOutput:
    """
    Attributes:
        id (int):
        kind (NotificationKindEnum): * `margin_warning` - Margin warning
            * `stop_triggered` - Stop triggered
            * `take_profit_triggered` - Take-profit triggered
            * `order_filled` - Order filled
            * `liquidation` - Liquidation
            * `funding` - Funding
            * `settlement` - Settlement
        title (str):
        message (str):
        data (Any):
        created_at (datetime.datetime):
        read_at (datetime.datetime | None):
    """

    id: int
    kind: NotificationKindEnum
    title: str
    message: str
    data: Any
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        title = self.title

        message = self.message

        data = self.data

        created_at = self.created_at.isoformat()

        read_at: None | str
        if isinstance(self.read_at, datetime.datetime):
            read_at = self.read_at.isoformat()
        else:
            read_at = self.read_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "title": title,
                "message": message,
                "data": data,
                "created_at": created_at,
                "read_at": read_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = NotificationKindEnum(d.pop("kind"))

        title = d.pop("title")

        message = d.pop("message")

        data = d.pop("data")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_read_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                read_at_type_0 = datetime.datetime.fromisoformat(data)

                return read_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        read_at = _parse_read_at(d.pop("read_at"))

        notification_output = cls(
            id=id,
            kind=kind,
            title=title,
            message=message,
            data=data,
            created_at=created_at,
            read_at=read_at,
        )

        notification_output.additional_properties = d
        return notification_output

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
