"""HTTP semantics every API resource shares, applied once for all of /api/:

- `Idempotency-Key` on POST: the same key with the same request replays the first response
  (`Idempotent-Replayed: true`); the same key with another request is 422
  `IDEMPOTENCY_KEY_REUSED`; a duplicate while the first is still running is 409
  `IDEMPOTENCY_REQUEST_IN_PROGRESS`. Keys are scoped per credential (API key or user), kept
  24 hours in PostgreSQL, and a key whose request crashed (5xx, or in flight for longer than
  `IN_FLIGHT_TIMEOUT`) may be retried.
- `ETag` on every successful GET (a digest of the representation) with `If-None-Match` → 304,
  and `If-Match` on PUT/PATCH/DELETE → 412 `PRECONDITION_FAILED` when the resource changed
  since the client read it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from accounts.models import ApiKey
from core.models import IdempotencyKey
from core.services import IDEMPOTENCY_RETENTION as RETENTION

IN_FLIGHT_TIMEOUT = timedelta(minutes=2)
MAX_KEY_LENGTH = 255
WRITE_METHODS = {"PUT", "PATCH", "DELETE"}


def error(code: str, message: str, status: int, field: str = "") -> JsonResponse:
    details = [{"field": field, "message": message}] if field else []
    body = {"error": {"code": code, "message": message, "details": details}}
    return JsonResponse(body, status=status)


def credential_of(request: HttpRequest) -> str | None:
    """Who is calling, as the API's own authenticators see it (None: not authenticated)."""
    authenticators = [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]  # type: ignore[operator]
    drf_request = Request(request, authenticators=authenticators)
    try:
        user, auth = drf_request.user, drf_request.auth
    except APIException:
        return None
    if isinstance(auth, ApiKey):
        return f"key:{auth.pk}"
    if user is not None and user.is_authenticated and user.pk is not None:
        return f"user:{user.pk}"
    return None


def representation_tag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


class ApiHttpSemanticsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/v"):
            return self.get_response(request)
        if request.method == "POST" and "HTTP_IDEMPOTENCY_KEY" in request.META:
            return self.idempotent(request)
        if request.method in WRITE_METHODS and "HTTP_IF_MATCH" in request.META:
            refused = self.precondition_failed(request)
            if refused is not None:
                return refused
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200:
            return self.tagged(request, response)
        return response

    # ETag / If-None-Match / If-Match ------------------------------------------------------

    def tagged(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(response, "streaming", False):
            return response
        tag = representation_tag(response.content)
        response["ETag"] = tag
        if tag in _tags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            not_modified = HttpResponse(status=304)
            not_modified["ETag"] = tag
            return not_modified
        return response

    def precondition_failed(self, request: HttpRequest) -> HttpResponse | None:
        wanted = _tags(request.META["HTTP_IF_MATCH"])
        current = self.current_representation(request)
        if current is None:
            return None  # the write itself answers 401/403/404
        if "*" in wanted or representation_tag(current) in wanted:
            return None
        return error(
            "PRECONDITION_FAILED",
            "The resource changed since it was read; fetch it again and retry.",
            412,
            field="If-Match",
        )

    def current_representation(self, request: HttpRequest) -> bytes | None:
        probe = HttpRequest()
        probe.method = "GET"
        probe.path = probe.path_info = request.path
        probe.META = {
            key: value
            for key, value in request.META.items()
            if key not in {"CONTENT_LENGTH", "CONTENT_TYPE", "REQUEST_METHOD", "QUERY_STRING"}
        }
        probe.META["REQUEST_METHOD"] = "GET"
        response = self.get_response(probe)
        return response.content if response.status_code == 200 else None

    # Idempotency-Key ----------------------------------------------------------------------

    def idempotent(self, request: HttpRequest) -> HttpResponse:
        key = request.META["HTTP_IDEMPOTENCY_KEY"].strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return error(
                "VALIDATION_ERROR",
                f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
                400,
                field="Idempotency-Key",
            )
        credential = credential_of(request)
        if credential is None:
            return self.get_response(request)  # answered 401 by the view
        digest = hashlib.sha256(
            b"\n".join([b"POST", request.get_full_path().encode(), request.body])
        ).hexdigest()
        record, refused = self.claim(credential, key, digest)
        if refused is not None:
            return refused
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyKey.objects.filter(pk=record.pk).update(
            response_status=response.status_code,
            response_body=response.content,
            response_content_type=response.get("Content-Type", ""),
        )
        return response

    def claim(
        self, credential: str, key: str, digest: str
    ) -> tuple[IdempotencyKey, HttpResponse | None]:
        now = timezone.now()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    credential=credential, key=key, request_digest=digest, created_at=now
                )
            return record, None
        except IntegrityError:
            pass
        with transaction.atomic():
            record = IdempotencyKey.objects.select_for_update().get(credential=credential, key=key)
            expired = record.created_at < now - RETENTION
            abandoned = (
                record.response_status is None and record.created_at < now - IN_FLIGHT_TIMEOUT
            )
            if expired or abandoned:
                record.request_digest, record.created_at = digest, now
                record.response_status, record.response_body = None, b""
                record.save()
                return record, None
        if record.request_digest != digest:
            return record, error(
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used with a different request.",
                422,
                field="Idempotency-Key",
            )
        if record.response_status is None:
            return record, error(
                "IDEMPOTENCY_REQUEST_IN_PROGRESS",
                "A request with this Idempotency-Key is still being processed; retry later.",
                409,
                field="Idempotency-Key",
            )
        replay = HttpResponse(
            bytes(record.response_body),
            status=record.response_status,
            content_type=record.response_content_type or "application/json",
        )
        replay["Idempotent-Replayed"] = "true"
        return record, replay


def _tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
