import hashlib
import json

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiKey
from tests.accounts import error_of
from tests.factories.accounts import api_key_issue

KEYS_URL = "/api/v1/api-keys"
PROFILE_URL = "/api/v1/profile"
KEY_FIELDS = {
    "id",
    "name",
    "prefix",
    "scope",
    "created_at",
    "last_used_at",
    "revoked_at",
    "is_active",
}


def key_url(key_id: int) -> str:
    return f"{KEYS_URL}/{key_id}"


def client_with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def create_key(client, *, name="my bot", scope="read") -> dict:
    response = client.post(KEYS_URL, {"name": name, "scope": scope}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_create_shows_the_secret_once(user, user_client):
    created = create_key(user_client, name="  grid bot  ", scope="trade")

    assert set(created) == KEY_FIELDS | {"key"}
    api_key = ApiKey.objects.get(user=user)
    assert created["id"] == api_key.pk
    assert created["name"] == "grid bot"
    assert created["scope"] == "trade"
    assert created["prefix"] == api_key.prefix
    assert created["key"].startswith(f"sb_{api_key.prefix}_")
    assert created["is_active"] is True
    assert created["revoked_at"] is None
    assert created["last_used_at"] is None

    listed = user_client.get(KEYS_URL).json()
    assert listed["count"] == 1
    assert set(listed["results"][0]) == KEY_FIELDS
    detail = user_client.get(key_url(api_key.pk)).json()
    assert set(detail) == KEY_FIELDS
    assert created["key"] not in json.dumps(listed) + json.dumps(detail)


def test_stored_row_keeps_only_a_digest_of_the_secret(user_client):
    created = create_key(user_client)
    secret = created["key"].split("_", 2)[2]

    api_key = ApiKey.objects.get(pk=created["id"])
    assert secret
    assert api_key.secret_hash != secret
    assert secret not in api_key.secret_hash
    assert created["key"] not in api_key.secret_hash
    assert api_key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_list_shows_only_the_callers_keys_newest_first(user, other_user, user_client):
    first = api_key_issue(user=user, name="first").api_key
    second = api_key_issue(user=user, name="second").api_key
    api_key_issue(user=other_user, name="not mine")

    response = user_client.get(KEYS_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [k["id"] for k in body["results"]] == [second.pk, first.pk]


def test_list_is_paginated(user, user_client):
    for n in range(3):
        api_key_issue(user=user, name=f"bot {n}")

    body = user_client.get(KEYS_URL, {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert len(user_client.get(KEYS_URL, {"page_size": 2, "page": 2}).json()["results"]) == 1


def test_the_key_authenticates_a_bot(user, user_client):
    created = create_key(user_client, scope="read")

    response = client_with_key(created["key"]).get(PROFILE_URL)

    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_using_a_key_sets_last_used_at(user, user_client):
    created = create_key(user_client)
    assert ApiKey.objects.get(pk=created["id"]).last_used_at is None

    assert client_with_key(created["key"]).get(PROFILE_URL).status_code == 200

    assert ApiKey.objects.get(pk=created["id"]).last_used_at is not None
    assert user_client.get(key_url(created["id"])).json()["last_used_at"] is not None


def test_a_read_key_cannot_write(user, key_client_factory):
    client = key_client_factory(user=user, scope="read")
    before = user.display_name

    response = client.patch(PROFILE_URL, {"display_name": "Changed"}, format="json")

    error = error_of(response, 403)
    assert error["code"] == "permission_denied"
    user.refresh_from_db()
    assert user.display_name == before


def test_a_trade_key_can_write(user, key_client_factory):
    client = key_client_factory(user=user, scope="trade")

    response = client.patch(PROFILE_URL, {"display_name": "Bot owner"}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "Bot owner"


def test_a_revoked_key_is_refused(user_client):
    created = create_key(user_client)
    bot = client_with_key(created["key"])
    assert bot.get(PROFILE_URL).status_code == 200

    revoked = user_client.delete(key_url(created["id"]))

    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False
    assert revoked.json()["revoked_at"] is not None
    assert "key" not in revoked.json()
    error = error_of(bot.get(PROFILE_URL), 401)
    assert error["code"] == "authentication_failed"


def test_revoking_twice_is_fine(user, user_client):
    api_key = api_key_issue(user=user).api_key

    first = user_client.delete(key_url(api_key.pk))
    second = user_client.delete(key_url(api_key.pk))

    assert first.status_code == second.status_code == 200
    assert second.json()["revoked_at"] == first.json()["revoked_at"]
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


@pytest.mark.parametrize(
    "header",
    ["Api-Key", "Api-Key ", "Api-Key garbage", "Api-Key sb_", "Api-Key sb_0000_nosuchsecret"],
)
def test_a_malformed_or_unknown_key_is_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(PROFILE_URL)

    error = error_of(response, 401)
    assert error["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_right_prefix_with_a_wrong_secret_is_401(user):
    issued = api_key_issue(user=user)
    forged = f"sb_{issued.api_key.prefix}_{'x' * 43}"

    error = error_of(client_with_key(forged).get(PROFILE_URL), 401)

    assert error["code"] == "authentication_failed"
    issued.api_key.refresh_from_db()
    assert issued.api_key.last_used_at is None


def test_another_users_key_is_not_found(user_client, other_user):
    issued = api_key_issue(user=other_user)

    assert error_of(user_client.get(key_url(issued.api_key.pk)), 404)["code"] == "not_found"
    assert error_of(user_client.delete(key_url(issued.api_key.pk)), 404)["code"] == "not_found"

    issued.api_key.refresh_from_db()
    assert issued.api_key.is_active
    assert client_with_key(issued.key).get(PROFILE_URL).status_code == 200


def test_an_unknown_key_id_is_not_found(user_client):
    assert error_of(user_client.get(key_url(999_999)), 404)["code"] == "not_found"
    assert error_of(user_client.delete(key_url(999_999)), 404)["code"] == "not_found"


@pytest.mark.parametrize("scope", ["read", "trade"])
def test_an_api_key_cannot_manage_keys(user, key_client_factory, scope):
    client = key_client_factory(user=user, scope=scope)
    own_key = client.api_key

    responses = [
        client.get(KEYS_URL),
        client.post(KEYS_URL, {"name": "spawn", "scope": "trade"}, format="json"),
        client.get(key_url(own_key.pk)),
        client.delete(key_url(own_key.pk)),
    ]

    for response in responses:
        assert error_of(response, 403)["code"] == "permission_denied"
    assert list(ApiKey.objects.filter(user=user)) == [own_key]
    own_key.refresh_from_db()
    assert own_key.is_active


def test_unauthenticated_callers_cannot_manage_keys(user, api_client):
    api_key = api_key_issue(user=user).api_key

    for response in [
        api_client.get(KEYS_URL),
        api_client.post(KEYS_URL, {"name": "x", "scope": "read"}, format="json"),
        api_client.get(key_url(api_key.pk)),
        api_client.delete(key_url(api_key.pk)),
    ]:
        assert error_of(response, 401)["code"] == "not_authenticated"
    api_key.refresh_from_db()
    assert api_key.is_active
    assert ApiKey.objects.count() == 1


def test_a_name_of_80_characters_is_accepted(user_client):
    assert create_key(user_client, name="n" * 80)["name"] == "n" * 80


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"scope": "read"}, "name"),
        ({"name": "bot"}, "scope"),
        ({"name": "bot", "scope": "admin"}, "scope"),
        ({"name": "bot", "scope": "READ"}, "scope"),
        ({"name": "n" * 81, "scope": "read"}, "name"),
        ({"name": "", "scope": "read"}, "name"),
        ({"name": "   ", "scope": "read"}, "name"),
        ({"name": None, "scope": "read"}, "name"),
        ({"name": ["bot"], "scope": "read"}, "name"),
        ({"name": {"a": 1}, "scope": "read"}, "name"),
        ({"name": True, "scope": "read"}, "name"),
        ({"name": "nul\x00byte", "scope": "read"}, "name"),
        ({"name": "bot", "scope": ["read"]}, "scope"),
    ],
)
def test_invalid_input_is_refused_and_creates_nothing(user_client, payload, field):
    response = user_client.post(KEYS_URL, payload, format="json")

    error = error_of(response, 400)
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert ApiKey.objects.count() == 0


@pytest.mark.parametrize("body", [[], ["name", "bot"], "bot", 5, None])
def test_a_body_that_is_not_an_object_is_refused(user_client, body):
    response = user_client.post(KEYS_URL, json.dumps(body), content_type="application/json")

    assert error_of(response, 400)["code"] == "invalid"
    assert ApiKey.objects.count() == 0


def test_malformed_json_is_a_parse_error(user_client):
    response = user_client.post(
        KEYS_URL, '{"name": "bot", "scope": ', content_type="application/json"
    )

    assert error_of(response, 400)["code"] == "parse_error"
    assert ApiKey.objects.count() == 0


def test_a_huge_payload_is_refused(user_client, settings):
    payload = json.dumps(
        {"name": "n" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "scope": "read"}
    )

    response = user_client.post(KEYS_URL, payload, content_type="application/json")

    error_of(response, 400)
    assert ApiKey.objects.count() == 0
