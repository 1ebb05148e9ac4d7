"""The Celery application shared by the worker, beat and the web process."""

import logging
import os
import time

from celery import Celery
from celery.signals import (
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_process_shutdown,
)

from config.logging import request_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("shortbook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task carries the id of the request (or task) that sent it, and when it was sent.
REQUEST_ID_HEADER = "request_id"
PUBLISHED_AT_HEADER = "published_at"


@before_task_publish.connect(dispatch_uid="config.celery.request_id_publish")
def request_id_publish(headers=None, **kwargs) -> None:
    """Put the current request id and the time in the message's headers."""
    if headers is None:
        return
    request_id = request_id_var.get()
    if request_id is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)
    headers.setdefault(PUBLISHED_AT_HEADER, time.time())


@task_prerun.connect(dispatch_uid="config.celery.request_id_enter")
def request_id_enter(task=None, **kwargs) -> None:
    """Log the task's lines, and tag the tasks it sends, with its request's id."""
    if task is None:
        return
    request_id = getattr(task.request, REQUEST_ID_HEADER, None)
    task.request.request_id_token = request_id_var.set(request_id)


@task_postrun.connect(dispatch_uid="config.celery.request_id_leave")
def request_id_leave(task=None, **kwargs) -> None:
    token = getattr(task.request, "request_id_token", None) if task else None
    if token is not None:
        request_id_var.reset(token)


# The last run of each scheduled job, for the staff health page. In the cache: a lost
# heartbeat only shows a job as not seen until its next run.
HEARTBEAT_KEY = "celery:heartbeat:{task}"
HEARTBEAT_SECONDS = 7 * 24 * 3600


@task_postrun.connect(dispatch_uid="config.celery.heartbeat_record")
def heartbeat_record(task=None, retval=None, state=None, **kwargs) -> None:
    """Record when a scheduled job last ran, how it ended and what it returned."""
    from django.conf import settings
    from django.core.cache import cache

    if task is None:
        return
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    if task.name not in scheduled:
        return
    try:
        cache.set(
            HEARTBEAT_KEY.format(task=task.name),
            {
                "at": time.time(),
                "state": state,
                "result": retval if isinstance(retval, int | str | None) else repr(retval),
            },
            HEARTBEAT_SECONDS,
        )
    except Exception:
        logging.getLogger(__name__).warning("Could not record %s's heartbeat", task.name)


@worker_process_shutdown.connect(dispatch_uid="config.celery.metrics_flush")
def metrics_flush(**kwargs) -> None:
    """Send a worker process's last metrics before it exits (it skips ``atexit``)."""
    from config import metrics

    metrics.flush()
