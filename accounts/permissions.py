from rest_framework import permissions

from accounts.models import ApiKey


def request_api_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class ApiKeyScope(permissions.BasePermission):
    """A read-scoped API key may only read; a trade-scoped key may also write."""

    message = "This API key is read-only; create a key with the trade scope to do this."

    def has_permission(self, request, view):
        api_key = request_api_key(request)
        if api_key is None or request.method in permissions.SAFE_METHODS:
            return True
        return api_key.scope == ApiKey.Scope.TRADE


class NotApiKey(permissions.BasePermission):
    """Refuse API keys: managing keys needs the person's own session."""

    message = "API keys cannot manage API keys; sign in with a session instead."

    def has_permission(self, request, view):
        return request_api_key(request) is None
