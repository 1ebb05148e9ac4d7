import pytest
from rest_framework.test import APIClient

from tests.accounts import error_of
from tests.factories.accounts import api_key_issue

PROFILE_URL = "/api/v1/profile"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/profile"),
        ("patch", "/api/v1/profile"),
        ("get", "/api/v1/api-keys"),
        ("post", "/api/v1/api-keys"),
        ("get", "/api/v1/api-keys/1"),
        ("delete", "/api/v1/api-keys/1"),
    ],
)
def test_unauthenticated_requests_are_refused(db, api_client, method, url):
    response = getattr(api_client, method)(url, {}, format="json")

    error = error_of(response, 401)
    assert error["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_browser_session_authenticates(user, user_client):
    response = user_client.get(PROFILE_URL)

    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_a_browser_session_must_send_its_csrf_token_to_write(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    before = user.display_name

    response = client.patch(PROFILE_URL, {"display_name": "Forged"}, format="json")

    assert error_of(response, 403)["code"] == "permission_denied"
    user.refresh_from_db()
    assert user.display_name == before


def test_a_key_of_a_disabled_user_is_refused(user):
    issued = api_key_issue(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.key}")

    assert error_of(client.get(PROFILE_URL), 401)["code"] == "authentication_failed"


def test_another_authorization_scheme_is_not_an_api_key(db, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer sb_abc_def")

    assert error_of(api_client.get(PROFILE_URL), 401)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/nope", "/api/v1/profile/", "/api/v1/api-keys/abc", "/api/v1/api-keys/1/extra"],
)
def test_an_unknown_url_under_the_api_is_a_json_404(db, api_client, url):
    assert error_of(api_client.get(url), 404)["code"] == "not_found"
    assert error_of(api_client.post(url, {}, format="json"), 404)["code"] == "not_found"


def test_an_unknown_url_is_a_json_404_for_a_signed_in_user_too(user_client):
    assert error_of(user_client.get("/api/v1/does/not/exist"), 404)["code"] == "not_found"
