from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_equity_curve_range import AccountEquityCurveRange
from ...models.equity_curve_output import EquityCurveOutput
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    range_: AccountEquityCurveRange | Unset = AccountEquityCurveRange.VALUE_0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_range_: str | Unset = UNSET
    if not isinstance(range_, Unset):
        json_range_ = range_.value

    params["range"] = json_range_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/account/equity",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EquityCurveOutput | Error | None:
    if response.status_code == 200:
        response_200 = EquityCurveOutput.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EquityCurveOutput | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    range_: AccountEquityCurveRange | Unset = AccountEquityCurveRange.VALUE_0,
) -> Response[EquityCurveOutput | Error]:
    """Read your account's equity curve

     `1d`: the last day by the minute; `1m`: the last 30 days by the hour; `all`: every day since the
    account opened.

    Args:
        range_ (AccountEquityCurveRange | Unset):  Default: AccountEquityCurveRange.VALUE_0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EquityCurveOutput | Error]
    """

    kwargs = _get_kwargs(
        range_=range_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    range_: AccountEquityCurveRange | Unset = AccountEquityCurveRange.VALUE_0,
) -> EquityCurveOutput | Error | None:
    """Read your account's equity curve

     `1d`: the last day by the minute; `1m`: the last 30 days by the hour; `all`: every day since the
    account opened.

    Args:
        range_ (AccountEquityCurveRange | Unset):  Default: AccountEquityCurveRange.VALUE_0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EquityCurveOutput | Error
    """

    return sync_detailed(
        client=client,
        range_=range_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    range_: AccountEquityCurveRange | Unset = AccountEquityCurveRange.VALUE_0,
) -> Response[EquityCurveOutput | Error]:
    """Read your account's equity curve

     `1d`: the last day by the minute; `1m`: the last 30 days by the hour; `all`: every day since the
    account opened.

    Args:
        range_ (AccountEquityCurveRange | Unset):  Default: AccountEquityCurveRange.VALUE_0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EquityCurveOutput | Error]
    """

    kwargs = _get_kwargs(
        range_=range_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    range_: AccountEquityCurveRange | Unset = AccountEquityCurveRange.VALUE_0,
) -> EquityCurveOutput | Error | None:
    """Read your account's equity curve

     `1d`: the last day by the minute; `1m`: the last 30 days by the hour; `all`: every day since the
    account opened.

    Args:
        range_ (AccountEquityCurveRange | Unset):  Default: AccountEquityCurveRange.VALUE_0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EquityCurveOutput | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            range_=range_,
        )
    ).parsed
