"""The ASGI entry point: Django for HTTP, the live stream for websockets."""

import os
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from asgiref.wsgi import WsgiToAsgiInstance
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Django is set up before anything imports models (the stream's consumer does); HTTP
# is served by its WSGI handler (DjangoHttp below), so no ASGI handler is built.
wsgi_application = get_wsgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from config.stream.routing import websocket_urlpatterns  # noqa: E402

# Requests served at once by one web process: as many as its database pool holds.
HTTP_THREADS = (
    settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size") or 10
)
_run_wsgi_app = WsgiToAsgiInstance.__dict__["run_wsgi_app"].func  # Undecorated: one thread.
# An answer up to this size is sent whole once the request is done; a longer one streams.
GATHER_BYTES = 256 * 1024


def _closing(wsgi):
    """``wsgi`` with its response closed once sent, as the WSGI protocol requires.

    asgiref iterates a response but never calls its ``close()``: without it Django never
    sends ``request_finished``, so a request's thread would keep its database
    connection out of the pool until its next request, and the stream's hub could wait
    for one in vain.
    """

    def application(environ, start_response):
        response = wsgi(environ, start_response)
        try:
            yield from response
        finally:
            response.close()

    return application


class _Request(WsgiToAsgiInstance):
    executor = ThreadPoolExecutor(max_workers=HTTP_THREADS, thread_name_prefix="http")

    def start_response(self, status, response_headers, exc_info=None):
        # Django's WSGI handler writes each Set-Cookie value after a space, which WSGI
        # servers trim and uvicorn's HTTP parser refuses.
        headers = [(name, value.strip()) for name, value in response_headers]
        return super().start_response(status, headers, exc_info)

    async def __call__(self, scope, receive, send):
        self.send = send
        await super().__call__(scope, receive, send)

    async def run_wsgi_app(self, body):
        gathered = await SyncToAsync(
            lambda: self._run_gathering(body), thread_sensitive=False, executor=self.executor
        )()
        if gathered:
            start, *bodies = gathered
            await self.send(start)
            await self.send(
                {"type": "http.response.body", "body": b"".join(m.get("body", b"") for m in bodies)}
            )

    def _run_gathering(self, body) -> list[dict]:
        """Run the request on this thread, keeping its answer to send from the event loop.

        asgiref hands each message (the status and headers, each part of the body, the
        end) from the thread to the event loop and waits for it to be sent: three hops
        between threads for an answer, which cost more CPU than a ticker's read. An
        answer is kept whole instead, unless it grows past ``GATHER_BYTES`` (a streamed
        CSV export): what was kept and the rest then go out as they come.
        """
        gathered: list[dict] | None = []
        size = 0
        forward = self.sync_send  # asgiref's hop to the event loop, for a long answer.

        def send(message: dict) -> None:
            nonlocal gathered, size
            if gathered is None:
                forward(message)
                return
            gathered.append(message)
            size += len(message.get("body", b""))
            if size > GATHER_BYTES:
                for kept in gathered:
                    forward(kept)
                gathered = None

        self.sync_send = send
        _run_wsgi_app(self, body)
        return gathered or []


class DjangoHttp:
    """Serve HTTP with Django's WSGI handler, each request on one thread of a pool.

    Django's ASGI handler runs a sync project's middleware and views through several
    hops between the event loop and threads, on a new thread for every request; on two
    cores those hops cost more CPU than an API read itself (bench/README.md, load_mix).
    Here a request's body is read on the event loop, then the whole request, signals,
    middleware and view, runs on one thread from a pool as large as the database pool,
    and its answer is sent from the event loop once done (``_Request._run_gathering``).
    """

    def __init__(self, wsgi) -> None:
        self.wsgi = _closing(wsgi)

    async def __call__(self, scope, receive, send):
        await _Request(self.wsgi)(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": DjangoHttp(wsgi_application),
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
