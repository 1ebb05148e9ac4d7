import json

import pytest

from tests.accounts import error_of

PROFILE_URL = "/api/v1/profile"


def profile_row(user) -> tuple:
    user.refresh_from_db()
    return (user.email, user.display_name, user.time_zone)


def test_read_the_profile(user, user_client):
    response = user_client.get(PROFILE_URL)

    assert response.status_code == 200
    assert response.json() == {
        "email": user.email,
        "display_name": user.display_name,
        "time_zone": "UTC",
    }


def test_update_name_and_time_zone(user, user_client):
    response = user_client.patch(
        PROFILE_URL,
        {"display_name": "  Short Seller  ", "time_zone": "Europe/Berlin"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "email": user.email,
        "display_name": "Short Seller",
        "time_zone": "Europe/Berlin",
    }
    assert profile_row(user) == (user.email, "Short Seller", "Europe/Berlin")


def test_update_only_the_fields_sent(user, user_client):
    name = user.display_name

    response = user_client.patch(PROFILE_URL, {"time_zone": "Asia/Tokyo"}, format="json")

    assert response.status_code == 200
    assert profile_row(user) == (user.email, name, "Asia/Tokyo")


def test_an_empty_patch_changes_nothing(user, user_client):
    before = profile_row(user)

    response = user_client.patch(PROFILE_URL, {}, format="json")

    assert response.status_code == 200
    assert profile_row(user) == before


def test_the_display_name_may_be_cleared(user, user_client):
    response = user_client.patch(PROFILE_URL, {"display_name": ""}, format="json")

    assert response.status_code == 200
    assert profile_row(user)[1] == ""


def test_the_email_is_read_only(user, user_client):
    email = user.email

    response = user_client.patch(
        PROFILE_URL, {"email": "someone-else@example.com", "display_name": "X"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["email"] == email
    assert profile_row(user)[:2] == (email, "X")


def test_a_name_of_80_characters_is_accepted(user, user_client):
    response = user_client.patch(PROFILE_URL, {"display_name": "n" * 80}, format="json")

    assert response.status_code == 200
    assert profile_row(user)[1] == "n" * 80


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "utc+2", "", "Europe/", 5])
def test_an_unknown_time_zone_is_refused(user, user_client, time_zone):
    before = profile_row(user)

    response = user_client.patch(
        PROFILE_URL, {"display_name": "Changed", "time_zone": time_zone}, format="json"
    )

    error = error_of(response, 400)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"time_zone"}
    assert profile_row(user) == before


def test_a_too_long_name_is_refused(user, user_client):
    before = profile_row(user)

    response = user_client.patch(
        PROFILE_URL, {"display_name": "n" * 81, "time_zone": "Asia/Tokyo"}, format="json"
    )

    error = error_of(response, 400)
    assert set(error["fields"]) == {"display_name"}
    assert profile_row(user) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"display_name": ["Ann"]},
        {"display_name": {"first": "Ann"}},
        {"display_name": True},
        {"display_name": None},
        {"display_name": "nul\x00byte"},
        {"time_zone": ["UTC"]},
        {"time_zone": None},
    ],
)
def test_a_wrong_type_is_refused(user, user_client, payload):
    before = profile_row(user)

    response = user_client.patch(PROFILE_URL, payload, format="json")

    error = error_of(response, 400)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == set(payload)
    assert profile_row(user) == before


@pytest.mark.parametrize("body", [[], ["display_name", "X"], "X", 42])
def test_a_body_that_is_not_an_object_is_refused(user, user_client, body):
    before = profile_row(user)

    response = user_client.patch(PROFILE_URL, json.dumps(body), content_type="application/json")

    assert error_of(response, 400)["code"] == "invalid"
    assert profile_row(user) == before


def test_malformed_json_is_a_parse_error(user, user_client):
    before = profile_row(user)

    response = user_client.patch(
        PROFILE_URL, '{"display_name": "X",', content_type="application/json"
    )

    assert error_of(response, 400)["code"] == "parse_error"
    assert profile_row(user) == before


def test_a_form_body_is_an_unsupported_media_type(user, user_client):
    before = profile_row(user)

    response = user_client.patch(
        PROFILE_URL, "display_name=X", content_type="application/x-www-form-urlencoded"
    )

    assert error_of(response, 415)["code"] == "unsupported_media_type"
    assert profile_row(user) == before


def test_a_huge_payload_is_refused(user, user_client, settings):
    before = profile_row(user)
    body = json.dumps({"display_name": "n" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = user_client.patch(PROFILE_URL, body, content_type="application/json")

    error_of(response, 400)
    assert profile_row(user) == before


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_other_methods_are_not_allowed(user, user_client, method):
    before = profile_row(user)

    response = getattr(user_client, method)(PROFILE_URL, {"display_name": "X"}, format="json")

    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert profile_row(user) == before
