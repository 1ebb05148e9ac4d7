from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_notification_output_list import PaginatedNotificationOutputList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unread: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["page_size"] = page_size

    params["unread"] = unread

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/notifications",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedNotificationOutputList | None:
    if response.status_code == 200:
        response_200 = PaginatedNotificationOutputList.from_dict(response.json())

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
) -> Response[Error | PaginatedNotificationOutputList]:
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
    page_size: int | Unset = UNSET,
    unread: bool | Unset = False,
) -> Response[Error | PaginatedNotificationOutputList]:
    """List your notifications, newest first

     Margin warnings, stops and take-profits triggered, liquidations, funding payments and settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        unread (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedNotificationOutputList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        page_size=page_size,
        unread=unread,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unread: bool | Unset = False,
) -> Error | PaginatedNotificationOutputList | None:
    """List your notifications, newest first

     Margin warnings, stops and take-profits triggered, liquidations, funding payments and settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        unread (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedNotificationOutputList
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        page_size=page_size,
        unread=unread,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unread: bool | Unset = False,
) -> Response[Error | PaginatedNotificationOutputList]:
    """List your notifications, newest first

     Margin warnings, stops and take-profits triggered, liquidations, funding payments and settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        unread (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedNotificationOutputList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        page_size=page_size,
        unread=unread,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unread: bool | Unset = False,
) -> Error | PaginatedNotificationOutputList | None:
    """List your notifications, newest first

     Margin warnings, stops and take-profits triggered, liquidations, funding payments and settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        unread (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedNotificationOutputList
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            page_size=page_size,
            unread=unread,
        )
    ).parsed
