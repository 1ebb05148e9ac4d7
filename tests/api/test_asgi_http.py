"""HTTP through the ASGI entry point that uvicorn serves: one thread from a pool a request."""

import json

import pytest
from asgiref.testing import ApplicationCommunicator

from tests.factories.accounts import api_key_issue


async def request(path: str, *, method="GET", body=b"", headers=()) -> tuple[int, dict, bytes]:
    start, bodies = await exchange(path, method=method, body=body, headers=headers)
    response_headers: dict[str, list[str]] = {}
    for name, value in start["headers"]:
        response_headers.setdefault(name.decode(), []).append(value.decode("latin-1"))
    return start["status"], response_headers, b"".join(m.get("body", b"") for m in bodies)


async def exchange(path: str, *, method="GET", body=b"", headers=()) -> tuple[dict, list[dict]]:
    """The ASGI messages of the answer: its start, and its body messages to the last."""
    from config.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(timeout=10)
    bodies = []
    while True:
        bodies.append(await communicator.receive_output(timeout=10))
        if not bodies[-1].get("more_body"):
            break
    return start, bodies


@pytest.mark.asyncio
async def test_a_page_sets_its_cookies_in_headers_an_http_parser_accepts(transactional_db):
    status, headers, _ = await request("/accounts/login/")
    assert status == 200
    cookies = headers["set-cookie"]
    assert any(cookie.startswith("csrftoken=") for cookie in cookies)
    for values in headers.values():
        for value in values:
            assert value == value.strip()  # h11 refuses surrounding whitespace.
    assert headers["x-request-id"][0]


@pytest.mark.asyncio
async def test_a_bot_reads_and_posts_through_the_asgi_entry_point(transactional_db, user):
    from asgiref.sync import sync_to_async

    issued = await sync_to_async(api_key_issue)(user=user, scope="trade")
    auth = (b"authorization", f"Api-Key {issued.key}".encode())
    status, _, content = await request("/api/v1/positions", headers=[auth])
    assert status == 200, content
    assert json.loads(content) == []
    body = json.dumps({"instrument": "NOPE-PERP", "side": "buy", "type": "market"}).encode()
    status, _, content = await request(
        "/api/v1/orders",
        method="POST",
        body=body,
        headers=[auth, (b"content-type", b"application/json")],
    )
    assert status == 400, content  # The body arrived, was parsed and refused field by field.
    assert json.loads(content)["error"]["code"]


@pytest.mark.asyncio
async def test_each_request_finishes_and_gives_its_database_connection_back(transactional_db):
    """Django's request_finished fires after each response, which closes the request's
    connection (returns it to the pool in production), so idle threads hold none."""
    from django.core.signals import request_finished

    finished = []

    def on_finished(**kwargs):
        finished.append(True)

    request_finished.connect(on_finished)
    try:
        for _ in range(2):
            status, _, _ = await request("/api/v1/instruments")
            assert status == 200
    finally:
        request_finished.disconnect(on_finished)
    assert finished == [True, True]


@pytest.mark.asyncio
async def test_requests_share_the_process_s_connections_to_redis(transactional_db, user):
    """Each request runs in a context of its own, where Django makes its cache objects
    anew; they share one pool of Redis connections, so a request opens none."""
    from asgiref.sync import sync_to_async
    from django.core.cache import cache

    issued = await sync_to_async(api_key_issue)(user=user, scope="read")
    auth = (b"authorization", f"Api-Key {issued.key}".encode())

    def connections_received() -> int:
        return cache._cache.get_client().info("stats")["total_connections_received"]

    await request("/api/v1/positions", headers=[auth])  # The threads' first connections.
    before = await sync_to_async(connections_received)()
    for _ in range(20):
        status, _, content = await request("/api/v1/positions", headers=[auth])
        assert status == 200, content  # Authenticated and throttled through the cache.
    opened = await sync_to_async(connections_received)() - before

    assert opened <= 2  # At most what two requests at once would need, not one a request.


@pytest.mark.asyncio
async def test_an_answer_is_sent_whole_once_its_request_is_done(transactional_db):
    start, bodies = await exchange("/api/v1/instruments")
    assert start["status"] == 200
    assert len(bodies) == 1  # No hop back to the thread for each part.
    assert json.loads(bodies[0]["body"]) is not None


@pytest.mark.asyncio
async def test_a_long_answer_streams_as_it_comes(transactional_db, monkeypatch):
    from config import asgi

    _, whole = await exchange("/api/v1/schema/")
    monkeypatch.setattr(asgi, "GATHER_BYTES", 1000)
    start, parts = await exchange("/api/v1/schema/")
    assert start["status"] == 200
    assert len(parts) > 1 and all(part.get("more_body") for part in parts[:-1])
    assert b"".join(part.get("body", b"") for part in parts) == whole[0]["body"]
