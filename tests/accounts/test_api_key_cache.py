"""A bot's key is read from the database once a minute, and every change refuses it at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiKey
from tests.factories.accounts import api_key_issue

pytestmark = pytest.mark.django_db

ACCOUNT_URL = "/api/v1/account"


@pytest.fixture
def issued(user):
    return api_key_issue(user=user, scope=ApiKey.Scope.TRADE)


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def cached(issued):
    return cache.get(services.API_KEY_CACHE_KEY.format(prefix=issued.api_key.prefix))


def test_a_key_used_once_is_then_read_without_a_query(issued, django_assert_num_queries):
    first = services.api_key_authenticate(key=issued.key)
    assert first.pk == issued.api_key.pk
    assert first.last_used_at is not None  # The first use is noted in the database.
    with django_assert_num_queries(0):
        again = services.api_key_authenticate(key=issued.key)
    assert again.pk == issued.api_key.pk
    assert again.user.pk == issued.api_key.user_id
    assert again.scope == ApiKey.Scope.TRADE


def test_the_cache_holds_no_password_hash(issued):
    services.api_key_authenticate(key=issued.key)
    entry = cached(issued)
    assert isinstance(entry, ApiKey)
    assert "password" not in entry.user.__dict__


def test_a_cached_prefix_with_a_wrong_secret_is_refused(issued):
    assert services.api_key_authenticate(key=issued.key) is not None
    wrong = f"sb_{issued.api_key.prefix}_{'x' * 43}"
    assert services.api_key_authenticate(key=wrong) is None
    assert client_with(wrong).get(ACCOUNT_URL).status_code == 401


def test_the_entry_lasts_until_the_next_last_used_write_is_due(issued):
    services.api_key_authenticate(key=issued.key)
    # Past the minute the entry is gone: the next request reads the key and notes its use.
    cache.delete(services.API_KEY_CACHE_KEY.format(prefix=issued.api_key.prefix))
    ApiKey.objects.filter(pk=issued.api_key.pk).update(
        last_used_at=timezone.now() - timedelta(seconds=services.API_KEY_TOUCH_SECONDS + 5)
    )
    before = timezone.now()
    services.api_key_authenticate(key=issued.key)
    issued.api_key.refresh_from_db()
    assert issued.api_key.last_used_at >= before


def test_a_revoked_key_is_refused_at_once_though_it_was_cached(issued):
    client = client_with(issued.key)
    assert client.get(ACCOUNT_URL).status_code == 200
    assert isinstance(cached(issued), ApiKey)
    services.api_key_revoke(api_key=ApiKey.objects.get(pk=issued.api_key.pk))
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 401, response.content
    assert cached(issued) == services.API_KEY_CHANGED


def test_a_key_revoked_by_staff_in_the_admin_is_refused_at_once(issued):
    client = client_with(issued.key)
    assert client.get(ACCOUNT_URL).status_code == 200
    api_key = ApiKey.objects.get(pk=issued.api_key.pk)
    api_key.revoked_at = timezone.now()
    api_key.save()  # As the admin's form does: no service involved.
    assert client.get(ACCOUNT_URL).status_code == 401


def test_a_deleted_key_is_refused_at_once(issued):
    client = client_with(issued.key)
    assert client.get(ACCOUNT_URL).status_code == 200
    ApiKey.objects.filter(pk=issued.api_key.pk).delete()
    assert client.get(ACCOUNT_URL).status_code == 401


def test_a_disabled_user_is_refused_at_once(issued, user):
    client = client_with(issued.key)
    assert client.get(ACCOUNT_URL).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 401, response.content
    assert "disabled" in response.json()["error"]["message"]


def test_signing_in_keeps_the_users_keys_cached(issued, user):
    services.api_key_authenticate(key=issued.key)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert isinstance(cached(issued), ApiKey)


def test_a_stale_read_does_not_put_a_changed_key_back(issued):
    """A request that read the key before a change committed finds the mark, not a gap."""
    services.api_key_forget(prefixes=[issued.api_key.prefix])
    assert services.api_key_authenticate(key=issued.key) is not None  # Read from the database,
    assert cached(issued) == services.API_KEY_CHANGED  # and not cached while the mark stands.


def test_a_change_marks_the_key_again_when_it_commits(issued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.api_key_forget(prefixes=[issued.api_key.prefix])
    cache.delete(services.API_KEY_CACHE_KEY.format(prefix=issued.api_key.prefix))
    services.api_key_authenticate(key=issued.key)  # A reader slipped in before the commit,
    assert isinstance(cached(issued), ApiKey)
    for callback in callbacks:
        callback()  # and the commit takes its copy away again.
    assert cached(issued) == services.API_KEY_CHANGED


UNREACHABLE_CACHE = {
    "default": {"BACKEND": "config.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def test_a_cache_out_of_reach_costs_a_query_not_the_request(issued, settings):
    settings.CACHES = UNREACHABLE_CACHE  # Nothing listens on port 1: every call fails.
    api_key = services.api_key_authenticate(key=issued.key)
    assert api_key is not None
    assert api_key.pk == issued.api_key.pk
    wrong = f"sb_{issued.api_key.prefix}_{'x' * 43}"
    assert services.api_key_authenticate(key=wrong) is None
