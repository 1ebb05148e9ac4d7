from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.category_output import CategoryOutput
    from ..models.guide_progress_output import GuideProgressOutput


T = TypeVar("T", bound="GuideOutput")


@_attrs_define
class GuideOutput:
    """
    Attributes:
        slug (str):
        title (str):
        summary (str):
        category (CategoryOutput):
        position (int): The guide's number along the learning path.
        reading_minutes (int):
        has_quiz (bool):
        url (str): The guide's page.
        progress (GuideProgressOutput | None): Yours when you are signed in; null otherwise.
    """

    slug: str
    title: str
    summary: str
    category: CategoryOutput
    position: int
    reading_minutes: int
    has_quiz: bool
    url: str
    progress: GuideProgressOutput | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.guide_progress_output import GuideProgressOutput  # noqa: PLC0415

        slug = self.slug

        title = self.title

        summary = self.summary

        category = self.category.to_dict()

        position = self.position

        reading_minutes = self.reading_minutes

        has_quiz = self.has_quiz

        url = self.url

        progress: dict[str, Any] | None
        if isinstance(self.progress, GuideProgressOutput):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "title": title,
                "summary": summary,
                "category": category,
                "position": position,
                "reading_minutes": reading_minutes,
                "has_quiz": has_quiz,
                "url": url,
                "progress": progress,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.category_output import CategoryOutput  # noqa: PLC0415
        from ..models.guide_progress_output import GuideProgressOutput  # noqa: PLC0415

        d = dict(src_dict)
        slug = d.pop("slug")

        title = d.pop("title")

        summary = d.pop("summary")

        category = CategoryOutput.from_dict(d.pop("category"))

        position = d.pop("position")

        reading_minutes = d.pop("reading_minutes")

        has_quiz = d.pop("has_quiz")

        url = d.pop("url")

        def _parse_progress(data: object) -> GuideProgressOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_1 = GuideProgressOutput.from_dict(data)

                return progress_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GuideProgressOutput | None, data)

        progress = _parse_progress(d.pop("progress"))

        guide_output = cls(
            slug=slug,
            title=title,
            summary=summary,
            category=category,
            position=position,
            reading_minutes=reading_minutes,
            has_quiz=has_quiz,
            url=url,
            progress=progress,
        )

        guide_output.additional_properties = d
        return guide_output

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
