"""A visitor watches BTC-PERP, then a trader previews and places a short, in Chromium.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright against
pytest-django's live server. Screenshots go where `dev.py test` says (var/screenshots).
"""

import math
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from market.services import candles_record
from tests.e2e.test_signup_browser import SCREENSHOTS, browser  # noqa: F401 (a fixture)
from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market
from trading import selectors
from trading.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HISTORY_MINUTES = 90
# When the page scrolls sideways, the elements that stick out past the screen's edge.
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .slice(0, 6)
    .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`);
}"""


@pytest.fixture
def market():
    """BTC's instruments with an hour and a half of one-minute candles, ending at 50,000."""
    instruments = btc_market(price=Decimal("50000"))
    now = timezone.now()
    perp = instruments["BTC-PERP"].pk
    for minute in range(HISTORY_MINUTES, 0, -1):
        for second in (0, 20, 40):
            wave = 600 * math.sin((minute * 60 - second) / 540) + 8 * minute + (second % 40) * 3
            at = now - timedelta(minutes=minute, seconds=-second)
            candles_record(prices=[(perp, Decimal("50000") + Decimal(str(round(wave))))], at=at)
    return instruments


def signed_in_cookies(user, live_server) -> list[dict]:
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    return [{"name": "sessionid", "value": session, "url": live_server.url}]


def test_a_visitor_watches_the_market_without_an_account(browser, live_server, market):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)

    page.goto(live_server.url + "/trade/BTC-PERP/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("BTC-PERP")
    expect(page.locator("#chart canvas").first).to_be_visible()
    expect(page.locator("#chart")).to_have_attribute("data-candles", re.compile(r"^[1-9]\d*$"))
    expect(page.get_by_test_id("order-book").locator("tr.book-bid")).to_have_count(12)
    # The mark, to BTC-PERP's tick of 0.5: one decimal.
    expect(page.get_by_test_id("mark-price")).to_have_text(re.compile(r"^(49,9\d\d|50,0\d\d)\.\d$"))
    expect(page.get_by_test_id("ticket-signin")).to_contain_text("Sign in to short it")
    expect(page.locator("#ticket-form")).to_have_count(0)
    page.get_by_role("button", name="5m").click()
    expect(page.get_by_role("button", name="5m")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=str(SCREENSHOTS / "trade-visitor.png"), full_page=True)


def test_preview_and_place_a_short_with_stop_loss_and_take_profit(browser, live_server, market):  # noqa: F811
    user = UserFactory()
    account = selectors.paper_account_for_user(user=user)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))
    page.goto(live_server.url + "/trade/BTC-PERP/")
    expect(page.locator("#chart canvas").first).to_be_visible()
    expect(page.get_by_test_id("no-position")).to_be_visible()

    # A bad quantity: the error appears beside the quantity field, nothing is placed.
    quantity = page.get_by_label("Quantity")
    quantity.fill("0.0005")
    error = page.locator("#error-quantity")
    expect(error).to_be_visible()
    expect(error).to_contain_text("multiple of the lot size 0.001")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(SCREENSHOTS / "trade-bad-quantity.png"))
    page.get_by_role("button", name="Place sell order").click()
    expect(page.locator("#ticket-result")).to_have_text("The order was not placed.")
    assert Order.objects.filter(account=account).count() == 0

    # The short: 0.5 BTC with a stop-loss at 52,000 and a take-profit at 46,000.
    expect(page.get_by_role("radio", name="▼ Sell · short")).to_be_checked()
    quantity.fill("0.5")
    page.get_by_label("Stop-loss trigger").fill("52000")
    page.get_by_label("Take-profit trigger").fill("46000")
    figures = page.locator("#preview-figures")
    expect(figures).to_be_visible()
    expect(error).to_be_hidden()
    expect(quantity).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-preview="risk_reward_ratio"]')).to_have_text(re.compile(r"^1 : \d"))
    from trading.services.orders import Exit, OrderRequest

    expected = selectors.order_preview(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP",
            side="sell",
            type="market",
            quantity=Decimal("0.5"),
            stop_loss=Exit(stop_price=Decimal("52000")),
            take_profit=Exit(stop_price=Decimal("46000")),
        ),
    )
    expect(page.locator('[data-preview="entry_price"]')).to_have_text(
        f"{expected.entry_price:,.1f}"
    )
    expect(page.locator('[data-preview="initial_margin"]')).to_have_text(
        f"{expected.initial_margin:,.2f} USD"
    )
    expect(page.locator('[data-preview="loss_at_stop"]')).to_have_text(
        f"\u2212{expected.loss_at_stop:,.2f} USD"
    )
    expect(page.locator('[data-preview="liquidation_price"]')).to_have_text(
        f"{expected.liquidation_price:,.1f}"
    )
    expect(page.locator('[data-preview="risk_reward_ratio"]')).to_have_text(
        f"1 : {expected.risk_reward_ratio:.2f}"
    )
    page.screenshot(path=str(SCREENSHOTS / "trade-preview.png"), full_page=True)

    page.get_by_role("button", name="Place sell order").click()
    expect(page.locator("#ticket-result")).to_contain_text("filled")
    expect(page.locator("#ticket-result")).to_contain_text("2 exit(s) attached")
    position = page.get_by_test_id("position")
    expect(position).to_contain_text("▼ Short")
    expect(page.get_by_test_id("position-quantity")).to_have_text("0.500")
    orders = page.get_by_test_id("open-orders")
    expect(orders).to_contain_text("Attached stop-loss")
    expect(orders).to_contain_text("Attached take-profit")
    expect(orders).to_contain_text("52,000.0")
    row = selectors.position_views(account=account)[0]
    assert (row.side, row.quantity) == ("short", Decimal("0.5"))

    # A Fibonacci retracement typed in: 61.8% of the fall from 52,000 to 48,000.
    page.get_by_text("Fibonacci retracement").click()
    page.get_by_label("Swing start").fill("52000")
    page.get_by_label("Swing end").fill("48000")
    page.get_by_role("button", name="Draw").click()
    expect(page.locator("#fib-status")).to_contain_text("61.8% at 50,472.0")
    page.screenshot(path=str(SCREENSHOTS / "trade-desktop.png"), full_page=True)

    # The same page on a phone: chart, then the ticket, then the book.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone.set_default_timeout(15_000)
    phone.context.add_cookies(signed_in_cookies(user, live_server))
    phone.goto(live_server.url + "/trade/BTC-PERP/")
    expect(phone.locator("#chart canvas").first).to_be_visible()
    chart_box = phone.locator("#chart").bounding_box()
    ticket_box = phone.get_by_test_id("ticket").bounding_box()
    book_box = phone.get_by_test_id("order-book").bounding_box()
    assert chart_box["y"] < ticket_box["y"] < book_box["y"]
    assert ticket_box["width"] <= 390
    phone.screenshot(path=str(SCREENSHOTS / "trade-phone.png"), full_page=True)
    phone.screenshot(path=str(SCREENSHOTS / "trade-phone-top.png"))
    phone.get_by_label("Quantity").fill("0.2")
    expect(phone.locator("#preview-figures")).to_be_visible()
    phone.locator("#preview-figures").scroll_into_view_if_needed()
    phone.screenshot(path=str(SCREENSHOTS / "trade-phone-ticket.png"))
    phone.get_by_test_id("order-book").scroll_into_view_if_needed()
    phone.screenshot(path=str(SCREENSHOTS / "trade-phone-book.png"))
    too_wide = phone.evaluate(WIDER_THAN_THE_SCREEN)
    assert not too_wide, f"the page scrolls sideways on a phone: {too_wide}"

    # Cancel the take-profit from the open orders.
    take_profit = Order.objects.get(account=account, role=Order.Role.TAKE_PROFIT)
    page.get_by_role("button", name=f"Cancel order #{take_profit.pk}").click()
    expect(orders).not_to_contain_text("Attached take-profit")
    take_profit.refresh_from_db()
    assert take_profit.status == Order.Status.CANCELED
