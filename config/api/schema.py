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


def _link(operation_id: str, **parameters: str) -> dict:
    return {"operationId": operation_id, "parameters": parameters}


ORDER_ID = "$response.body#/id"
# What a client can do next with what an answer returned: OpenAPI links, by operation
# and answer. Generators and contract fuzzers (schemathesis' stateful runs) follow them.
LINKS = {
    "orders_place": {
        "ReadTheOrder": _link("orders_retrieve", order_id=ORDER_ID),
        "AmendTheOrder": _link("orders_amend", order_id=ORDER_ID),
        "CancelTheOrder": _link("orders_cancel", order_id=ORDER_ID),
        "ReadThePosition": _link("positions_retrieve", symbol="$response.body#/instrument"),
    },
    "positions_close": {
        "ReadTheClosingOrder": _link("orders_retrieve", order_id=ORDER_ID),
        "ReadThePosition": _link("positions_retrieve", symbol="$request.path.symbol"),
    },
    "api_keys_create": {
        "ReadTheKey": _link("api_keys_retrieve", key_id="$response.body#/id"),
        "RevokeTheKey": _link("api_keys_revoke", key_id="$response.body#/id"),
    },
    "scenario_runs_start": {
        name: _link(operation, run_id="$response.body#/run/id")
        for name, operation in (
            ("ReadTheRun", "scenario_runs_retrieve"),
            ("PauseTheRun", "scenario_runs_pause"),
            ("ResumeTheRun", "scenario_runs_resume"),
            ("EndTheRun", "scenario_runs_end"),
            ("ReadTheResult", "scenario_runs_result"),
        )
    },
    "scenario_runs_order_place": {
        "CancelTheOrder": _link(
            "scenario_runs_order_cancel", run_id="$request.path.run_id", order_id=ORDER_ID
        ),
    },
}


def operation_links(result, generator, request, public):
    """Add ``LINKS`` to the successful answers of the operations they start from.

    A link to an operation the schema no longer has is an error here, so renaming an
    operation cannot leave a dangling link behind.
    """
    operations = {
        operation["operationId"]: operation
        for path in result["paths"].values()
        for operation in path.values()
    }
    for source, links in LINKS.items():
        missing = {link["operationId"] for link in links.values()} - set(operations)
        if source not in operations or missing:
            raise ValueError(f"Links of {source} name unknown operations: {missing or source}")
        for status, answer in operations[source]["responses"].items():
            if status.startswith("2"):
                answer["links"] = links
    return result
