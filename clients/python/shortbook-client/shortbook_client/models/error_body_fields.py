from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.error_body_fields_additional_property_type_1 import ErrorBodyFieldsAdditionalPropertyType1


T = TypeVar("T", bound="ErrorBodyFields")


@_attrs_define
class ErrorBodyFields:
    """Messages per input field; empty when no field is at fault. A nested object's fields (`stop_loss`) map to the same
    shape in turn.

        Example:
            {'quantity': ['Must be positive.'], 'stop_loss': {'stop_price': ['...']}}

    """

    additional_properties: dict[str, ErrorBodyFieldsAdditionalPropertyType1 | list[str]] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, list):
                field_dict[prop_name] = prop

            else:
                field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_body_fields_additional_property_type_1 import ErrorBodyFieldsAdditionalPropertyType1  # noqa: PLC0415

        d = dict(src_dict)
        error_body_fields = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> ErrorBodyFieldsAdditionalPropertyType1 | list[str]:
                try:
                    if not isinstance(data, list):
                        raise TypeError()
                    additional_property_type_0 = cast(list[str], data)

                    return additional_property_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                additional_property_type_1 = ErrorBodyFieldsAdditionalPropertyType1.from_dict(data)

                return additional_property_type_1

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        error_body_fields.additional_properties = additional_properties
        return error_body_fields

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> ErrorBodyFieldsAdditionalPropertyType1 | list[str]:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: ErrorBodyFieldsAdditionalPropertyType1 | list[str]) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
