"""The simulator over HTTP: authentication, versions, Shopify's error shapes."""

from __future__ import annotations

import httpx

from shopify.simulator import Simulator
from shopify.simulator.server import INVALID_TOKEN, SimulatorServer

SHOP_QUERY = "{ shop { myshopifyDomain currencyCode } }"


def _post(
    server: SimulatorServer, token: str | None, query: str, version: str = "2026-10"
) -> httpx.Response:
    headers = {} if token is None else {"X-Shopify-Access-Token": token}
    return httpx.post(
        f"{server.base_url}/admin/api/{version}/graphql.json",
        json={"query": query},
        headers=headers,
        timeout=10,
    )


def test_without_a_token_is_401_with_shopifys_body(
    simulator: Simulator, simulator_server: SimulatorServer
) -> None:
    response = _post(simulator_server, None, SHOP_QUERY)

    assert response.status_code == 401
    assert response.json() == {"errors": INVALID_TOKEN}
    assert simulator.stats.unauthorized == 1


def test_a_wrong_token_is_401(simulator_server: SimulatorServer) -> None:
    response = _post(simulator_server, "shpat_wrong", SHOP_QUERY)

    assert response.status_code == 401
    assert response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


def test_the_token_reads_the_shop(simulator: Simulator, simulator_server: SimulatorServer) -> None:
    response = _post(simulator_server, simulator.access_token, SHOP_QUERY)

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {
        "shop": {"myshopifyDomain": "stockroom-simulator.myshopify.com", "currencyCode": "USD"}
    }
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1
    assert body["extensions"]["cost"]["actualQueryCost"] == 1


def test_an_unknown_api_version_is_404(
    simulator: Simulator, simulator_server: SimulatorServer
) -> None:
    response = _post(simulator_server, simulator.access_token, SHOP_QUERY, version="2026-13")

    assert response.status_code == 404
    assert response.json() == {"errors": "Not Found"}


def test_a_wrong_field_fails_like_shopify_with_200(
    simulator: Simulator, simulator_server: SimulatorServer
) -> None:
    response = _post(simulator_server, simulator.access_token, "{ shop { colour } }")

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert [error["message"] for error in body["errors"]] == [
        "Cannot query field 'colour' on type 'Shop'."
    ]
