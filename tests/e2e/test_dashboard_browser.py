"""A trader watches a short on the dashboard, reads its story and history, in Chromium.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright against
pytest-django's live server. Screenshots go where `dev.py test` says (var/screenshots).
"""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_signup_browser import SCREENSHOTS, browser  # noqa: F401 (a fixture)
from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.models import EquitySnapshot, Notification
from trading.services.orders import OrderRequest
from trading.services.risk import account_liquidate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter((e) => !e.closest(".table-wrap") && !e.closest(".chart"))
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 6)
  .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`)"""


def signed_in_cookies(user, live_server) -> list[dict]:
    client = Client()
    client.force_login(user)
    return [
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
    ]


def short(account, quantity: str) -> None:
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal(quantity)
        ),
    )


@pytest.fixture
def trader():
    """A user short 0.5 BTC-PERP at about 50,000, with a day of equity snapshots and news."""
    btc_market(price=Decimal("50000"))
    user = UserFactory()
    account = selectors.paper_account_for_user(user=user)
    short(account, "0.5")
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    for minute in range(30):
        equity = Decimal("100000") + Decimal(minute * 7 - (minute % 5) * 11)
        EquitySnapshot.objects.create(
            account=account,
            resolution=EquitySnapshot.Resolution.MINUTE,
            taken_at=start + timedelta(minutes=minute),
            equity=equity,
            cash=equity,
        )
    services.notification_create(
        account=account,
        kind=Notification.Kind.STOP_TRIGGERED,
        title="Your stop-loss on BTC-PERP fired",
        message="Bought 0.1 BTC-PERP at the market.",
    )
    return user, account


def test_dashboard_follows_the_price_and_leads_to_the_positions_story(
    browser,  # noqa: F811
    live_server,
    trader,
):
    user, account = trader
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))

    page.goto(live_server.url + "/dashboard/")

    row = page.get_by_test_id("positions").locator('tr[data-symbol="BTC-PERP"]')
    expect(row).to_contain_text("▼ Short")
    expect(row).to_contain_text("0.500")
    expect(page.get_by_test_id("margin-status")).to_contain_text("Safe")
    expect(page.locator("#equity-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#equity-chart canvas").first).to_be_visible()
    expect(page.get_by_test_id("notifications")).to_contain_text("Your stop-loss on BTC-PERP fired")
    expect(page.get_by_test_id("unread-count")).to_have_text("1 new")
    expect(page.get_by_test_id("recent-fills")).to_contain_text("BTC-PERP")
    expect(page.get_by_test_id("guide-progress")).to_be_visible()

    move("48000")  # the short gains about 1,000 USD: the page updates without a reload
    view = selectors.position_views(account=account)[0]
    expect(page.get_by_test_id("upnl-BTC-PERP")).to_have_text(f"+{view.unrealized_pnl:,.2f} USD")
    expect(page.get_by_test_id("equity")).to_have_text(
        f"{selectors.account_summary(account=account).equity:,.2f}"
    )
    page.screenshot(path=str(SCREENSHOTS / "dashboard-position.png"), full_page=True)

    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)

    row.get_by_role("link", name="BTC-PERP").click()
    expect(page).to_have_url(re.compile(r"/positions/BTC-PERP/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("BTC-PERP position")
    expect(page.locator("#position-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#position-chart canvas").first).to_be_visible()
    expect(page.get_by_test_id("position-upnl")).to_have_text(f"+{view.unrealized_pnl:,.2f} USD")
    expect(page.get_by_test_id("pnl-breakdown")).to_contain_text("Trading fees")
    expect(page.get_by_test_id("position-story")).to_contain_text("Sold 0.500 at")
    page.screenshot(path=str(SCREENSHOTS / "position.png"), full_page=True)

    # History: filter, then download exactly what the filter shows.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    page.get_by_role("link", name="Fills").click()
    page.get_by_label("Side").select_option("sell")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/history/fills/\?.*side=sell"))
    expect(page.get_by_test_id("history-fills").locator("tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("csv-export").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert [row["quantity"] for row in rows] == ["0.50000000"]
    page.screenshot(path=str(SCREENSHOTS / "history-fills.png"), full_page=True)

    page.get_by_label("From (optional)").fill("2026-05-02")
    page.get_by_label("To (optional)").fill("2026-05-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#id_until_error")).to_contain_text("before the start date")

    # The same pages on a phone.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone.set_default_timeout(15_000)
    phone.context.add_cookies(page.context.cookies())
    for path, name in (
        ("/dashboard/", "dashboard-phone-live"),
        ("/positions/BTC-PERP/", "position-phone"),
    ):
        phone.goto(live_server.url + path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert phone.evaluate(WIDER_THAN_THE_SCREEN) == []
        phone.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_another_user_cannot_open_the_position(browser, live_server, trader):  # noqa: F811
    other = UserFactory()
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.context.add_cookies(signed_in_cookies(other, live_server))

    response = page.goto(live_server.url + "/positions/BTC-PERP/")

    assert response.status == 404
    assert "0.500" not in page.content()
    page.goto(live_server.url + "/history/fills/")
    expect(page.get_by_text("Nothing matches these filters.")).to_be_visible()


def test_a_liquidated_position_is_replayed_step_by_step(browser, live_server):  # noqa: F811
    instruments = btc_market(price=Decimal("50000"))
    user = UserFactory()
    account = selectors.paper_account_for_user(user=user)
    services.leverage_set(account=account, instrument=instruments["BTC-PERP"], leverage=Decimal(50))
    short(account, "40")
    move(selectors.margin_state(account=account).views[0].liquidation_price + 50)
    liquidation = account_liquidate(account=account)
    assert liquidation is not None
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))

    page.goto(live_server.url + "/positions/BTC-PERP/")

    replay = page.get_by_test_id("liquidation-replay")
    expect(replay.locator("> li")).to_have_count(5)
    expect(replay).to_contain_text("Equity fell to the maintenance margin.")
    expect(page.locator("#position-chart")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_role("link", name="Replay it")).to_have_attribute(
        "href", f"#liquidation-{liquidation.pk}"
    )
    page.screenshot(path=str(SCREENSHOTS / "position-liquidated.png"), full_page=True)
