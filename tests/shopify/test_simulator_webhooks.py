"""Webhook payloads are shaped like Shopify's fixtures; merchant edits emit the matching topics."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopify.simulator import Faults, Simulator
from shopify.simulator.server import SimulatorServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/shopify"


def missing_keys(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Keys of the fixture (recursively, first list item) absent from the simulator's payload."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{path}.{key}" for key in expected if key not in actual]
        for key in expected:
            if key in actual:
                found += missing_keys(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and expected and actual:
        return missing_keys(expected[0], actual[0], f"{path}[]")
    return []


def collect(sim: Simulator) -> list[tuple[str, dict[str, Any]]]:
    received: list[tuple[str, dict[str, Any]]] = []

    def sender(url: str, body: bytes, headers: dict[str, str]) -> int:
        received.append((headers["X-Shopify-Topic"], json.loads(body)))
        return 200

    sim.webhook_address = "http://127.0.0.1:1/webhooks/shopify/"
    sim.webhook_sender = sender
    return received


def _order_with_everything(sim: Simulator) -> dict[str, Any]:
    return next(
        order
        for order in sorted(sim.store.tables["orders"].values(), key=lambda o: o["_id"])
        if order["refunds"] and order["fulfillments"] and order["customer"]
    )


@pytest.mark.parametrize(
    ("fixture", "topic"),
    [
        ("webhook_2025-10_orders_create.json", "orders/create"),
        ("webhook_2025-10_products_update.json", "products/update"),
        ("webhook_2025-10_customers_update.json", "customers/update"),
        ("webhook_2025-10_refunds_create.json", "refunds/create"),
        ("webhook_2025-10_fulfillments_create.json", "fulfillments/create"),
        ("webhook_2025-10_order_transactions_create.json", "order_transactions/create"),
        ("webhook_2024-04_inventory_levels_update.json", "inventory_levels/update"),
        ("webhook_2025-10_inventory_items_update.json", "inventory_items/update"),
        ("webhook_2025-10_locations_update.json", "locations/update"),
    ],
)
def test_payloads_carry_every_key_of_shopifys(
    simulator: Simulator, fixture: str, topic: str
) -> None:
    order = _order_with_everything(simulator)
    legacy_id = {
        "orders/create": order["_id"],
        "products/update": 632910392,
        "customers/update": order["customer"]["_id"],
        "refunds/create": order["refunds"][0]["_id"],
        "fulfillments/create": order["fulfillments"][0]["_id"],
        "order_transactions/create": order["transactions"][0]["_id"],
        "inventory_levels/update": 808950810,
        "inventory_items/update": 808950810,
        "locations/update": 655441491,
    }[topic]

    payload = simulator.webhook_payload(topic, legacy_id)

    assert missing_keys(json.loads((FIXTURES / fixture).read_text()), payload) == []
    assert payload["id" if topic != "inventory_levels/update" else "inventory_item_id"] == legacy_id


def test_product_payload_values(simulator: Simulator) -> None:
    payload = simulator.webhook_payload("products/update", 632910392)

    assert payload["title"] == "IPod Nano - 8GB"
    assert payload["status"] == "active"
    assert payload["tags"] == "Emotive, Flash Memory, MP3, Music"
    assert payload["created_at"] == "2025-04-02T12:29:59-04:00"  # the shop's zone, New York
    assert [v["id"] for v in payload["variants"]] == [808950810, 49148385, 39072856, 457924702]
    assert payload["variants"][0]["inventory_quantity"] == 10
    assert payload["variants"][0]["image_id"] == 562641783
    assert [(image["id"], image["variant_ids"]) for image in payload["images"]] == [
        (850703190, []),
        (562641783, [808950810]),
        (378407906, []),
    ]


def test_create_order_emits_the_lifecycle_topics_and_commits_stock(simulator: Simulator) -> None:
    received = collect(simulator)
    simulator.clock.set(datetime(2026, 7, 2, 9, 30, tzinfo=UTC))
    location = simulator.stocking[0]
    variant, level = min(
        (
            (variant, level)
            for variant in simulator.store.tables["variants"].values()
            for level in variant["inventoryItem"]["inventoryLevels"]
            if level["location"] is location
        ),
        key=lambda pair: pair[0]["_id"],
    )
    before = dict(level["_quantities"])

    order = simulator.create_order(lines=[(variant["_id"], 2)], lifecycle="fulfilled")

    kinds = [transaction["kind"] for transaction in order["transactions"]]
    assert kinds in (["SALE"], ["AUTHORIZATION", "CAPTURE"])
    assert [topic for topic, _ in received] == [
        "orders/create",
        "orders/paid",
        *["order_transactions/create"] * len(kinds),
        "fulfillments/create",
        "orders/fulfilled",
    ]
    assert received[0][1]["id"] == order["_id"]
    assert received[0][1]["created_at"] == "2026-07-02T05:30:00-04:00"
    assert order["createdAt"] == order["updatedAt"] == "2026-07-02T09:30:00Z"
    assert level["_quantities"]["available"] == before["available"] - 2
    assert level["_quantities"]["committed"] == before["committed"] + 2
    assert simulator.store.tables["orders"][order["_id"]] is order


def test_edits_emit_updates_and_deletes(simulator: Simulator) -> None:
    received = collect(simulator)
    product_id = 632910392
    customer_id = min(simulator.store.tables["customers"])
    location = simulator.stocking[0]

    simulator.update_product(product_id, title="IPod Nano - 16GB")
    simulator.update_variant(808950810, price="149.00")
    simulator.set_inventory(808950810, 655441491, 3)
    simulator.update_customer(customer_id, note="Called")
    simulator.update_location(location["_id"], name="Main warehouse")
    simulator.delete_product(product_id)
    simulator.delete_customer(customer_id)

    assert [(topic, payload.get("id")) for topic, payload in received] == [
        ("products/update", product_id),
        ("products/update", product_id),
        ("inventory_levels/update", None),
        ("customers/update", customer_id),
        ("locations/update", location["_id"]),
        ("products/delete", product_id),
        ("customers/delete", customer_id),
    ]
    assert received[0][1]["title"] == "IPod Nano - 16GB"
    assert received[1][1]["variants"][0]["price"] == "149.00"
    assert received[2][1]["available"] == 3
    assert received[5][1] == {"id": product_id}


def test_subscriptions_route_topics(simulator: Simulator) -> None:
    received: list[str] = []

    def sender(url: str, body: bytes, headers: dict[str, str]) -> int:
        received.append(url)
        return 200

    simulator.webhook_sender = sender
    simulator.subscribe(topic="CUSTOMERS_UPDATE", callback_url="http://127.0.0.1:1/customers")
    simulator.subscribe(topic="PRODUCTS_UPDATE", callback_url="http://127.0.0.1:1/products")

    simulator.update_customer(min(simulator.store.tables["customers"]), note="x")

    assert received == ["http://127.0.0.1:1/customers"]


def test_bulk_finish_webhook(simulator: Simulator) -> None:
    received = collect(simulator)
    operation, errors = simulator.bulk.start("{ locations { edges { node { id name } } } }")
    simulator.bulk.wait()

    assert errors == []
    assert operation is not None
    assert received == [
        (
            "bulk_operations/finish",
            {
                "admin_graphql_api_id": operation["id"],
                "completed_at": received[0][1]["completed_at"],
                "created_at": received[0][1]["created_at"],
                "error_code": None,
                "status": "completed",
                "type": "query",
            },
        )
    ]


def test_timeouts_are_injected(simulator: Simulator, simulator_server: SimulatorServer) -> None:
    simulator.faults = Faults(seed=1, timeout_rate=1.0, timeout_seconds=0.3)

    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            simulator_server.graphql_url,
            json={"query": "{ shop { id } }"},
            headers={"X-Shopify-Access-Token": simulator.access_token},
            timeout=0.1,
        )

    assert simulator.stats.timeouts_injected == 1


def test_variant_deletion_and_collection_membership(simulator: Simulator) -> None:
    received = collect(simulator)
    simulator.clock.set(datetime(2026, 7, 4, tzinfo=UTC))
    collection_id = min(simulator.store.tables["collections"])
    members = sorted(simulator.store.tables["products"])[:2]

    simulator.delete_variant(49148385)
    simulator.set_collection_products(collection_id, members)

    product = simulator.store.tables["products"][632910392]
    assert [v["_id"] for v in product["variants"]] == [808950810, 39072856, 457924702]
    assert [v["position"] for v in product["variants"]] == [1, 2, 3]
    assert 49148385 not in simulator.store.tables["variants"]
    assert product["updatedAt"] == "2026-07-04T00:00:00Z"
    assert [topic for topic, _ in received] == ["products/update", "collections/update"]
    assert [v["id"] for v in received[0][1]["variants"]] == [808950810, 39072856, 457924702]
    assert [p["_id"] for p in simulator.store.tables["collections"][collection_id]["products"]] == (
        members
    )
