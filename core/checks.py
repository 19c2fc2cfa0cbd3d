"""Our own system checks: the API and audit settings Django's `check --deploy` does not look at.

Always (tag `stockroom`):
- stockroom.E001 the default DRF permission is empty or AllowAny (nothing is public by default)
- stockroom.E002 no default throttle class
- stockroom.E003 the request-context middleware (request ids, audit actor and address) is
  missing or not first
- stockroom.W004 a LOGGING handler without the redacting filter
With `--deploy` (tags `stockroom`, `security`):
- stockroom.E010 DEBUG is on
- stockroom.E011 the browsable API renderer is enabled
- stockroom.E012 the JWT signing key is shorter than 32 bytes or a development default
- stockroom.W013 access tokens live longer than 15 minutes
- stockroom.E014 CORS allows every origin, or sends credentials to a wildcard
- stockroom.E015 no Content-Security-Policy middleware
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

TAG = "stockroom"
REQUEST_CONTEXT_MIDDLEWARE = "core.request_context.RequestContextMiddleware"
CSP_MIDDLEWARE = "core.security_headers.SecurityHeadersMiddleware"
REDACTING_FILTER = "core.log_hygiene.RedactingFilter"
BROWSABLE_RENDERERS = {
    "rest_framework.renderers.BrowsableAPIRenderer",
    "djangorestframework_camel_case.render.CamelCaseBrowsableAPIRenderer",
}
ALLOW_ANY = "rest_framework.permissions.AllowAny"
DEVELOPMENT_KEY_MARKERS = ("django-insecure", "local-development-only", "test-only", "changeme")
MIN_SIGNING_KEY_BYTES = 32


def _rest(name: str) -> Any:
    return getattr(settings, "REST_FRAMEWORK", {}).get(name)


def check_api_defaults(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    permissions = list(_rest("DEFAULT_PERMISSION_CLASSES") or [])
    if not permissions or ALLOW_ANY in permissions:
        errors.append(
            checks.Error(
                "REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES'] allows anonymous access by default.",
                hint="Deny by default (core.api.permissions.HasResourceScope); open single "
                "views explicitly.",
                id="stockroom.E001",
            )
        )
    if not list(_rest("DEFAULT_THROTTLE_CLASSES") or []):
        errors.append(
            checks.Error(
                "REST_FRAMEWORK['DEFAULT_THROTTLE_CLASSES'] is empty: the API is not rate limited.",
                id="stockroom.E002",
            )
        )
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if not middleware or middleware[0] != REQUEST_CONTEXT_MIDDLEWARE:
        errors.append(
            checks.Error(
                f"{REQUEST_CONTEXT_MIDDLEWARE} must be the first MIDDLEWARE entry.",
                hint="Audit entries and log lines take their request id, actor and address "
                "from it.",
                id="stockroom.E003",
            )
        )
    logging_config = getattr(settings, "LOGGING", {}) or {}
    filters = logging_config.get("filters", {})
    redacting = {name for name, spec in filters.items() if spec.get("()") == REDACTING_FILTER}
    for name, handler in (logging_config.get("handlers") or {}).items():
        if not redacting & set(handler.get("filters", [])):
            errors.append(
                checks.Warning(
                    f"LOGGING handler {name!r} has no {REDACTING_FILTER}.",
                    id="stockroom.W004",
                )
            )
    return errors


def check_deploy_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if settings.DEBUG:
        errors.append(checks.Error("DEBUG is on.", id="stockroom.E010"))
    renderers = set(_rest("DEFAULT_RENDERER_CLASSES") or [])
    if renderers & BROWSABLE_RENDERERS:
        errors.append(
            checks.Error(
                "The browsable API renderer is enabled: it renders forms and data as HTML.",
                hint="Keep only JSON renderers in production.",
                id="stockroom.E011",
            )
        )
    jwt = getattr(settings, "SIMPLE_JWT", {}) or {}
    key = str(jwt.get("SIGNING_KEY") or settings.SECRET_KEY or "")
    if len(key.encode()) < MIN_SIGNING_KEY_BYTES or any(
        marker in key for marker in DEVELOPMENT_KEY_MARKERS
    ):
        errors.append(
            checks.Error(
                "The JWT signing key is shorter than 32 bytes or a development default.",
                hint="Set DJANGO_SECRET_KEY (or JWT_SIGNING_KEY) to 50+ random characters.",
                id="stockroom.E012",
            )
        )
    lifetime = jwt.get("ACCESS_TOKEN_LIFETIME")
    if lifetime is not None and lifetime.total_seconds() > 15 * 60:
        errors.append(
            checks.Warning(
                "Access tokens live longer than 15 minutes.",
                id="stockroom.W013",
            )
        )
    allow_all = getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
    origins = list(getattr(settings, "CORS_ALLOWED_ORIGINS", []))
    if allow_all or "*" in origins:
        errors.append(
            checks.Error(
                "CORS allows every origin.",
                hint="List the origins in CORS_ALLOWED_ORIGINS.",
                id="stockroom.E014",
            )
        )
    if CSP_MIDDLEWARE not in list(getattr(settings, "MIDDLEWARE", [])):
        errors.append(
            checks.Error(f"{CSP_MIDDLEWARE} is not installed (no CSP).", id="stockroom.E015")
        )
    return errors


def register() -> None:
    checks.register(check_api_defaults, TAG)
    checks.register(check_deploy_settings, TAG, checks.Tags.security, deploy=True)
