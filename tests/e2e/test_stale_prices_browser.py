"""The stale-price banner comes and goes on an open trade page and dashboard, in Chromium.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright against
pytest-django's live server. The feed is still here: the test makes its last tick
old, as a stopped beat would, then ticks it again, and the pages' polling does the rest.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from market.models import Underlying
from market.services import index_move
from tests.e2e.test_signup_browser import SCREENSHOTS, browser  # noqa: F401 (a fixture)
from tests.e2e.test_trade_browser import signed_in_cookies
from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market
from trading import selectors, services
from trading.services.orders import OrderRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def market():
    return btc_market(price=Decimal("50000"))


def feed_stopped(minutes: int) -> None:
    """Leave BTC's last tick ``minutes`` old, as a feed that stopped then would."""
    Underlying.objects.filter(symbol="BTC").update(
        last_tick_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_the_trade_page_shows_the_banner_while_prices_are_stale(browser, live_server, market):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/trade/BTC-PERP/")
    expect(page.get_by_test_id("mark-price")).to_have_text("50,000.0")
    banner = page.get_by_test_id("stale-prices")
    expect(banner).to_have_count(0)
    # Marks this page load: a reload would forget it.
    page.evaluate("window.sameLoad = true")

    feed_stopped(minutes=2)

    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Prices for BTC-PERP are stale: last update 2 minutes ago.")
    expect(banner).to_contain_text("Orders still fill at the last price shown")
    # Under the header, above the chart: where the trader looks first.
    banner_top = banner.bounding_box()["y"]
    assert banner_top < page.locator("#chart").bounding_box()["y"]
    assert banner_top > page.get_by_role("heading", level=1).bounding_box()["y"]
    page.screenshot(path=str(SCREENSHOTS / "trade-stale-prices.png"))

    index_move(symbol="BTC", price=Decimal("50500"))

    # The new tick's quote (the perpetual's premium moved too) and no banner, in one load.
    expect(page.get_by_test_id("mark-price")).to_have_text(re.compile(r"^50,[45]\d\d\.\d$"))
    expect(banner).to_have_count(0)
    assert page.evaluate("window.sameLoad") is True


def test_the_dashboard_warns_of_a_held_instruments_stale_prices(browser, live_server, market):  # noqa: F811
    user = UserFactory()
    services.order_place(
        account=selectors.paper_account_for_user(user=user),
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.5")
        ),
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator('[data-testid="positions"] tr[data-symbol="BTC-PERP"]')).to_be_visible()
    banner = page.get_by_test_id("stale-prices")
    expect(banner).to_have_count(0)

    feed_stopped(minutes=3)

    expect(banner).to_have_count(1)
    expect(banner).to_contain_text("Prices for BTC-PERP are stale: last update 3 minutes ago.")

    index_move(symbol="BTC", price=Decimal("49500"))

    expect(banner).to_have_count(0)
