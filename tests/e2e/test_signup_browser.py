"""A person signs up, sees the funded dashboard, makes an API key and resets, in Chromium.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright against
pytest-django's live server. Screenshots go where `dev.py test` says (var/screenshots).
"""

import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from accounts.models import ApiKey, User
from trading import selectors, services

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
EMAIL = "browser.trader@example.com"
PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls this
    # test makes between page actions are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # ORM calls made while Playwright runs hold their own connection; close it so
        # the test database can be dropped.
        connections.close_all()


def test_sign_up_see_dashboard_create_api_key_and_reset(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.set_default_timeout(15_000)

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("short Bitcoin")
    page.screenshot(path=str(SCREENSHOTS / "landing.png"), full_page=True)

    page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.screenshot(path=str(SCREENSHOTS / "signup.png"), full_page=True)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_test_id("cash")).to_have_text("100,000.00")
    expect(page.get_by_test_id("equity")).to_have_text("100,000.00")
    expect(page.get_by_role("table")).to_contain_text("+100,000.00 USD")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    user = User.objects.get(email=EMAIL)

    # Settings: create an API key and see it exactly once.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/settings/$"))
    page.get_by_label("Key name").fill("Grid bot")
    page.get_by_label("Read and trade").check()
    page.get_by_role("button", name="Create key").click()
    new_key = page.locator("#new-api-key")
    expect(new_key).to_have_text(re.compile(r"^sb_[0-9a-f]{12}_\S+$"))
    expect(page.get_by_text("Copy it now, it will not be shown again.")).to_be_visible()
    secret = new_key.inner_text().strip()
    api_key = ApiKey.objects.get(user=user)
    assert (api_key.name, api_key.scope) == ("Grid bot", "trade")
    assert secret.startswith(f"sb_{api_key.prefix}_")
    page.screenshot(path=str(SCREENSHOTS / "settings-new-key.png"), full_page=True)

    page.goto(live_server.url + "/settings/")
    expect(page.get_by_role("table")).to_contain_text("Grid bot")
    expect(page.locator("#new-api-key")).to_have_count(0)
    assert secret not in page.content()

    # Lose some money, then reset through the confirmation.
    services.funds_grant(
        account=selectors.paper_account_for_user(user=user),
        amount=Decimal("-500"),
        reason="test",
        granted_by=None,
    )
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_test_id("cash")).to_have_text("99,500.00")

    page.get_by_role("link", name="Reset account").click()
    expect(page).to_have_url(re.compile(r"/settings/reset/$"))
    page.get_by_label(re.compile("I understand my open orders will be cancelled")).check()
    page.get_by_role("button", name="Reset paper account").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("status")).to_contain_text("reset to 100,000 USD")
    expect(page.get_by_test_id("cash")).to_have_text("100,000.00")
    assert selectors.account_summary(
        account=selectors.paper_account_for_user(user=user)
    ).cash == Decimal("100000")

    # The same dashboard on a phone.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(live_server.url + "/dashboard/")
    expect(phone.get_by_test_id("cash")).to_have_text("100,000.00")
    phone.screenshot(path=str(SCREENSHOTS / "dashboard-phone.png"), full_page=True)
