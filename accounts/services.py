"""Write paths for users and API keys."""

import contextlib
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey, User

logger = logging.getLogger(__name__)

API_KEY_PREFIX_BYTES = 6
API_KEY_SECRET_BYTES = 32
API_KEY_TOUCH_SECONDS = 60
API_KEY_CACHE_KEY = "api-key:{prefix}"
API_KEY_CHANGED = "changed"  # The cache entry of a key that just changed: read the database.


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
    """Return the active key that ``key`` names, or None; note when it was last used.

    A bot sends its key with every request, so the key and its user are kept in the
    cache until the next "last used" write is due (a minute at most), and every
    request after the first costs no query. Revoking the key, or any change to it or
    to its user, forgets it at once (``api_key_forget``).
    """
    marker, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if marker != "sb" or not prefix or not secret:
        return None
    cache_key = API_KEY_CACHE_KEY.format(prefix=prefix)
    try:
        cached = cache.get(cache_key)
    except Exception:  # The cache is out of reach: the database answers, nothing is kept.
        logger.warning("The cache could not be read for an API key", exc_info=True)
        cached = API_KEY_CHANGED
    if isinstance(cached, ApiKey):
        if not secrets.compare_digest(cached.secret_hash, _digest(secret)):
            return None
        return cached
    api_key = (
        ApiKey.objects.select_related("user")
        .defer("user__password")  # Not needed here, and never copied into the cache.
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
    if cached is None:  # Not while a change is settling: see api_key_forget.
        fresh_for = API_KEY_TOUCH_SECONDS - (now - api_key.last_used_at).total_seconds()
        # add, not set: a change that committed meanwhile has left its mark, and wins.
        with contextlib.suppress(Exception):  # A cache out of reach only costs a query.
            cache.add(cache_key, api_key, timeout=max(1, int(fresh_for)))
    return api_key


def api_key_forget(*, prefixes) -> None:
    """Make the keys with these prefixes be read from the database again.

    For a while each key's cache entry holds a mark instead of the key, so that a
    request that read the key before the change committed does not put its stale
    copy back; the mark is set now and again once the change commits. Never raises.
    """
    prefixes = list(prefixes)

    def forget():
        try:
            cache.set_many(
                {API_KEY_CACHE_KEY.format(prefix=p): API_KEY_CHANGED for p in prefixes},
                timeout=API_KEY_TOUCH_SECONDS,
            )
        except Exception:
            logger.exception("Could not forget cached API keys")

    if prefixes:
        forget()
        transaction.on_commit(forget)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key at once; revoking twice changes nothing."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])  # Its cache entry goes: see models.py.
    return api_key


@transaction.atomic
def profile_update(*, user: User, display_name: str, time_zone: str) -> User:
    """Change a user's display name and time zone."""
    user.display_name = display_name.strip()
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user
