from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts import services


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate a bot by ``Authorization: Api-Key <key>``.

    ``request.auth`` becomes the ``ApiKey`` so permissions can check its scope.
    """

    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed("The Api-Key header carries no key.")
        api_key = services.api_key_authenticate(key=key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("The API key is unknown or revoked.")
        if not api_key.user.is_active:
            raise exceptions.AuthenticationFailed("The account is disabled.")
        return (api_key.user, api_key)

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; keys are created on the settings page or at "
            "`/api/v1/api-keys`.",
        }


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = (
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication"
    )
    name = "SessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "The `meta.session_token` from `/_allauth/app/v1/auth/login` "
            "or `/signup`.",
        }
