"""The mobile app's way in: allauth's headless "app" client and its session token."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.accounts import error_of
from trading import selectors
from trading.models import Account

SIGNUP_URL = "/_allauth/app/v1/auth/signup"
LOGIN_URL = "/_allauth/app/v1/auth/login"
SESSION_URL = "/_allauth/app/v1/auth/session"
VERIFY_EMAIL_URL = "/_allauth/app/v1/auth/email/verify"
ACCOUNT_URL = "/api/v1/account"
PROFILE_URL = "/api/v1/profile"
NEW_EMAIL = "new.trader@example.com"
NEW_PASSWORD = "a long and unusual passphrase"


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=token)
    return client


def sign_up(email=NEW_EMAIL, password=NEW_PASSWORD):
    return APIClient().post(SIGNUP_URL, {"email": email, "password": password}, format="json")


def test_signup_returns_a_session_token_for_a_funded_account(db):
    response = sign_up()

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["meta"]["is_authenticated"] is True
    assert body["data"]["user"]["email"] == NEW_EMAIL
    token = body["meta"]["session_token"]

    account = token_client(token).get(ACCOUNT_URL)

    assert account.status_code == 200, account.content
    data = account.json()
    assert Decimal(data["cash"]) == Decimal(100000)
    assert data["currency"] == "USD"
    assert Decimal(data["equity"]) == Decimal(100000)
    assert Decimal(data["margin_used"]) == 0
    assert Decimal(data["available"]) == Decimal(100000)


def test_signup_opens_exactly_one_paper_account(db):
    assert sign_up().status_code == 200

    accounts = Account.objects.filter(user__email=NEW_EMAIL, kind="paper")
    assert accounts.count() == 1
    summary = selectors.account_summary(account=accounts.get())
    assert summary.cash == Decimal(100000)
    assert summary.currency == "USD"


def test_the_session_token_authenticates_the_rest_api(db):
    token = sign_up().json()["meta"]["session_token"]

    response = token_client(token).get(PROFILE_URL)

    assert response.status_code == 200
    assert response.json()["email"] == NEW_EMAIL


def test_the_session_token_may_manage_api_keys(db):
    token = sign_up().json()["meta"]["session_token"]
    client = token_client(token)

    created = client.post("/api/v1/api-keys", {"name": "bot", "scope": "read"}, format="json")

    assert created.status_code == 201, created.content
    assert client.get("/api/v1/api-keys").json()["count"] == 1


def test_a_second_signup_with_the_same_email_is_refused(db):
    assert sign_up().status_code == 200

    response = sign_up(email=NEW_EMAIL.upper())

    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})
    assert Account.objects.filter(user__email__iexact=NEW_EMAIL, kind="paper").count() == 1


def test_a_weak_password_is_refused(db):
    response = sign_up(password="123")

    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})
    assert not Account.objects.filter(user__email=NEW_EMAIL).exists()


def test_login_returns_a_working_token(user, password):
    response = APIClient().post(
        LOGIN_URL, {"email": user.email, "password": password}, format="json"
    )

    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    account = token_client(token).get(ACCOUNT_URL)
    assert account.status_code == 200
    assert Decimal(account.json()["cash"]) == Decimal(100000)


def test_login_with_a_wrong_password_gives_no_token(user):
    response = APIClient().post(
        LOGIN_URL, {"email": user.email, "password": "not the password"}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert "session_token" not in body.get("meta", {})
    assert any(e.get("param") == "password" for e in body["errors"])


@pytest.mark.parametrize("token", ["bogus", "x" * 40, ""])
def test_a_bogus_session_token_is_refused(db, token):
    response = token_client(token).get(ACCOUNT_URL)

    assert response.status_code in (401, 403)
    assert error_of(response, response.status_code)["code"] == "not_authenticated"


def test_a_token_stops_working_after_logout(user, password):
    token = (
        APIClient()
        .post(LOGIN_URL, {"email": user.email, "password": password}, format="json")
        .json()["meta"]["session_token"]
    )
    client = token_client(token)
    assert client.get(ACCOUNT_URL).status_code == 200

    assert client.delete(SESSION_URL).status_code == 401  # allauth: now signed out.

    assert error_of(client.get(ACCOUNT_URL), 401)["code"] == "not_authenticated"


def test_mandatory_verification_holds_back_an_authenticated_token(db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = sign_up()

    # allauth answers 401 with a pending verify_email flow. The token it hands out
    # carries only that pending flow, not a signed-in user.
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["meta"]["is_authenticated"] is False
    assert {"id": "verify_email", "is_pending": True} in body["data"]["flows"]
    pending = token_client(body["meta"]["session_token"])
    assert error_of(pending.get(ACCOUNT_URL), 401)["code"] == "not_authenticated"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [NEW_EMAIL]
    assert Account.objects.filter(user__email=NEW_EMAIL, kind="paper").count() == 1


def test_mandatory_verification_signs_in_once_the_email_is_confirmed(db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    pending = token_client(sign_up().json()["meta"]["session_token"])
    key = re.search(r"/confirm-email/([^/\s]+)/", mail.outbox[0].body).group(1)

    response = pending.post(VERIFY_EMAIL_URL, {"key": key}, format="json")

    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    account = token_client(token).get(ACCOUNT_URL)
    assert account.status_code == 200
    assert Decimal(account.json()["cash"]) == Decimal(100000)


def test_mandatory_verification_holds_back_login_before_confirmation(db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    sign_up()

    response = APIClient().post(
        LOGIN_URL, {"email": NEW_EMAIL, "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 401
    body = response.json()
    assert body["meta"]["is_authenticated"] is False
    assert {"id": "verify_email", "is_pending": True} in body["data"]["flows"]
    pending = token_client(body["meta"]["session_token"])
    assert error_of(pending.get(ACCOUNT_URL), 401)["code"] == "not_authenticated"
