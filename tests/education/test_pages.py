"""The guide pages, the quiz form, attempts, the glossary and the admin's preview."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from education.models import GuideProgress, QuizAttempt
from education.selectors import progress_summary
from tests.education.conftest import right_answers, wrong_answers
from tests.factories.market import btc_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(user):
    client = Client()
    client.force_login(user)
    return client


def quiz_form(answers: dict) -> dict:
    return {f"q{key}": value for key, value in answers.items()}


def test_the_learning_path_for_a_visitor_and_for_a_reader(client, browser, user, quiz):
    page = client.get("/guides/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Learn to short, step by step" in html
    assert html.index("What shorting is") < html.index("Taxes and record keeping")
    assert 'href="/accounts/signup/"' in html and "guide-progress" not in html
    assert 'aria-current="page">Guides</a>' in html  # the nav link

    browser.post("/guides/what-is-shorting/quiz/", quiz_form(right_answers(quiz)))
    html = browser.get("/guides/").content.decode()
    assert 'data-testid="guides-completed">1 of 14</strong>' in html
    assert "Completed" in html and "best quiz score 100%" in html


def test_a_guide_page_for_a_visitor(client, course):
    btc_market()
    page = client.get("/guides/what-is-shorting/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 id="guide-title">What shorting is</h1>' in html
    assert "Guide 1 of 14" in html
    assert 'class="glossary-term"' in html
    assert "js/guides.js" in html
    # The ticket offers a sign-up instead of trading; the quiz asks to log in.
    assert "Sign up</a> or" in html and "data-tryit" not in html
    assert "to take the quiz" in html
    assert 'rel="next">Short selling on margin' in html
    # The guide's own note is there, so the standard one is not repeated.
    assert "guide-disclaimer" not in html
    assert re.search(r"It is not financial\s+advice", html)


def test_a_guide_page_for_a_reader_has_the_ticket_and_the_quiz(browser, course):
    btc_market()
    html = browser.get("/guides/what-is-shorting/").content.decode()
    assert 'data-tryit data-instrument="BTC-PERP" data-side="sell" data-type="market"' in html
    assert 'data-tick-size="0.5"' in html
    assert 'name="stop_loss_pct" inputmode="decimal" value="5"' in html
    assert 'name="quantity" inputmode="decimal" value="0.1"' in html
    assert 'action="/guides/what-is-shorting/quiz/#quiz"' in html
    assert html.count('class="quiz-question') == 4
    assert "Mark as read" in html


def test_a_guide_with_no_note_gets_the_standard_one(client, course):
    from education.models import Guide

    Guide.objects.filter(slug="cfds").update(body="Just a paragraph.")
    html = client.get("/guides/cfds/").content.decode()
    assert 'class="guide-disclaimer" role="note"' in html


def test_unknown_and_unpublished_guides_are_404_but_staff_see_drafts(client, course, user):
    from education.models import Guide

    assert client.get("/guides/nope/").status_code == 404
    Guide.objects.filter(slug="cfds").update(is_published=False)
    assert client.get("/guides/cfds/").status_code == 404
    user.is_staff = True
    user.save()
    staff = Client()
    staff.force_login(user)
    page = staff.get("/guides/cfds/")
    assert page.status_code == 200 and "Draft: only staff see this" in page.content.decode()


def test_marking_a_guide_read(browser, user, course):
    response = browser.post("/guides/cfds/read/")
    assert response.status_code == 302 and response["Location"] == "/guides/cfds/"
    assert GuideProgress.objects.get(user=user, guide__slug="cfds").read_at is not None
    assert browser.get("/guides/cfds/read/").status_code == 405


def test_a_passed_quiz_shows_the_result_with_explanations(browser, user, quiz):
    response = browser.post("/guides/what-is-shorting/quiz/", quiz_form(right_answers(quiz)))
    attempt = QuizAttempt.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == f"/guides/what-is-shorting/attempts/{attempt.pk}/"

    html = browser.get(response["Location"]).content.decode()
    assert "4 of 4</strong> right (100%)" in html and "Passed" in html
    assert "7,000 x 0.2 = 7,000 x 0.2" not in html  # explanations are rendered, not mangled
    assert "<strong>1,400 USD</strong>" in html
    assert "Next guide: Short selling on margin" in html


def test_a_failed_quiz_shows_the_right_answers(browser, user, quiz):
    response = browser.post("/guides/what-is-shorting/quiz/", quiz_form(wrong_answers(quiz)))
    html = browser.get(response["Location"]).content.decode()
    assert "0 of 4</strong> right (0%)" in html and "Not passed yet" in html
    assert "The answer: <strong>1,400.00 USD</strong>" in html
    assert "Try the quiz again" in html


def test_missing_or_bad_answers_come_back_as_form_errors_not_a_500(browser, quiz):
    answers = quiz_form(right_answers(quiz))
    first = next(iter(answers))
    numeric = f"q{quiz.questions.all()[1].pk}"
    del answers[first]
    answers[numeric] = "a lot"

    response = browser.post("/guides/what-is-shorting/quiz/", answers)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Answer this question." in html
    assert "Give a number, such as 103960.40." in html
    assert 'value="a lot"' in html  # what was typed is kept
    assert not QuizAttempt.objects.exists()

    answers[first] = "999999"  # not one of the choices
    response = browser.post("/guides/what-is-shorting/quiz/", answers)
    assert response.status_code == 400 and "Pick one of the choices." in response.content.decode()


def test_the_quiz_needs_a_login(client, quiz):
    response = client.post("/guides/what-is-shorting/quiz/", quiz_form(right_answers(quiz)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not QuizAttempt.objects.exists()


def test_nobody_sees_another_users_attempt(browser, other_user, quiz):
    other = Client()
    other.force_login(other_user)
    response = other.post("/guides/what-is-shorting/quiz/", quiz_form(right_answers(quiz)))
    theirs = response["Location"]
    assert other.get(theirs).status_code == 200
    assert browser.get(theirs).status_code == 404
    assert "last attempts" not in browser.get("/guides/what-is-shorting/").content.decode()


def test_the_glossary_page(client, course):
    html = client.get("/guides/glossary/").content.decode()
    assert '<div class="glossary-entry card" id="funding-rate">' in html
    assert "longs pay shorts" in html
    assert html.count('class="glossary-entry card"') >= 30


def test_the_progress_partial_for_the_dashboard(user, quiz, browser):
    browser.post("/guides/what-is-shorting/quiz/", quiz_form(right_answers(quiz)))
    html = render_to_string("education/_progress.html", {"summary": progress_summary(user=user)})
    assert 'data-testid="guides-completed">1 of 14</strong>' in html
    assert '<progress class="guide-progress-bar" max="14" value="1"' in html
    assert 'Next: <a href="/guides/margin-shorting/">' in html


def test_the_admin_previews_a_guide_as_staff_type(client, course, user):
    btc_market()
    preview = "/admin/education/guide/preview/"
    body = {
        "title": "Draft",
        "body": "## Funding\n\nThe funding rate.<script>x()</script>\n\n"
        '```tryit {"instrument":"BTC-PERP","side":"sell","quantity":"0.1"}```',
    }
    assert client.post(preview, body).status_code == 302  # to the admin login
    client.force_login(user)
    assert client.post(preview, body).status_code == 302  # not staff
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    response = client.post(preview, body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Draft</h1>" in html and 'class="glossary-term"' in html
    assert "<script>x()" not in html
    assert 'data-tryit data-instrument="BTC-PERP"' in html
    bad = client.post(preview, {"body": '```tryit {"side":"up"}```'}).content.decode()
    assert "Try-it block 1: name the instrument." in bad
    assert client.get(preview).status_code == 405

    change = client.get("/admin/education/guide/").content.decode()
    assert "What shorting is" in change
    from education.models import Guide

    guide = Guide.objects.get(slug="cfds")
    page = client.get(f"/admin/education/guide/{guide.pk}/change/").content.decode()
    assert "data-guide-preview" in page and 'sandbox="allow-same-origin"' in page
    assert "js/guides.js" in page


def test_staff_save_in_the_admin_recomputes_the_reading_time(client, course, user):
    from education.models import Guide

    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    guide = Guide.objects.get(slug="cfds")
    response = client.post(
        f"/admin/education/guide/{guide.pk}/change/",
        {
            "title": guide.title,
            "slug": guide.slug,
            "category": guide.category_id,
            "order": guide.order,
            "summary": guide.summary,
            "is_published": "on",
            "body": " ".join(["word"] * 1000),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    guide.refresh_from_db()
    assert guide.reading_minutes == 5


def test_staff_set_a_permission_rule_with_clear_errors(client, course, user):
    from education.models import TradingPermissionRule

    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    TradingPermissionRule.objects.all().delete()  # Staff start from no rules here.
    options_quiz = guide_quiz_id("puts-and-calls")
    response = client.post(
        "/admin/education/tradingpermissionrule/add/",
        {"instrument_kind": "perpetual", "leverage_above": "10", "sell_options_quiz": options_quiz},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the quiz a user must pass to go above the level." in html
    assert "Only options can be sold to open; leave this empty." in html
    assert not TradingPermissionRule.objects.exists()

    response = client.post(
        "/admin/education/tradingpermissionrule/add/",
        {
            "instrument_kind": "perpetual",
            "leverage_above": "10",
            "leverage_quiz": guide_quiz_id("leverage-and-liquidation"),
        },
    )
    assert response.status_code == 302
    assert TradingPermissionRule.objects.get().leverage_above == 10


def guide_quiz_id(slug: str) -> int:
    from education.models import Quiz

    return Quiz.objects.get(guide__slug=slug).pk
