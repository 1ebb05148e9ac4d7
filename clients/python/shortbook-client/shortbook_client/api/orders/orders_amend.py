from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.order_output import OrderOutput
from ...models.patched_order_amend_input_request import PatchedOrderAmendInputRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: int,
    *,
    body: PatchedOrderAmendInputRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/orders/{order_id}".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OrderOutput | None:
    if response.status_code == 200:
        response_200 = OrderOutput.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | OrderOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedOrderAmendInputRequest | Unset = UNSET,
) -> Response[Error | OrderOutput]:
    """Change an open order's price, quantity or stop price

     Lowering only the quantity keeps the order's place in the queue; any other change sends it to the
    back. A new price that crosses the book trades at once.

    Args:
        order_id (int):
        body (PatchedOrderAmendInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderOutput]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedOrderAmendInputRequest | Unset = UNSET,
) -> Error | OrderOutput | None:
    """Change an open order's price, quantity or stop price

     Lowering only the quantity keeps the order's place in the queue; any other change sends it to the
    back. A new price that crosses the book trades at once.

    Args:
        order_id (int):
        body (PatchedOrderAmendInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderOutput
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    order_id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedOrderAmendInputRequest | Unset = UNSET,
) -> Response[Error | OrderOutput]:
    """Change an open order's price, quantity or stop price

     Lowering only the quantity keeps the order's place in the queue; any other change sends it to the
    back. A new price that crosses the book trades at once.

    Args:
        order_id (int):
        body (PatchedOrderAmendInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderOutput]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedOrderAmendInputRequest | Unset = UNSET,
) -> Error | OrderOutput | None:
    """Change an open order's price, quantity or stop price

     Lowering only the quantity keeps the order's place in the queue; any other change sends it to the
    back. A new price that crosses the book trades at once.

    Args:
        order_id (int):
        body (PatchedOrderAmendInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderOutput
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            body=body,
        )
    ).parsed
