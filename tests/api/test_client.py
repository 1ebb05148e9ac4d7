"""The generated Python client: current with the schema, and good for a whole short."""

import filecmp
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
from shortbook_client import AuthenticatedClient, Client
from shortbook_client.api.account import account_retrieve, ledger_list
from shortbook_client.api.api_keys import api_keys_create
from shortbook_client.api.market import instruments_list, instruments_ticker
from shortbook_client.api.orders import orders_cancel, orders_place, orders_retrieve
from shortbook_client.api.positions import positions_close, positions_list, positions_retrieve
from shortbook_client.models import (
    ApiKeyCreateInputRequest,
    Error,
    ExitInputRequest,
    OrderOutput,
    OrderPlaceInputRequest,
    OrderSideEnum,
    OrderTypeEnum,
    ScopeEnum,
)

from tests.api.conftest import CLIENT_DIR

IGNORED = {".ruff_cache", "__pycache__"}
SIGNUP_PATH = "/_allauth/app/v1/auth/signup"


def tree(root: Path) -> set[Path]:
    return {
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and not IGNORED & set(path.relative_to(root).parts)
    }


def test_the_committed_client_is_generated_from_the_current_schema(tmp_path):
    """Regenerate schema and client; any difference means: run clients/python/generate.py."""
    subprocess.run(  # noqa: S603
        [sys.executable, str(CLIENT_DIR / "generate.py"), "--output", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    fresh_schema = (tmp_path / "openapi.json").read_bytes()
    assert fresh_schema == (CLIENT_DIR / "openapi.json").read_bytes(), (
        "The API's schema changed: run `.venv/bin/python clients/python/generate.py`."
    )
    committed, fresh = CLIENT_DIR / "shortbook-client", tmp_path / "shortbook-client"
    assert tree(fresh) == tree(committed)
    _, mismatch, errors = filecmp.cmpfiles(committed, fresh, sorted(map(str, tree(fresh))), False)
    assert (mismatch, errors) == ([], [])


def sign_up(base_url: str, email: str) -> str:
    """Sign up as the mobile app does (allauth headless) and return the session token."""
    response = httpx.post(
        base_url + SIGNUP_PATH,
        json={"email": email, "password": "a long and unusual passphrase"},
    )
    assert response.status_code == 200, response.text
    return response.json()["meta"]["session_token"]


def test_a_whole_short_through_the_generated_client(live_server, live_market):
    base_url = live_server.url
    token = sign_up(base_url, "bot.author@example.com")
    session = AuthenticatedClient(
        base_url=base_url, token=token, prefix="", auth_header_name="X-Session-Token"
    )
    created = api_keys_create.sync(
        client=session, body=ApiKeyCreateInputRequest(name="my bot", scope=ScopeEnum.TRADE)
    )
    assert created.scope == ScopeEnum.TRADE and created.key.startswith("sb_")
    bot = AuthenticatedClient(base_url=base_url, token=created.key, prefix="Api-Key")

    page = instruments_list.sync(client=Client(base_url=base_url))
    assert "BTC-PERP" in {instrument.symbol for instrument in page.results}
    mark = Decimal(instruments_ticker.sync(client=bot, symbol="BTC-PERP").mark_price)
    assert mark == Decimal(50000)

    short = orders_place.sync_detailed(
        client=bot,
        body=OrderPlaceInputRequest(
            instrument="BTC-PERP",
            side=OrderSideEnum.SELL,
            type_=OrderTypeEnum.MARKET,
            quantity="0.5",
            client_order_id="short-1",
            stop_loss=ExitInputRequest(stop_price="52500"),
        ),
    )
    assert short.status_code == 201, short.content
    order = short.parsed
    assert isinstance(order, OrderOutput)
    assert order.status.value == "filled"
    assert Decimal(order.filled_quantity) == Decimal("0.5")
    (stop_loss,) = order.attached
    assert stop_loss.role.value == "stop_loss"
    assert Decimal(stop_loss.stop_price) == Decimal(52500)

    position = positions_retrieve.sync(client=bot, symbol="BTC-PERP")
    assert position.side.value == "short"
    assert Decimal(position.quantity) == Decimal("0.5")
    assert position.liquidation_price is not None

    refused = orders_place.sync_detailed(
        client=bot,
        body=OrderPlaceInputRequest(
            instrument="BTC-PERP",
            side=OrderSideEnum.SELL,
            type_=OrderTypeEnum.MARKET,
            quantity="0.5",
            client_order_id="short-1",  # The same id with another body.
            reduce_only=True,
        ),
    )
    assert refused.status_code == 409
    assert isinstance(refused.parsed, Error)
    assert refused.parsed.error.code == "duplicate_client_order_id"

    closing = positions_close.sync(client=bot, symbol="BTC-PERP")
    assert closing.reduce_only is True
    assert Decimal(closing.filled_quantity) == Decimal("0.5")
    assert positions_list.sync(client=bot) == []
    # Closing the position retired the stop-loss that protected it.
    assert orders_retrieve.sync(client=bot, order_id=stop_loss.id).status.value == "canceled"
    again = orders_cancel.sync_detailed(client=bot, order_id=stop_loss.id)
    assert again.status_code == 409
    assert again.parsed.error.code == "order_not_open"

    ledger = ledger_list.sync(client=bot)
    kinds = {line.kind.value for line in ledger.results}
    assert "fee" in kinds
    account = account_retrieve.sync(client=bot)
    cash = sum(Decimal(line.amount) for line in ledger.results if line.asset == "USD")
    assert Decimal(account.cash) == cash


def test_the_generated_client_reads_the_error_shape(live_server, live_market):
    token = sign_up(live_server.url, "reader@example.com")
    session = AuthenticatedClient(
        base_url=live_server.url, token=token, prefix="", auth_header_name="X-Session-Token"
    )
    read_key = api_keys_create.sync(
        client=session, body=ApiKeyCreateInputRequest(name="reader", scope=ScopeEnum.READ)
    )
    reader = AuthenticatedClient(base_url=live_server.url, token=read_key.key, prefix="Api-Key")
    response = orders_place.sync_detailed(
        client=reader,
        body=OrderPlaceInputRequest(
            instrument="BTC-PERP", side=OrderSideEnum.SELL, type_=OrderTypeEnum.MARKET, quantity="1"
        ),
    )
    assert response.status_code == 403
    assert response.parsed.error.code == "permission_denied"
