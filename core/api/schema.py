"""OpenAPI: our API-key authentication and the error responses of every operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}


class StockroomJWTScheme(SimpleJWTScheme):
    target_class = "core.api.authentication.StockroomJWTAuthentication"
    name = "jwtAuth"


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="camelCase path of the offending field, or empty")
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. VALIDATION_ERROR")
    message = serializers.CharField()
    details = ErrorDetailSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ERRORS = {
    "400": "VALIDATION_ERROR or MALFORMED_REQUEST: the body or a parameter is invalid.",
    "401": "UNAUTHENTICATED: no, an invalid, a revoked or an expired credential.",
    "403": "PERMISSION_DENIED: the credential lacks the scope.",
    "404": "NOT_FOUND",
    "409": "CONFLICT, SHOPIFY_MANAGED, or another business-rule refusal.",
    "412": "PRECONDITION_FAILED: If-Match names a stale ETag.",
    "422": "IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used with another request.",
    "429": "RATE_LIMITED: see Retry-After.",
}


class StockroomAutoSchema(AutoSchema):
    """Every operation documents the error responses it can give, in the seeds' format."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith("/api/v"):
            return responses
        codes = ["400", "401", "403", "429"]
        if "{" in self.path or getattr(self.view, "singleton", False):
            codes.append("404")
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            codes.append("409")
        if self.method in {"PUT", "PATCH", "DELETE"}:
            codes.append("412")
        if self.method == "POST":
            codes.append("422")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code
                )
                responses[code] = response
        return responses
