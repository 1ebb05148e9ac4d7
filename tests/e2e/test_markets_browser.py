"""A visitor reads the markets and an option chain, live and on a phone, in Chromium.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright against
pytest-django's live server. Screenshots go where `dev.py test` says (var/screenshots).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.test_signup_browser import SCREENSHOTS, browser  # noqa: F401 (a fixture)
from tests.factories.market import btc_market, move

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Elements that stick out past the right edge of the screen, outermost first.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter((e) => !e.closest(".table-wrap"))
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 6)
  .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`)"""


@pytest.fixture
def market():
    return btc_market(price=Decimal("50000"))


def test_markets_update_live_and_pause_while_hidden(browser, live_server, market):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    polls = []
    page.on("request", lambda request: "/markets/live/" in request.url and polls.append(1))

    page.goto(live_server.url + "/markets/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Markets")
    perp = page.locator('tr[data-symbol="BTC-PERP"]')
    expect(perp.get_by_role("link", name="BTC-PERP")).to_have_attribute("href", "/trade/BTC-PERP/")
    expect(perp).to_contain_text("/ 8 h")  # the funding rate per interval
    spot = page.locator('tr[data-symbol="BTC-USD"]')  # spot is marked at the index itself
    expect(spot).to_contain_text("50,000.0")
    expect(page.get_by_role("link", name=re.compile("How it works")).first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "markets.png"), full_page=True)

    move("51000")
    expect(spot).to_contain_text("51,000.0")  # no reload: the table polls
    expect(spot).to_contain_text("▲ +2.00%")

    # A keyboard user's focus survives the refresh.
    spot.get_by_role("link", name="BTC-USD").focus()
    asked = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) > asked
    assert page.evaluate("document.activeElement.id") == "market-BTC-USD"

    # A hidden tab stops asking; a visible one starts again.
    page.evaluate(
        """() => {
        Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    page.wait_for_timeout(500)
    asked = len(polls)
    move("52000")
    page.wait_for_timeout(2500)
    assert len(polls) == asked
    expect(spot).to_contain_text("51,000.0")
    page.evaluate(
        """() => {
        Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    expect(spot).to_contain_text("52,000.0")
    assert len(polls) > asked


def test_option_chain_and_a_phone_layout(browser, live_server, market):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/markets/")

    page.get_by_test_id("option-chains").get_by_role("link").first.click()

    expect(page).to_have_url(re.compile(r"/markets/options/BTC/#expiry-\d{8}$"))
    chain = page.locator("table.chain").first
    expect(chain.get_by_role("rowheader", name="50,000")).to_be_visible()
    expect(chain.locator("tbody tr").first).to_contain_text("Not listed")
    expect(page.get_by_role("link", name=re.compile("How options work"))).to_have_attribute(
        "href", "/guides/puts-and-calls/"
    )
    page.screenshot(path=str(SCREENSHOTS / "option-chain.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone.set_default_timeout(15_000)
    phone.goto(live_server.url + "/markets/")
    row = phone.locator('tr[data-symbol="BTC-PERP"]')
    label = row.locator('td[data-label="Mark price"]').evaluate(
        "(cell) => getComputedStyle(cell, '::before').content"
    )
    assert label == '"Mark price"'  # each cell carries its label on a phone
    assert phone.evaluate(WIDER_THAN_THE_SCREEN) == []
    phone.screenshot(path=str(SCREENSHOTS / "markets-phone.png"), full_page=True)
