"""The dashboard and the paper-account reset, driven through Django's test client."""

import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from trading import selectors, services
from trading.models import JournalEntry

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's visible text with whitespace collapsed."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def stat(response, label: str) -> str:
    """The displayed value of one balance on the dashboard, such as "100,000.00 USD"."""
    match = re.search(rf"<dt>{label}</dt>\s*<dd>(.*?)</dd>", response.content.decode(), re.S)
    assert match, f"no {label} on the page"
    return re.sub(r"\s+", " ", strip_tags(match.group(1))).strip()


def cash_of(user) -> Decimal:
    return selectors.account_summary(account=selectors.paper_account_for_user(user=user)).cash


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url_name",
    ["dashboard", "dashboard_live", "dashboard_activity", "dashboard_ledger", "account_reset"],
)
def test_anonymous_visitor_is_sent_to_log_in(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_dashboard_shows_the_starting_balance_as_usd(signed_in):
    response = signed_in.get(reverse("dashboard"))

    assert response.status_code == 200
    assert stat(response, "Cash") == "100,000.00 USD"
    assert stat(response, "Equity") == "100,000.00 USD"
    assert stat(response, "Margin used") == "0.00 USD"
    assert stat(response, "Available") == "100,000.00 USD"
    assert "No open positions" in text_of(response)


def test_dashboard_shows_an_open_short_with_its_pnl_and_orders(signed_in, user):
    from market.services import index_move
    from tests.factories.market import btc_market
    from trading.services.orders import OrderRequest

    btc_market()
    account = selectors.paper_account_for_user(user=user)
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.5")
        ),
    )
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="limit", quantity=Decimal("0.1"),
            price=Decimal("60000"),
        ),
    )  # fmt: skip
    index_move(symbol="BTC", price=Decimal("45000"))

    text = text_of(signed_in.get(reverse("dashboard")))

    assert "BTC-PERP" in text
    assert "▼ Short" in text
    assert "+2," in text  # about 0.5 * (50,000 - 45,000) of unrealised profit
    assert "60,000.0" in text  # the resting limit order, to the tick of 0.5
    html = signed_in.get(reverse("dashboard")).content.decode()
    assert 'href="/positions/BTC-PERP/"' in html


def test_dashboard_lists_ledger_lines_signed_and_newest_first(signed_in, user):
    account = selectors.paper_account_for_user(user=user)
    services.funds_grant(
        account=account, amount=Decimal("-500"), reason="Removed for a lesson", granted_by=None
    )

    response = signed_in.get(reverse("dashboard"))

    assert stat(response, "Cash") == "99,500.00 USD"
    text = text_of(response)
    removal = text.index("-500.00 USD")
    deposit = text.index("+100,000.00 USD")
    assert removal < deposit
    assert "Removed for a lesson" in text
    assert "Opening deposit of virtual funds" in text
    html = response.content.decode()
    assert re.search(r'class="right num col-amount amount-neg">\s*-500\.00 USD', html)
    assert re.search(r'class="right num col-amount amount-pos">\s*\+100,000\.00 USD', html)


def test_dashboard_shows_ledger_times_in_the_users_time_zone(client, user_factory):
    user = user_factory(time_zone="Asia/Tokyo")
    client.force_login(user)
    entry = JournalEntry.objects.get(lines__account__user=user, kind=JournalEntry.Kind.DEPOSIT)

    response = client.get(reverse("dashboard"))

    tokyo = entry.created_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    utc = entry.created_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M")
    text = text_of(response)
    assert tokyo in text
    assert tokyo != utc and utc not in text
    assert "times in Asia/Tokyo" in text


def test_dashboard_shows_only_the_signed_in_users_account(signed_in, other_user):
    other_account = selectors.paper_account_for_user(user=other_user)
    services.funds_grant(
        account=other_account, amount=Decimal("-1234"), reason="Other's lesson", granted_by=None
    )

    response = signed_in.get(reverse("dashboard"))

    assert "Other&#x27;s lesson" not in response.content.decode()
    assert "Other's lesson" not in text_of(response)
    assert stat(response, "Cash") == "100,000.00 USD"
    ledger = signed_in.get(reverse("dashboard_ledger")).content.decode()
    assert "Opening deposit of virtual funds" in ledger
    assert "lesson" not in ledger


def test_reset_page_renders_with_the_confirmation_box(signed_in):
    response = signed_in.get(reverse("account_reset"))

    assert response.status_code == 200
    text = text_of(response)
    assert (
        "I understand my open orders will be cancelled, positions closed and my balance "
        "restored to 100,000 USD" in text
    )
    assert 'name="confirm"' in response.content.decode()


def test_reset_without_confirmation_is_a_form_error_and_changes_nothing(signed_in, user):
    account = selectors.paper_account_for_user(user=user)
    services.funds_grant(account=account, amount=Decimal("-500"), reason="test", granted_by=None)
    entries_before = JournalEntry.objects.count()

    response = signed_in.post(reverse("account_reset"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["confirm"] == [
        "Tick the box to confirm the reset; nothing was changed."
    ]
    assert "Tick the box to confirm the reset" in text_of(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert cash_of(user) == Decimal("99500")
    assert JournalEntry.objects.count() == entries_before


def test_reset_with_confirmation_restores_the_starting_balance(signed_in, user):
    account = selectors.paper_account_for_user(user=user)
    services.funds_grant(account=account, amount=Decimal("-500"), reason="test", granted_by=None)

    response = signed_in.post(reverse("account_reset"), {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert cash_of(user) == Decimal("100000")
    reset = JournalEntry.objects.get(kind=JournalEntry.Kind.RESET)
    assert reset.created_by == user
    dashboard = signed_in.get(response["Location"])
    assert stat(dashboard, "Cash") == "100,000.00 USD"
    page = text_of(dashboard)
    assert "Your paper account is reset to 100,000 USD." in page
    assert "+500.00 USD" in page  # the reset's own ledger line


def test_reset_of_an_untouched_account_says_nothing_changed(signed_in):
    response = signed_in.post(reverse("account_reset"), {"confirm": "on"}, follow=True)

    assert "already had the starting balance; nothing changed" in text_of(response)
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.RESET).exists()


def test_reset_refused_by_the_service_becomes_a_form_error(signed_in, user, monkeypatch):
    from trading.errors import InvalidAmount

    def refuse(**kwargs):
        raise InvalidAmount("Only paper accounts can be reset.")

    monkeypatch.setattr(services, "account_reset", refuse)

    response = signed_in.post(reverse("account_reset"), {"confirm": "on"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Only paper accounts can be reset."]
    assert "Only paper accounts can be reset." in text_of(response)


# Live parts, the margin gauge, the equity curve, fills and notifications ----------------


def short_perp(user, quantity="0.5", leverage=None):
    from tests.factories.market import btc_market
    from trading.services.orders import OrderRequest

    instruments = btc_market()
    account = selectors.paper_account_for_user(user=user)
    if leverage is not None:
        services.leverage_set(
            account=account, instrument=instruments["BTC-PERP"], leverage=Decimal(leverage)
        )
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal(quantity)
        ),
    )
    return account


def test_live_partials_poll_only_while_the_tab_is_visible(signed_in):
    polled = (
        ("dashboard_live", "every 1s"),
        ("dashboard_activity", "every 2s"),
        ("dashboard_ledger", "every 2s"),
    )
    for name, every in polled:
        response = signed_in.get(reverse(name))
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert f"{every} [document.visibilityState === 'visible']" in html
    assert stat(signed_in.get(reverse("dashboard_live")), "Cash") == "100,000.00 USD"


def test_margin_gauge_without_positions_says_nothing_can_be_liquidated(signed_in):
    text = text_of(signed_in.get(reverse("dashboard")))

    assert "Margin level No positions" in text
    assert "nothing can be liquidated" in text


def test_margin_gauge_shows_the_level_against_warning_and_liquidation(signed_in, user):
    account = short_perp(user, quantity="1")

    response = signed_in.get(reverse("dashboard_live"))

    level = selectors.margin_state(account=account).margin_level
    html = response.content.decode()
    text = text_of(response)
    assert level > Decimal("1.5")
    assert f"Equity is {level:.2f} times the maintenance margin" in text
    assert "✓ Safe" in text
    assert "Liquidation at 1.00 and below" in text and "Warning from 1.50" in text
    assert 'role="meter"' in html and f'aria-valuenow="{level:.2f}"' in html


def test_margin_gauge_warns_close_to_liquidation(signed_in, user):
    from tests.factories.market import move

    account = short_perp(user, quantity="40", leverage=50)
    liquidation = selectors.margin_state(account=account).views[0].liquidation_price
    move(liquidation - 100)

    text = text_of(signed_in.get(reverse("dashboard")))

    level = selectors.margin_state(account=account).margin_level
    assert Decimal(1) < level <= Decimal("1.5")
    assert "! Warning" in text
    assert "close to liquidation at 1.00" in text


def test_recent_fills_and_notifications_show_newest_first_and_mark_read(signed_in, user):
    from trading.models import Notification

    account = short_perp(user)
    services.notification_create(
        account=account, kind=Notification.Kind.STOP_TRIGGERED, title="Your stop fired"
    )
    services.notification_create(
        account=account, kind=Notification.Kind.LIQUIDATION, title="You were liquidated"
    )

    response = signed_in.get(reverse("dashboard"))

    text = text_of(response)
    assert "2 new" in text
    assert text.index("You were liquidated") < text.index("Your stop fired")
    fills = text.split("Recent fills")[1]
    assert "BTC-PERP" in fills and "▼ Sell" in fills and "0.500" in fills

    after = signed_in.post(reverse("notifications_read"), follow=True)
    assert "2 new" not in text_of(after)
    assert Notification.objects.filter(account=account, read_at__isnull=True).count() == 0


def test_notifications_of_another_user_never_show(signed_in, other_user):
    from trading.models import Notification

    services.notification_create(
        account=selectors.paper_account_for_user(user=other_user),
        kind=Notification.Kind.LIQUIDATION,
        title="Someone else was liquidated",
    )

    for name in ("dashboard", "dashboard_activity"):
        assert "Someone else was liquidated" not in text_of(signed_in.get(reverse(name)))
    signed_in.post(reverse("notifications_read"))
    assert Notification.objects.get().read_at is None


def test_notifications_read_needs_a_post(signed_in):
    assert signed_in.get(reverse("notifications_read")).status_code == 405


def test_equity_curve_is_drawn_from_the_accounts_snapshots(signed_in, user, other_user):
    from datetime import timedelta

    from django.utils import timezone

    from trading.models import EquitySnapshot

    account = selectors.paper_account_for_user(user=user)
    other = selectors.paper_account_for_user(user=other_user)
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=3)
    for minutes, equity in ((0, "100000"), (1, "100250.5"), (2, "99800")):
        for owner, value in ((account, equity), (other, "5")):
            EquitySnapshot.objects.create(
                account=owner,
                resolution=EquitySnapshot.Resolution.MINUTE,
                taken_at=start + timedelta(minutes=minutes),
                equity=Decimal(value),
                cash=Decimal(value),
            )

    response = signed_in.get(reverse("dashboard"))

    chart = response.context["equity_chart"]
    assert chart["range"] == "1d"
    assert [point["value"] for point in chart["points"]] == [
        "100000.00000000",
        "100250.50000000",
        "99800.00000000",
    ]
    html = response.content.decode()
    assert 'id="equity-chart-data"' in html and "TradingView" in html
    month = signed_in.get(reverse("dashboard"), {"range": "1m"})
    assert month.context["equity_chart"]["points"] == []
    assert "curve appears once there are two points" in text_of(month)
    bad = signed_in.get(reverse("dashboard"), {"range": "forever"})
    assert bad.status_code == 200 and bad.context["equity_chart"]["range"] == "1d"


def test_dashboard_links_to_the_guide_and_shows_the_learning_path(signed_in):
    response = signed_in.get(reverse("dashboard"))

    html = response.content.decode()
    assert "/guides/leverage-and-liquidation/" in html
    assert 'data-testid="guide-progress"' in html
