"""The accounts API: a person's API keys and profile.

Keys are managed only with the person's own session (browser cookie or the app's
session token); a request authenticated by an API key may not list, create or
revoke keys, so a leaked key cannot mint more keys or hide itself.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    ApiKeyCreatedOutputSerializer,
    ApiKeyCreateInputSerializer,
    ApiKeyOutputSerializer,
    ProfileOutputSerializer,
    ProfileUpdateInputSerializer,
)
from accounts.permissions import ApiKeyScope, NotApiKey
from config.api.pagination import DefaultPagination
from config.api.schema import ErrorSerializer


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


INVALID = _error("The input is invalid or the body is not JSON (`invalid`, `parse_error`).")
UNAUTHENTICATED = _error("No valid credentials (`not_authenticated`, `authentication_failed`).")
NOT_FOUND = _error("No such key among the caller's own (`not_found`).")
THROTTLED = _error("Too many requests; retry after `Retry-After` seconds (`throttled`).")
KEY_MANAGEMENT_FORBIDDEN = _error(
    "API keys cannot manage API keys; use a session (`permission_denied`)."
)



class ApiKeyCollectionApi(APIView):
    permission_classes = [IsAuthenticated, NotApiKey, ApiKeyScope]
    pagination_class = DefaultPagination

    @extend_schema(
        operation_id="api_keys_list",
        summary="List your API keys",
        tags=["api-keys"],
        responses={
            200: ApiKeyOutputSerializer(many=True),
            401: UNAUTHENTICATED,
            403: KEY_MANAGEMENT_FORBIDDEN,
            429: THROTTLED,
        },
    )
    def get(self, request):
        paginator = self.pagination_class()
        api_keys = selectors.api_key_list(user=request.user)
        page = paginator.paginate_queryset(api_keys, request, view=self)
        return paginator.get_paginated_response(ApiKeyOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="api_keys_create",
        summary="Create an API key",
        description="The response carries the whole key in `key`; it is never shown again.",
        tags=["api-keys"],
        request=ApiKeyCreateInputSerializer,
        responses={
            201: ApiKeyCreatedOutputSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: KEY_MANAGEMENT_FORBIDDEN,
            429: THROTTLED,
        },
    )
    def post(self, request):
        serializer = ApiKeyCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.api_key_create(user=request.user, **serializer.validated_data)
        return Response(ApiKeyCreatedOutputSerializer(issued).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailApi(APIView):
    permission_classes = [IsAuthenticated, NotApiKey, ApiKeyScope]

    @extend_schema(
        operation_id="api_keys_retrieve",
        summary="Show one of your API keys",
        tags=["api-keys"],
        responses={
            200: ApiKeyOutputSerializer,
            401: UNAUTHENTICATED,
            403: KEY_MANAGEMENT_FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request, key_id: int):
        api_key = selectors.api_key_get(user=request.user, key_id=key_id)
        return Response(ApiKeyOutputSerializer(api_key).data)

    @extend_schema(
        operation_id="api_keys_revoke",
        summary="Revoke one of your API keys",
        description="The key stops working at once. Revoking a revoked key changes nothing.",
        tags=["api-keys"],
        responses={
            200: ApiKeyOutputSerializer,
            401: UNAUTHENTICATED,
            403: KEY_MANAGEMENT_FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def delete(self, request, key_id: int):
        api_key = selectors.api_key_get(user=request.user, key_id=key_id)
        api_key = services.api_key_revoke(api_key=api_key)
        return Response(ApiKeyOutputSerializer(api_key).data)


class ProfileApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope]

    @extend_schema(
        operation_id="profile_retrieve",
        summary="Show your profile",
        tags=["profile"],
        responses={200: ProfileOutputSerializer, 401: UNAUTHENTICATED, 429: THROTTLED},
    )
    def get(self, request):
        return Response(ProfileOutputSerializer(request.user).data)

    @extend_schema(
        operation_id="profile_update",
        summary="Change your display name or time zone",
        description="Send only the fields to change. The email address cannot be changed here.",
        tags=["profile"],
        request=ProfileUpdateInputSerializer,
        responses={
            200: ProfileOutputSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: _error("A read-only API key cannot change the profile (`permission_denied`)."),
            429: THROTTLED,
        },
    )
    def patch(self, request):
        serializer = ProfileUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        user = services.profile_update(
            user=user,
            display_name=serializer.validated_data.get("display_name", user.display_name),
            time_zone=serializer.validated_data.get("time_zone", user.time_zone),
        )
        return Response(ProfileOutputSerializer(user).data)
