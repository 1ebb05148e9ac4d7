from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GlossaryTermOutput")


@_attrs_define
class GlossaryTermOutput:
    """
    Attributes:
        slug (str):
        term (str):
        aliases (list[str]):
        short_definition (str):
        body (str): Markdown.
    """

    slug: str
    term: str
    aliases: list[str]
    short_definition: str
    body: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        term = self.term

        aliases = self.aliases

        short_definition = self.short_definition

        body = self.body

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "term": term,
                "aliases": aliases,
                "short_definition": short_definition,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        slug = d.pop("slug")

        term = d.pop("term")

        aliases = cast(list[str], d.pop("aliases"))

        short_definition = d.pop("short_definition")

        body = d.pop("body")

        glossary_term_output = cls(
            slug=slug,
            term=term,
            aliases=aliases,
            short_definition=short_definition,
            body=body,
        )

        glossary_term_output.additional_properties = d
        return glossary_term_output

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
