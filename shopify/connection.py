"""Services for the connection to the shop: which shop, its token (from the environment or the
OAuth install, expiring offline tokens refreshed before they lapse), the circuit breaker's state,
and the OAuth authorization code grant.

The token: an OAuth install stores its token (and, for expiring offline tokens, the refresh token
and both expiries) on the connection; otherwise SHOPIFY_ACCESS_TOKEN is used, read at the time of
use, so it is never copied into the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .choices import CircuitState
from .models import SHOP_DOMAIN_REGEX, ShopifyConnection

SHOP_DOMAIN_PATTERN = re.compile(SHOP_DOMAIN_REGEX)
TOKEN_REFRESH_MARGIN = timedelta(minutes=5)
OAUTH_STATE_TTL_SECONDS = 600
OAUTH_MAX_AGE = timedelta(days=1)
OAUTH_TIMEOUT_SECONDS = 15.0
SUCCESS_WRITE_INTERVAL = timedelta(seconds=60)


class ShopifyNotConfiguredError(ImproperlyConfigured):
    """No shop to talk to, or no token to talk to it with."""


class ShopifyOAuthError(Exception):
    """The OAuth flow failed; `code` is the API error code shown to the caller."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- the configured connection -------------------------------------------------------------------


def shop_domain_valid(*, shop_domain: str) -> bool:
    return bool(SHOP_DOMAIN_PATTERN.fullmatch(shop_domain))


def connection_get() -> ShopifyConnection:
    """The configured shop's connection (SHOPIFY_SHOP_DOMAIN), created on first use; without that
    setting, the one shop installed through OAuth."""
    shop_domain = settings.SHOPIFY_SHOP_DOMAIN.strip().lower()
    if not shop_domain:
        installed = list(
            ShopifyConnection.objects.filter(
                installed_at__isnull=False, uninstalled_at__isnull=True
            )[:2]
        )
        if len(installed) == 1:
            return installed[0]
        raise ShopifyNotConfiguredError(
            "No Shopify shop configured: set SHOPIFY_SHOP_DOMAIN (your-store.myshopify.com) and "
            "SHOPIFY_ACCESS_TOKEN, or install the app through /shopify/install?shop=…"
        )
    if not shop_domain_valid(shop_domain=shop_domain):
        raise ShopifyNotConfiguredError(
            f"SHOPIFY_SHOP_DOMAIN={shop_domain!r} is not a shop domain "
            "(expected your-store.myshopify.com)"
        )
    connection, created = ShopifyConnection.objects.get_or_create(
        shop_domain=shop_domain, defaults={"api_version": settings.SHOPIFY_API_VERSION}
    )
    if not created and connection.api_version != settings.SHOPIFY_API_VERSION:
        connection.api_version = settings.SHOPIFY_API_VERSION
        connection.save(update_fields=["api_version", "updated_at"])
    return connection


def connection_token_source(*, connection: ShopifyConnection) -> str:
    """Where requests take their token from: "oauth", "environment" or "" (none)."""
    if connection.access_token:
        return "oauth"
    if connection.uninstalled_at is None and settings.SHOPIFY_ACCESS_TOKEN:
        return "environment"
    return ""


def connection_access_token(*, connection: ShopifyConnection) -> str:
    """The token to send: the stored OAuth token (refreshed through the refresh-token grant when
    less than five minutes of it are left) or SHOPIFY_ACCESS_TOKEN."""
    if connection.access_token:
        expires_at = connection.access_token_expires_at
        if expires_at is not None and expires_at - timezone.now() < TOKEN_REFRESH_MARGIN:
            connection_refresh_token(connection=connection)
        return connection.access_token
    if connection.uninstalled_at is not None:
        raise ShopifyNotConfiguredError(
            f"The app was uninstalled from {connection.shop_domain} at "
            f"{connection.uninstalled_at.isoformat()}; install it again through /shopify/install"
        )
    if settings.SHOPIFY_ACCESS_TOKEN:
        return str(settings.SHOPIFY_ACCESS_TOKEN)
    raise ShopifyNotConfiguredError(
        f"No access token for {connection.shop_domain}: set SHOPIFY_ACCESS_TOKEN or install the "
        "app through /shopify/install"
    )


def connection_token_reload(*, connection: ShopifyConnection) -> str:
    """Shopify refused the token: another process may have rotated it. Read the stored pair
    again (updating `connection`) and return the token to use now."""
    connection.refresh_from_db(fields=[*_GRANT_FIELDS, "uninstalled_at"])
    return connection_access_token(connection=connection)


def connection_refresh_token(*, connection: ShopifyConnection) -> ShopifyConnection:
    """Exchange the refresh token for a new token pair and store it. The row is locked while
    refreshing, so two processes never spend the same refresh token; one that waited for the
    lock finds the fresh pair and uses it. Updates `connection` in place."""
    with transaction.atomic():
        locked = ShopifyConnection.objects.select_for_update().get(pk=connection.pk)
        expires_at = locked.access_token_expires_at
        still_fresh = expires_at is not None and expires_at - timezone.now() >= TOKEN_REFRESH_MARGIN
        if not still_fresh:
            if not locked.refresh_token:
                raise ShopifyNotConfiguredError(
                    f"The access token of {locked.shop_domain} expires at {expires_at} and there "
                    "is no refresh token: install the app again through /shopify/install"
                )
            grant = oauth_token_request(
                shop_domain=locked.shop_domain,
                data={
                    "client_id": settings.SHOPIFY_API_KEY,
                    "client_secret": settings.SHOPIFY_API_SECRET,
                    "grant_type": "refresh_token",
                    "refresh_token": locked.refresh_token,
                },
            )
            _apply_grant(locked, grant, now=timezone.now())
            locked.save(update_fields=[*_GRANT_FIELDS, "updated_at"])
    for name in (*_GRANT_FIELDS, "updated_at"):
        setattr(connection, name, getattr(locked, name))
    return connection


def connection_mark_uninstalled(*, shop_domain: str) -> None:
    """The app/uninstalled webhook: the shop's tokens are void; forget them."""
    now = timezone.now()
    ShopifyConnection.objects.filter(shop_domain=shop_domain).update(
        access_token="",
        access_token_expires_at=None,
        refresh_token="",
        refresh_token_expires_at=None,
        scopes="",
        uninstalled_at=now,
        updated_at=now,
    )


# --- the circuit breaker's state -----------------------------------------------------------------


@dataclass(frozen=True)
class CircuitSnapshot:
    state: str
    opened_at: datetime | None
    consecutive_failures: int
    last_error: str
    last_success_at: datetime | None


def connection_circuit_read(*, connection: ShopifyConnection) -> CircuitSnapshot:
    row = ShopifyConnection.objects.values(
        "circuit_state",
        "circuit_opened_at",
        "consecutive_failures",
        "last_error",
        "last_success_at",
    ).get(pk=connection.pk)
    return CircuitSnapshot(
        state=row["circuit_state"],
        opened_at=row["circuit_opened_at"],
        consecutive_failures=row["consecutive_failures"],
        last_error=row["last_error"],
        last_success_at=row["last_success_at"],
    )


def connection_circuit_probe(
    *, connection: ShopifyConnection, now: datetime, cooldown: timedelta
) -> bool:
    """Claim the half-open probe once the cool-down is over. Exactly one process wins; a probe
    that never reported (its process died) may be claimed again after another cool-down."""
    claimed = ShopifyConnection.objects.filter(
        pk=connection.pk,
        circuit_state__in=[CircuitState.OPEN, CircuitState.HALF_OPEN],
        circuit_opened_at__lte=now - cooldown,
    ).update(circuit_state=CircuitState.HALF_OPEN, circuit_opened_at=now, updated_at=now)
    return claimed == 1


def connection_record_success(
    *, connection: ShopifyConnection, now: datetime, known: CircuitSnapshot | None = None
) -> None:
    """Close the circuit. A healthy closed circuit is written at most once a minute (its
    `last_success_at`), not on every request."""
    if (
        known is not None
        and known.state == CircuitState.CLOSED
        and known.consecutive_failures == 0
        and known.last_success_at is not None
        and now - known.last_success_at < SUCCESS_WRITE_INTERVAL
    ):
        return
    ShopifyConnection.objects.filter(pk=connection.pk).update(
        circuit_state=CircuitState.CLOSED,
        circuit_opened_at=None,
        consecutive_failures=0,
        last_success_at=now,
        updated_at=now,
    )


def connection_record_failure(
    *,
    connection: ShopifyConnection,
    error: str,
    now: datetime,
    threshold: int,
    probe_failed: bool,
) -> CircuitSnapshot:
    """Count a failed request; open the circuit at `threshold` consecutive failures, or at once
    when the half-open probe failed."""
    with transaction.atomic():
        ShopifyConnection.objects.filter(pk=connection.pk).update(
            consecutive_failures=F("consecutive_failures") + 1,
            last_error=error[:2000],
            updated_at=now,
        )
        opening = ShopifyConnection.objects.filter(pk=connection.pk).exclude(
            circuit_state=CircuitState.OPEN
        )
        if not probe_failed:
            opening = opening.filter(consecutive_failures__gte=threshold)
        opening.update(circuit_state=CircuitState.OPEN, circuit_opened_at=now)
    return connection_circuit_read(connection=connection)


# --- OAuth (authorization code grant) ------------------------------------------------------------


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    scopes: str
    expires_in: int | None
    refresh_token: str
    refresh_token_expires_in: int | None


_GRANT_FIELDS = (
    "access_token",
    "scopes",
    "access_token_expires_at",
    "refresh_token",
    "refresh_token_expires_at",
)


def _apply_grant(connection: ShopifyConnection, grant: TokenGrant, *, now: datetime) -> None:
    connection.access_token = grant.access_token
    if grant.scopes:
        connection.scopes = grant.scopes
    connection.access_token_expires_at = (
        now + timedelta(seconds=grant.expires_in) if grant.expires_in else None
    )
    connection.refresh_token = grant.refresh_token
    connection.refresh_token_expires_at = (
        now + timedelta(seconds=grant.refresh_token_expires_in)
        if grant.refresh_token and grant.refresh_token_expires_in
        else None
    )


def shop_base_url(*, shop_domain: str) -> str:
    """https://{shop}, or SHOPIFY_API_BASE_URL (the simulator) when set."""
    return (settings.SHOPIFY_API_BASE_URL or f"https://{shop_domain}").rstrip("/")


def oauth_state_issue(*, shop_domain: str) -> str:
    """A random, single-use state for one install, valid for ten minutes."""
    state = secrets.token_urlsafe(32)
    cache.set(_state_key(state), shop_domain, timeout=OAUTH_STATE_TTL_SECONDS)
    return state


def oauth_state_consume(*, state: str, shop_domain: str) -> bool:
    """True once for a state issued for this shop; False if unknown, expired or already used."""
    if not state:
        return False
    key = _state_key(state)
    issued_for = cache.get(key)
    # delete() reports whether this caller removed the key: of two concurrent callbacks with the
    # same state, only one wins.
    if issued_for is None or not cache.delete(key):
        return False
    return hmac.compare_digest(str(issued_for), shop_domain)


def _state_key(state: str) -> str:
    return "shopify:oauth-state:" + hashlib.sha256(state.encode()).hexdigest()


def oauth_authorize_url(*, shop_domain: str, state: str, redirect_uri: str) -> str:
    query = urlencode(
        {
            "client_id": settings.SHOPIFY_API_KEY,
            "scope": settings.SHOPIFY_SCOPES,
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{shop_base_url(shop_domain=shop_domain)}/admin/oauth/authorize?{query}"


def oauth_hmac_valid(*, params: list[tuple[str, str]], secret: str) -> bool:
    """Shopify's query-string signature: hex HMAC-SHA256 of the other parameters, sorted and
    joined as `k=v&k=v`, compared in constant time."""
    received = [value for key, value in params if key == "hmac"]
    if len(received) != 1 or not secret:
        return False
    message = "&".join(f"{k}={v}" for k, v in sorted((k, v) for k, v in params if k != "hmac"))
    expected = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received[0].lower())


def oauth_timestamp_fresh(*, timestamp: str, now: datetime | None = None) -> bool:
    """At most a day old (and not from the future, with a minute of clock skew)."""
    try:
        seconds = int(timestamp)
    except ValueError:
        return False
    moment = datetime.fromtimestamp(seconds, tz=timezone.get_current_timezone())
    current = now or timezone.now()
    return current - OAUTH_MAX_AGE <= moment <= current + timedelta(minutes=1)


def oauth_token_request(*, shop_domain: str, data: dict[str, Any]) -> TokenGrant:
    """POST /admin/oauth/access_token (code or refresh-token grant) and read the token pair."""
    url = f"{shop_base_url(shop_domain=shop_domain)}/admin/oauth/access_token"
    try:
        response = httpx.post(
            url, data=data, headers={"Accept": "application/json"}, timeout=OAUTH_TIMEOUT_SECONDS
        )
    except httpx.HTTPError as error:
        raise ShopifyOAuthError("TOKEN_EXCHANGE_FAILED", f"{url}: {error!r}") from error
    if response.status_code != 200:
        raise ShopifyOAuthError(
            "TOKEN_EXCHANGE_FAILED",
            f"{url} answered HTTP {response.status_code}: {response.text[:300]}",
        )
    try:
        body = response.json()
        return TokenGrant(
            access_token=str(body["access_token"]),
            scopes=str(body.get("scope") or ""),
            expires_in=int(body["expires_in"]) if body.get("expires_in") else None,
            refresh_token=str(body.get("refresh_token") or ""),
            refresh_token_expires_in=(
                int(body["refresh_token_expires_in"])
                if body.get("refresh_token_expires_in")
                else None
            ),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ShopifyOAuthError(
            "TOKEN_EXCHANGE_FAILED", f"{url} answered without an access token"
        ) from error


def oauth_exchange_code(*, shop_domain: str, code: str) -> TokenGrant:
    """Trade the authorization code for an expiring offline token and its refresh token."""
    return oauth_token_request(
        shop_domain=shop_domain,
        data={
            "client_id": settings.SHOPIFY_API_KEY,
            "client_secret": settings.SHOPIFY_API_SECRET,
            "code": code,
            "expiring": "1",
        },
    )


def connection_install(*, shop_domain: str, grant: TokenGrant) -> ShopifyConnection:
    """Store the tokens of a completed install (a reinstall replaces the previous ones)."""
    now = timezone.now()
    with transaction.atomic():
        connection, _ = ShopifyConnection.objects.select_for_update().get_or_create(
            shop_domain=shop_domain, defaults={"api_version": settings.SHOPIFY_API_VERSION}
        )
        _apply_grant(connection, grant, now=now)
        connection.installed_at = now
        connection.uninstalled_at = None
        connection.save(
            update_fields=[*_GRANT_FIELDS, "installed_at", "uninstalled_at", "updated_at"]
        )
    return connection


def connection_circuit_reset(*, connection: ShopifyConnection) -> None:
    """Staff closed the circuit by hand (the shop is known to be back)."""
    ShopifyConnection.objects.filter(pk=connection.pk).update(
        circuit_state=CircuitState.CLOSED,
        circuit_opened_at=None,
        consecutive_failures=0,
        updated_at=timezone.now(),
    )
