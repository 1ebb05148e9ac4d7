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


@pytest.mark.parametrize("url_name", ["dashboard", "account_reset"])
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
    assert "60,000.00" in text  # the resting limit order


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
