from rest_framework.throttling import SimpleRateThrottle

from accounts.permissions import request_api_key


class ClientRateThrottle(SimpleRateThrottle):
    """Limit each API key on its own, and each user's other clients together."""

    scope = "client"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AnonRateThrottle handles anonymous callers.
        api_key = request_api_key(request)
        ident = f"key-{api_key.pk}" if api_key else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
