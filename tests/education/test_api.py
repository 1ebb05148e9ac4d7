"""The course over the API: public reading, scored answers, and each user's own progress."""

import pytest
from rest_framework.test import APIClient

from education.models import QuizAttempt
from tests.education.conftest import right_answers, wrong_answers
from tests.factories.market import btc_market

pytestmark = pytest.mark.django_db


def test_anyone_lists_the_guides_in_path_order(api_client, course):
    response = api_client.get("/api/v1/guides")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 14
    first = body["results"][0]
    assert first["slug"] == "what-is-shorting"
    assert first["position"] == 1
    assert first["category"] == {"slug": "basics", "name": "The basics"}
    assert first["url"] == "/guides/what-is-shorting/"
    assert first["has_quiz"] is True
    assert first["progress"] is None  # anonymous
    assert [g["position"] for g in body["results"]] == list(range(1, 15))


def test_a_guide_comes_as_markdown_and_rendered_html(api_client, user_factory, course):
    btc_market()
    body = api_client.get("/api/v1/guides/what-is-shorting").json()
    assert body["markdown"].startswith("Most people make money")
    assert 'class="glossary-term"' in body["html"]
    assert "<script" not in body["html"]
    assert body["tryits"] == [
        {
            "instrument": "BTC-PERP",
            "side": "sell",
            "type": "market",
            "quantity": "0.10000000",
            "price": None,
            "stop_loss_pct": "5.0000",
            "take_profit_pct": None,
            "label": "Short 0.1 BTC-PERP with a 5% stop-loss",
        }
    ]
    assert "short-selling" in body["glossary_terms"]
    assert body["quiz"] == {
        "title": "Quiz: what shorting is",
        "pass_percent": 70,
        "question_count": 4,
    }
    assert "financial advice" in body["disclaimer"]
    # Anonymous readers get the sign-up link in the ticket, not the form.
    assert "Sign up" in body["html"] and "data-tryit" not in body["html"]
    # A signed-in reader gets the ticket itself.
    user_client = APIClient()
    user_client.force_login(user_factory())
    html = user_client.get("/api/v1/guides/what-is-shorting").json()["html"]
    assert 'data-tryit data-instrument="BTC-PERP" data-side="sell"' in html


def test_an_unknown_or_unpublished_guide_is_a_404_in_the_error_shape(api_client, course):
    response = api_client.get("/api/v1/guides/no-such-guide")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"

    from education.models import Guide

    Guide.objects.filter(slug="cfds").update(is_published=False)
    assert api_client.get("/api/v1/guides/cfds").status_code == 404
    assert api_client.get("/api/v1/guides").json()["count"] == 13


def test_the_glossary(api_client, course):
    body = api_client.get("/api/v1/glossary", {"page_size": 200}).json()
    assert body["count"] >= 30
    terms = {term["slug"]: term for term in body["results"]}
    assert terms["funding-rate"]["aliases"][:2] == ["funding rates", "funding"]
    assert "longs pay shorts" in terms["funding-rate"]["short_definition"]


def test_quiz_questions_come_without_their_answers(api_client, quiz):
    body = api_client.get("/api/v1/guides/what-is-shorting/quiz").json()
    assert body["guide"] == "what-is-shorting"
    assert len(body["questions"]) == 4
    numeric = body["questions"][1]
    assert numeric["kind"] == "numeric" and numeric["choices"] == []
    assert numeric["unit"] == "USD"
    text = str(body)
    assert "is_correct" not in text and "explanation" not in text and "1400" not in text


def test_answering_scores_explains_and_completes(user_client, user, quiz):
    response = user_client.post(
        "/api/v1/guides/what-is-shorting/quiz/attempts",
        {"answers": right_answers(quiz)},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["correct"], body["total"], body["percent"], body["passed"]) == (4, 4, 100, True)
    numeric = body["results"][1]
    assert numeric["correct"] is True and numeric["answer"] == "1400"
    assert "7,000 x 0.2" in numeric["explanation"]

    progress = user_client.get("/api/v1/progress").json()
    assert (progress["completed"], progress["read"], progress["total"]) == (1, 1, 14)
    assert progress["next_guide"] == "margin-shorting"
    assert progress["guides"][0]["progress"] == {
        "read": True,
        "completed": True,
        "best_percent": 100,
    }
    listed = user_client.get("/api/v1/guides").json()["results"][0]
    assert listed["progress"]["completed"] is True


def test_bad_answers_are_a_400_in_the_error_shape(user_client, quiz):
    numeric = str(quiz.questions.all()[1].pk)
    answers = {**right_answers(quiz), numeric: "lots"}
    response = user_client.post(
        "/api/v1/guides/what-is-shorting/quiz/attempts", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_answers"
    assert list(error["fields"]) == [numeric]

    for body in ({}, {"answers": []}, {"answers": {}}, {"answers": {"1": True}}, "junk"):
        response = user_client.post(
            "/api/v1/guides/what-is-shorting/quiz/attempts", body, format="json"
        )
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] in {"invalid", "parse_error"}
    assert not QuizAttempt.objects.exists()


def test_answering_and_progress_need_a_signed_in_user(api_client, quiz):
    attempt = api_client.post(
        "/api/v1/guides/what-is-shorting/quiz/attempts",
        {"answers": right_answers(quiz)},
        format="json",
    )
    assert attempt.status_code in (401, 403)
    assert api_client.get("/api/v1/progress").status_code in (401, 403)
    assert api_client.post("/api/v1/guides/what-is-shorting/read").status_code in (401, 403)


def test_a_read_only_api_key_can_read_progress_but_not_answer(key_client_factory, user, quiz):
    client = key_client_factory(user=user, scope="read")
    assert client.get("/api/v1/progress").status_code == 200
    response = client.post(
        "/api/v1/guides/what-is-shorting/quiz/attempts",
        {"answers": right_answers(quiz)},
        format="json",
    )
    assert response.status_code == 403


def test_marking_read(user_client, course):
    response = user_client.post("/api/v1/guides/cfds/read")
    assert response.status_code == 200
    body = response.json()
    assert body["guide"] == "cfds" and body["read_at"] and body["completed_at"] is None
    assert user_client.post("/api/v1/guides/nope/read").status_code == 404


def test_a_user_never_sees_another_users_attempts_or_progress(user_client, user, other_user, quiz):
    other = APIClient()
    other.force_login(other_user)
    other.post(
        "/api/v1/guides/what-is-shorting/quiz/attempts",
        {"answers": right_answers(quiz)},
        format="json",
    )
    other.post("/api/v1/guides/cfds/read")
    user_client.post(
        "/api/v1/guides/what-is-shorting/quiz/attempts",
        {"answers": wrong_answers(quiz)},
        format="json",
    )

    mine = user_client.get("/api/v1/guides/what-is-shorting/quiz/attempts").json()
    assert [a["correct"] for a in mine] == [0]
    progress = user_client.get("/api/v1/progress").json()
    assert (progress["completed"], progress["read"]) == (0, 0)
    assert user_client.get("/api/v1/guides").json()["results"][0]["progress"] == {
        "read": False,
        "completed": False,
        "best_percent": 0,
    }
    theirs = other.get("/api/v1/progress").json()
    assert (theirs["completed"], theirs["read"]) == (1, 2)
