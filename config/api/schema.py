"""Pieces of the OpenAPI schema that every endpoint shares."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(help_text="Stable, machine-readable code."),
                "message": serializers.CharField(help_text="What went wrong, for people."),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    help_text="Messages per input field; empty when no field is at fault.",
                ),
            },
        )
    },
)

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; nothing changed."),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (e.g. a read-only API key)."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
}
