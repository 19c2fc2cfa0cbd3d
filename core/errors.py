"""Business-rule refusals raised by services; the API turns them into the seeds' error format."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused change: a stable code, a message, and field details."""

    status_code = 400
    default_code = "VALIDATION_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        if status_code is not None:
            self.status_code = status_code
        self.details = details or []


class ShopifyManaged(ServiceError):
    status_code = 409
    default_code = "SHOPIFY_MANAGED"


class Conflict(ServiceError):
    status_code = 409
    default_code = "CONFLICT"
