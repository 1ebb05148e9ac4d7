"""Probes for load balancers and orchestrators.

``/healthz`` answers as long as the process can serve a request: it touches
nothing else, so a database outage does not get every web process restarted.
``/readyz`` says whether the process can do useful work: the database answers,
the cache and the broker answer, and every active underlying's feed ticked
recently. It answers 503 naming what failed, so traffic goes elsewhere meanwhile.
"""

import logging
import uuid

from celery import current_app
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from market import selectors as market_selectors
from market.models import Instrument, Underlying

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0
CACHE_PROBE_KEY = "readyz:probe"


@never_cache
@require_GET
def healthz(request):
    """Answer that the process is alive."""
    return JsonResponse({"status": "ok"})


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict:
    token = uuid.uuid4().hex
    cache.set(CACHE_PROBE_KEY, token, timeout=30)
    if cache.get(CACHE_PROBE_KEY) != token:
        return {"ok": False, "error": "The cache did not return what was written."}
    return {"ok": True}


def check_broker() -> dict:
    with current_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        # The connection is lazy for some transports: a channel makes it real.
        broker.default_channel  # noqa: B018
    return {"ok": True}


def check_feed() -> dict:
    """Every underlying with an open instrument, not paused, ticked within the threshold.

    The threshold and the rule are the ones behind users' stale-price banner, so the
    probe fails exactly when users are told their prices are stale.
    """
    max_age = market_selectors.stale_price_max_age()
    now = timezone.now()
    underlyings = (
        Underlying.objects.filter(instruments__status=Instrument.Status.OPEN, replay_paused=False)
        .distinct()
        .order_by("symbol")
        .values_list("symbol", "last_tick_at")
    )
    ages, stale = {}, []
    for symbol, last_tick_at in underlyings:
        age = None if last_tick_at is None else (now - last_tick_at).total_seconds()
        ages[symbol] = None if age is None else round(age, 3)
        if market_selectors.feed_is_stale(
            last_tick_at=last_tick_at, paused=False, now=now, max_age=max_age
        ):
            stale.append(symbol)
    result = {
        "ok": not stale,
        "max_age_seconds": max_age.total_seconds(),
        "last_tick_age_seconds": ages,
    }
    if stale:
        result["stale"] = stale
    return result


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "feed": check_feed,
}


def readiness() -> tuple[bool, dict]:
    """Run every check; one that raises counts as failed, and the others still run."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:
            logger.warning("Readiness check %s failed", name, exc_info=True)
            results[name] = {"ok": False, "error": type(error).__name__}
    return all(result["ok"] for result in results.values()), results


@never_cache
@require_GET
def readyz(request):
    """Answer 200 when every dependency is ready, else 503 naming what failed."""
    ready, checks = readiness()
    body = {
        "status": "ok" if ready else "unavailable",
        "failed": [name for name, result in checks.items() if not result["ok"]],
        "checks": checks,
    }
    return JsonResponse(body, status=200 if ready else 503)
