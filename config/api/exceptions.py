"""One error shape for every API error.

``{"error": {"code": "...", "message": "...", "fields": {...}}}``: ``code`` is stable
and machine-readable, ``message`` is for people, ``fields`` maps an input field to
its own messages (empty when the error is not about one field).
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError


def error_body(*, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail) -> dict | list | str:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) if isinstance(item, dict | list) else str(item) for item in detail]
    return str(detail)


def exception_handler(exc, context):
    """Turn any exception a view raises into the one error shape."""
    if isinstance(exc, DomainError):
        return Response(
            error_body(code=exc.code, message=exc.message, fields=exc.fields),
            status=exc.status_code,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError("The request body is too large.", code="request_too_large")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # An unexpected error: a crash, logged and reported as a 500.

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            non_field = detail.get("non_field_errors")
            fields = {k: _flatten(v) for k, v in detail.items() if k != "non_field_errors"}
            message = str(non_field[0]) if non_field else "The request has invalid fields."
            if non_field:
                fields["non_field_errors"] = _flatten(non_field)
        else:
            fields = {"non_field_errors": _flatten(detail)}
            message = str(detail[0]) if isinstance(detail, list) and detail else str(detail)
        response.data = error_body(code="invalid", message=message, fields=fields)
        return response

    detail = getattr(exc, "detail", None)
    code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    if not isinstance(code, str):
        code = getattr(exc, "default_code", "error")
    response.data = error_body(code=code, message=str(detail) if detail else str(exc))
    return response


def json_error_response(*, status_code: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code=code, message=message), status=status_code)


def api_not_found(request, exception=None):
    return json_error_response(
        status_code=status.HTTP_404_NOT_FOUND, code="not_found", message="Not found."
    )


def api_server_error(request):
    return json_error_response(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        code="server_error",
        message="The server failed to handle the request; staff have been told.",
    )
