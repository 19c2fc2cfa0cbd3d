"""Every API error in the seeds' format: {"error": {"code", "message", "details": [...]}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ServiceError

CODES = {
    exceptions.ValidationError: "VALIDATION_ERROR",
    exceptions.ParseError: "MALFORMED_REQUEST",
    exceptions.NotAuthenticated: "UNAUTHENTICATED",
    exceptions.AuthenticationFailed: "UNAUTHENTICATED",
    exceptions.PermissionDenied: "PERMISSION_DENIED",
    exceptions.NotFound: "NOT_FOUND",
    exceptions.MethodNotAllowed: "METHOD_NOT_ALLOWED",
    exceptions.NotAcceptable: "NOT_ACCEPTABLE",
    exceptions.UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
    exceptions.Throttled: "RATE_LIMITED",
}


def _camel(field: str) -> str:
    return ".".join(camelize_re.sub(underscore_to_camel, part) for part in field.split("."))


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error dict/list → [{"field": "variants.0.price", "message": ...}]."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"field": _camel(prefix), "message": str(item)} for item in detail]
        out = []
        for index, item in enumerate(detail):
            if item:
                out += _flatten(item, f"{prefix}.{index}" if prefix else str(index))
        return out
    return [{"field": _camel(prefix), "message": str(detail)}]


def error_response(
    code: str,
    message: str,
    status_code: int,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "details": details or []}},
        status=status_code,
        headers=headers,
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        return error_response(exc.code, exc.message, exc.status_code, exc.details)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, IntegrityError):
        return error_response(
            "CONFLICT",
            "The change conflicts with existing data.",
            status.HTTP_409_CONFLICT,
            [{"field": "", "message": str(exc).splitlines()[0]}],
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), "ERROR")
    headers = {}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(int(wait) + 1)
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            code, "Invalid input data", response.status_code, _flatten(exc.detail), headers
        )
    detail = exc.detail
    message = str(detail) if not isinstance(detail, (dict, list)) else "Request refused"
    return error_response(code, message, response.status_code, headers=headers)
