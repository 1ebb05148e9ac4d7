from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.ticker_output import TickerOutput
from ...types import Response


def _get_kwargs(
    symbol: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/instruments/{symbol}/ticker".format(
            symbol=quote(str(symbol), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | TickerOutput | None:
    if response.status_code == 200:
        response_200 = TickerOutput.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | TickerOutput]:
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
) -> Response[Error | TickerOutput]:
    """Show an instrument's latest quote

     Index, mark, the outside liquidity's bid and ask, and the last trade. Perpetuals add the predicted
    funding rate and the next funding time, options the implied volatility and the Greeks; for other
    kinds those fields are null. `stale` says the feed stopped ticking (`updated_at` is its last tick),
    `paused` that a historical replay stands still on purpose.

    Args:
        symbol (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TickerOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    symbol: str,
    *,
    client: AuthenticatedClient,
) -> Error | TickerOutput | None:
    """Show an instrument's latest quote

     Index, mark, the outside liquidity's bid and ask, and the last trade. Perpetuals add the predicted
    funding rate and the next funding time, options the implied volatility and the Greeks; for other
    kinds those fields are null. `stale` says the feed stopped ticking (`updated_at` is its last tick),
    `paused` that a historical replay stands still on purpose.

    Args:
        symbol (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TickerOutput
    """

    return sync_detailed(
        symbol=symbol,
        client=client,
    ).parsed


async def asyncio_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | TickerOutput]:
    """Show an instrument's latest quote

     Index, mark, the outside liquidity's bid and ask, and the last trade. Perpetuals add the predicted
    funding rate and the next funding time, options the implied volatility and the Greeks; for other
    kinds those fields are null. `stale` says the feed stopped ticking (`updated_at` is its last tick),
    `paused` that a historical replay stands still on purpose.

    Args:
        symbol (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TickerOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    symbol: str,
    *,
    client: AuthenticatedClient,
) -> Error | TickerOutput | None:
    """Show an instrument's latest quote

     Index, mark, the outside liquidity's bid and ask, and the last trade. Perpetuals add the predicted
    funding rate and the next funding time, options the implied volatility and the Greeks; for other
    kinds those fields are null. `stale` says the feed stopped ticking (`updated_at` is its last tick),
    `paused` that a historical replay stands still on purpose.

    Args:
        symbol (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TickerOutput
    """

    return (
        await asyncio_detailed(
            symbol=symbol,
            client=client,
        )
    ).parsed
