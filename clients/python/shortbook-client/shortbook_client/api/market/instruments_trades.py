from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.trade_list_output import TradeListOutput
from ...types import UNSET, Response, Unset


def _get_kwargs(
    symbol: str,
    *,
    limit: int | Unset = 50,
    whales: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["whales"] = whales

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/instruments/{symbol}/trades".format(
            symbol=quote(str(symbol), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TradeListOutput | None:
    if response.status_code == 200:
        response_200 = TradeListOutput.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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
) -> Response[Error | TradeListOutput]:
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
    limit: int | Unset = 50,
    whales: bool | Unset = False,
) -> Response[Error | TradeListOutput]:
    """List an instrument's latest trades on the platform

     A read anyone may make.

    Args:
        symbol (str):
        limit (int | Unset):  Default: 50.
        whales (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TradeListOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        limit=limit,
        whales=whales,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    symbol: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    whales: bool | Unset = False,
) -> Error | TradeListOutput | None:
    """List an instrument's latest trades on the platform

     A read anyone may make.

    Args:
        symbol (str):
        limit (int | Unset):  Default: 50.
        whales (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TradeListOutput
    """

    return sync_detailed(
        symbol=symbol,
        client=client,
        limit=limit,
        whales=whales,
    ).parsed


async def asyncio_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    whales: bool | Unset = False,
) -> Response[Error | TradeListOutput]:
    """List an instrument's latest trades on the platform

     A read anyone may make.

    Args:
        symbol (str):
        limit (int | Unset):  Default: 50.
        whales (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TradeListOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        limit=limit,
        whales=whales,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    symbol: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    whales: bool | Unset = False,
) -> Error | TradeListOutput | None:
    """List an instrument's latest trades on the platform

     A read anyone may make.

    Args:
        symbol (str):
        limit (int | Unset):  Default: 50.
        whales (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TradeListOutput
    """

    return (
        await asyncio_detailed(
            symbol=symbol,
            client=client,
            limit=limit,
            whales=whales,
        )
    ).parsed
