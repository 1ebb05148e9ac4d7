import sys
from pathlib import Path

import pytest

from tests.factories.market import btc_market

CLIENT_DIR = Path(__file__).resolve().parents[2] / "clients" / "python"
# The committed client, importable as a bot would after `pip install`.
if str(CLIENT_DIR / "shortbook-client") not in sys.path:
    sys.path.insert(0, str(CLIENT_DIR / "shortbook-client"))


@pytest.fixture
def live_market(transactional_db):
    """BTC with an instrument of each kind, committed so a live server sees it."""
    return btc_market()
