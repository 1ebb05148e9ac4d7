from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.order_output import OrderOutput
from ...types import Response


def _get_kwargs(
    run_id: int,
    kind: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/scenario-runs/{run_id}/positions/{kind}/close".format(
            run_id=quote(str(run_id), safe=""),
            kind=quote(str(kind), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OrderOutput | None:
    if response.status_code == 200:
        response_200 = OrderOutput.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | OrderOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    run_id: int,
    kind: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | OrderOutput]:
    """Close the run's position in one instrument at the market

    Args:
        run_id (int):
        kind (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderOutput]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        kind=kind,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    run_id: int,
    kind: str,
    *,
    client: AuthenticatedClient,
) -> Error | OrderOutput | None:
    """Close the run's position in one instrument at the market

    Args:
        run_id (int):
        kind (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderOutput
    """

    return sync_detailed(
        run_id=run_id,
        kind=kind,
        client=client,
    ).parsed


async def asyncio_detailed(
    run_id: int,
    kind: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | OrderOutput]:
    """Close the run's position in one instrument at the market

    Args:
        run_id (int):
        kind (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderOutput]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        kind=kind,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    run_id: int,
    kind: str,
    *,
    client: AuthenticatedClient,
) -> Error | OrderOutput | None:
    """Close the run's position in one instrument at the market

    Args:
        run_id (int):
        kind (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderOutput
    """

    return (
        await asyncio_detailed(
            run_id=run_id,
            kind=kind,
            client=client,
        )
    ).parsed
