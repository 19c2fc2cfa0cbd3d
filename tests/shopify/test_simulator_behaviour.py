"""Simulator behaviour where a sync engine can go wrong: paging, throttling, bulk JSONL, webhooks,
OAuth, determinism and seeded faults."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from shopify import queries
from shopify.simulator import Faults, Simulator, WebhookFaults, sign
from shopify.simulator.api import handle_graphql
from shopify.simulator.server import SimulatorServer, oauth_hmac

VECTOR = Path(__file__).resolve().parents[1] / "fixtures/shopify/hmac_webhook_test_vector.json"
IDS_PAGE = """
query Ids($first: Int, $last: Int, $after: String, $before: String, $query: String,
    $reverse: Boolean, $sortKey: ProductSortKeys) {
  products(first: $first, last: $last, after: $after, before: $before, query: $query,
      reverse: $reverse, sortKey: $sortKey) {
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id legacyResourceId updatedAt } }
  }
}
"""


def run(sim: Simulator, document: str, **variables: Any) -> dict[str, Any]:
    return handle_graphql(sim, json.dumps({"query": document, "variables": variables}).encode())


def ids(sim: Simulator, **variables: Any) -> list[int]:
    response = run(sim, IDS_PAGE, **variables)
    assert "errors" not in response, response["errors"]
    return [int(edge["node"]["legacyResourceId"]) for edge in response["data"]["products"]["edges"]]


def test_cursor_paging_reverse_and_filters(simulator: Simulator) -> None:
    by_id = sorted(simulator.store.tables["products"])
    first = run(simulator, IDS_PAGE, first=5, sortKey="ID")["data"]["products"]
    after = first["pageInfo"]["endCursor"]

    assert [int(e["node"]["legacyResourceId"]) for e in first["edges"]] == by_id[:5]
    assert first["pageInfo"]["hasNextPage"] is True
    assert ids(simulator, first=5, after=after, sortKey="ID") == by_id[5:10]
    assert ids(simulator, first=3, sortKey="ID", reverse=True) == by_id[::-1][:3]
    assert ids(simulator, last=2, sortKey="ID") == by_id[-2:]
    assert ids(simulator, first=250, sortKey="ID", query=f"id:>{by_id[3]}") == by_id[4:]
    assert (
        ids(simulator, first=250, sortKey="ID", query=f"id:>={by_id[3]} AND id:<={by_id[5]}")
        == by_id[3:6]
    )
    moment = sorted(p["updatedAt"] for p in simulator.store.tables["products"].values())[10]
    expected = sorted(
        (p for p in simulator.store.tables["products"].values() if p["updatedAt"] >= moment),
        key=lambda p: (p["updatedAt"], p["_id"]),
    )
    assert ids(simulator, first=250, sortKey="UPDATED_AT", query=f"updated_at:>='{moment}'") == [
        p["_id"] for p in expected
    ]


def test_first_over_250_is_an_error(simulator: Simulator) -> None:
    response = run(simulator, IDS_PAGE, first=251)

    assert [error["message"] for error in response["errors"]] == [
        "The first argument must be a value between 0 and 250."
    ]


def test_a_record_updated_during_a_scan_moves_behind_the_cursor(simulator: Simulator) -> None:
    simulator.clock.set(datetime(2026, 8, 1, tzinfo=UTC))
    seen: list[int] = []
    page = run(simulator, IDS_PAGE, first=5, sortKey="UPDATED_AT")["data"]["products"]
    seen += [int(e["node"]["legacyResourceId"]) for e in page["edges"]]
    simulator.update_product(seen[0], title="Renamed during the scan")
    after = page["pageInfo"]["endCursor"]
    while True:
        page = run(simulator, IDS_PAGE, first=5, after=after, sortKey="UPDATED_AT")["data"][
            "products"
        ]
        seen += [int(e["node"]["legacyResourceId"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen[-1] == seen[0]
    assert simulator.store.tables["products"][seen[0]]["updatedAt"] == "2026-08-01T00:00:00Z"


def test_on_page_served_hook_and_shared_updated_at(simulator: Simulator) -> None:
    calls: list[tuple[str, int]] = []
    simulator.on_page_served = lambda name, page: calls.append((name, page))
    product_ids = sorted(simulator.store.tables["products"])[:6]
    simulator.share_updated_at("products", product_ids, datetime(2026, 9, 1, tzinfo=UTC))

    first = ids(
        simulator, first=3, sortKey="UPDATED_AT", query="updated_at:>='2026-09-01T00:00:00Z'"
    )

    assert first == product_ids[:3]
    assert calls == [("Ids", 1)]


def test_throttled_when_the_bucket_cannot_pay(simulator: Simulator) -> None:
    simulator.plan = "standard"
    simulator.bucket.available = 100.0
    simulator.bucket.restore_rate = 0.0

    response = run(simulator, IDS_PAGE, first=250)

    assert response["errors"] == [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ]
    assert response["extensions"]["cost"] == {
        "requestedQueryCost": 252,
        "actualQueryCost": None,
        "throttleStatus": {
            "maximumAvailable": 2000.0,
            "currentlyAvailable": 100.0,
            "restoreRate": 0.0,
        },
    }
    assert simulator.stats.throttled == 1


def test_actual_cost_is_refunded(simulator: Simulator) -> None:
    simulator.plan = "standard"
    simulator.bucket.restore_rate = 0.0

    response = run(simulator, IDS_PAGE, first=250)

    cost = response["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 252
    assert cost["actualQueryCost"] == 2 + len(simulator.store.tables["products"])
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000.0 - cost["actualQueryCost"]


def test_max_cost_exceeded(simulator: Simulator) -> None:
    response = run(simulator, queries.PRODUCTS_PAGE, first=4)

    assert response["errors"][0]["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "cost": 1062,
        "maxCost": 1000,
        "documentation": "https://shopify.dev/api/usage/rate-limits",
    }
    assert "data" not in response


def test_bulk_jsonl_has_parents_before_children_not_always_adjacent(
    simulator: Simulator, simulator_server: SimulatorServer
) -> None:
    started = run(simulator, queries.BULK_RUN, query=queries.bulk_query(queries.BULK_PRODUCTS))
    simulator.bulk.wait()
    operation_id = started["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
    status = run(simulator, queries.BULK_STATUS, id=operation_id)["data"]["node"]

    body = httpx.get(status["url"], timeout=10)
    lines = [json.loads(line) for line in body.text.splitlines()]

    assert body.status_code == 200
    products = [line for line in lines if "__parentId" not in line]
    assert [line["id"] for line in products] == [
        p["id"] for p in sorted(simulator.store.tables["products"].values(), key=lambda p: p["_id"])
    ]
    variants = [line for line in lines if line["id"].startswith("gid://shopify/ProductVariant/")]
    assert len(variants) == len(simulator.store.tables["variants"])
    position = {line["id"]: index for index, line in enumerate(lines)}
    assert all(
        position[line["__parentId"]] < position[line["id"]]
        for line in lines
        if "__parentId" in line
    )
    non_adjacent = [
        line
        for index, line in enumerate(lines)
        if "__parentId" in line
        and lines[index - 1]["id"] != line["__parentId"]
        and lines[index - 1].get("__parentId") != line["__parentId"]
    ]
    assert non_adjacent
    variant = simulator.store.tables["variants"][int(variants[0]["id"].rsplit("/", 1)[1])]
    assert variants[0]["__parentId"] == variant["product"]["id"]
    assert variants[0]["inventoryItem"]["sku"] == variant["sku"]
    assert "variants" not in products[0] and "options" in products[0]


def test_bulk_honours_the_filter_and_one_operation_at_a_time(simulator: Simulator) -> None:
    simulator.bulk.delay_seconds = 0.5
    largest = max(simulator.store.tables["customers"])
    query = queries.bulk_query(queries.BULK_CUSTOMERS, f"id:>={largest}")
    first = run(simulator, queries.BULK_RUN, query=query)["data"]["bulkOperationRunQuery"]
    second = run(simulator, queries.BULK_RUN, query=query)["data"]["bulkOperationRunQuery"]
    simulator.bulk.wait()

    assert second["bulkOperation"] is None
    assert second["userErrors"] == [
        {
            "field": ["query"],
            "message": "A bulk query operation for this app and shop is already in progress: "
            f"{first['bulkOperation']['id']}.",
            "code": "OPERATION_IN_PROGRESS",
        }
    ]
    status = run(simulator, queries.BULK_STATUS, id=first["bulkOperation"]["id"])["data"]["node"]
    assert status["rootObjectCount"] == "1"
    invalid = run(simulator, queries.BULK_RUN, query="{ products { edges { node { colour } } } }")
    assert invalid["data"]["bulkOperationRunQuery"]["userErrors"] == [
        {
            "field": ["query"],
            "message": "Invalid bulk query: Cannot query field 'colour' on type 'Product'.",
            "code": "INVALID",
        }
    ]


def test_webhook_hmac_matches_the_test_vector() -> None:
    vector = json.loads(VECTOR.read_text())

    assert sign(vector["secret"], vector["raw_body"].encode()) == vector["expected_hmac_base64"]


def test_deliveries_are_signed_with_every_header_and_retried_with_the_same_body(
    simulator: Simulator,
) -> None:
    received: list[tuple[str, bytes, dict[str, str]]] = []
    answers = iter([500, 503, 200])

    def sender(url: str, body: bytes, headers: dict[str, str]) -> int:
        received.append((url, body, headers))
        return next(answers)

    simulator.webhook_sender = sender
    simulator.webhooks.retry_delays = (0.0, 0.0)
    product_id = min(simulator.store.tables["products"])
    payload = simulator.webhook_payload("products/update", product_id)

    statuses = simulator.deliver("products/update", payload, address="http://127.0.0.1:1/hook")

    assert statuses == [500, 503, 200]
    assert len({body for _, body, _ in received}) == 1
    assert len({headers["X-Shopify-Webhook-Id"] for _, _, headers in received}) == 1
    _, body, headers = received[0]
    expected = base64.b64encode(
        hmac.new(simulator.api_secret.encode(), body, hashlib.sha256).digest()
    )
    assert headers["X-Shopify-Hmac-Sha256"] == expected.decode()
    assert headers["X-Shopify-Topic"] == "products/update"
    assert headers["X-Shopify-Shop-Domain"] == "stockroom-simulator.myshopify.com"
    assert headers["X-Shopify-API-Version"] == "2026-10"
    assert {"X-Shopify-Triggered-At", "X-Shopify-Event-Id"} <= set(headers)
    assert json.loads(body)["id"] == product_id
    assert json.loads(body)["admin_graphql_api_id"] == f"gid://shopify/Product/{product_id}"


def test_product_payload_carries_at_most_100_variants() -> None:
    sim = Simulator.generate(
        seed=2, products=2, customers=1, orders=0, big_product=True, fixtures=False
    )
    big = max(sim.store.tables["products"].values(), key=lambda p: len(p["variants"]))

    payload = sim.webhook_payload("products/update", big["_id"])

    assert len(big["variants"]) == 2048
    assert len(payload["variants"]) == 100
    assert len(payload["variant_gids"]) == 2048


def test_emitted_webhooks_with_faults_are_seeded() -> None:
    def deliveries(seed: int) -> list[str]:
        sim = Simulator.generate(seed=1, products=20, customers=20, orders=5)
        got: list[str] = []
        sim.webhook_address = "http://127.0.0.1:1/hook"

        def sender(url: str, body: bytes, headers: dict[str, str]) -> int:
            got.append(headers["X-Shopify-Webhook-Id"])
            return 200

        sim.webhook_sender = sender
        sim.webhook_faults = WebhookFaults(
            seed=seed, duplicate_rate=0.3, shuffle=True, drop_rate=0.1
        )
        for product_id in sorted(sim.store.tables["products"]):
            sim.update_product(product_id, vendor="Changed")
        assert got == []
        sim.flush_webhooks()
        return got

    first, again = deliveries(3), deliveries(3)

    assert first == again
    assert len(first) != len(set(first))
    assert len(set(first)) < 22


def test_same_seed_same_store_and_faults_reproduce() -> None:
    one = Simulator.generate(seed=5, products=10, customers=5, orders=10)
    two = Simulator.generate(seed=5, products=10, customers=5, orders=10)
    other = Simulator.generate(seed=6, products=10, customers=5, orders=10)

    for kind in ("products", "variants", "customers", "orders", "collections", "locations"):
        assert one.snapshot(kind) == two.snapshot(kind)
    assert one.snapshot("orders") != other.snapshot("orders")
    assert one.access_token == two.access_token
    faults_a, faults_b = (
        Faults(seed=9, error_rate=0.2, timeout_rate=0.1),
        Faults(seed=9, error_rate=0.2, timeout_rate=0.1),
    )
    assert [faults_a.draw() for _ in range(50)] == [faults_b.draw() for _ in range(50)]


def test_injected_errors_over_http(simulator: Simulator, simulator_server: SimulatorServer) -> None:
    simulator.faults = Faults(seed=7, error_rate=0.5)
    statuses = [
        httpx.post(
            simulator_server.graphql_url,
            json={"query": "{ shop { id } }"},
            headers={"X-Shopify-Access-Token": simulator.access_token},
            timeout=10,
        ).status_code
        for _ in range(20)
    ]
    expected = Faults(seed=7, error_rate=0.5)
    assert statuses == [200 if (d := expected.draw()) is None else d[1] for _ in range(20)]
    assert simulator.stats.errors_injected == statuses.count(502) + statuses.count(503)


def test_oauth_install_and_expiring_tokens(
    simulator: Simulator, simulator_server: SimulatorServer
) -> None:
    authorize = httpx.get(
        f"{simulator_server.base_url}/admin/oauth/authorize",
        params={
            "client_id": simulator.api_key,
            "scope": "read_products,read_orders",
            "redirect_uri": "https://stockroom.example.com/shopify/callback",
            "state": "nonce-1",
        },
        timeout=10,
    )
    assert authorize.status_code == 302
    location = urlsplit(authorize.headers["Location"])
    params = dict(parse_qsl(location.query))
    assert location.path == "/shopify/callback"
    assert set(params) == {"code", "hmac", "host", "shop", "state", "timestamp"}
    assert params["state"] == "nonce-1"
    assert params["shop"] == simulator.shop_domain
    assert params["hmac"] == oauth_hmac(simulator.api_secret, params)

    token = httpx.post(
        f"{simulator_server.base_url}/admin/oauth/access_token",
        json={
            "client_id": simulator.api_key,
            "client_secret": simulator.api_secret,
            "code": params["code"],
            "expiring": "1",
        },
        timeout=10,
    ).json()
    assert token["scope"] == "read_products,read_orders"
    assert token["expires_in"] == 3600
    assert token["refresh_token_expires_in"] == 7776000
    reused = httpx.post(
        f"{simulator_server.base_url}/admin/oauth/access_token",
        json={
            "client_id": simulator.api_key,
            "client_secret": simulator.api_secret,
            "code": params["code"],
        },
        timeout=10,
    )
    assert reused.status_code == 400
    shop = httpx.post(
        simulator_server.graphql_url,
        json={"query": "{ shop { id } }"},
        headers={"X-Shopify-Access-Token": token["access_token"]},
        timeout=10,
    )
    assert shop.status_code == 200
    refreshed = httpx.post(
        f"{simulator_server.base_url}/admin/oauth/access_token",
        json={
            "client_id": simulator.api_key,
            "client_secret": simulator.api_secret,
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
        },
        timeout=10,
    ).json()
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]


def test_a_cursor_from_another_sort_key_is_an_error(simulator: Simulator) -> None:
    by_title = run(simulator, IDS_PAGE, first=2, sortKey="TITLE")["data"]["products"]

    response = run(
        simulator, IDS_PAGE, first=2, sortKey="ID", after=by_title["pageInfo"]["endCursor"]
    )

    assert [error["message"] for error in response["errors"]] == [
        "Invalid cursor for current pagination sort."
    ]
    titles = [
        simulator.store.tables["products"][legacy_id]["title"].lower()
        for legacy_id in ids(simulator, first=250, sortKey="TITLE")
    ]
    assert titles == sorted(titles)


CURRENT_BULK = "{ currentBulkOperation { id status objectCount url } }"


def test_bulk_status_runs_through_created_running_completed(simulator: Simulator) -> None:
    simulator.bulk.delay_seconds = 0.5
    started = run(simulator, queries.BULK_RUN, query=queries.bulk_query(queries.BULK_COLLECTIONS))
    operation = started["data"]["bulkOperationRunQuery"]["bulkOperation"]

    running = run(simulator, CURRENT_BULK)["data"]["currentBulkOperation"]
    simulator.bulk.wait()
    done = run(simulator, CURRENT_BULK)["data"]["currentBulkOperation"]

    assert operation["status"] == "CREATED"
    assert running == {"id": operation["id"], "status": "RUNNING", "objectCount": "0", "url": None}
    legacy_id = int(operation["id"].rsplit("/", 1)[1])
    collections = simulator.store.tables["collections"].values()
    assert done == {
        "id": operation["id"],
        "status": "COMPLETED",
        "objectCount": str(len(collections) + sum(len(c["products"]) for c in collections)),
        "url": f"{simulator.base_url}/bulk/{legacy_id}.jsonl",
    }


def test_inventory_changes_show_in_graphql_and_snapshots(simulator: Simulator) -> None:
    simulator.clock.set(datetime(2026, 7, 3, tzinfo=UTC))
    location = simulator.stocking[0]
    item = next(
        item
        for item in simulator.store.tables["inventory_items"].values()
        if any(level["location"] is location for level in item["inventoryLevels"])
    )

    simulator.set_inventory(item["_id"], location["_id"], 7)

    level = next(
        lv
        for lv in simulator.snapshot("inventory_items")[item["_id"]]["inventoryLevels"]
        if lv["location"] == {"id": location["id"]}
    )
    assert level["quantities"]["available"] == 7
    assert level["updatedAt"] == "2026-07-03T00:00:00Z"
    variant = item["variant"]
    expected = sum(lv["_quantities"]["available"] for lv in item["inventoryLevels"])
    answer = run(
        simulator,
        "query V($id: ID!) { productVariant(id: $id) { inventoryQuantity } }",
        id=variant["id"],
    )
    assert answer["data"] == {"productVariant": {"inventoryQuantity": expected}}
    assert ids(simulator, first=250, query="updated_at:>='2026-07-03T00:00:00Z'") == []
    changed = run(
        simulator,
        "query C($query: String) { inventoryItems(first: 10, query: $query) { nodes { id } } }",
        query="updated_at:>='2026-07-03T00:00:00Z'",
    )
    assert changed["data"]["inventoryItems"]["nodes"] == [{"id": item["id"]}]


def test_five_hundred_records_share_one_updated_at() -> None:
    sim = Simulator.generate(seed=4, products=600, customers=1, orders=0, fixtures=False)
    chosen = sorted(sim.store.tables["products"])[:500]
    sim.share_updated_at("products", chosen, datetime(2026, 9, 9, 9, 9, 9, tzinfo=UTC))

    seen: list[int] = []
    after = None
    while True:
        page = run(
            sim,
            IDS_PAGE,
            first=250,
            after=after,
            sortKey="UPDATED_AT",
            query="updated_at:>='2026-09-09T09:09:09Z'",
        )["data"]["products"]
        seen += [int(edge["node"]["legacyResourceId"]) for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == chosen
