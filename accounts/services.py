"""Write paths for users and API keys."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey, User

API_KEY_PREFIX_BYTES = 6
API_KEY_SECRET_BYTES = 32
API_KEY_TOUCH_SECONDS = 60


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    api_key: ApiKey
    key: str  # Shown to the user once, never stored.


@transaction.atomic
def api_key_create(*, user: User, name: str, scope: str) -> IssuedApiKey:
    """Create an API key and return it with the only copy of its secret."""
    prefix = secrets.token_hex(API_KEY_PREFIX_BYTES)
    secret = secrets.token_urlsafe(API_KEY_SECRET_BYTES)
    api_key = ApiKey.objects.create(
        user=user, name=name.strip(), scope=scope, prefix=prefix, secret_hash=_digest(secret)
    )
    return IssuedApiKey(api_key=api_key, key=f"sb_{prefix}_{secret}")


def api_key_authenticate(*, key: str) -> ApiKey | None:
    """Return the active key that ``key`` names, or None; note when it was last used."""
    marker, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if marker != "sb" or not prefix or not secret:
        return None
    api_key = (
        ApiKey.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if api_key is None or not secrets.compare_digest(api_key.secret_hash, _digest(secret)):
        return None
    now = timezone.now()
    # Write "last used" at most once a minute, not on every request of a busy bot.
    if (
        api_key.last_used_at is None
        or (now - api_key.last_used_at).total_seconds() > API_KEY_TOUCH_SECONDS
    ):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key at once; revoking twice changes nothing."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


@transaction.atomic
def profile_update(*, user: User, display_name: str, time_zone: str) -> User:
    """Change a user's display name and time zone."""
    user.display_name = display_name.strip()
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user
