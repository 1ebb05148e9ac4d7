from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.order_output import OrderOutput
from ...models.order_place_input_request import OrderPlaceInputRequest
from ...types import Response


def _get_kwargs(
    *,
    body: OrderPlaceInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/orders",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OrderOutput | None:
    if response.status_code == 200:
        response_200 = OrderOutput.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = OrderOutput.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
    *,
    client: AuthenticatedClient,
    body: OrderPlaceInputRequest,
) -> Response[Error | OrderOutput]:
    """Place an order

     Answers 201 with the new order. Sending the same `client_order_id` with the same body again answers
    200 with the order placed the first time; the same id with another body is a 409
    `duplicate_client_order_id`. A `stop_loss` or `take_profit` attaches a reduce-only exit on the other
    side.

    Args:
        body (OrderPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderOutput]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: OrderPlaceInputRequest,
) -> Error | OrderOutput | None:
    """Place an order

     Answers 201 with the new order. Sending the same `client_order_id` with the same body again answers
    200 with the order placed the first time; the same id with another body is a 409
    `duplicate_client_order_id`. A `stop_loss` or `take_profit` attaches a reduce-only exit on the other
    side.

    Args:
        body (OrderPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderOutput
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OrderPlaceInputRequest,
) -> Response[Error | OrderOutput]:
    """Place an order

     Answers 201 with the new order. Sending the same `client_order_id` with the same body again answers
    200 with the order placed the first time; the same id with another body is a 409
    `duplicate_client_order_id`. A `stop_loss` or `take_profit` attaches a reduce-only exit on the other
    side.

    Args:
        body (OrderPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderOutput]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OrderPlaceInputRequest,
) -> Error | OrderOutput | None:
    """Place an order

     Answers 201 with the new order. Sending the same `client_order_id` with the same body again answers
    200 with the order placed the first time; the same id with another body is a 409
    `duplicate_client_order_id`. A `stop_loss` or `take_profit` attaches a reduce-only exit on the other
    side.

    Args:
        body (OrderPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
