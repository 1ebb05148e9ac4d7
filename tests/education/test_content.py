"""The shipped course: complete, idempotent to load, and its numbers true to the platform.

Every numeric quiz answer is recomputed here with the platform's own engine, pricing
and indicator functions and the demo instruments' parameters, so a change to a fee,
a rate or a formula that makes a guide wrong fails this test.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from education.models import GlossaryTerm, Guide, GuideCategory, Question, Quiz
from education.selectors import guide_render, learning_path
from education.services import guides_seed
from education.services.guides import CONTENT_DIR
from market.demo import CFD_MARGIN, PERPETUAL_MARGIN, SPOT_MARGIN
from market.indicators import Swing, fibonacci_retracements, sma
from market.pricing import marks
from market.services import FUTURE_LISTING
from trading import engine
from trading.engine import margin
from trading.engine.triggers import trailing_start, trailing_update
from trading.engine.types import Order, OrderType, Side

pytestmark = pytest.mark.django_db

D = Decimal
BTC_PERP_TIERS = margin.flat_tiers(
    PERPETUAL_MARGIN["initial_margin_rate"], PERPETUAL_MARGIN["maintenance_margin_rate"]
)
TICK = D("0.5")


def _trailing_short_stop(*, entry: D, lowest: D, distance: D) -> D:
    """Run a buy trailing stop (protecting a short) through the engine's trailing logic."""
    order = Order(
        id=1,
        account_id=1,
        side=Side.BUY,
        type=OrderType.TRAILING_STOP,
        quantity_lots=1,
        sequence=1,
        trailing_ticks=int(distance / TICK),
        reduce_only=True,
    )
    state = trailing_start(order, int(entry / TICK))
    state = trailing_update(order, state, int(lowest / TICK))
    return state.stop_price_ticks * TICK


def _position_size(*, equity: D, risk: D, entry: D, stop: D) -> D:
    quantity = equity * risk / (stop - entry)
    # The loss at the stop is what was risked, as the engine computes PnL.
    assert engine.unrealized_pnl(Side.SELL, quantity, entry, stop) == -(equity * risk)
    return quantity


def _taxes_net_gain() -> D:
    rate = SPOT_MARGIN["taker_fee_rate"]
    gross = engine.unrealized_pnl(Side.SELL, D("0.5"), D(95000), D(90000))
    return gross - engine.fee(D("0.5") * 95000, rate) - engine.fee(D("0.5") * 90000, rate)


# (guide slug, question number from 1) -> the answer, computed by the platform's code.
NUMERIC_ANSWERS = {
    ("what-is-shorting", 2): lambda: engine.unrealized_pnl(Side.SELL, D("0.2"), D(95000), D(88000)),
    ("what-is-shorting", 4): lambda: engine.fee(
        D("0.1") * 95000, PERPETUAL_MARGIN["taker_fee_rate"]
    ),
    ("margin-shorting", 2): lambda: engine.borrow_interest(
        D(1), D(95000), SPOT_MARGIN["borrow_rate"], 24
    ),
    ("margin-shorting", 4): lambda: engine.initial_margin(
        D("0.5") * 95000,
        leverage=SPOT_MARGIN["max_leverage"],
        tiers=margin.flat_tiers(
            SPOT_MARGIN["initial_margin_rate"], SPOT_MARGIN["maintenance_margin_rate"]
        ),
    ),
    # A short receives what funding_payment returns as negative.
    ("perpetual-futures", 2): lambda: (
        -engine.funding_payment(Side.SELL, D("0.5"), D(96000), D("0.0003"))
    ),
    ("perpetual-futures", 4): lambda: engine.funding_payment(
        Side.SELL, D(1), D(100000), -PERPETUAL_MARGIN["funding_rate_cap"]
    ),
    ("dated-futures", 1): lambda: marks.future_mark(
        D(90000),
        annual_basis_rate=FUTURE_LISTING["basis_rate"],
        time_to_expiry_seconds=timedelta(days=146).total_seconds(),
    ),
    ("cfds", 1): lambda: engine.overnight_financing(
        Side.SELL,
        D("0.4") * 100000,
        benchmark_rate=D(0),
        admin_fee_rate=CFD_MARGIN["financing_rate"],
    ),
    # Break-even of a put: the price at which its payoff repays the premium.
    ("puts-and-calls", 1): lambda: next(
        price
        for price in range(90000, 0, -1)
        if engine.option_payoff(engine.OptionKind.PUT, D(90000), D(price), D(1)) >= 2000
    ),
    ("puts-and-calls", 3): lambda: (
        engine.option_short_margin(
            engine.OptionKind.CALL,
            strike=D(100000),
            underlying_price=D(95000),
            mark_price=D(800),
            quantity=D(1),
        ).initial
    ),
    ("leverage-and-liquidation", 1): lambda: margin.liquidation_price_cross(
        Side.SELL,
        D(2),
        D(90000),
        equity_excluding_position=D(20000),
        other_maintenance_margin=D(0),
        tiers=BTC_PERP_TIERS,
    ),
    ("leverage-and-liquidation", 2): lambda: engine.initial_margin(
        D(10) * 95000, leverage=D(10), tiers=BTC_PERP_TIERS
    ),
    ("stops-and-exits", 1): lambda: D(95000) * (1 + D("0.05")),
    ("stops-and-exits", 2): lambda: _trailing_short_stop(
        entry=D(95000), lowest=D(85000), distance=D(2000)
    ),
    ("position-sizing", 1): lambda: _position_size(
        equity=D(50000), risk=D("0.02"), entry=D(80000), stop=D(84000)
    ),
    ("position-sizing", 2): lambda: D(100) / (1 + D(9500) / D(4750)),
    ("technical-analysis", 1): lambda: sma([D(91000), D(92500), D(90500), D(93000), D(94000)], 5)[
        -1
    ],
    ("technical-analysis", 2): lambda: next(
        level.price
        for level in fibonacci_retracements(D(70000), D(50000), Swing.DOWN)
        if level.ratio == D("0.618")
    ),
    ("sentiment-and-positioning", 1): lambda: D(150) / D(60),
    ("fundamental-signals", 1): lambda: D("3.125") * 144,
    ("short-squeezes", 2): lambda: -engine.unrealized_pnl(Side.SELL, D("0.1"), D(95000), D(110000)),
    ("short-squeezes", 3): lambda: engine.funding_payment(
        Side.SELL, D(1), D(100000), -PERPETUAL_MARGIN["funding_rate_cap"]
    ),
    ("taxes-and-records", 1): _taxes_net_gain,
}

LEARNING_PATH = [
    "what-is-shorting",
    "margin-shorting",
    "perpetual-futures",
    "dated-futures",
    "cfds",
    "puts-and-calls",
    "leverage-and-liquidation",
    "stops-and-exits",
    "position-sizing",
    "technical-analysis",
    "sentiment-and-positioning",
    "fundamental-signals",
    "short-squeezes",
    "taxes-and-records",
]


def test_the_course_loads_in_learning_path_order(course):
    slugs = [step.guide.slug for chapter in learning_path() for step in chapter.steps]
    assert slugs == LEARNING_PATH
    assert GuideCategory.objects.count() == 5
    assert GlossaryTerm.objects.count() >= 30
    assert all(guide.is_published and guide.reading_minutes >= 2 for guide in Guide.objects.all())


def test_every_guide_has_a_quiz_explains_its_answers_and_ends_with_the_note(course):
    for guide in Guide.objects.all():
        quiz = Quiz.objects.get(guide=guide)
        questions = list(quiz.questions.all())
        assert len(questions) >= 3, guide.slug
        for question in questions:
            assert question.explanation.strip(), (guide.slug, question.order)
            if question.kind == Question.Kind.CHOICE:
                assert question.choices.filter(is_correct=True).count() == 1
                assert question.choices.count() >= 2
        last_lines = " ".join(guide.body.strip().splitlines()[-3:]).lower()
        assert "simulator" in last_lines and "not" in last_lines and "advice" in last_lines


def test_every_guide_renders_with_glossary_links_and_no_broken_tickets(course):
    tickets = 0
    for guide in Guide.objects.all():
        rendered = guide_render(guide=guide)
        assert rendered.errors == [], guide.slug
        assert rendered.linked_terms, guide.slug
        tickets += len(rendered.tryits)
    assert tickets >= 9


def test_every_numeric_answer_matches_the_platform_engine(course):
    numeric = Question.objects.filter(kind=Question.Kind.NUMERIC).select_related("quiz__guide")
    seen = set()
    for question in numeric:
        slug = question.quiz.guide.slug
        number = question.order + 1
        key = (slug, number)
        assert key in NUMERIC_ANSWERS, f"add a check for {key}: {question.prompt[:60]}"
        expected = D(NUMERIC_ANSWERS[key]())
        assert abs(question.answer - expected) <= question.tolerance, (key, expected)
        # The published answer is rounded no further than its tolerance allows.
        assert question.tolerance <= max(abs(expected) * D("0.01"), D("0.5")), key
        seen.add(key)
    assert seen == set(NUMERIC_ANSWERS)
    assert len(seen) >= 14


def test_the_worked_liquidation_example_is_the_engines(course):
    # 10 BTC-PERP short at 95,000 on a fresh 100,000 account after the 475 USD taker fee.
    fee = engine.fee(D(950000), PERPETUAL_MARGIN["taker_fee_rate"])
    price = margin.liquidation_price_cross(
        Side.SELL,
        D(10),
        D(95000),
        equity_excluding_position=D(100000) - fee,
        other_maintenance_margin=D(0),
        tiers=BTC_PERP_TIERS,
    )
    body = Guide.objects.get(slug="leverage-and-liquidation").body
    assert f"{fee:,.0f} USD" in body
    assert f"**{price:,.2f} USD**" in body
    assert "103,913.5" in body  # the dashboard rounds it to BTC-PERP's 0.5 tick


def test_seeding_twice_changes_nothing(course):
    report = guides_seed()
    assert report.lines == []


def test_seeding_updates_untouched_rows_and_keeps_staff_edits(course, tmp_path, settings):
    guide = Guide.objects.get(slug="cfds")
    guide.body = "Staff rewrote this guide.\n"
    guide.save()
    term = GlossaryTerm.objects.get(slug="basis")
    term.short_definition = "Staff's own words."
    term.save()
    quiz = Quiz.objects.get(guide__slug="cfds")
    question = quiz.questions.first()
    question.prompt = "A staff question?"
    question.save()

    # A new version of the content changes every guide; the glossary file stays the same.
    content = tmp_path / "content"
    (content / "guides").mkdir(parents=True)
    source = CONTENT_DIR
    for name in ("path.toml", "glossary.toml", "permissions.toml"):
        (content / name).write_text((source / name).read_text())
    for file in (source / "guides").glob("*.md"):
        text = file.read_text().replace('summary = "', 'summary = "Updated: ', 1)
        text = text.replace("+++\n\n", "+++\n\nA new first line.\n\n", 1)
        text = text.replace('title = "Quiz: ', 'title = "Quiz, revised: ', 1)
        (content / "guides" / file.name).write_text(text)

    report = guides_seed(content_dir=content)

    assert "guide CFDs and overnight financing" in report.kept
    assert "quiz of CFDs and overnight financing" in report.kept
    assert Guide.objects.get(slug="cfds").body == "Staff rewrote this guide.\n"
    assert Quiz.objects.get(guide__slug="cfds").questions.first().prompt == "A staff question?"
    updated = Guide.objects.get(slug="perpetual-futures")
    assert updated.summary.startswith("Updated: ")
    assert updated.body.startswith("A new first line.")
    assert f"guide {updated.title}" in report.updated
    assert f"quiz of {updated.title}" in report.updated
    assert Quiz.objects.get(guide=updated).title.startswith("Quiz, revised: ")
    assert GlossaryTerm.objects.get(slug="basis").short_definition == "Staff's own words."
