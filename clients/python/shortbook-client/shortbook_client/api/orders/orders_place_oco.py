from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.oco_output import OcoOutput
from ...models.oco_place_input_request import OcoPlaceInputRequest
from ...types import Response


def _get_kwargs(
    *,
    body: OcoPlaceInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/orders/oco",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OcoOutput | None:
    if response.status_code == 200:
        response_200 = OcoOutput.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = OcoOutput.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | OcoOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OcoPlaceInputRequest,
) -> Response[Error | OcoOutput]:
    """Place a one-cancels-the-other pair

     A limit leg that rests in the book and a stop leg, same side and quantity: the first to fill or
    trigger cancels the other, and canceling either cancels both. A sell pair exits a long (take profit
    above, stop below the current price); a buy pair exits a short. Refused with `invalid_oco_price`
    when the limit price is on the wrong side of the current price, `would_trigger_immediately` when the
    stop is, and every code an order can have. Answers 201 with both legs, or 200 with the pair a
    repeated `client_order_id` placed.

    Args:
        body (OcoPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OcoOutput]
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
    body: OcoPlaceInputRequest,
) -> Error | OcoOutput | None:
    """Place a one-cancels-the-other pair

     A limit leg that rests in the book and a stop leg, same side and quantity: the first to fill or
    trigger cancels the other, and canceling either cancels both. A sell pair exits a long (take profit
    above, stop below the current price); a buy pair exits a short. Refused with `invalid_oco_price`
    when the limit price is on the wrong side of the current price, `would_trigger_immediately` when the
    stop is, and every code an order can have. Answers 201 with both legs, or 200 with the pair a
    repeated `client_order_id` placed.

    Args:
        body (OcoPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OcoOutput
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OcoPlaceInputRequest,
) -> Response[Error | OcoOutput]:
    """Place a one-cancels-the-other pair

     A limit leg that rests in the book and a stop leg, same side and quantity: the first to fill or
    trigger cancels the other, and canceling either cancels both. A sell pair exits a long (take profit
    above, stop below the current price); a buy pair exits a short. Refused with `invalid_oco_price`
    when the limit price is on the wrong side of the current price, `would_trigger_immediately` when the
    stop is, and every code an order can have. Answers 201 with both legs, or 200 with the pair a
    repeated `client_order_id` placed.

    Args:
        body (OcoPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OcoOutput]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OcoPlaceInputRequest,
) -> Error | OcoOutput | None:
    """Place a one-cancels-the-other pair

     A limit leg that rests in the book and a stop leg, same side and quantity: the first to fill or
    trigger cancels the other, and canceling either cancels both. A sell pair exits a long (take profit
    above, stop below the current price); a buy pair exits a short. Refused with `invalid_oco_price`
    when the limit price is on the wrong side of the current price, `would_trigger_immediately` when the
    stop is, and every code an order can have. Answers 201 with both legs, or 200 with the pair a
    repeated `client_order_id` placed.

    Args:
        body (OcoPlaceInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OcoOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
