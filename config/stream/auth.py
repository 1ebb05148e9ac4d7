"""Who is on the other end of a socket: the REST API's own authentication, reused.

A websocket's handshake is an HTTP request, so its headers go through the same
DRF authentication classes as every API request (``REST_FRAMEWORK``'s
``DEFAULT_AUTHENTICATION_CLASSES``: an ``Api-Key``, allauth's ``X-Session-Token``,
the browser's session cookie). A browser cannot set headers on a websocket, so
the session token may also come as ``?session_token=`` or in an ``auth`` message;
both are turned into the header the authentication class reads.

The session cookie counts only when the handshake comes from one of our own pages
(its ``Origin`` is an allowed host): a browser sends cookies along with a socket
that any site opens, and there is no CSRF token on a websocket.
"""

from dataclasses import dataclass
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, parse_cookie
from django.http.request import validate_host
from django.utils.functional import SimpleLazyObject
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from accounts.models import ApiKey

# The handshake headers that carry credentials; nothing else reaches the authenticators.
CREDENTIAL_HEADERS = ("authorization", "x-session-token", "cookie")


class AuthenticationFailed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Credentials:
    """The credential headers of a handshake or an ``auth`` message, and where from."""

    headers: tuple[tuple[str, str], ...] = ()
    origin: str = ""

    @property
    def empty(self) -> bool:
        return not self.headers

    @classmethod
    def from_scope(cls, scope: dict, query: dict[str, list[str]]) -> "Credentials":
        headers = {}
        origin = ""
        for raw_name, raw_value in scope.get("headers", []):
            name = raw_name.decode("latin-1").lower()
            if name in CREDENTIAL_HEADERS:
                headers[name] = raw_value.decode("latin-1")
            elif name == "origin":
                origin = raw_value.decode("latin-1")
        token = (query.get("session_token") or [""])[0]
        if token and "x-session-token" not in headers:
            headers["x-session-token"] = token
        return cls(headers=tuple(sorted(headers.items())), origin=origin)

    @classmethod
    def from_message(cls, message: dict) -> "Credentials":
        """An ``auth`` message: ``{"op": "auth", "session_token": ...}`` or ``"api_key"``."""
        headers = {}
        token, key = message.get("session_token"), message.get("api_key")
        if isinstance(token, str) and token:
            headers["x-session-token"] = token
        if isinstance(key, str) and key:
            headers["authorization"] = f"Api-Key {key}"
        return cls(headers=tuple(sorted(headers.items())))


@dataclass(frozen=True, slots=True)
class Identity:
    user: object
    api_key: ApiKey | None
    credentials: Credentials

    @property
    def user_id(self) -> int:
        return self.user.pk


def _origin_is_ours(origin: str) -> bool:
    if not origin:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    host = urlsplit(origin).netloc
    allowed = settings.ALLOWED_HOSTS or (
        [".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else []
    )
    return bool(host) and validate_host(host, allowed)


def _request(credentials: Credentials) -> Request:
    """An HTTP request carrying just the credentials, as the API's authenticators see one."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = "/api/v1/stream"
    request.META["SERVER_NAME"] = "stream"
    request.META["SERVER_PORT"] = "80"
    headers = dict(credentials.headers)
    for name, value in headers.items():
        if name == "cookie":
            continue
        request.META["HTTP_" + name.upper().replace("-", "_")] = value
    request.user = AnonymousUser()
    cookie = headers.get("cookie")
    if cookie and _origin_is_ours(credentials.origin):
        request.META["HTTP_COOKIE"] = cookie
        request.COOKIES = parse_cookie(cookie)
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        request.user = SimpleLazyObject(lambda: auth.get_user(request))
    return Request(
        request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )


def authenticate(credentials: Credentials) -> Identity | None:
    """Return who the credentials name, None for none, or raise ``AuthenticationFailed``.

    Blocking (it reads the database): call it through ``database_sync_to_async``.
    """
    if credentials.empty:
        return None
    request = _request(credentials)
    try:
        user = request.user
    except exceptions.AuthenticationFailed as error:
        raise AuthenticationFailed(str(error.detail)) from error
    if user is None or not user.is_authenticated:
        if any(name != "cookie" for name, _ in credentials.headers):
            raise AuthenticationFailed("The session token or API key is unknown or has expired.")
        return None  # A cookie without a session, or from another site's page: anonymous.
    if not user.is_active:
        raise AuthenticationFailed("The account is disabled.")
    api_key = request.auth if isinstance(request.auth, ApiKey) else None
    return Identity(user=user, api_key=api_key, credentials=credentials)
