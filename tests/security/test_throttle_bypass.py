"""Throttle bypass: rate limits follow the real client (API key, user, or the address the
trusted proxies saw), never a header the client typed; counts live in Redis, shared by every
worker process."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.api.throttling import client_ip
from tests.accounts.factories import UserFactory
from tests.security.report import AttackReport
from tests.security.world import bearer

pytestmark = pytest.mark.django_db

REAL_CLIENT = "203.0.113.10"
PROXY = "127.0.0.1"


def spoofed_headers(count: int) -> list[dict[str, str]]:
    """Many different forged client-address headers."""
    forms = itertools.cycle(
        [
            lambda n: {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250}"},
            lambda n: {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250}, 192.0.2.{n % 250}"},
            lambda n: {"HTTP_X_FORWARDED_FOR": f"2001:db8::{n:x}"},
            lambda n: {"HTTP_X_FORWARDED_FOR": f"unknown, {n}"},
            lambda n: {"HTTP_X_FORWARDED_FOR": ",".join(f"192.0.2.{i}" for i in range(n % 20))},
            lambda n: {"HTTP_X_FORWARDED_FOR": f" 198.51.100.{n % 250} ,"},
            lambda n: {"HTTP_X_REAL_IP": f"198.51.100.{n % 250}"},
            lambda n: {"HTTP_FORWARDED": f"for=198.51.100.{n % 250};proto=https"},
            lambda n: {"HTTP_TRUE_CLIENT_IP": f"198.51.100.{n % 250}"},
            lambda n: {"HTTP_CF_CONNECTING_IP": f"198.51.100.{n % 250}"},
            lambda n: {"HTTP_X_CLIENT_IP": f"198.51.100.{n % 250}"},
            lambda n: {"HTTP_X_FORWARDED_FOR": "x" * (n % 50 + 1)},
        ]
    )
    return [next(forms)(n) for n in range(count)]


def hammer(
    report: AttackReport,
    attack: str,
    client: APIClient,
    method: str,
    url: str,
    *,
    limit: int,
    attempts: int,
    remote: str = REAL_CLIENT,
    base_headers: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> None:
    """Use up `limit` requests, then try `attempts` spoofed ones: each must be 429."""
    for _ in range(limit):
        response = getattr(client, method)(
            url, body or {}, format="json", REMOTE_ADDR=remote, **(base_headers or {})
        )
        assert response.status_code != 429, (attack, "throttled before the limit")
    for headers in spoofed_headers(attempts):
        merged = {**(base_headers or {}), **headers}
        if base_headers and "HTTP_X_FORWARDED_FOR" in headers:
            # Behind a trusted proxy the spoof goes to the left of the proxy's own entry.
            merged["HTTP_X_FORWARDED_FOR"] = (
                f"{headers['HTTP_X_FORWARDED_FOR']}, {base_headers['HTTP_X_FORWARDED_FOR']}"
            )
        response = getattr(client, method)(
            url, body or {}, format="json", REMOTE_ADDR=remote, **merged
        )
        report.tried(
            f"{attack} {sorted(headers)}",
            got_through=response.status_code != 429,
            status=response.status_code,
        )


@override_settings(API_ANON_RATE_LIMIT="5/minute", API_TRUSTED_PROXY_COUNT=0)
def test_spoofed_forwarding_headers_make_no_new_anonymous_bucket() -> None:
    report = AttackReport("throttle_bypass_anonymous")
    hammer(report, "anonymous GET", APIClient(), "get", "/api/v1/products", limit=5, attempts=120)
    report.assert_none_got_through()


@override_settings(API_ANON_RATE_LIMIT="5/minute", API_TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_bucket_is_the_address_the_proxy_saw() -> None:
    report = AttackReport("throttle_bypass_trusted_proxy")
    client = APIClient()
    proxied = {"HTTP_X_FORWARDED_FOR": REAL_CLIENT}
    hammer(
        report,
        "anonymous GET via proxy",
        client,
        "get",
        "/api/v1/products",
        limit=5,
        attempts=120,
        remote=PROXY,
        base_headers=proxied,
    )
    # Another real client behind the same proxy has a bucket of its own.
    other = client.get("/api/v1/products", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert other.status_code == 401
    report.assert_none_got_through()


@override_settings(API_AUTH_RATE_LIMIT="3/minute", API_TRUSTED_PROXY_COUNT=0)
def test_sign_in_throttle_ignores_spoofed_headers() -> None:
    report = AttackReport("throttle_bypass_sign_in")
    UserFactory.create(email="target@example.com")
    hammer(
        report,
        "POST auth/token",
        APIClient(),
        "post",
        "/api/v1/auth/token",
        limit=3,
        attempts=60,
        body={"email": "target@example.com", "password": "wrong-password-123"},
    )
    hammer(
        report,
        "POST auth/token/refresh",
        APIClient(),
        "post",
        "/api/v1/auth/token/refresh",
        limit=0,
        attempts=30,
        body={"refresh": "not-a-token"},
    )
    report.assert_none_got_through()


@override_settings(API_KEY_RATE_LIMIT="5/minute", API_USER_RATE_LIMIT="5/minute")
def test_per_key_and_per_user_limits_follow_the_credential_not_the_address() -> None:
    report = AttackReport("throttle_bypass_credentials")
    api_key, key = api_key_create(name="integrator", scopes=["read_products"])
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    hammer(report, "API key GET", client, "get", "/api/v1/products", limit=5, attempts=60)
    # The same key from other real addresses: still the same bucket.
    for n in range(20):
        response = client.get("/api/v1/products", REMOTE_ADDR=f"203.0.113.{n + 20}")
        report.tried(f"API key from 203.0.113.{n + 20}", got_through=response.status_code != 429)
    user = UserFactory.create(email="busy@example.com")
    user_client = APIClient()
    user_client.credentials(HTTP_AUTHORIZATION=bearer(user))
    hammer(report, "JWT GET", user_client, "get", "/api/v1/products", limit=5, attempts=60)
    # The counts are in Redis, where every worker process reads them: a fresh connection to
    # the server (not this process's cache client) sees them.
    redis = get_redis_connection("default")
    api_key_bucket = cache.make_key(f"throttle:api-key:{api_key.pk}")
    user_bucket = cache.make_key(f"throttle:user:{user.pk}")
    assert redis.exists(api_key_bucket) == 1
    assert redis.exists(user_bucket) == 1
    assert len(cache.get(f"throttle:api-key:{api_key.pk}")) == 5
    report.assert_none_got_through()


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "198.51.100.1", "203.0.113.1"),
        (0, "203.0.113.1", "", "203.0.113.1"),
        (1, PROXY, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (1, PROXY, "203.0.113.7", "203.0.113.7"),
        (2, PROXY, "198.51.100.1, 203.0.113.7, 192.0.2.1", "203.0.113.7"),
        (2, PROXY, "203.0.113.7", "203.0.113.7"),
        (1, PROXY, "", PROXY),
        (1, PROXY, "198.51.100.1, not-an-address", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(trusted: int, remote: str, forwarded: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(API_TRUSTED_PROXY_COUNT=trusted):
        assert client_ip(request) == expected
