import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.ledger_list_type import LedgerListType
from ...models.paginated_ledger_line_output_list import PaginatedLedgerLineOutputList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    type_: LedgerListType | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["page_size"] = page_size

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/ledger",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedLedgerLineOutputList | None:
    if response.status_code == 200:
        response_200 = PaginatedLedgerLineOutputList.from_dict(response.json())

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
) -> Response[Error | PaginatedLedgerLineOutputList]:
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
    since: datetime.datetime | Unset = UNSET,
    type_: LedgerListType | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Response[Error | PaginatedLedgerLineOutputList]:
    """List your ledger lines, newest first

     Every movement of your cash: deposits, fees, realised PnL, funding, borrow interest, financing,
    premiums, settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        type_ (LedgerListType | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedLedgerLineOutputList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        page_size=page_size,
        since=since,
        type_=type_,
        until=until,
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
    since: datetime.datetime | Unset = UNSET,
    type_: LedgerListType | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Error | PaginatedLedgerLineOutputList | None:
    """List your ledger lines, newest first

     Every movement of your cash: deposits, fees, realised PnL, funding, borrow interest, financing,
    premiums, settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        type_ (LedgerListType | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedLedgerLineOutputList
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        page_size=page_size,
        since=since,
        type_=type_,
        until=until,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    type_: LedgerListType | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Response[Error | PaginatedLedgerLineOutputList]:
    """List your ledger lines, newest first

     Every movement of your cash: deposits, fees, realised PnL, funding, borrow interest, financing,
    premiums, settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        type_ (LedgerListType | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedLedgerLineOutputList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        page_size=page_size,
        since=since,
        type_=type_,
        until=until,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    type_: LedgerListType | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Error | PaginatedLedgerLineOutputList | None:
    """List your ledger lines, newest first

     Every movement of your cash: deposits, fees, realised PnL, funding, borrow interest, financing,
    premiums, settlements.

    Args:
        cursor (str | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        type_ (LedgerListType | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedLedgerLineOutputList
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            page_size=page_size,
            since=since,
            type_=type_,
            until=until,
        )
    ).parsed
