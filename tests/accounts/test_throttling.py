import pytest

from accounts.throttling import ClientRateThrottle
from tests.accounts import error_of

PROFILE_URL = "/api/v1/profile"
LIMIT = 3


@pytest.fixture(autouse=True)
def _low_client_rate(monkeypatch):
    # SimpleRateThrottle copies DEFAULT_THROTTLE_RATES into a class attribute at
    # import, so the settings fixture cannot lower it; set our class's own table.
    monkeypatch.setattr(
        ClientRateThrottle, "THROTTLE_RATES", {"client": f"{LIMIT}/min", "anon": "120/min"}
    )


def test_the_request_over_the_limit_is_throttled(user, key_client_factory):
    client = key_client_factory(user=user, scope="read")
    for _ in range(LIMIT):
        assert client.get(PROFILE_URL).status_code == 200

    response = client.get(PROFILE_URL)

    error = error_of(response, 429)
    assert error["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_each_api_key_has_its_own_limit(user, key_client_factory):
    first = key_client_factory(user=user, scope="read")
    second = key_client_factory(user=user, scope="read")
    for _ in range(LIMIT):
        assert first.get(PROFILE_URL).status_code == 200
    assert first.get(PROFILE_URL).status_code == 429

    for _ in range(LIMIT):
        assert second.get(PROFILE_URL).status_code == 200
    assert second.get(PROFILE_URL).status_code == 429


def test_a_keys_requests_do_not_count_against_the_session(user, user_client, key_client_factory):
    bot = key_client_factory(user=user, scope="read")
    for _ in range(LIMIT + 1):
        bot.get(PROFILE_URL)

    for _ in range(LIMIT):
        assert user_client.get(PROFILE_URL).status_code == 200
    assert error_of(user_client.get(PROFILE_URL), 429)["code"] == "throttled"


def test_users_are_limited_separately(user_client, other_user, api_client):
    for _ in range(LIMIT):
        assert user_client.get(PROFILE_URL).status_code == 200
    assert user_client.get(PROFILE_URL).status_code == 429

    api_client.force_login(other_user)
    assert api_client.get(PROFILE_URL).status_code == 200


def test_a_throttled_write_changes_nothing(user, key_client_factory):
    client = key_client_factory(user=user, scope="trade")
    for n in range(LIMIT):
        response = client.patch(PROFILE_URL, {"display_name": f"name {n}"}, format="json")
        assert response.status_code == 200

    response = client.patch(
        PROFILE_URL, {"display_name": "too many", "time_zone": "Asia/Tokyo"}, format="json"
    )

    assert error_of(response, 429)["code"] == "throttled"
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == (f"name {LIMIT - 1}", "UTC")
