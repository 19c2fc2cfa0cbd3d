"""The OAuth install flow against the simulator's authorize and access_token endpoints, and the
refresh of expiring offline tokens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shopify.client import ShopifyClient, ShopifyTokenError
from shopify.connection import ShopifyOAuthError, connection_access_token
from shopify.models import ShopifyConnection
from shopify.simulator import Simulator
from shopify.simulator.server import SimulatorServer, oauth_hmac

pytestmark = pytest.mark.django_db

SCOPES = "read_products,read_orders"


@pytest.fixture
def sim() -> Simulator:
    return Simulator.generate(seed=4, products=1, customers=1, orders=1)


@pytest.fixture
def server(sim: Simulator, settings: Any) -> Iterator[SimulatorServer]:
    running = sim.serve(port=0)
    settings.SHOPIFY_SHOP_DOMAIN = sim.shop_domain
    settings.SHOPIFY_ACCESS_TOKEN = ""
    settings.SHOPIFY_API_BASE_URL = running.base_url
    settings.SHOPIFY_API_KEY = sim.api_key
    settings.SHOPIFY_API_SECRET = sim.api_secret
    settings.SHOPIFY_SCOPES = SCOPES
    yield running
    running.stop()


def _install(browser: Client, shop: str) -> dict[str, str]:
    """Start the install and let the simulator's authorize page answer; the callback's query."""
    started = browser.get(reverse("shopify:install"), {"shop": shop})
    assert started.status_code == 302
    approved = httpx.get(started["Location"], follow_redirects=False)
    assert approved.status_code == 302
    return dict(parse_qsl(urlsplit(approved.headers["Location"]).query))


def _callback(browser: Client, params: dict[str, str]) -> Any:
    return browser.get(f"{reverse('shopify:callback')}?{urlencode(params)}")


def _resigned(sim: Simulator, params: dict[str, str], **changes: str) -> dict[str, str]:
    changed = {**params, **changes}
    changed.pop("hmac")
    changed["hmac"] = oauth_hmac(sim.api_secret, changed)
    return changed


def _error_code(response: Any) -> str:
    assert response.status_code == 400
    body = response.json()
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["details"] == []
    return str(body["error"]["code"])


def test_install_redirects_to_shopify_with_a_state(sim: Simulator, server: SimulatorServer) -> None:
    response = Client().get(reverse("shopify:install"), {"shop": sim.shop_domain})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{server.base_url}/admin/oauth/authorize"
    )
    query = dict(parse_qsl(location.query))
    assert set(query) == {"client_id", "scope", "redirect_uri", "state"}
    assert query["client_id"] == sim.api_key
    assert query["scope"] == SCOPES
    assert query["redirect_uri"] == "http://testserver/shopify/callback"
    assert len(query["state"]) >= 32


def test_the_full_install_stores_an_expiring_token_that_works(
    sim: Simulator, server: SimulatorServer
) -> None:
    browser = Client()
    params = _install(browser, sim.shop_domain)

    response = _callback(browser, params)

    connection = ShopifyConnection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:shopify_shopifyconnection_change", args=[connection.pk]
    )
    assert connection.shop_domain == sim.shop_domain
    assert connection.access_token.startswith("shpat_")
    assert connection.refresh_token.startswith("shprt_")
    assert connection.scopes == SCOPES
    assert connection.installed_at is not None
    assert connection.uninstalled_at is None
    assert connection.access_token_expires_at is not None
    assert connection.refresh_token_expires_at is not None
    lifetime = connection.access_token_expires_at - timezone.now()
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)
    assert connection.refresh_token_expires_at - timezone.now() > timedelta(days=89)
    with ShopifyClient.for_connection(connection) as client:
        assert client.execute("query { shop { myshopifyDomain } }") == {
            "shop": {"myshopifyDomain": sim.shop_domain}
        }


def test_a_bad_hmac_is_refused_and_nothing_is_stored(
    sim: Simulator, server: SimulatorServer
) -> None:
    browser = Client()
    params = _install(browser, sim.shop_domain)

    response = _callback(browser, {**params, "code": "0" * 32})  # tampered after signing

    assert _error_code(response) == "INVALID_HMAC"
    assert ShopifyConnection.objects.count() == 0


def test_a_wrong_state_is_refused_and_nothing_is_stored(
    sim: Simulator, server: SimulatorServer
) -> None:
    browser = Client()
    params = _install(browser, sim.shop_domain)

    response = _callback(browser, _resigned(sim, params, state="forged-state-" + "x" * 30))

    assert _error_code(response) == "INVALID_STATE"
    assert ShopifyConnection.objects.count() == 0


def test_a_state_is_single_use(sim: Simulator, server: SimulatorServer) -> None:
    browser = Client()
    params = _install(browser, sim.shop_domain)
    assert _callback(browser, params).status_code == 302
    token = ShopifyConnection.objects.get().access_token

    replayed = _callback(browser, params)

    assert _error_code(replayed) == "INVALID_STATE"
    assert ShopifyConnection.objects.get().access_token == token


def test_a_state_issued_to_another_browser_is_refused(
    sim: Simulator, server: SimulatorServer
) -> None:
    params = _install(Client(), sim.shop_domain)

    response = _callback(Client(), params)

    assert _error_code(response) == "INVALID_STATE"
    assert ShopifyConnection.objects.count() == 0


def test_a_stale_timestamp_is_refused(sim: Simulator, server: SimulatorServer) -> None:
    browser = Client()
    params = _install(browser, sim.shop_domain)
    two_days_ago = str(int(time.time()) - 2 * 24 * 3600)

    response = _callback(browser, _resigned(sim, params, timestamp=two_days_ago))

    assert _error_code(response) == "STALE_REQUEST"
    assert ShopifyConnection.objects.count() == 0


@pytest.mark.parametrize(
    ("shop", "code"),
    [
        ("evil.example.com", "INVALID_SHOP"),
        ("-bad.myshopify.com", "INVALID_SHOP"),
        ("shop.myshopify.com.evil.com", "INVALID_SHOP"),
        ("", "INVALID_SHOP"),
        ("other-store.myshopify.com", "SHOP_NOT_ALLOWED"),
    ],
)
def test_install_refuses_a_bad_shop(server: SimulatorServer, shop: str, code: str) -> None:
    response = Client().get(reverse("shopify:install"), {"shop": shop})

    assert _error_code(response) == code


def test_a_callback_for_another_shop_is_refused(sim: Simulator, server: SimulatorServer) -> None:
    browser = Client()
    params = _install(browser, sim.shop_domain)

    response = _callback(browser, _resigned(sim, params, shop="other-store.myshopify.com"))

    assert _error_code(response) == "SHOP_NOT_ALLOWED"
    assert ShopifyConnection.objects.count() == 0


def test_a_code_shopify_does_not_know_is_refused_and_nothing_is_stored(
    sim: Simulator, server: SimulatorServer
) -> None:
    browser = Client()
    params = _install(browser, sim.shop_domain)

    response = _callback(browser, _resigned(sim, params, code="f" * 32))

    assert _error_code(response) == "TOKEN_EXCHANGE_FAILED"
    assert ShopifyConnection.objects.count() == 0


def test_install_checks_shopifys_signature_when_it_sends_one(
    sim: Simulator, server: SimulatorServer
) -> None:
    signed = {"shop": sim.shop_domain, "timestamp": str(int(time.time()))}
    signed["hmac"] = oauth_hmac(sim.api_secret, signed)

    good = Client().get(reverse("shopify:install"), signed)
    bad = Client().get(reverse("shopify:install"), {**signed, "hmac": "0" * 64})

    assert good.status_code == 302
    assert _error_code(bad) == "INVALID_HMAC"


def _installed(sim: Simulator) -> ShopifyConnection:
    browser = Client()
    assert _callback(browser, _install(browser, sim.shop_domain)).status_code == 302
    return ShopifyConnection.objects.get()


def test_a_token_with_five_minutes_left_is_refreshed_before_use(
    sim: Simulator, server: SimulatorServer
) -> None:
    connection = _installed(sim)
    old_token, old_refresh = connection.access_token, connection.refresh_token
    ShopifyConnection.objects.filter(pk=connection.pk).update(
        access_token_expires_at=timezone.now() + timedelta(minutes=4)
    )
    connection.refresh_from_db()

    token = connection_access_token(connection=connection)

    stored = ShopifyConnection.objects.get()
    assert token != old_token
    assert token == stored.access_token == connection.access_token
    assert stored.refresh_token not in ("", old_refresh)
    assert stored.access_token_expires_at is not None
    assert stored.access_token_expires_at - timezone.now() > timedelta(minutes=59)
    with ShopifyClient.for_connection(stored) as client:
        assert client.execute("query { shop { id } }")["shop"]["id"]


def test_a_token_with_time_left_is_used_as_it_is(sim: Simulator, server: SimulatorServer) -> None:
    connection = _installed(sim)
    ShopifyConnection.objects.filter(pk=connection.pk).update(
        access_token_expires_at=timezone.now() + timedelta(minutes=6)
    )
    connection.refresh_from_db()

    assert connection_access_token(connection=connection) == connection.access_token
    assert ShopifyConnection.objects.get().refresh_token == connection.refresh_token


def test_a_refused_refresh_is_an_oauth_error_and_keeps_the_stored_pair(
    sim: Simulator, server: SimulatorServer
) -> None:
    connection = _installed(sim)
    ShopifyConnection.objects.filter(pk=connection.pk).update(
        refresh_token="shprt_revoked", access_token_expires_at=timezone.now()
    )
    connection.refresh_from_db()

    with pytest.raises(ShopifyOAuthError, match="HTTP 400"):
        connection_access_token(connection=connection)

    stored = ShopifyConnection.objects.get()
    assert (stored.access_token, stored.refresh_token) == (
        connection.access_token,
        "shprt_revoked",
    )


def test_a_client_whose_token_another_process_rotated_reloads_it_once(
    sim: Simulator, server: SimulatorServer
) -> None:
    connection = _installed(sim)
    old_token = connection.access_token
    with ShopifyClient.for_connection(connection) as client:
        client.execute("query { shop { id } }")
        # another worker refreshed the pair, and Shopify revoked the token this client holds
        elsewhere = ShopifyConnection.objects.get()
        ShopifyConnection.objects.filter(pk=elsewhere.pk).update(
            access_token_expires_at=timezone.now() + timedelta(minutes=1)
        )
        elsewhere.refresh_from_db()
        new_token = connection_access_token(connection=elsewhere)
        sim.tokens.pop(old_token)

        shop = client.execute("query { shop { id } }")

    assert shop["shop"]["id"]
    assert new_token != old_token
    assert connection.access_token == new_token
    assert sim.stats.unauthorized == 1
    assert client.stats.retries == 0


def test_a_client_whose_token_cannot_be_refreshed_raises_a_shopify_error_and_sends_nothing(
    sim: Simulator, server: SimulatorServer
) -> None:
    connection = _installed(sim)
    with ShopifyClient.for_connection(connection) as client:
        ShopifyConnection.objects.filter(pk=connection.pk).update(
            refresh_token="shprt_revoked",
            access_token_expires_at=timezone.now() + timedelta(minutes=1),
        )
        connection.refresh_from_db()
        requests_before = sim.stats.requests

        with pytest.raises(ShopifyTokenError, match="invalid_grant"):
            client.execute("query { shop { id } }")

    assert sim.stats.requests == requests_before
    assert client.bucket.reserved == 0


def test_install_without_app_credentials_is_refused(
    sim: Simulator, server: SimulatorServer, settings: Any
) -> None:
    settings.SHOPIFY_API_KEY = ""

    response = Client().get(reverse("shopify:install"), {"shop": sim.shop_domain})

    assert _error_code(response) == "NOT_CONFIGURED"
