"""Reads of guides, the glossary, quizzes, progress and trading permissions."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.errors import NotFound
from config.rows import model_rows
from education.models import (
    Choice,
    GlossaryTerm,
    Guide,
    GuideCategory,
    GuideProgress,
    Question,
    Quiz,
    QuizAttempt,
    TradingPermissionRule,
)
from education.rendering import Rendered, TermLink, TryIt, render_markdown
from market import selectors as market_selectors
from market.models import Instrument

NOT_FINANCIAL_ADVICE = (
    "Shortbook is an education simulator with virtual money; nothing in this guide is "
    "financial advice."
)


def guide_list(*, include_unpublished: bool = False) -> QuerySet[Guide]:
    """Guides in learning-path order: by category, then by their order within it."""
    guides = Guide.objects.select_related("category", "quiz").order_by(
        "category__order", "category_id", "order", "pk"
    )
    return guides if include_unpublished else guides.filter(is_published=True)


def guide_get(*, slug: str, include_unpublished: bool = False) -> Guide:
    """Return a guide by its slug, or ``NotFound`` (an unpublished one only for staff)."""
    guide = guide_list(include_unpublished=include_unpublished).filter(slug=slug).first()
    if guide is None:
        raise NotFound(f"No guide is called {slug}.")
    return guide


def glossary_term_list() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.order_by("term")


def term_links() -> list[TermLink]:
    """The glossary as the renderer links it."""
    return [
        TermLink(
            slug=term.slug,
            term=term.term,
            short_definition=term.short_definition,
            aliases=tuple(term.alias_list),
        )
        for term in glossary_term_list()
    ]


# A try-it block may name an instrument that is relisted under new symbols: BTC-FUTURE
# is the nearest dated future, BTC-PUT and BTC-CALL the nearest expiry's option whose
# strike is closest to the index.
ROLLING_SYMBOL = re.compile(r"^(?P<underlying>[A-Z0-9]+)-(?P<kind>FUTURE|PUT|CALL)$")


def tryit_instrument(*, symbol: str) -> Instrument | None:
    """The open instrument a try-it ticket trades, or None when nothing fits."""
    rolling = ROLLING_SYMBOL.match(symbol)
    if rolling is None:
        try:
            return market_selectors.instrument_get(symbol=symbol)
        except NotFound:
            return None
    kind = rolling.group("kind")
    listed = market_selectors.instrument_list(
        kind=Instrument.Kind.FUTURE if kind == "FUTURE" else Instrument.Kind.OPTION,
        underlying=rolling.group("underlying"),
        status=Instrument.Status.OPEN,
    ).filter(expiry__gt=timezone.now())
    if kind != "FUTURE":
        listed = listed.filter(option_type=kind.lower())
    nearest = listed.order_by("expiry").first()
    if nearest is None or kind == "FUTURE":
        return nearest
    index = nearest.underlying.index_price or nearest.underlying.initial_price
    chain = listed.filter(expiry=nearest.expiry)
    return min(chain, key=lambda option: (abs(option.strike - index), option.strike))


def _tryit_ticket(*, guide: Guide, user, index: int, tryit: TryIt) -> str:
    instrument = tryit_instrument(symbol=tryit.instrument)
    return render_to_string(
        "education/_tryit.html",
        {
            "guide": guide,
            "tryit": tryit,
            "index": index,
            "instrument": instrument,
            "signed_in": bool(user and user.is_authenticated),
        },
    )


def guide_render(*, guide: Guide, user=None, body: str | None = None) -> Rendered:
    """Render a guide's Markdown (or ``body``, for a preview) as the reader ``user`` sees it.

    The try-it tickets differ between signed-in readers and visitors, so the result
    is per reader.
    """
    return render_markdown(
        guide.body if body is None else body,
        terms=term_links(),
        glossary_url=reverse("guide_glossary"),
        tryit_html=lambda index, tryit: _tryit_ticket(
            guide=guide, user=user, index=index, tryit=tryit
        ),
    )


def quiz_for_guide(*, guide: Guide) -> Quiz | None:
    """The guide's quiz with its questions and choices in order, or None."""
    return (
        Quiz.objects.filter(guide=guide)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
                ),
            )
        )
        .first()
    )


def attempt_get(*, user, attempt_id: int) -> QuizAttempt:
    """Return one of the user's own quiz attempts; anyone else's is ``NotFound``."""
    attempt = (
        QuizAttempt.objects.select_related("quiz", "quiz__guide")
        .filter(user=user, pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise NotFound("No such quiz attempt.")
    return attempt


def attempt_list(*, user, quiz: Quiz) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-created_at", "-pk")


@dataclass(frozen=True, slots=True)
class PathStep:
    """One guide along the learning path, as one reader stands with it."""

    guide: Guide
    number: int
    read: bool
    completed: bool
    best_percent: int | None


@dataclass(frozen=True, slots=True)
class PathChapter:
    category: GuideCategory
    steps: list[PathStep]


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    """How far a reader is along the path: the dashboard's small progress card."""

    total: int
    read: int
    completed: int
    next_guide: Guide | None

    @property
    def percent(self) -> int:
        return round(self.completed * 100 / self.total) if self.total else 0


def _progress_by_guide(user) -> dict[int, GuideProgress]:
    if not (user and user.is_authenticated):
        return {}
    return {p.guide_id: p for p in GuideProgress.objects.filter(user=user)}


def _best_percent_by_quiz(user) -> dict[int, int]:
    if not (user and user.is_authenticated):
        return {}
    best: dict[int, int] = {}
    for quiz_id, correct, total in QuizAttempt.objects.filter(user=user).values_list(
        "quiz_id", "correct", "total"
    ):
        percent = round(correct * 100 / total) if total else 0
        best[quiz_id] = max(best.get(quiz_id, 0), percent)
    return best


def learning_path(*, user=None) -> list[PathChapter]:
    """The published guides by chapter, each with the reader's progress."""
    progress = _progress_by_guide(user)
    best = _best_percent_by_quiz(user)
    chapters: dict[int, PathChapter] = {}
    for number, guide in enumerate(guide_list(), start=1):
        mine = progress.get(guide.pk)
        quiz = getattr(guide, "quiz", None)
        step = PathStep(
            guide=guide,
            number=number,
            read=bool(mine and mine.read_at),
            completed=bool(mine and mine.completed_at),
            best_percent=best.get(quiz.pk) if quiz else None,
        )
        chapter = chapters.setdefault(
            guide.category_id, PathChapter(category=guide.category, steps=[])
        )
        chapter.steps.append(step)
    return list(chapters.values())


def progress_summary(*, user) -> ProgressSummary:
    """Guides read and completed out of the published path, and the next one to take."""
    steps = [step for chapter in learning_path(user=user) for step in chapter.steps]
    next_step = next((step for step in steps if not step.completed), None)
    return ProgressSummary(
        total=len(steps),
        read=sum(step.read for step in steps),
        completed=sum(step.completed for step in steps),
        next_guide=next_step.guide if next_step else None,
    )


def guide_progress_get(*, user, guide: Guide) -> GuideProgress | None:
    if not (user and user.is_authenticated):
        return None
    return GuideProgress.objects.filter(user=user, guide=guide).first()


def quiz_passed(*, user_id: int, quiz_id: int) -> bool:
    return QuizAttempt.objects.filter(user_id=user_id, quiz_id=quiz_id, passed=True).exists()


_RULE_FROM = "FROM education_tradingpermissionrule r WHERE r.instrument_kind = %s"


def trading_permission_problem(
    user, instrument: Instrument, leverage: Decimal | None = None, side: str | None = None
) -> str | None:
    """Say why the user may not trade this way yet, or None when they may.

    ``user`` is a user or a user's primary key. ``leverage`` is the leverage the user
    would trade at; ``side`` is ``"sell"`` when the order opens or adds to a short.
    Staff set the rules per instrument kind in the admin; no rule means no limit.
    """
    # Asked before every order that opens or adds to a position: the rule alone, one row
    # by its unique kind, in a statement compiled once; its quizzes' guides are read
    # only to word a refusal.
    rule = next(iter(model_rows(TradingPermissionRule, "r", _RULE_FROM, [instrument.kind])), None)
    if rule is None:
        return None
    user_id = getattr(user, "pk", user)
    kind = rule.get_instrument_kind_display()
    if (
        leverage is not None
        and rule.leverage_above is not None
        and leverage > rule.leverage_above
        and not quiz_passed(user_id=user_id, quiz_id=rule.leverage_quiz_id)
    ):
        return (
            f"Leverage above {rule.leverage_above.normalize():f}x on a {kind.lower()} needs "
            f"the quiz of the guide \u201c{rule.leverage_quiz.guide.title}\u201d passed first "
            f"({_quiz_url(rule.leverage_quiz)}). Lower the leverage or take the quiz."
        )
    if (
        side == "sell"
        and instrument.kind == Instrument.Kind.OPTION
        and rule.sell_options_quiz_id is not None
        and not quiz_passed(user_id=user_id, quiz_id=rule.sell_options_quiz_id)
    ):
        return (
            f"Selling options needs the quiz of the guide "
            f"\u201c{rule.sell_options_quiz.guide.title}\u201d passed first "
            f"({_quiz_url(rule.sell_options_quiz)}). Buying options stays open to you."
        )
    return None


def _quiz_url(quiz: Quiz) -> str:
    return reverse("guide_detail", args=[quiz.guide.slug]) + "#quiz"


@dataclass(frozen=True, slots=True)
class PermissionNote:
    """A permission the user has yet to earn on an instrument, and the quiz that grants it."""

    text: str
    guide_title: str
    quiz_url: str


def trading_permission_notes(*, user, instrument: Instrument) -> list[PermissionNote]:
    """What the user must pass before trading ``instrument`` the riskier way; empty when nothing.

    Shown beside the order ticket, so the rule is known before an order is refused.
    """
    if not (user and user.is_authenticated):
        return []
    # Asked before every order that opens or adds to a position: the rule alone, one row
    # by its unique kind; its quizzes' guides are read only to word a refusal.
    rule = (
        TradingPermissionRule.objects.filter(instrument_kind=instrument.kind)
        .order_by()
        .only("instrument_kind", "leverage_above", "leverage_quiz_id", "sell_options_quiz_id")
        .first()
    )
    if rule is None:
        return []
    notes = []
    if rule.leverage_above is not None and not quiz_passed(
        user_id=user.pk, quiz_id=rule.leverage_quiz_id
    ):
        notes.append(
            PermissionNote(
                text=f"Leverage above {rule.leverage_above.normalize():f}x is yours once you pass "
                "the quiz of",
                guide_title=rule.leverage_quiz.guide.title,
                quiz_url=_quiz_url(rule.leverage_quiz),
            )
        )
    if (
        instrument.kind == Instrument.Kind.OPTION
        and rule.sell_options_quiz_id is not None
        and not quiz_passed(user_id=user.pk, quiz_id=rule.sell_options_quiz_id)
    ):
        notes.append(
            PermissionNote(
                text="Selling (writing) options is yours once you pass the quiz of",
                guide_title=rule.sell_options_quiz.guide.title,
                quiz_url=_quiz_url(rule.sell_options_quiz),
            )
        )
    return notes
