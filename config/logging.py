"""Structured logs: one JSON object a line, each carrying the request id that caused it.

A request's id (``X-Request-ID``, see ``config.middleware``) and its user live in
context variables for the request's duration; Celery tasks the request enqueues
carry the id in their message headers and set it again while they run
(``config.celery``), so one id finds a request's line and every line of the tasks
it caused.
"""

import json
import logging
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import empty

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
request_var: ContextVar[object | None] = ContextVar("request", default=None)

# An incoming X-Request-ID is kept when it is this long at most and made of these.
REQUEST_ID_MAX_LENGTH = 128
REQUEST_ID_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:"
)
# Attributes of a LogRecord that a caller may set with ``extra=`` and the line shows.
EXTRA_FIELDS = ("path", "method", "status", "duration_ms", "route", "task", "task_id")
# Every LogRecord has these; anything else in its __dict__ came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_clean(value: str | None) -> str | None:
    """The caller's id if it is safe to echo and log, else None."""
    if not value or len(value) > REQUEST_ID_MAX_LENGTH:
        return None
    return value if set(value) <= REQUEST_ID_CHARACTERS else None


def current_user_id() -> int | None:
    """The id of the request's user once authentication has found it, without a query."""
    request = request_var.get()
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None:
        return None
    # A session's user is a lazy object until something reads it; do not read it here.
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestContextFilter(logging.Filter):
    """Put the current request id and user id on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = current_user_id()
        return True


class JsonFormatter(logging.Formatter):
    """Write a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        for name, value in record.__dict__.items():
            if name not in _RECORD_ATTRIBUTES and name not in line:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


def logging_config(*, level: str, fmt: str) -> dict:
    """The LOGGING setting: ``fmt`` is ``json`` or ``plain``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "config.logging.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "config.logging.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Our middleware writes one line per request with its id; Django's own
            # line for a 4xx or 5xx says the same without it.
            "django.request": {"level": "ERROR"},
            # Beat sends the market tick every second and the risk sweep every few; log
            # each task only when something is wrong, or the worker's output is noise.
            "celery.beat": {"level": "WARNING"},
            "celery.app.trace": {"level": "WARNING"},
            "celery.worker.strategy": {"level": "WARNING"},
        },
    }
