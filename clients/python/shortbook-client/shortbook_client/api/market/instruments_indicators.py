import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.indicator_output import IndicatorOutput
from ...models.instruments_indicators_interval import InstrumentsIndicatorsInterval
from ...models.instruments_indicators_name import InstrumentsIndicatorsName
from ...types import UNSET, Response, Unset


def _get_kwargs(
    symbol: str,
    *,
    end: datetime.datetime | Unset = UNSET,
    fast: int | Unset = UNSET,
    interval: InstrumentsIndicatorsInterval | Unset = InstrumentsIndicatorsInterval.VALUE_0,
    k: str | Unset = UNSET,
    limit: int | Unset = 500,
    name: InstrumentsIndicatorsName,
    period: int | Unset = UNSET,
    signal: int | Unset = UNSET,
    slow: int | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_end: str | Unset = UNSET
    if not isinstance(end, Unset):
        json_end = end.isoformat()
    params["end"] = json_end

    params["fast"] = fast

    json_interval: str | Unset = UNSET
    if not isinstance(interval, Unset):
        json_interval = interval.value

    params["interval"] = json_interval

    params["k"] = k

    params["limit"] = limit

    json_name = name.value
    params["name"] = json_name

    params["period"] = period

    params["signal"] = signal

    params["slow"] = slow

    json_start: str | Unset = UNSET
    if not isinstance(start, Unset):
        json_start = start.isoformat()
    params["start"] = json_start

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/instruments/{symbol}/indicators".format(
            symbol=quote(str(symbol), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | IndicatorOutput | None:
    if response.status_code == 200:
        response_200 = IndicatorOutput.from_dict(response.json())

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
) -> Response[Error | IndicatorOutput]:
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
    fast: int | Unset = UNSET,
    interval: InstrumentsIndicatorsInterval | Unset = InstrumentsIndicatorsInterval.VALUE_0,
    k: str | Unset = UNSET,
    limit: int | Unset = 500,
    name: InstrumentsIndicatorsName,
    period: int | Unset = UNSET,
    signal: int | Unset = UNSET,
    slow: int | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
) -> Response[Error | IndicatorOutput]:
    """Compute a chart indicator over an instrument's candles

     `sma`, `ema`, `rsi` (`period`), `bollinger` (`period`, `k`) and `macd` (`fast`, `slow`, `signal`)
    give one point per candle of the window that `interval`, `start`, `end` and `limit` choose, as the
    candles endpoint does; the candles just before the window warm them up. `fibonacci` gives the
    retracement levels between the window's highest high and lowest low, and as points the swing's start
    and end.

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        fast (int | Unset):
        interval (InstrumentsIndicatorsInterval | Unset):  Default:
            InstrumentsIndicatorsInterval.VALUE_0.
        k (str | Unset):
        limit (int | Unset):  Default: 500.
        name (InstrumentsIndicatorsName):
        period (int | Unset):
        signal (int | Unset):
        slow (int | Unset):
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IndicatorOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        end=end,
        fast=fast,
        interval=interval,
        k=k,
        limit=limit,
        name=name,
        period=period,
        signal=signal,
        slow=slow,
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
    fast: int | Unset = UNSET,
    interval: InstrumentsIndicatorsInterval | Unset = InstrumentsIndicatorsInterval.VALUE_0,
    k: str | Unset = UNSET,
    limit: int | Unset = 500,
    name: InstrumentsIndicatorsName,
    period: int | Unset = UNSET,
    signal: int | Unset = UNSET,
    slow: int | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
) -> Error | IndicatorOutput | None:
    """Compute a chart indicator over an instrument's candles

     `sma`, `ema`, `rsi` (`period`), `bollinger` (`period`, `k`) and `macd` (`fast`, `slow`, `signal`)
    give one point per candle of the window that `interval`, `start`, `end` and `limit` choose, as the
    candles endpoint does; the candles just before the window warm them up. `fibonacci` gives the
    retracement levels between the window's highest high and lowest low, and as points the swing's start
    and end.

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        fast (int | Unset):
        interval (InstrumentsIndicatorsInterval | Unset):  Default:
            InstrumentsIndicatorsInterval.VALUE_0.
        k (str | Unset):
        limit (int | Unset):  Default: 500.
        name (InstrumentsIndicatorsName):
        period (int | Unset):
        signal (int | Unset):
        slow (int | Unset):
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IndicatorOutput
    """

    return sync_detailed(
        symbol=symbol,
        client=client,
        end=end,
        fast=fast,
        interval=interval,
        k=k,
        limit=limit,
        name=name,
        period=period,
        signal=signal,
        slow=slow,
        start=start,
    ).parsed


async def asyncio_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
    end: datetime.datetime | Unset = UNSET,
    fast: int | Unset = UNSET,
    interval: InstrumentsIndicatorsInterval | Unset = InstrumentsIndicatorsInterval.VALUE_0,
    k: str | Unset = UNSET,
    limit: int | Unset = 500,
    name: InstrumentsIndicatorsName,
    period: int | Unset = UNSET,
    signal: int | Unset = UNSET,
    slow: int | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
) -> Response[Error | IndicatorOutput]:
    """Compute a chart indicator over an instrument's candles

     `sma`, `ema`, `rsi` (`period`), `bollinger` (`period`, `k`) and `macd` (`fast`, `slow`, `signal`)
    give one point per candle of the window that `interval`, `start`, `end` and `limit` choose, as the
    candles endpoint does; the candles just before the window warm them up. `fibonacci` gives the
    retracement levels between the window's highest high and lowest low, and as points the swing's start
    and end.

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        fast (int | Unset):
        interval (InstrumentsIndicatorsInterval | Unset):  Default:
            InstrumentsIndicatorsInterval.VALUE_0.
        k (str | Unset):
        limit (int | Unset):  Default: 500.
        name (InstrumentsIndicatorsName):
        period (int | Unset):
        signal (int | Unset):
        slow (int | Unset):
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IndicatorOutput]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        end=end,
        fast=fast,
        interval=interval,
        k=k,
        limit=limit,
        name=name,
        period=period,
        signal=signal,
        slow=slow,
        start=start,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    symbol: str,
    *,
    client: AuthenticatedClient,
    end: datetime.datetime | Unset = UNSET,
    fast: int | Unset = UNSET,
    interval: InstrumentsIndicatorsInterval | Unset = InstrumentsIndicatorsInterval.VALUE_0,
    k: str | Unset = UNSET,
    limit: int | Unset = 500,
    name: InstrumentsIndicatorsName,
    period: int | Unset = UNSET,
    signal: int | Unset = UNSET,
    slow: int | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
) -> Error | IndicatorOutput | None:
    """Compute a chart indicator over an instrument's candles

     `sma`, `ema`, `rsi` (`period`), `bollinger` (`period`, `k`) and `macd` (`fast`, `slow`, `signal`)
    give one point per candle of the window that `interval`, `start`, `end` and `limit` choose, as the
    candles endpoint does; the candles just before the window warm them up. `fibonacci` gives the
    retracement levels between the window's highest high and lowest low, and as points the swing's start
    and end.

    Args:
        symbol (str):
        end (datetime.datetime | Unset):
        fast (int | Unset):
        interval (InstrumentsIndicatorsInterval | Unset):  Default:
            InstrumentsIndicatorsInterval.VALUE_0.
        k (str | Unset):
        limit (int | Unset):  Default: 500.
        name (InstrumentsIndicatorsName):
        period (int | Unset):
        signal (int | Unset):
        slow (int | Unset):
        start (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IndicatorOutput
    """

    return (
        await asyncio_detailed(
            symbol=symbol,
            client=client,
            end=end,
            fast=fast,
            interval=interval,
            k=k,
            limit=limit,
            name=name,
            period=period,
            signal=signal,
            slow=slow,
            start=start,
        )
    ).parsed
