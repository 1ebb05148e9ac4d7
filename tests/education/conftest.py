import pytest

from education.models import Question
from education.selectors import guide_get, quiz_for_guide
from education.services import guides_seed


@pytest.fixture
def course(db):
    """The shipped learning path, glossary and quizzes, loaded as seed_guides loads them."""
    guides_seed()


@pytest.fixture
def guide(course):
    return guide_get(slug="what-is-shorting")


@pytest.fixture
def quiz(guide):
    return quiz_for_guide(guide=guide)


def right_answers(quiz) -> dict[str, str]:
    """Every question of the quiz answered correctly, as the services take answers."""
    answers = {}
    for question in quiz.questions.all():
        if question.kind == Question.Kind.CHOICE:
            answers[str(question.pk)] = str(
                next(c.pk for c in question.choices.all() if c.is_correct)
            )
        else:
            answers[str(question.pk)] = str(question.answer)
    return answers


def wrong_answers(quiz) -> dict[str, str]:
    answers = {}
    for question in quiz.questions.all():
        if question.kind == Question.Kind.CHOICE:
            answers[str(question.pk)] = str(
                next(c.pk for c in question.choices.all() if not c.is_correct)
            )
        else:
            answers[str(question.pk)] = str(question.answer + question.tolerance + 1)
    return answers
