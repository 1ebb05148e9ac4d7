"""Pieces of the OpenAPI schema that every endpoint shares."""

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers

FIELD_MESSAGES = {"type": "array", "items": {"type": "string"}}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [FIELD_MESSAGES, {"type": "object", "additionalProperties": True}]
        },
        "example": {"quantity": ["Must be positive."], "stop_loss": {"stop_price": ["..."]}},
    }
)
class ErrorFieldsField(serializers.DictField):
    """An input field's messages, or a nested object's own map of them."""


ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(help_text="Stable, machine-readable code."),
                "message": serializers.CharField(help_text="What went wrong, for people."),
                "fields": ErrorFieldsField(
                    help_text="Messages per input field; empty when no field is at fault. "
                    "A nested object's fields (`stop_loss`) map to the same shape in turn.",
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


def page_not_found_document(result, generator, request, public):
    """Document the 404 of a page past the last on every list paged by number."""
    for path in result["paths"].values():
        for operation in path.values():
            parameters = operation.get("parameters", [])
            if any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
                operation["responses"].setdefault(
                    "404",
                    {
                        "description": "The page is past the last one (`not_found`).",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
