from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.category_output import CategoryOutput
    from ..models.guide_progress_output import GuideProgressOutput
    from ..models.quiz_summary_output import QuizSummaryOutput
    from ..models.try_it_output import TryItOutput


T = TypeVar("T", bound="GuideDetailOutput")


@_attrs_define
class GuideDetailOutput:
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
        markdown (str): The guide as written, in Markdown.
        html (str): Sanitised HTML with glossary terms linked and try-it tickets rendered.
        tryits (list[TryItOutput]): The orders the guide invites you to place, stops in percent.
        glossary_terms (list[str]): Slugs of the glossary terms linked.
        quiz (None | QuizSummaryOutput):
        disclaimer (str):
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
    markdown: str
    html: str
    tryits: list[TryItOutput]
    glossary_terms: list[str]
    quiz: None | QuizSummaryOutput
    disclaimer: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.guide_progress_output import GuideProgressOutput  # noqa: PLC0415
        from ..models.quiz_summary_output import QuizSummaryOutput  # noqa: PLC0415

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

        markdown = self.markdown

        html = self.html

        tryits = []
        for tryits_item_data in self.tryits:
            tryits_item = tryits_item_data.to_dict()
            tryits.append(tryits_item)

        glossary_terms = self.glossary_terms

        quiz: dict[str, Any] | None
        if isinstance(self.quiz, QuizSummaryOutput):
            quiz = self.quiz.to_dict()
        else:
            quiz = self.quiz

        disclaimer = self.disclaimer

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
                "markdown": markdown,
                "html": html,
                "tryits": tryits,
                "glossary_terms": glossary_terms,
                "quiz": quiz,
                "disclaimer": disclaimer,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.category_output import CategoryOutput  # noqa: PLC0415
        from ..models.guide_progress_output import GuideProgressOutput  # noqa: PLC0415
        from ..models.quiz_summary_output import QuizSummaryOutput  # noqa: PLC0415
        from ..models.try_it_output import TryItOutput  # noqa: PLC0415

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

        markdown = d.pop("markdown")

        html = d.pop("html")

        tryits = []
        _tryits = d.pop("tryits")
        for tryits_item_data in _tryits:
            tryits_item = TryItOutput.from_dict(tryits_item_data)

            tryits.append(tryits_item)

        glossary_terms = cast(list[str], d.pop("glossary_terms"))

        def _parse_quiz(data: object) -> None | QuizSummaryOutput:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                quiz_type_1 = QuizSummaryOutput.from_dict(data)

                return quiz_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QuizSummaryOutput, data)

        quiz = _parse_quiz(d.pop("quiz"))

        disclaimer = d.pop("disclaimer")

        guide_detail_output = cls(
            slug=slug,
            title=title,
            summary=summary,
            category=category,
            position=position,
            reading_minutes=reading_minutes,
            has_quiz=has_quiz,
            url=url,
            progress=progress,
            markdown=markdown,
            html=html,
            tryits=tryits,
            glossary_terms=glossary_terms,
            quiz=quiz,
            disclaimer=disclaimer,
        )

        guide_detail_output.additional_properties = d
        return guide_detail_output

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
