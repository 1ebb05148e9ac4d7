from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.order_cancel_all_output import OrderCancelAllOutput
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    instrument: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["instrument"] = instrument

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/orders",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | OrderCancelAllOutput | None:
    if response.status_code == 200:
        response_200 = OrderCancelAllOutput.from_dict(response.json())

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
) -> Response[Error | OrderCancelAllOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    instrument: str | Unset = UNSET,
) -> Response[Error | OrderCancelAllOutput]:
    """Cancel all your open orders

     On every instrument, or on one with `instrument`.

    Args:
        instrument (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderCancelAllOutput]
    """

    kwargs = _get_kwargs(
        instrument=instrument,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    instrument: str | Unset = UNSET,
) -> Error | OrderCancelAllOutput | None:
    """Cancel all your open orders

     On every instrument, or on one with `instrument`.

    Args:
        instrument (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderCancelAllOutput
    """

    return sync_detailed(
        client=client,
        instrument=instrument,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    instrument: str | Unset = UNSET,
) -> Response[Error | OrderCancelAllOutput]:
    """Cancel all your open orders

     On every instrument, or on one with `instrument`.

    Args:
        instrument (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderCancelAllOutput]
    """

    kwargs = _get_kwargs(
        instrument=instrument,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    instrument: str | Unset = UNSET,
) -> Error | OrderCancelAllOutput | None:
    """Cancel all your open orders

     On every instrument, or on one with `instrument`.

    Args:
        instrument (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderCancelAllOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            instrument=instrument,
        )
    ).parsed
