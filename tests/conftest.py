import pytest
from rest_framework.test import APIClient

from tests.factories.accounts import UserFactory, api_key_issue

PASSWORD = "correct horse battery staple"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def user(user_factory):
    return user_factory()


@pytest.fixture
def other_user(user_factory):
    return user_factory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_client(user):
    """An API client signed in as ``user`` with a browser session."""
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def key_client_factory(db):
    """Make an API client authenticated by a fresh API key of the given scope."""

    def make(*, user, scope="trade"):
        issued = api_key_issue(user=user, scope=scope)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.key}")
        client.api_key = issued.api_key
        return client

    return make


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
