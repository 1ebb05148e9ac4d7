import io
import json
import logging
import time

import pytest
from celery import current_app, shared_task
from celery.contrib.testing.worker import start_worker
from django.http import HttpResponse
from django.test import RequestFactory

from config.logging import JsonFormatter, RequestContextFilter, request_id_var
from config.middleware import RequestIdMiddleware

QUEUE = "shortbook-test-logging"
task_logger = logging.getLogger("tests.test_logging")


@shared_task(name="tests.test_logging.log_line", acks_late=True, ignore_result=True)
def log_line(text: str, follow: bool = False) -> None:
    """Log ``text``; with ``follow``, send one more task as a request's task would."""
    task_logger.warning(text)
    if follow:
        log_line.apply_async(args=[f"{text} (followed)"], queue=QUEUE)


@pytest.fixture
def json_lines():
    """Capture every log line as the console handler writes it: JSON, with the context."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous_level = root.level
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        # A worker starting sets logging up again; keep this handler on the root.
        if handler not in root.handlers:
            root.addHandler(handler)
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous_level)


def wait_for(lines, predicate, seconds=15.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [line for line in lines() if predicate(line)]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"No such log line in {lines()}")


def test_a_request_line_is_json_with_its_id(client, user, json_lines):
    client.force_login(user)
    response = client.get("/api/v1/profile", HTTP_X_REQUEST_ID="bot-7.req:42")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "bot-7.req:42"
    line = wait_for(json_lines, lambda line: line["logger"] == "shortbook.request")
    assert line["request_id"] == "bot-7.req:42"
    assert line["user_id"] == user.pk
    assert line["level"] == "INFO"
    assert line["path"] == "/api/v1/profile"
    assert line["status"] == 200
    assert line["route"] == "profile"
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("+00:00")
    assert line["message"] == "GET /api/v1/profile 200"


def test_an_api_key_request_logs_the_key_owner(key_client_factory, user, json_lines):
    client = key_client_factory(user=user, scope="read")
    response = client.get("/api/v1/account")
    line = wait_for(json_lines, lambda line: line["logger"] == "shortbook.request")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == user.pk


@pytest.mark.parametrize("sent", ["", "x" * 129, "has space", "new\nline", 'quote"'])
def test_an_unsafe_request_id_is_replaced(client, db, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    echoed = response["X-Request-ID"]
    assert echoed != sent
    assert len(echoed) == 32 and echoed.isalnum()


def test_each_request_without_an_id_gets_its_own(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_an_error_is_logged_with_the_exception(json_lines):
    logger = logging.getLogger("tests.test_logging.error")
    token = request_id_var.set("req-error")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("It broke")
    finally:
        request_id_var.reset(token)
    line = wait_for(json_lines, lambda line: line["message"] == "It broke")
    assert line["request_id"] == "req-error"
    assert line["level"] == "ERROR"
    assert "ValueError: boom" in line["exception"]


def test_the_request_id_follows_into_the_tasks_it_causes(json_lines, settings):
    """A request enqueues a task; a real worker runs it and logs with the request's id."""

    def view(request):
        log_line.apply_async(args=["working on it"], kwargs={"follow": True}, queue=QUEUE)
        return HttpResponse("ok")

    request = RequestFactory().get("/anything", HTTP_X_REQUEST_ID="req-follow-1")
    with start_worker(current_app, perform_ping_check=False, queues=[QUEUE], loglevel="WARNING"):
        json_lines()
        response = RequestIdMiddleware(view)(request)
        assert response["X-Request-ID"] == "req-follow-1"
        first = wait_for(json_lines, lambda line: line["message"] == "working on it")
        followed = wait_for(json_lines, lambda line: line["message"] == "working on it (followed)")
    assert first["request_id"] == "req-follow-1"
    assert first["logger"] == "tests.test_logging"
    assert followed["request_id"] == "req-follow-1"


def test_a_task_sent_outside_a_request_logs_no_id(json_lines):
    with start_worker(current_app, perform_ping_check=False, queues=[QUEUE], loglevel="WARNING"):
        json_lines()
        log_line.apply_async(args=["on a schedule"], queue=QUEUE)
        line = wait_for(json_lines, lambda line: line["message"] == "on a schedule")
    assert line["request_id"] is None
