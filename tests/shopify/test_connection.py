"""The connection services: which shop, which token, uninstall, the circuit breaker's row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shopify.choices import CircuitState
from shopify.client import CircuitBreaker, CircuitOpenError
from shopify.connection import (
    ShopifyNotConfiguredError,
    connection_access_token,
    connection_circuit_reset,
    connection_get,
    connection_mark_uninstalled,
    connection_token_source,
)
from shopify.models import ShopifyConnection

pytestmark = pytest.mark.django_db

SHOP = "acme-goods.myshopify.com"


@pytest.fixture
def configured(settings: Any) -> Any:
    settings.SHOPIFY_SHOP_DOMAIN = SHOP
    settings.SHOPIFY_ACCESS_TOKEN = "shpat_from_the_environment_1234"
    settings.SHOPIFY_API_VERSION = "2026-10"
    return settings


def test_connection_get_creates_the_configured_shop_once(configured: Any) -> None:
    first = connection_get()
    second = connection_get()

    assert first.pk == second.pk
    assert ShopifyConnection.objects.count() == 1
    assert first.shop_domain == SHOP
    assert first.api_version == "2026-10"
    assert first.access_token == ""  # the environment's token is never copied into the database
    assert connection_access_token(connection=first) == "shpat_from_the_environment_1234"
    assert connection_token_source(connection=first) == "environment"


def test_connection_get_follows_the_configured_api_version(configured: Any) -> None:
    connection_get()
    configured.SHOPIFY_API_VERSION = "2027-01"

    assert connection_get().api_version == "2027-01"
    assert ShopifyConnection.objects.get().api_version == "2027-01"


def test_connection_get_without_a_shop_is_a_configuration_error(settings: Any) -> None:
    settings.SHOPIFY_SHOP_DOMAIN = ""

    with pytest.raises(ShopifyNotConfiguredError, match="SHOPIFY_SHOP_DOMAIN"):
        connection_get()
    assert ShopifyConnection.objects.count() == 0


def test_connection_get_refuses_a_domain_that_is_not_a_shop(settings: Any) -> None:
    settings.SHOPIFY_SHOP_DOMAIN = "evil.example.com"

    with pytest.raises(ShopifyNotConfiguredError, match="not a shop domain"):
        connection_get()
    assert ShopifyConnection.objects.count() == 0


def test_connection_get_without_setting_uses_the_one_installed_shop(settings: Any) -> None:
    settings.SHOPIFY_SHOP_DOMAIN = ""
    installed = ShopifyConnection.objects.create(
        shop_domain=SHOP, access_token="shpat_oauth_token_9876", installed_at=timezone.now()
    )

    assert connection_get().pk == installed.pk


def test_a_stored_oauth_token_wins_over_the_environment(configured: Any) -> None:
    connection = connection_get()
    connection.access_token = "shpat_oauth_token_9876"
    connection.save()

    assert connection_access_token(connection=connection) == "shpat_oauth_token_9876"
    assert connection_token_source(connection=connection) == "oauth"


def test_no_token_anywhere_is_a_configuration_error(configured: Any) -> None:
    configured.SHOPIFY_ACCESS_TOKEN = ""
    connection = connection_get()

    with pytest.raises(ShopifyNotConfiguredError, match="No access token"):
        connection_access_token(connection=connection)


def test_mark_uninstalled_forgets_the_tokens(configured: Any) -> None:
    connection = connection_get()
    ShopifyConnection.objects.filter(pk=connection.pk).update(
        access_token="shpat_oauth_token_9876",
        refresh_token="shprt_refresh_5555",
        access_token_expires_at=timezone.now() + timedelta(hours=1),
        refresh_token_expires_at=timezone.now() + timedelta(days=90),
        scopes="read_products",
    )

    connection_mark_uninstalled(shop_domain=SHOP)

    connection.refresh_from_db()
    assert connection.access_token == ""
    assert connection.refresh_token == ""
    assert connection.access_token_expires_at is None
    assert connection.refresh_token_expires_at is None
    assert connection.scopes == ""
    assert connection.uninstalled_at is not None
    with pytest.raises(ShopifyNotConfiguredError, match="uninstalled"):
        connection_access_token(connection=connection)


def test_mark_uninstalled_of_an_unknown_shop_changes_nothing(configured: Any) -> None:
    connection = connection_get()

    connection_mark_uninstalled(shop_domain="other-shop.myshopify.com")

    connection.refresh_from_db()
    assert connection.uninstalled_at is None


class Clock:
    def __init__(self) -> None:
        self.moment = timezone.now()

    def __call__(self) -> Any:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def test_the_persisted_breaker_opens_after_the_threshold_and_every_process_sees_it(
    configured: Any,
) -> None:
    connection = connection_get()
    clock = Clock()
    worker_a = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)
    worker_b = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)

    for attempt in range(4):
        worker_a.before_request()
        worker_a.record_failure(error=f"HTTP 503 #{attempt}")
    connection.refresh_from_db()
    assert (connection.circuit_state, connection.consecutive_failures) == (CircuitState.CLOSED, 4)

    worker_b.before_request()
    worker_b.record_failure(error="HTTP 503 #4")

    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.OPEN
    assert connection.consecutive_failures == 5
    assert connection.circuit_opened_at == clock.moment
    assert connection.last_error == "HTTP 503 #4"
    with pytest.raises(CircuitOpenError) as raised:
        worker_a.before_request()
    assert raised.value.shop_domain == SHOP
    assert raised.value.until == clock.moment + timedelta(seconds=60)
    assert str(raised.value) == (
        f"circuit open for {SHOP}: no requests until "
        f"{(clock.moment + timedelta(seconds=60)).isoformat()} (last error: HTTP 503 #4)"
    )


def test_after_the_cooldown_one_process_probes_and_its_success_closes_the_circuit(
    configured: Any,
) -> None:
    connection = connection_get()
    clock = Clock()
    worker_a = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)
    worker_b = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)
    for _ in range(5):
        worker_a.record_failure(error="HTTP 502")
    clock.advance(60)

    worker_a.before_request()  # claims the probe
    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.HALF_OPEN
    with pytest.raises(CircuitOpenError):
        worker_b.before_request()  # the probe is taken

    worker_a.record_success()

    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.CLOSED
    assert connection.consecutive_failures == 0
    assert connection.circuit_opened_at is None
    assert connection.last_success_at == clock.moment
    worker_b.before_request()


def test_a_failed_probe_opens_the_circuit_again_for_a_full_cooldown(configured: Any) -> None:
    connection = connection_get()
    clock = Clock()
    breaker = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)
    for _ in range(5):
        breaker.record_failure(error="timeout")
    clock.advance(61)
    breaker.before_request()

    breaker.record_failure(error="timeout again")

    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.OPEN
    assert connection.circuit_opened_at == clock.moment
    assert connection.consecutive_failures == 6
    clock.advance(59)
    with pytest.raises(CircuitOpenError):
        breaker.before_request()


def test_a_probe_whose_process_died_can_be_claimed_after_another_cooldown(
    configured: Any,
) -> None:
    connection = connection_get()
    clock = Clock()
    dead = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)
    alive = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)
    for _ in range(5):
        dead.record_failure(error="HTTP 500")
    clock.advance(60)
    dead.before_request()  # and never reports

    clock.advance(60)
    alive.before_request()

    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.HALF_OPEN
    assert connection.circuit_opened_at == clock.moment


def test_closing_the_circuit_by_hand(configured: Any) -> None:
    connection = connection_get()
    breaker = CircuitBreaker(shop_domain=SHOP, connection=connection)
    for _ in range(5):
        breaker.record_failure(error="HTTP 500")

    connection_circuit_reset(connection=connection)

    connection.refresh_from_db()
    assert (connection.circuit_state, connection.consecutive_failures) == (CircuitState.CLOSED, 0)
    breaker.before_request()


def test_a_healthy_circuit_records_success_at_most_once_a_minute(configured: Any) -> None:
    connection = connection_get()
    clock = Clock()
    breaker = CircuitBreaker(shop_domain=SHOP, connection=connection, now=clock)
    breaker.before_request()
    breaker.record_success()
    first = clock.moment

    clock.advance(30)
    breaker.before_request()
    breaker.record_success()
    connection.refresh_from_db()
    assert connection.last_success_at == first

    clock.advance(31)
    breaker.before_request()
    breaker.record_success()
    connection.refresh_from_db()
    assert connection.last_success_at == clock.moment
