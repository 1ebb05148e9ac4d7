from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.factories.market import btc_market
from trading import selectors, services
from trading.models import JournalEntry
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db


def test_admin_lists_accounts_and_shows_the_ledger(admin_client, user):
    account = selectors.paper_account_for_user(user=user)
    changelist = admin_client.get("/admin/trading/account/")
    assert changelist.status_code == 200
    assert user.email in changelist.text
    detail = admin_client.get(f"/admin/trading/account/{account.pk}/change/")
    assert detail.status_code == 200
    assert "Opening deposit" in detail.text
    assert "100,000.00 USD" in detail.text
    assert admin_client.get("/admin/trading/journalentry/").status_code == 200
    assert admin_client.get("/admin/trading/carrybatch/").status_code == 200
    assert admin_client.get("/admin/accounts/user/").status_code == 200


def test_staff_grant_goes_through_the_ledger(admin_client, admin_user, user):
    account = selectors.paper_account_for_user(user=user)
    url = f"/admin/trading/account/{account.pk}/grant/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"amount": "250.50", "reason": "Course prize"})
    assert response.status_code == 302
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.GRANT)
    assert entry.created_by == admin_user
    assert entry.memo == "Course prize"
    assert selectors.account_cash(account=account) == Decimal("100250.50")
    assert selectors.ledger_problems() == []


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "0", "reason": "x"},
        {"amount": "abc", "reason": "x"},
        {"amount": "1", "reason": ""},
        {"amount": "-100000.01", "reason": "too much"},
        {"amount": "1e40", "reason": "huge"},
    ],
)
def test_bad_grant_is_a_form_error_and_changes_nothing(admin_client, user, data):
    account = selectors.paper_account_for_user(user=user)
    response = admin_client.post(f"/admin/trading/account/{account.pk}/grant/", data)
    assert response.status_code == 200
    assert "errorlist" in response.text
    assert selectors.account_cash(account=account) == Decimal("100000")


def test_non_staff_cannot_grant(client, user):
    client.force_login(user)
    account = selectors.paper_account_for_user(user=user)
    response = client.post(f"/admin/trading/account/{account.pk}/grant/", {"amount": "5"})
    assert response.status_code == 302
    assert selectors.account_cash(account=account) == Decimal("100000")


def test_staff_see_a_carry_round_s_batches_and_which_are_still_to_post(admin_client, user):
    market = btc_market()
    account = selectors.paper_account_for_user(user=user)
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-USD", side="sell", type="market", quantity=Decimal("0.1")
        ),
    )
    hour = datetime(2026, 1, 1, 10, tzinfo=UTC)
    (batch_id,) = services.borrow_interest_round_open(instrument=market["BTC-USD"], hour=hour)

    listed = admin_client.get("/admin/trading/carrybatch/?posted_at__isnull=True")
    assert listed.status_code == 200
    assert hour.isoformat() in listed.content.decode()
    detail = admin_client.get(f"/admin/trading/carrybatch/{batch_id}/change/")
    assert detail.status_code == 200
    assert "BTC-USD" in detail.content.decode()
