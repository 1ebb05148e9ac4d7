from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.comparison_output import ComparisonOutput
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    entry_price: str,
    exit_price: str,
    expiry_days: str | Unset = UNSET,
    funding_rate: str | Unset = UNSET,
    holding_days: str,
    notional: str | Unset = UNSET,
    quantity: str | Unset = UNSET,
    strike: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["entry_price"] = entry_price

    params["exit_price"] = exit_price

    params["expiry_days"] = expiry_days

    params["funding_rate"] = funding_rate

    params["holding_days"] = holding_days

    params["notional"] = notional

    params["quantity"] = quantity

    params["strike"] = strike

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/compare",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ComparisonOutput | Error | None:
    if response.status_code == 200:
        response_200 = ComparisonOutput.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ComparisonOutput | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    entry_price: str,
    exit_price: str,
    expiry_days: str | Unset = UNSET,
    funding_rate: str | Unset = UNSET,
    holding_days: str,
    notional: str | Unset = UNSET,
    quantity: str | Unset = UNSET,
    strike: str | Unset = UNSET,
) -> Response[ComparisonOutput | Error]:
    """Price one bearish view four ways, PnL split leg by leg

     Margin short, perpetual short, a bought put and a CFD short, each with the platform's own fees,
    borrow, funding, financing and option pricing. Legs are in USD, positive a gain, and add up to
    `total`.

    Args:
        entry_price (str):
        exit_price (str):
        expiry_days (str | Unset):
        funding_rate (str | Unset):
        holding_days (str):
        notional (str | Unset):
        quantity (str | Unset):
        strike (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComparisonOutput | Error]
    """

    kwargs = _get_kwargs(
        entry_price=entry_price,
        exit_price=exit_price,
        expiry_days=expiry_days,
        funding_rate=funding_rate,
        holding_days=holding_days,
        notional=notional,
        quantity=quantity,
        strike=strike,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    entry_price: str,
    exit_price: str,
    expiry_days: str | Unset = UNSET,
    funding_rate: str | Unset = UNSET,
    holding_days: str,
    notional: str | Unset = UNSET,
    quantity: str | Unset = UNSET,
    strike: str | Unset = UNSET,
) -> ComparisonOutput | Error | None:
    """Price one bearish view four ways, PnL split leg by leg

     Margin short, perpetual short, a bought put and a CFD short, each with the platform's own fees,
    borrow, funding, financing and option pricing. Legs are in USD, positive a gain, and add up to
    `total`.

    Args:
        entry_price (str):
        exit_price (str):
        expiry_days (str | Unset):
        funding_rate (str | Unset):
        holding_days (str):
        notional (str | Unset):
        quantity (str | Unset):
        strike (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComparisonOutput | Error
    """

    return sync_detailed(
        client=client,
        entry_price=entry_price,
        exit_price=exit_price,
        expiry_days=expiry_days,
        funding_rate=funding_rate,
        holding_days=holding_days,
        notional=notional,
        quantity=quantity,
        strike=strike,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    entry_price: str,
    exit_price: str,
    expiry_days: str | Unset = UNSET,
    funding_rate: str | Unset = UNSET,
    holding_days: str,
    notional: str | Unset = UNSET,
    quantity: str | Unset = UNSET,
    strike: str | Unset = UNSET,
) -> Response[ComparisonOutput | Error]:
    """Price one bearish view four ways, PnL split leg by leg

     Margin short, perpetual short, a bought put and a CFD short, each with the platform's own fees,
    borrow, funding, financing and option pricing. Legs are in USD, positive a gain, and add up to
    `total`.

    Args:
        entry_price (str):
        exit_price (str):
        expiry_days (str | Unset):
        funding_rate (str | Unset):
        holding_days (str):
        notional (str | Unset):
        quantity (str | Unset):
        strike (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComparisonOutput | Error]
    """

    kwargs = _get_kwargs(
        entry_price=entry_price,
        exit_price=exit_price,
        expiry_days=expiry_days,
        funding_rate=funding_rate,
        holding_days=holding_days,
        notional=notional,
        quantity=quantity,
        strike=strike,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    entry_price: str,
    exit_price: str,
    expiry_days: str | Unset = UNSET,
    funding_rate: str | Unset = UNSET,
    holding_days: str,
    notional: str | Unset = UNSET,
    quantity: str | Unset = UNSET,
    strike: str | Unset = UNSET,
) -> ComparisonOutput | Error | None:
    """Price one bearish view four ways, PnL split leg by leg

     Margin short, perpetual short, a bought put and a CFD short, each with the platform's own fees,
    borrow, funding, financing and option pricing. Legs are in USD, positive a gain, and add up to
    `total`.

    Args:
        entry_price (str):
        exit_price (str):
        expiry_days (str | Unset):
        funding_rate (str | Unset):
        holding_days (str):
        notional (str | Unset):
        quantity (str | Unset):
        strike (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComparisonOutput | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            entry_price=entry_price,
            exit_price=exit_price,
            expiry_days=expiry_days,
            funding_rate=funding_rate,
            holding_days=holding_days,
            notional=notional,
            quantity=quantity,
            strike=strike,
        )
    ).parsed
