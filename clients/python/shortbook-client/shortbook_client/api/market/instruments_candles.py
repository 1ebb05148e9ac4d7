import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.candle_list_output import CandleListOutput
from ...models.error import Error
from ...models.instruments_candles_interval import InstrumentsCandlesInterval
from ...types import UNSET, Response, Unset


def _get_kwargs(
    symbol: str,
    *,
    end: datetime.datetime | Unset = UNSET,
    interval: InstrumentsCandlesInterval | Unset = InstrumentsCandlesInterval.VALUE_0,
    limit: int | Unset = 500,
    start: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_end: str | Unset = UNSET
    if not isinstance(end, Unset):
        json_end = end.isoformat()
    params["end"] = json_end

    json_interval: str | Unset = UNSET
    if not isinstance(interval, Unset):
        json_interval = interval.value

    params["interval"] = json_interval

    params["limit"] = limit

    json_start: str | Unset = UNSET
    if not isinstance(start, Unset):
        json_start = start.isoformat()
    params["start"] = json_start

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/instruments/{symbol}/candles".format(
            symbol=quote(str(symbol), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CandleListOutput | Error | None:
    if response.status_code == 200:
        response_200 = CandleListOutput.from_dict(response.json())

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
) -> Response[CandleListOutput | Error]:
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
    end: datetime.datetime | Unset = UNSET,
    interval: InstrumentsCandlesInterval | Unset = InstrumentsCandlesInterval.VALUE_0,
    limit: int | Unset = 500,
    start: datetime.datetime | Unset = UNSET,
) -> Response[CandleListOutput | Error]:
    """List an instrument's candles, oldest first

     Candles of the mark price. With `start`, the first `limit` candles from there; without it, the most
    recent `limit` (before `end` if given).

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        interval (InstrumentsCandlesInterval | Unset):  Default:
            InstrumentsCandlesInterval.VALUE_0.
        limit (int | Unset):  Default: 500.
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CandleListOutput | Error]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        end=end,
        interval=interval,
        limit=limit,
        start=start,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    symbol: str,
    *,
    client: AuthenticatedClient,
    end: datetime.datetime | Unset = UNSET,
    interval: InstrumentsCandlesInterval | Unset = InstrumentsCandlesInterval.VALUE_0,
    limit: int | Unset = 500,
    start: datetime.datetime | Unset = UNSET,
) -> CandleListOutput | Error | None:
    """List an instrument's candles, oldest first

     Candles of the mark price. With `start`, the first `limit` candles from there; without it, the most
    recent `limit` (before `end` if given).

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        interval (InstrumentsCandlesInterval | Unset):  Default:
            InstrumentsCandlesInterval.VALUE_0.
        limit (int | Unset):  Default: 500.
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CandleListOutput | Error
    """

    return sync_detailed(
        symbol=symbol,
        client=client,
        end=end,
        interval=interval,
        limit=limit,
        start=start,
    ).parsed


async def asyncio_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
    end: datetime.datetime | Unset = UNSET,
    interval: InstrumentsCandlesInterval | Unset = InstrumentsCandlesInterval.VALUE_0,
    limit: int | Unset = 500,
    start: datetime.datetime | Unset = UNSET,
) -> Response[CandleListOutput | Error]:
    """List an instrument's candles, oldest first

     Candles of the mark price. With `start`, the first `limit` candles from there; without it, the most
    recent `limit` (before `end` if given).

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        interval (InstrumentsCandlesInterval | Unset):  Default:
            InstrumentsCandlesInterval.VALUE_0.
        limit (int | Unset):  Default: 500.
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CandleListOutput | Error]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        end=end,
        interval=interval,
        limit=limit,
        start=start,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    symbol: str,
    *,
    client: AuthenticatedClient,
    end: datetime.datetime | Unset = UNSET,
    interval: InstrumentsCandlesInterval | Unset = InstrumentsCandlesInterval.VALUE_0,
    limit: int | Unset = 500,
    start: datetime.datetime | Unset = UNSET,
) -> CandleListOutput | Error | None:
    """List an instrument's candles, oldest first

     Candles of the mark price. With `start`, the first `limit` candles from there; without it, the most
    recent `limit` (before `end` if given).

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        interval (InstrumentsCandlesInterval | Unset):  Default:
            InstrumentsCandlesInterval.VALUE_0.
        limit (int | Unset):  Default: 500.
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CandleListOutput | Error
    """

    return (
        await asyncio_detailed(
            symbol=symbol,
            client=client,
            end=end,
            interval=interval,
            limit=limit,
            start=start,
        )
    ).parsed
