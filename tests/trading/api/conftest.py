import pytest

from tests.factories.market import btc_market
from trading import selectors


@pytest.fixture
def market(db):
    """BTC-USD, BTC-PERP, BTC-CFD, BTC-FUT and BTC-P50000, with BTC at 50,000."""
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


@pytest.fixture
def other_account(other_user):
    return selectors.paper_account_for_user(user=other_user)
