from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.orders_list_status import OrdersListStatus
from ...models.paginated_order_output_list import PaginatedOrderOutputList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    instrument: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: OrdersListStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["instrument"] = instrument

    params["page_size"] = page_size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/orders",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedOrderOutputList | None:
    if response.status_code == 200:
        response_200 = PaginatedOrderOutputList.from_dict(response.json())

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
) -> Response[Error | PaginatedOrderOutputList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    instrument: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: OrdersListStatus | Unset = UNSET,
) -> Response[Error | PaginatedOrderOutputList]:
    """List your orders, newest first

    Args:
        cursor (str | Unset):
        instrument (str | Unset):
        page_size (int | Unset):
        status (OrdersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedOrderOutputList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        instrument=instrument,
        page_size=page_size,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    instrument: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: OrdersListStatus | Unset = UNSET,
) -> Error | PaginatedOrderOutputList | None:
    """List your orders, newest first

    Args:
        cursor (str | Unset):
        instrument (str | Unset):
        page_size (int | Unset):
        status (OrdersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedOrderOutputList
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        instrument=instrument,
        page_size=page_size,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    instrument: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: OrdersListStatus | Unset = UNSET,
) -> Response[Error | PaginatedOrderOutputList]:
    """List your orders, newest first

    Args:
        cursor (str | Unset):
        instrument (str | Unset):
        page_size (int | Unset):
        status (OrdersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedOrderOutputList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        instrument=instrument,
        page_size=page_size,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    instrument: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: OrdersListStatus | Unset = UNSET,
) -> Error | PaginatedOrderOutputList | None:
    """List your orders, newest first

    Args:
        cursor (str | Unset):
        instrument (str | Unset):
        page_size (int | Unset):
        status (OrdersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedOrderOutputList
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            instrument=instrument,
            page_size=page_size,
            status=status,
        )
    ).parsed
