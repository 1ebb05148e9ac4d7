from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.instruments_list_kind import InstrumentsListKind
from ...models.instruments_list_status import InstrumentsListStatus
from ...models.paginated_instrument_output_list import PaginatedInstrumentOutputList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    kind: InstrumentsListKind | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: InstrumentsListStatus | Unset = UNSET,
    underlying: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["page"] = page

    params["page_size"] = page_size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["underlying"] = underlying

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/instruments",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedInstrumentOutputList | None:
    if response.status_code == 200:
        response_200 = PaginatedInstrumentOutputList.from_dict(response.json())

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
) -> Response[Error | PaginatedInstrumentOutputList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    kind: InstrumentsListKind | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: InstrumentsListStatus | Unset = UNSET,
    underlying: str | Unset = UNSET,
) -> Response[Error | PaginatedInstrumentOutputList]:
    """List the instruments

     A read anyone may make.

    Args:
        kind (InstrumentsListKind | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (InstrumentsListStatus | Unset):
        underlying (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedInstrumentOutputList]
    """

    kwargs = _get_kwargs(
        kind=kind,
        page=page,
        page_size=page_size,
        status=status,
        underlying=underlying,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    kind: InstrumentsListKind | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: InstrumentsListStatus | Unset = UNSET,
    underlying: str | Unset = UNSET,
) -> Error | PaginatedInstrumentOutputList | None:
    """List the instruments

     A read anyone may make.

    Args:
        kind (InstrumentsListKind | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (InstrumentsListStatus | Unset):
        underlying (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedInstrumentOutputList
    """

    return sync_detailed(
        client=client,
        kind=kind,
        page=page,
        page_size=page_size,
        status=status,
        underlying=underlying,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    kind: InstrumentsListKind | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: InstrumentsListStatus | Unset = UNSET,
    underlying: str | Unset = UNSET,
) -> Response[Error | PaginatedInstrumentOutputList]:
    """List the instruments

     A read anyone may make.

    Args:
        kind (InstrumentsListKind | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (InstrumentsListStatus | Unset):
        underlying (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedInstrumentOutputList]
    """

    kwargs = _get_kwargs(
        kind=kind,
        page=page,
        page_size=page_size,
        status=status,
        underlying=underlying,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    kind: InstrumentsListKind | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: InstrumentsListStatus | Unset = UNSET,
    underlying: str | Unset = UNSET,
) -> Error | PaginatedInstrumentOutputList | None:
    """List the instruments

     A read anyone may make.

    Args:
        kind (InstrumentsListKind | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (InstrumentsListStatus | Unset):
        underlying (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedInstrumentOutputList
    """

    return (
        await asyncio_detailed(
            client=client,
            kind=kind,
            page=page,
            page_size=page_size,
            status=status,
            underlying=underlying,
        )
    ).parsed
