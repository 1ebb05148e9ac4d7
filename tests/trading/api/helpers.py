"""Requests and checks the trading API tests share."""

from decimal import Decimal

ORDERS = "/api/v1/orders"


def assert_error(response, status, code):
    """Check the one error shape, its status and code; return the error body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


def order_body(**fields) -> dict:
    """A market short of 0.1 BTC-PERP, with ``fields`` changed."""
    return {"instrument": "BTC-PERP", "side": "sell", "type": "market", "quantity": "0.1"} | fields


def place(client, **fields):
    return client.post(ORDERS, order_body(**fields), format="json")


def placed(client, **fields) -> dict:
    """Place an order that must be accepted; return its JSON."""
    response = place(client, **fields)
    assert response.status_code == 201, response.content
    return response.json()


def decimal(value) -> Decimal:
    assert isinstance(value, str), f"{value!r} is not a decimal string"
    return Decimal(value)
