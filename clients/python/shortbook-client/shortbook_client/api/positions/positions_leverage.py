from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.leverage_input_request import LeverageInputRequest
from ...models.leverage_output import LeverageOutput
from ...types import Response


def _get_kwargs(
    symbol: str,
    *,
    body: LeverageInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/positions/{symbol}/leverage".format(
            symbol=quote(str(symbol), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | LeverageOutput | None:
    if response.status_code == 200:
        response_200 = LeverageOutput.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | LeverageOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: LeverageInputRequest,
) -> Response[Error | LeverageOutput]:
    """Set your leverage on one instrument

     Works with or without an open position; refused (`insufficient_margin`) when your positions and
    orders would then need more margin than you have, and `invalid_leverage` outside 1x to the
    instrument's maximum.

    Args:
        symbol (str):
        body (LeverageInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LeverageOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: LeverageInputRequest,
) -> Error | LeverageOutput | None:
    """Set your leverage on one instrument

     Works with or without an open position; refused (`insufficient_margin`) when your positions and
    orders would then need more margin than you have, and `invalid_leverage` outside 1x to the
    instrument's maximum.

    Args:
        symbol (str):
        body (LeverageInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LeverageOutput
    """

    return sync_detailed(
        symbol=symbol,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: LeverageInputRequest,
) -> Response[Error | LeverageOutput]:
    """Set your leverage on one instrument

     Works with or without an open position; refused (`insufficient_margin`) when your positions and
    orders would then need more margin than you have, and `invalid_leverage` outside 1x to the
    instrument's maximum.

    Args:
        symbol (str):
        body (LeverageInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LeverageOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: LeverageInputRequest,
) -> Error | LeverageOutput | None:
    """Set your leverage on one instrument

     Works with or without an open position; refused (`insufficient_margin`) when your positions and
    orders would then need more margin than you have, and `invalid_leverage` outside 1x to the
    instrument's maximum.

    Args:
        symbol (str):
        body (LeverageInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LeverageOutput
    """

    return (
        await asyncio_detailed(
            symbol=symbol,
            client=client,
            body=body,
        )
    ).parsed
