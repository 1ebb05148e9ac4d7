"""Scoring quizzes, progress along the path, and the staff rules that gate riskier trading."""

from decimal import Decimal

import pytest

from education.models import GuideProgress, Question, QuizAttempt, TradingPermissionRule
from education.selectors import (
    guide_get,
    progress_summary,
    quiz_for_guide,
    trading_permission_problem,
)
from education.services import guide_mark_read, quiz_submit
from education.services.guides import InvalidAnswers
from tests.education.conftest import right_answers, wrong_answers
from tests.factories.market import btc_market
from trading import selectors as trading_selectors
from trading import services as trading_services
from trading.services.orders import OrderRefused, OrderRequest

pytestmark = pytest.mark.django_db


def test_all_right_passes_and_completes_the_guide(user, guide, quiz):
    attempt = quiz_submit(user=user, quiz=quiz, answers=right_answers(quiz))

    assert (attempt.correct, attempt.total, attempt.passed, attempt.percent) == (4, 4, True, 100)
    assert all(item["correct"] for item in attempt.answers.values())
    progress = GuideProgress.objects.get(user=user, guide=guide)
    assert progress.read_at is not None and progress.completed_at is not None


def test_all_wrong_fails_and_completes_nothing(user, guide, quiz):
    attempt = quiz_submit(user=user, quiz=quiz, answers=wrong_answers(quiz))

    assert (attempt.correct, attempt.passed) == (0, False)
    assert not GuideProgress.objects.filter(user=user, guide=guide).exists()


def test_the_pass_mark_is_a_percentage_of_the_questions(user, quiz):
    answers = right_answers(quiz)
    first = str(quiz.questions.first().pk)
    answers[first] = wrong_answers(quiz)[first]
    attempt = quiz_submit(user=user, quiz=quiz, answers=answers)
    assert (attempt.correct, attempt.total, attempt.passed) == (3, 4, True)  # 75% >= 70%

    answers[str(quiz.questions.all()[1].pk)] = wrong_answers(quiz)[str(quiz.questions.all()[1].pk)]
    attempt = quiz_submit(user=user, quiz=quiz, answers=answers)
    assert (attempt.correct, attempt.passed) == (2, False)  # 50%


def test_a_numeric_answer_counts_within_its_tolerance_and_may_be_written_loosely(user, quiz):
    numeric = quiz.questions.filter(kind=Question.Kind.NUMERIC).first()  # 1,400 USD, +/- 0.5
    answers = right_answers(quiz)
    for given, correct in [("1,400.00", True), ("$1400.4", True), (" 1399.6 ", True)]:
        answers[str(numeric.pk)] = given
        attempt = quiz_submit(user=user, quiz=quiz, answers=answers)
        assert attempt.answers[str(numeric.pk)]["correct"] is correct, given
    answers[str(numeric.pk)] = "1401"
    attempt = quiz_submit(user=user, quiz=quiz, answers=answers)
    assert attempt.answers[str(numeric.pk)] == {"given": "1401", "correct": False}


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ("missing", "Answer this question."),
        ("blank", "Answer this question."),
        ("not a number", "Give a number"),
        ("other choice", "Pick one of the choices."),
    ],
)
def test_invalid_answers_are_refused_with_the_field_and_save_nothing(
    user, quiz, change, field_message
):
    answers = right_answers(quiz)
    choice = quiz.questions.filter(kind=Question.Kind.CHOICE).first()
    numeric = quiz.questions.filter(kind=Question.Kind.NUMERIC).first()
    other_quiz = quiz_for_guide(guide=guide_get(slug="cfds"))
    if change == "missing":
        del answers[str(choice.pk)]
        key = str(choice.pk)
    elif change == "blank":
        answers[str(numeric.pk)] = "  "
        key = str(numeric.pk)
    elif change == "not a number":
        answers[str(numeric.pk)] = "NaN"
        key = str(numeric.pk)
    else:
        other_choice = other_quiz.questions.filter(kind=Question.Kind.CHOICE).first()
        answers[str(choice.pk)] = str(other_choice.choices.first().pk)
        key = str(choice.pk)

    with pytest.raises(InvalidAnswers) as refused:
        quiz_submit(user=user, quiz=quiz, answers=answers)

    assert refused.value.code == "invalid_answers"
    assert field_message in refused.value.fields[key][0]
    assert not QuizAttempt.objects.exists()


def test_answers_to_another_quizs_questions_are_refused(user, quiz):
    other = quiz_for_guide(guide=guide_get(slug="cfds"))
    answers = {**right_answers(quiz), **right_answers(other)}
    with pytest.raises(InvalidAnswers) as refused:
        quiz_submit(user=user, quiz=quiz, answers=answers)
    assert "answers" in refused.value.fields


def test_progress_summary_counts_read_and_completed_guides_per_user(user, other_user, quiz):
    summary = progress_summary(user=user)
    assert (summary.total, summary.read, summary.completed, summary.percent) == (14, 0, 0, 0)
    assert summary.next_guide.slug == "what-is-shorting"

    guide_mark_read(user=user, guide=guide_get(slug="cfds"))
    guide_mark_read(user=user, guide=guide_get(slug="cfds"))  # the first read counts
    quiz_submit(user=user, quiz=quiz, answers=right_answers(quiz))

    summary = progress_summary(user=user)
    assert (summary.read, summary.completed, summary.percent) == (2, 1, 7)
    assert summary.next_guide.slug == "margin-shorting"
    assert progress_summary(user=other_user).completed == 0


# Trading permissions -----------------------------------------------------------------


@pytest.fixture
def market(course):
    return btc_market()


@pytest.fixture
def rules(course):
    """Leverage above 5x on perpetuals needs the leverage quiz; selling options the options one."""
    leverage_quiz = quiz_for_guide(guide=guide_get(slug="leverage-and-liquidation"))
    options_quiz = quiz_for_guide(guide=guide_get(slug="puts-and-calls"))
    TradingPermissionRule.objects.update_or_create(
        instrument_kind="perpetual",
        defaults={"leverage_above": Decimal(5), "leverage_quiz": leverage_quiz},
    )
    TradingPermissionRule.objects.update_or_create(
        instrument_kind="option", defaults={"sell_options_quiz": options_quiz}
    )
    return {"leverage": leverage_quiz, "options": options_quiz}


def place(user, **fields):
    account = trading_selectors.paper_account_for_user(user=user)
    request = OrderRequest(type="market", **fields)
    order, _ = trading_services.order_place(account=account, request=request)
    return order


def test_no_rule_means_no_limit(user, market):
    TradingPermissionRule.objects.all().delete()  # Staff may lift the seeded defaults.
    assert trading_permission_problem(user, market["BTC-PERP"], leverage=Decimal(50)) is None
    assert trading_permission_problem(user, market["BTC-P50000"], side="sell") is None
    order = place(user, instrument="BTC-P50000", side="sell", quantity=Decimal("0.1"))
    assert order.status == "filled"


def test_selling_options_needs_the_quiz_but_buying_them_does_not(user, market, rules):
    problem = trading_permission_problem(user, market["BTC-P50000"], side="sell")
    assert "Selling options needs the quiz" in problem
    assert "/guides/puts-and-calls/" in problem

    with pytest.raises(OrderRefused) as refused:
        place(user, instrument="BTC-P50000", side="sell", quantity=Decimal("0.1"))
    assert refused.value.code == "permission_required"
    assert place(user, instrument="BTC-P50000", side="buy", quantity=Decimal("0.2")).status == (
        "filled"
    )
    # Selling what you hold closes a long: no permission needed...
    assert place(user, instrument="BTC-P50000", side="sell", quantity=Decimal("0.1")).status == (
        "filled"
    )
    # ...but selling past it opens a short.
    with pytest.raises(OrderRefused):
        place(user, instrument="BTC-P50000", side="sell", quantity=Decimal("0.2"))

    quiz_submit(user=user, quiz=rules["options"], answers=right_answers(rules["options"]))
    assert trading_permission_problem(user, market["BTC-P50000"], side="sell") is None
    assert place(user, instrument="BTC-P50000", side="sell", quantity=Decimal("0.2")).status == (
        "filled"
    )


def test_a_failed_attempt_does_not_grant_the_permission(user, market, rules):
    quiz_submit(user=user, quiz=rules["options"], answers=wrong_answers(rules["options"]))
    assert trading_permission_problem(user.pk, market["BTC-P50000"], side="sell") is not None


def test_leverage_above_the_level_needs_the_quiz(user, other_user, market, rules):
    account = trading_selectors.paper_account_for_user(user=user)
    perp = market["BTC-PERP"]
    assert trading_permission_problem(user, perp, leverage=Decimal(5)) is None
    assert "Leverage above 5x" in trading_permission_problem(user, perp, leverage=Decimal("5.01"))

    with pytest.raises(OrderRefused) as refused:
        trading_services.leverage_set(account=account, instrument=perp, leverage=Decimal(20))
    assert refused.value.code == "permission_required"
    assert "leverage" in refused.value.fields
    # The default leverage (10x) is above the level too: lower it or take the quiz.
    with pytest.raises(OrderRefused):
        place(user, instrument="BTC-PERP", side="sell", quantity=Decimal("0.1"))
    trading_services.leverage_set(account=account, instrument=perp, leverage=Decimal(5))
    assert place(user, instrument="BTC-PERP", side="sell", quantity=Decimal("0.1")).status == (
        "filled"
    )

    quiz_submit(user=user, quiz=rules["leverage"], answers=right_answers(rules["leverage"]))
    position = trading_services.leverage_set(account=account, instrument=perp, leverage=Decimal(20))
    assert position.leverage == Decimal(20)
    # Passing is personal: the other user is still held to the level.
    assert trading_permission_problem(other_user, perp, leverage=Decimal(20)) is not None


def test_closing_stays_open_to_everyone(user, market, rules):
    account = trading_selectors.paper_account_for_user(user=user)
    perp = market["BTC-PERP"]
    trading_services.leverage_set(account=account, instrument=perp, leverage=Decimal(5))
    place(user, instrument="BTC-PERP", side="sell", quantity=Decimal("0.1"))
    rule = TradingPermissionRule.objects.get(instrument_kind="perpetual")
    rule.leverage_above = Decimal(2)
    rule.save()

    closed = trading_services.position_close(account=account, instrument=perp)
    assert closed.status == "filled"


def test_a_tryit_ticket_finds_the_current_listing_of_a_rolling_symbol(market):
    from education.selectors.guides import tryit_instrument

    assert tryit_instrument(symbol="BTC-PERP") == market["BTC-PERP"]
    assert tryit_instrument(symbol="BTC-FUTURE") == market["BTC-FUT"]
    assert tryit_instrument(symbol="BTC-PUT") == market["BTC-P50000"]
    assert tryit_instrument(symbol="BTC-CALL") is None  # no call is listed
    assert tryit_instrument(symbol="DOGE-PERP") is None
