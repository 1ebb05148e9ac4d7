"""A trader replays a short squeeze, shorts it, pauses, ends it and reads the result; then
compares four ways to short, in Chromium.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright against pytest-django's
live server. The test moves the replay itself (the feed's beat does not run here).
"""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from education.models import Scenario, ScenarioRun
from education.services import scenarios as services
from market import services as market_services
from tests.e2e.test_signup_browser import SCREENSHOTS, browser  # noqa: F401 - the fixture
from tests.factories.market import btc_market

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user):  # noqa: F811 - the imported fixture
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def advance(seconds: int) -> None:
    """Tick the feeds one second at a time, as the beat would, and record the runs."""
    now = timezone.now().replace(microsecond=0)
    for step in range(1, seconds + 1):
        market_services.feeds_tick(now=now + timedelta(seconds=step))
        services.scenario_runs_advance(now=now + timedelta(seconds=step))


def test_replay_a_squeeze_short_it_and_read_the_result(browser, live_server, user):  # noqa: F811
    btc_market(price=Decimal(60000))
    Scenario.objects.create(
        slug="browser-squeeze",
        title="The April 2019 squeeze, twelve hours",
        summary="Bitcoin jumps from about $4,170 to $5,080 in two hours.",
        interval="1h",
        start=datetime(2019, 4, 2, 0, tzinfo=UTC),
        end=datetime(2019, 4, 2, 11, tzinfo=UTC),
        default_speed=3600,
        position=0,
    )
    page = signed_in_page(browser, live_server, user)
    page.goto(live_server.url + "/scenarios/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Replay a real crash")
    page.get_by_role("link", name="The April 2019 squeeze, twelve hours").click()
    page.get_by_label("Speed").select_option("1800")
    page.get_by_role("button", name="Start the scenario").click()

    expect(page).to_have_url(re.compile(r"/scenarios/runs/\d+/$"))
    expect(page.get_by_test_id("index-price")).to_have_text("4,133.93")
    expect(page.get_by_test_id("equity")).to_have_text("100,000.00")
    page.get_by_label("Instrument").select_option("perpetual")
    page.get_by_label("Side").select_option("sell")
    page.get_by_label("Quantity (BTC)").fill("2")
    page.get_by_label("Stop-loss").fill("4600")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("status")).to_contain_text("Order filled: sell 2")
    # The run's costs so far update with the state: the short's taker fee, no funding yet.
    live_costs = page.get_by_test_id("live-costs")
    expect(live_costs.locator("[data-cost=fees]")).not_to_have_text("0.00")
    expect(live_costs.locator("[data-cost=funding]")).to_have_text("0.00")
    positions = page.get_by_role("table").first
    expect(positions).to_contain_text("short")
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Paused")
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Running")

    advance(12)  # Into the 05:00 bar: the squeeze runs up to 5,080.
    expect(page.get_by_test_id("source-time")).not_to_have_text("2 Apr 2019, 00:00")
    expect(page.get_by_test_id("index-price")).not_to_have_text("4,133.93")
    expect(positions).to_contain_text("-")  # The short is losing.
    positions.get_by_role("button", name="Close").click()
    expect(positions).to_contain_text("No open positions.")
    page.screenshot(path=str(SCREENSHOTS / "scenario-run.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End the run").click()
    expect(page).to_have_url(re.compile(r"/scenarios/runs/\d+/result/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your result")
    expect(page.get_by_test_id("perfect-short")).not_to_have_text("0%")
    # What trading and holding cost: the fees of the short and its close, and no funding,
    # since the short was closed before the replay reached 08:00, the first funding time.
    costs = page.get_by_test_id("run-costs")
    expect(costs).to_contain_text("Funding (perpetual, every 8 hours)")
    expect(page.get_by_test_id("cost-funding")).to_have_text("0.00")
    expect(page.get_by_test_id("cost-fees")).not_to_have_text("0.00")
    page.screenshot(path=str(SCREENSHOTS / "scenario-result.png"), full_page=True)
    run = ScenarioRun.objects.get(user=user)
    assert run.status == ScenarioRun.Status.FINISHED
    assert run.final_equity < run.starting_balance  # Closed at a loss in the squeeze.
    assert run.carried_through is not None


def test_compare_four_ways_to_short_and_move_the_price(browser, live_server, user):  # noqa: F811
    btc_market(price=Decimal(60000))
    page = signed_in_page(browser, live_server, user)
    page.goto(
        live_server.url + "/guides/compare/?entry_price=60000&exit_price=54000&holding_days=14"
    )
    for label in ("Margin short", "Perpetual short", "Buy a put", "CFD short"):
        expect(page.get_by_role("heading", name=label)).to_be_visible()
    margin_total = page.get_by_test_id("total-margin")
    expect(margin_total).to_contain_text("5,")  # 6,000 less fees and interest.
    before = margin_total.inner_text()
    page.get_by_label("Buy back at (USD)").fill("66000")
    expect(margin_total).not_to_have_text(before)
    expect(margin_total).to_contain_text("-6,")  # The view was wrong: a loss.
    expect(page.get_by_test_id("total-put")).to_contain_text("-")
    page.get_by_label("Held for, in days").fill("60")
    expect(page.get_by_label("Held for (days)")).to_have_value("60")
    page.screenshot(path=str(SCREENSHOTS / "compare.png"), full_page=True)
