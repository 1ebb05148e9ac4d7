"""Give every request an id, log one line when it is answered and time it for /metrics."""

import logging
import time

from config import metrics
from config.logging import request_id_clean, request_id_new, request_id_var, request_var

logger = logging.getLogger("shortbook.request")

REQUEST_ID_HEADER = "X-Request-ID"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestIdMiddleware:
    """Keep the caller's ``X-Request-ID`` (or make one) for the request's logs and tasks.

    The id is echoed in the response's ``X-Request-ID``; a log line per request
    gives its path, status, duration and user; the route's name (never the raw
    path, whose ids would make a series per object) labels the latency metric.
    Put it first, so that it times and tags everything after it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request_id_clean(request.headers.get(REQUEST_ID_HEADER)) or request_id_new()
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        request_token = request_var.set(request)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            seconds = time.perf_counter() - started
            self._observe(request, response, seconds)
            return response
        finally:
            request_var.reset(request_token)
            request_id_var.reset(id_token)

    def _observe(self, request, response, seconds: float) -> None:
        match = request.resolver_match
        route = match.view_name if match is not None else "unmatched"
        # Labels take few values: a client's made-up method must not make a new series.
        method = request.method if request.method in KNOWN_METHODS else "other"
        metrics.request_observe(
            route=route, method=method, status=response.status_code, seconds=seconds
        )
        if route == metrics.ORDERS_ROUTE and request.method == "POST":
            metrics.order_placement_observe(status=response.status_code, code=_error_code(response))
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
            },
        )


def _error_code(response) -> str | None:
    """The ``error.code`` of an API error response, read before rendering."""
    data = getattr(response, "data", None)
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return data["error"].get("code")
    return None
