"""A trader reads a guide, hovers a glossary term, places its try-it short and takes the quiz.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright against
pytest-django's live server, like the sign-up test. Screenshots go where `dev.py test`
says (var/screenshots).
"""

import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from education.models import GuideProgress
from education.services import guides_seed
from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market
from trading import selectors
from trading.models import Order, Position

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Where `dev.py test` says; a run of pytest alone keeps them in the temporary directory.
SCREENSHOTS = Path(
    os.environ.get("SHORTBOOK_SCREENSHOTS", Path(tempfile.gettempdir()) / "shortbook-screenshots")
)
EMAIL = "demo.reader@example.com"
PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


def test_read_a_guide_hover_a_term_place_the_short_and_pass_the_quiz(browser, live_server):
    guides_seed()
    btc_market(price=Decimal("95000"))
    user = UserFactory(email=EMAIL, password=PASSWORD, display_name="Demo Trader")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # The learning path, then the first guide.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Guides").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn to short, step by step")
    page.get_by_role("listitem").get_by_role("link", name="What shorting is").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What shorting is")

    # A glossary term explains itself on hover, and on keyboard focus.
    term = page.get_by_test_id("guide-body").locator("a.glossary-term").first
    term.hover()
    tooltip = page.get_by_role("tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text(re.compile(r"\S"))
    definition = tooltip.inner_text()
    expect(term).to_have_attribute("aria-describedby", "glossary-tooltip")
    page.screenshot(path=str(SCREENSHOTS / "guide-tooltip.png"))
    page.mouse.move(5, 5)
    expect(tooltip).to_be_hidden()
    term.focus()
    expect(tooltip).to_have_text(definition)
    page.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()

    # The try-it ticket shorts 0.1 BTC-PERP on the reader's own paper account.
    ticket = page.get_by_test_id("tryit")
    expect(ticket.get_by_label("Quantity (BTC)")).to_have_value("0.1")
    ticket.get_by_role("button", name="Place on my paper account").click()
    result = ticket.get_by_role("status")
    expect(result).to_contain_text(re.compile(r"Order #\d+ filled"))
    expect(result).to_contain_text("0.1 of 0.1 BTC-PERP")
    expect(result).to_contain_text("Stop-loss")
    expect(result.get_by_role("link", name="See your position on the dashboard")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "guide-tryit.png"), full_page=True)

    account = selectors.paper_account_for_user(user=user)
    position = Position.objects.get(account=account, instrument__symbol="BTC-PERP")
    assert position.quantity == Decimal("-0.1")
    stop = Order.objects.get(account=account, role=Order.Role.STOP_LOSS)
    assert stop.side == "buy" and stop.reduce_only
    # 5% above the mark the ticket read, on the 0.5 tick.
    assert Decimal("99000") < stop.stop_price < Decimal("100500")
    assert stop.stop_price % Decimal("0.5") == 0

    # A bad quantity is refused in the ticket, in words, not with a crash.
    ticket.get_by_label("Quantity (BTC)").fill("0.00001")
    ticket.get_by_role("button", name="Place on my paper account").click()
    expect(result).to_contain_text("lot size")

    # The quiz: a missing answer comes back as an error beside the question...
    quiz = page.locator("#quiz")
    quiz.get_by_label("When the price falls after you open it").check()
    quiz.get_by_role("button", name="Check my answers").click()
    expect(page.locator("#quiz")).to_contain_text("Answer this question.")
    # ...then every answer, and the score with explanations.
    quiz = page.locator("#quiz")
    expect(quiz.get_by_label("When the price falls after you open it")).to_be_checked()
    quiz.get_by_label("Your answer (USD)").nth(0).fill("1,400")
    quiz.get_by_label("Without limit, because the price can keep rising").check()
    quiz.get_by_label("Your answer (USD)").nth(1).fill("4.75")
    quiz.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_test_id("quiz-score")).to_contain_text("4 of 4")
    expect(page.get_by_test_id("quiz-score")).to_contain_text("Passed")
    expect(page.get_by_text("7,000 x 0.2 = **1,400 USD**")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "guide-quiz-result.png"), full_page=True)
    assert GuideProgress.objects.get(user=user, guide__slug="what-is-shorting").completed_at

    page.get_by_role("link", name="The learning path").click()
    expect(page.get_by_test_id("guides-completed")).to_have_text("1 of 14")


def test_high_leverage_waits_for_the_quiz_the_trade_page_links(browser, live_server):
    guides_seed()
    btc_market(price=Decimal("95000"))
    UserFactory(email=EMAIL, password=PASSWORD, display_name="Demo Trader")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # Beside the ticket: what the reader must pass before going above 10x.
    page.goto(live_server.url + "/trade/BTC-PERP/")
    notes = page.get_by_test_id("permission-notes")
    expect(notes).to_contain_text("Leverage above 10x is yours once you pass the quiz of")
    # Asking for more is refused in words, beside the leverage field, naming the quiz.
    page.get_by_label(re.compile(r"^Leverage")).fill("20")
    page.locator("#leverage-form").get_by_role("button", name="Set").click()
    error = page.locator("#error-leverage")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Leverage above 10x on a perpetual future needs the quiz")
    expect(error).to_contain_text("/guides/leverage-and-liquidation/#quiz")
    page.screenshot(path=str(SCREENSHOTS / "trade-permission.png"), full_page=True)

    notes.get_by_role("link", name="Leverage, margin and liquidation").click()
    expect(page).to_have_url(re.compile(r"/guides/leverage-and-liquidation/#quiz$"))
    expect(page.locator("#quiz")).to_be_visible()
