"""API throttles: each counts a caller's requests in a sliding window.

DRF's own throttles read a caller's history from the cache and write it back, two
round trips with room between them for concurrent requests to pass the limit
together. On Redis (``config.cache.RedisCache``) a hit is counted and judged in one
atomic step instead; other caches (the embedded default's files) keep DRF's way.
"""

import logging
import secrets

from redis.exceptions import RedisError
from rest_framework import throttling

from accounts.permissions import request_api_key

logger = logging.getLogger(__name__)


class SlidingWindowThrottle(throttling.SimpleRateThrottle):
    def allow_request(self, request, view):
        window_hit = getattr(self.cache, "window_hit", None)
        if window_hit is None:
            return super().allow_request(request, view)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            allowed, _, self.oldest = window_hit(
                self.key,
                now=self.now,
                window=self.duration,
                limit=self.num_requests,
                hit=f"{self.now!r}:{secrets.token_hex(4)}",
            )
        except RedisError:
            # A throttle out of reach lets requests through rather than failing them.
            logger.warning("The throttle could not reach the cache", exc_info=True)
            return True
        return allowed

    def wait(self):
        if getattr(self.cache, "window_hit", None) is None:
            return super().wait()
        # The next hit is let in once the window's oldest one leaves it.
        return max(self.oldest + self.duration - self.now, 0.001)


class ClientRateThrottle(SlidingWindowThrottle):
    """Limit each API key on its own, and each user's other clients together."""

    scope = "client"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AnonRateThrottle handles anonymous callers.
        api_key = request_api_key(request)
        ident = f"key-{api_key.pk}" if api_key else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonRateThrottle(SlidingWindowThrottle, throttling.AnonRateThrottle):
    """Limit anonymous callers by address."""
