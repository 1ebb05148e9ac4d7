"""Staff edit quizzes and permission rules in the admin; what cannot work is refused, clearly."""

from decimal import Decimal

import pytest
from django.db.models import Q

from education.models import Choice, Guide, Question, Quiz, TradingPermissionRule

pytestmark = pytest.mark.django_db

QUESTION_ADD = "/admin/education/question/add/"
QUIZ_ADD = "/admin/education/quiz/add/"
RULE_ADD = "/admin/education/tradingpermissionrule/add/"


@pytest.fixture
def staff_client(client, user_factory, course):
    staff = user_factory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


@pytest.fixture
def quiz(course):
    return Quiz.objects.get(guide__slug="cfds")


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def question_form(quiz, *, kind="choice", choices=(), **fields) -> dict:
    """The question admin's add form with ``choices`` as (text, is_correct) rows."""
    data = {
        "quiz": str(quiz.pk),
        "order": "9",
        "kind": kind,
        "prompt": "Which side pays funding when the rate is positive?",
        "explanation": "Longs pay shorts when the perpetual trades above the index.",
        "answer": "",
        "tolerance": "",
        "unit": "",
        **management("choices", len(choices)),
    }
    for index, (text, is_correct) in enumerate(choices):
        data[f"choices-{index}-order"] = str(index)
        data[f"choices-{index}-text"] = text
        if is_correct:
            data[f"choices-{index}-is_correct"] = "on"
    return {**data, **fields}


def test_a_multiple_choice_question_with_two_choices_and_one_right_is_saved(staff_client, quiz):
    response = staff_client.post(
        QUESTION_ADD, question_form(quiz, choices=[("Longs", True), ("Shorts", False)])
    )
    assert response.status_code == 302, response.content
    question = Question.objects.get(quiz=quiz, order=9)
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("Longs", True),
        ("Shorts", False),
    ]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([], "at least two choices"),
        ([("Longs", True)], "at least two choices"),
        ([("Longs", False), ("Shorts", False)], "exactly one choice as correct"),
        ([("Longs", True), ("Shorts", True), ("Nobody", False)], "exactly one choice"),
    ],
)
def test_a_multiple_choice_question_that_cannot_be_answered_is_refused(
    staff_client, quiz, choices, message
):
    before = Question.objects.count()
    response = staff_client.post(QUESTION_ADD, question_form(quiz, choices=choices))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Question.objects.count() == before


def test_a_numeric_question_needs_its_answer_and_a_tolerance_of_zero_or_more(staff_client, quiz):
    before = Question.objects.count()
    missing = staff_client.post(QUESTION_ADD, question_form(quiz, kind="numeric"))
    html = missing.content.decode()
    assert missing.status_code == 200
    assert "A numeric question needs its right answer." in html
    assert "how far from the answer still counts" in html

    negative = staff_client.post(
        QUESTION_ADD, question_form(quiz, kind="numeric", answer="61200", tolerance="-1")
    )
    assert negative.status_code == 200
    assert "greater than or equal to 0" in negative.content.decode()
    garbage = staff_client.post(
        QUESTION_ADD, question_form(quiz, kind="numeric", answer="lots", tolerance="x")
    )
    assert garbage.status_code == 200
    assert "Enter a number." in garbage.content.decode()
    with_choices = staff_client.post(
        QUESTION_ADD,
        question_form(
            quiz, kind="numeric", answer="61200", tolerance="1", choices=[("61200", True)]
        ),
    )
    assert with_choices.status_code == 200
    assert "remove its choices" in with_choices.content.decode()
    assert Question.objects.count() == before

    saved = staff_client.post(
        QUESTION_ADD, question_form(quiz, kind="numeric", answer="61200", tolerance="0")
    )
    assert saved.status_code == 302, saved.content
    assert Question.objects.get(quiz=quiz, order=9).tolerance == 0


def test_the_quiz_page_refuses_a_multiple_choice_question_without_its_choices(staff_client, course):
    guide = Guide.objects.create(
        category=Guide.objects.first().category,
        title="A new guide",
        slug="a-new-guide",
        summary="New.",
        body="Text.",
    )
    quiz_fields = {"guide": str(guide.pk), "title": "Quiz: new", "pass_percent": "70"}
    question = {
        "questions-0-order": "0",
        "questions-0-prompt": "What is 2 + 2?",
        "questions-0-explanation": "Four.",
        "questions-0-unit": "",
        **management("questions", 1),
    }
    refused = staff_client.post(
        QUIZ_ADD,
        {
            **quiz_fields,
            **question,
            "questions-0-kind": "choice",
            "questions-0-answer": "",
            "questions-0-tolerance": "",
        },
    )
    assert refused.status_code == 200
    assert "add it from Questions" in refused.content.decode()
    assert not Quiz.objects.filter(guide=guide).exists()

    saved = staff_client.post(
        QUIZ_ADD,
        {
            **quiz_fields,
            **question,
            "questions-0-kind": "numeric",
            "questions-0-answer": "4",
            "questions-0-tolerance": "0",
        },
    )
    assert saved.status_code == 302, saved.content
    assert Quiz.objects.get(guide=guide).questions.get().answer == 4


def test_editing_a_quiz_keeps_its_saved_multiple_choice_questions(staff_client, quiz):
    questions = list(quiz.questions.order_by("order", "pk"))
    data = {
        "guide": str(quiz.guide_id),
        "title": quiz.title,
        "pass_percent": "80",
        **management("questions", len(questions), initial=len(questions)),
    }
    for index, question in enumerate(questions):
        prefix = f"questions-{index}-"
        data |= {
            f"{prefix}id": str(question.pk),
            f"{prefix}quiz": str(quiz.pk),
            f"{prefix}order": str(question.order),
            f"{prefix}kind": question.kind,
            f"{prefix}prompt": question.prompt,
            f"{prefix}explanation": question.explanation,
            f"{prefix}answer": "" if question.answer is None else str(question.answer),
            f"{prefix}tolerance": "" if question.tolerance is None else str(question.tolerance),
            f"{prefix}unit": question.unit,
        }
    assert any(q.kind == "choice" for q in questions)
    response = staff_client.post(f"/admin/education/quiz/{quiz.pk}/change/", data)
    assert response.status_code == 302, response.content
    quiz.refresh_from_db()
    assert quiz.pass_percent == 80

    # A saved choice question whose choices were broken elsewhere is flagged here too.
    choice_question = next(q for q in questions if q.kind == "choice")
    Choice.objects.filter(question=choice_question).update(is_correct=False)
    data["pass_percent"] = "90"
    flagged = staff_client.post(f"/admin/education/quiz/{quiz.pk}/change/", data)
    assert flagged.status_code == 200
    assert "exactly one choice as correct" in flagged.content.decode()
    quiz.refresh_from_db()
    assert quiz.pass_percent == 80


def rule_form(**fields) -> dict:
    return {
        "instrument_kind": "spot",
        "leverage_above": "2",
        "leverage_quiz": str(Quiz.objects.get(guide__slug="margin-shorting").pk),
        "sell_options_quiz": "",
        **fields,
    }


def test_a_rule_needs_a_level_of_1x_or_more_and_a_quiz_readers_can_take(staff_client, course):
    below = staff_client.post(RULE_ADD, rule_form(leverage_above="0.5"))
    assert below.status_code == 200
    assert "Leverage starts at 1x" in below.content.decode()
    garbage = staff_client.post(RULE_ADD, rule_form(leverage_above="ten"))
    assert garbage.status_code == 200
    assert "Enter a number." in garbage.content.decode()
    missing = staff_client.post(RULE_ADD, rule_form(leverage_quiz="999999"))
    assert missing.status_code == 200
    assert "Select a valid choice" in missing.content.decode()

    Guide.objects.filter(slug="margin-shorting").update(is_published=False)
    hidden = staff_client.post(RULE_ADD, rule_form())
    assert hidden.status_code == 200
    assert "is not published, so nobody could pass its quiz" in hidden.content.decode()
    Guide.objects.filter(slug="margin-shorting").update(is_published=True)

    empty = Quiz.objects.get(guide__slug="margin-shorting")
    questions = list(empty.questions.all())
    empty.questions.all().delete()
    no_questions = staff_client.post(RULE_ADD, rule_form())
    assert no_questions.status_code == 200
    assert "has no questions yet" in no_questions.content.decode()
    assert not TradingPermissionRule.objects.filter(instrument_kind="spot").exists()

    for question in questions:
        question.save()
    saved = staff_client.post(RULE_ADD, rule_form())
    assert saved.status_code == 302, saved.content
    rule = TradingPermissionRule.objects.get(instrument_kind="spot")
    assert rule.leverage_above == Decimal(2)


def _rule_on(quiz) -> TradingPermissionRule:
    return TradingPermissionRule.objects.update_or_create(
        instrument_kind="cfd",
        defaults={"leverage_above": Decimal(5), "leverage_quiz": quiz},
    )[0]


def test_a_guide_whose_quiz_a_rule_requires_cannot_be_unpublished(staff_client, quiz):
    _rule_on(quiz)
    guide = quiz.guide
    url = f"/admin/education/guide/{guide.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(category=str(guide.category_id), is_published="")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "requires this guide" in response.content.decode()
    assert Guide.objects.get(pk=guide.pk).is_published


def test_the_guide_list_keeps_the_rule_too(staff_client, quiz):
    _rule_on(quiz)
    guide = quiz.guide
    guides = list(Guide.objects.order_by("category__order", "order", "pk"))
    data = {**management("form", len(guides), len(guides)), "_save": "Save"}
    for index, each in enumerate(guides):
        data[f"form-{index}-id"] = str(each.pk)
        data[f"form-{index}-order"] = str(each.order)
        if each.is_published and each.pk != guide.pk:
            data[f"form-{index}-is_published"] = "on"
    response = staff_client.post("/admin/education/guide/", data)
    assert response.status_code == 200
    assert "requires this guide" in response.content.decode()
    assert Guide.objects.get(pk=guide.pk).is_published


def test_a_guide_no_rule_needs_can_be_unpublished_from_the_list(staff_client, quiz):
    guide = quiz.guide
    guides = list(Guide.objects.order_by("category__order", "order", "pk"))
    TradingPermissionRule.objects.filter(
        Q(leverage_quiz__guide=guide) | Q(sell_options_quiz__guide=guide)
    ).delete()
    data = {**management("form", len(guides), len(guides)), "_save": "Save"}
    for index, each in enumerate(guides):
        data[f"form-{index}-id"] = str(each.pk)
        data[f"form-{index}-order"] = str(each.order)
        if each.is_published and each.pk != guide.pk:
            data[f"form-{index}-is_published"] = "on"
    response = staff_client.post("/admin/education/guide/", data)
    assert response.status_code == 302
    assert not Guide.objects.get(pk=guide.pk).is_published
