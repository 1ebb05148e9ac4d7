"""The whole lesson in Chromium: short with a stop-loss, watch it move, see the stop fire.

Signs in, places a BTC-PERP short with a stop-loss through the trade page's ticket,
pushes the price with ``manage.py market_tick`` (the same pipeline the feed uses; the
tick's risk checks run at once, as a worker would), and watches the dashboard: the
PnL moves without a reload, then the stop fires, the position is gone and a
notification says so. Another user cannot open the position's page.
"""


from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_signup_browser import SCREENSHOTS, browser  # noqa: F401 (a fixture)
from tests.e2e.test_trade_browser import market, signed_in_cookies  # noqa: F401 (a fixture)
from tests.factories.accounts import UserFactory
from tests.trading.test_tasks import eager  # noqa: F401 (a fixture)
from trading import selectors
from trading.models import Order, Position

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_short_with_a_stop_loss_from_ticket_to_stop(browser, live_server, market, eager):  # noqa: F811
    user = UserFactory()
    account = selectors.paper_account_for_user(user=user)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))

    page.goto(live_server.url + "/trade/BTC-PERP/")
    page.get_by_label("Quantity").fill("0.5")
    page.get_by_label("Stop-loss trigger").fill("52000")
    expect(page.locator('[data-preview="loss_at_stop"]')).to_be_visible()
    page.get_by_role("button", name="Place sell order").click()
    expect(page.locator("#ticket-result")).to_contain_text("filled")
    stop = Order.objects.get(account=account, role=Order.Role.STOP_LOSS)

    page.goto(live_server.url + "/dashboard/")
    row = page.get_by_test_id("positions").locator('tr[data-symbol="BTC-PERP"]')
    expect(row).to_contain_text("▼ Short")

    call_command("market_tick", "BTC", "51000")  # against the short, short of the stop
    view = selectors.position_views(account=account)[0]
    assert view.unrealized_pnl < 0
    expect(page.get_by_test_id("upnl-BTC-PERP")).to_have_text(
        f"-{-view.unrealized_pnl:,.2f} USD"
    )
    page.screenshot(path=str(SCREENSHOTS / "story-losing.png"), full_page=True)

    call_command("market_tick", "BTC", "52500")  # through the stop
    stop.refresh_from_db()
    assert stop.status == Order.Status.FILLED
    assert Position.objects.get(account=account, instrument__symbol="BTC-PERP").quantity == 0
    expect(row).to_have_count(0)
    expect(page.get_by_test_id("notifications")).to_contain_text("stop")
    expect(page.get_by_test_id("recent-fills")).to_contain_text("BTC-PERP")
    expect(page.get_by_test_id("recent-ledger")).to_contain_text("Realised profit and loss")
    page.screenshot(path=str(SCREENSHOTS / "story-stopped.png"), full_page=True)
    assert selectors.ledger_problems() == []

    # The position's page is the owner's alone.
    stranger = browser.new_page()
    stranger.context.add_cookies(signed_in_cookies(UserFactory(), live_server))
    response = stranger.goto(live_server.url + "/positions/BTC-PERP/")
    assert response.status == 404


def test_an_oco_exit_from_the_ticket(browser, live_server, market):  # noqa: F811
    user = UserFactory()
    account = selectors.paper_account_for_user(user=user)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))
    page.goto(live_server.url + "/trade/BTC-PERP/")
    page.get_by_label("Quantity").fill("0.2")
    page.get_by_role("button", name="Place sell order").click()
    expect(page.locator("#ticket-result")).to_contain_text("filled")

    # Exit the short with a pair: take profit at 45,000, stop at 55,000.
    page.get_by_label("Order type").select_option("oco")
    page.get_by_role("radio", name="▲ Buy · long").check()
    page.get_by_label("Limit price").fill("45000")
    page.get_by_label("Trigger price").fill("44000")  # a buy stop below the price: refused
    page.get_by_text("Time in force and flags").click()
    page.get_by_label("Reduce only").check()
    page.get_by_role("button", name="Place buy order").click()
    expect(page.locator("#error-stop_price")).to_be_visible()
    assert not Order.objects.filter(account=account, oco_group__isnull=False).exists()

    page.get_by_label("Trigger price").fill("55000")
    page.get_by_role("button", name="Place buy order").click()
    expect(page.locator("#ticket-result")).to_contain_text("OCO pair placed")
    legs = list(Order.objects.filter(account=account, oco_group__isnull=False).order_by("pk"))
    assert [(leg.type, leg.status) for leg in legs] == [("limit", "new"), ("stop_market", "new")]
    assert legs[0].oco_group == legs[1].oco_group
    expect(page.locator("#preview-figures")).to_be_hidden()  # no stale figures of a single order
    page.screenshot(path=str(SCREENSHOTS / "trade-oco.png"), full_page=True)


def test_an_isolated_short_and_its_margin_from_the_ticket(browser, live_server, market):  # noqa: F811
    user = UserFactory()
    account = selectors.paper_account_for_user(user=user)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))
    page.goto(live_server.url + "/trade/BTC-PERP/")
    adjust = page.get_by_label("Isolated margin")
    expect(adjust).to_be_hidden()  # cross margin: nothing to adjust

    page.get_by_label("Margin mode").select_option("isolated")
    page.locator("#margin-mode-form").get_by_role("button", name="Set").click()
    expect(page.locator("#ticket-result")).to_have_text("Margin mode set to isolated.")
    expect(adjust).to_be_visible()
    page.get_by_label("Quantity").fill("0.2")
    page.get_by_role("button", name="Place sell order").click()
    expect(page.locator("#ticket-result")).to_contain_text("filled")
    held = Position.objects.get(account=account, instrument__symbol="BTC-PERP")
    assert held.margin_mode == "isolated" and held.isolated_margin > 0

    adjust.fill("-100000")  # more than it can spare: the error sits beside the field
    page.locator("#isolated-margin-form").get_by_role("button", name="Adjust").click()
    expect(page.locator("#error-isolated-margin")).to_be_visible()
    adjust.fill("500")
    page.locator("#isolated-margin-form").get_by_role("button", name="Adjust").click()
    expect(page.locator("#ticket-result")).to_contain_text("Isolated margin now")
    held.refresh_from_db()
    assert held.isolated_margin > 500


def test_change_an_open_order_and_cancel_them_all(browser, live_server, market):  # noqa: F811
    user = UserFactory()
    account = selectors.paper_account_for_user(user=user)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.context.add_cookies(signed_in_cookies(user, live_server))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server.url + "/trade/BTC-PERP/")
    page.get_by_label("Order type").select_option("limit")
    page.get_by_label("Quantity").fill("0.1")
    page.get_by_label("Limit price").fill("52000")
    page.get_by_role("button", name="Place sell order").click()
    expect(page.locator("#ticket-result")).to_contain_text("new")
    order = Order.objects.get(account=account)

    page.get_by_role("button", name=f"Change order #{order.pk}").click()
    amend = page.locator("#amend-form")
    expect(amend.get_by_label("New limit (USD)")).to_have_value("52000")
    expect(amend.get_by_label("New trigger (USD)")).to_be_hidden()
    amend.get_by_label("New size (BTC)").fill("0.0005")  # off the lot
    amend.get_by_role("button", name="Save the change").click()
    expect(page.locator("#error-amend-quantity")).to_be_visible()
    order.refresh_from_db()
    assert order.quantity == Decimal("0.1")

    amend.get_by_label("New size (BTC)").fill("0.1")
    amend.get_by_label("New limit (USD)").fill("53000")
    amend.get_by_role("button", name="Save the change").click()
    expect(page.locator("#ticket-result")).to_have_text(f"Order #{order.pk} changed.")
    order.refresh_from_db()
    assert order.price == Decimal("53000")

    page.get_by_label("Limit price").fill("54000")
    page.get_by_role("button", name="Place sell order").click()
    expect(page.get_by_test_id("open-orders").locator("tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Cancel all").click()
    expect(page.locator("#ticket-result")).to_have_text("2 order(s) canceled.")
    assert not Order.objects.filter(account=account, status__in=Order.OPEN_STATUSES).exists()
