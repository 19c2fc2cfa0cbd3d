"""Rate limits, counted in the Django cache (Redis in production and tests) so every worker
process shares one count per client:

- per API key (the seed: 1000 requests/hour): `API_KEY_RATE_LIMIT`;
- per signed-in user (JWT; staff and customer logins): `API_USER_RATE_LIMIT`;
- per client address for anonymous requests: `API_ANON_RATE_LIMIT`;
- per client address on the sign-in endpoints: `API_AUTH_RATE_LIMIT`.

The client address is the peer's address unless `API_TRUSTED_PROXY_COUNT` proxies are in front:
then it is the address the outermost trusted proxy saw, read from the right of
`X-Forwarded-For` (entries a client typed are on the left and are ignored), so a spoofed header
never makes a new bucket."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiKey, User


def client_ip(request: HttpRequest | Request) -> str:
    """The client's address, trusting exactly `API_TRUSTED_PROXY_COUNT` proxies."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    trusted = int(settings.API_TRUSTED_PROXY_COUNT)
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    # Each trusted proxy appended the address it received from; the outermost one's entry is
    # `trusted` places from the right. A shorter header came from fewer proxies than promised:
    # its leftmost entry is still one a trusted proxy wrote, never one from beyond them.
    candidate = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class _StockroomThrottle(SimpleRateThrottle):
    cache_format = "throttle:%(scope)s:%(ident)s"
    setting_name = ""

    def get_rate(self) -> str:
        return str(getattr(settings, self.setting_name))

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class ApiKeyRateThrottle(_StockroomThrottle):
    scope = "api_key"
    setting_name = "API_KEY_RATE_LIMIT"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return f"throttle:api-key:{request.auth.pk}"


class UserRateThrottle(_StockroomThrottle):
    """Signed-in users (JWT): one count per account, whichever address they come from."""

    scope = "user"
    setting_name = "API_USER_RATE_LIMIT"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = request.user
        if isinstance(request.auth, ApiKey) or not isinstance(user, User):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AnonymousRateThrottle(_StockroomThrottle):
    """Requests without credentials: one count per client address."""

    scope = "anon"
    setting_name = "API_ANON_RATE_LIMIT"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.auth is not None or getattr(request.user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthEndpointRateThrottle(_StockroomThrottle):
    """Sign-in and token refresh: one count per client address, credentials or not."""

    scope = "auth"
    setting_name = "API_AUTH_RATE_LIMIT"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
