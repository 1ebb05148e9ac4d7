"""Reads of users' API keys that the API and the pages share."""

from django.db.models import QuerySet

from accounts.models import ApiKey
from config.errors import NotFound


def api_key_list(*, user) -> QuerySet[ApiKey]:
    """The user's API keys, newest first."""
    return ApiKey.objects.filter(user=user).order_by("-created_at", "-pk")


def api_key_get(*, user, key_id: int) -> ApiKey:
    """Return one of the user's own keys; another user's key is as good as none."""
    api_key = ApiKey.objects.filter(user=user, pk=key_id).first()
    if api_key is None:
        raise NotFound("No API key with this id.")
    return api_key
