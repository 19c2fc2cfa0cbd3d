"""Every document the connector sends (shopify.queries) executes against the simulator and returns
the records the store holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shopify import queries
from shopify.simulator import Simulator
from shopify.simulator.api import handle_graphql


def run(sim: Simulator, document: str, **variables: Any) -> dict[str, Any]:
    body = json.dumps({"query": document, "variables": variables}).encode()
    return handle_graphql(sim, body)


def data(sim: Simulator, document: str, **variables: Any) -> dict[str, Any]:
    response = run(sim, document, **variables)
    assert "errors" not in response, response.get("errors")
    result: dict[str, Any] = response["data"]
    return result


def page_all(
    sim: Simulator, document: str, root: str, first: int, **variables: Any
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        connection = data(sim, document, first=first, after=after, **variables)[root]
        nodes.extend(connection["nodes"])
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


def by_updated(sim: Simulator, kind: str) -> list[str]:
    records = sim.store.tables[kind].values()
    return [r["id"] for r in sorted(records, key=lambda r: (r["updatedAt"], r["_id"]))]


def test_products_page_serves_every_product_in_updated_at_order_with_its_children(
    simulator: Simulator,
) -> None:
    nodes = page_all(simulator, queries.PRODUCTS_PAGE, "products", first=1)

    assert [node["id"] for node in nodes] == by_updated(simulator, "products")
    ipod = next(node for node in nodes if node["legacyResourceId"] == "632910392")
    assert ipod["title"] == "IPod Nano - 8GB"
    assert ipod["status"] == "ACTIVE"
    assert ipod["tags"] == ["Emotive", "Flash Memory", "MP3", "Music"]
    assert ipod["createdAt"] == "2025-04-02T16:29:59Z"
    assert [value["name"] for value in ipod["options"][0]["optionValues"]] == [
        "Pink",
        "Red",
        "Green",
        "Black",
    ]
    variant = ipod["variants"]["nodes"][0]
    assert variant == {
        "id": "gid://shopify/ProductVariant/808950810",
        "legacyResourceId": "808950810",
        "title": "Pink",
        "sku": "IPOD2008PINK",
        "barcode": "1234_pink",
        "position": 1,
        "price": "199.00",
        "compareAtPrice": None,
        "taxable": True,
        "inventoryPolicy": "CONTINUE",
        "inventoryQuantity": 10,
        "createdAt": "2025-04-02T16:29:59Z",
        "updatedAt": "2025-04-02T16:29:59Z",
        "selectedOptions": [{"name": "Color", "value": "Pink"}],
        "media": {"nodes": [{"id": "gid://shopify/MediaImage/562641783"}]},
        "inventoryItem": {
            "id": "gid://shopify/InventoryItem/808950810",
            "legacyResourceId": "808950810",
            "sku": "IPOD2008PINK",
            "requiresShipping": True,
            "tracked": True,
            "harmonizedSystemCode": None,
            "countryCodeOfOrigin": None,
            "provinceCodeOfOrigin": None,
            "createdAt": "2025-04-02T16:29:59Z",
            "updatedAt": "2025-04-02T16:29:59Z",
            "unitCost": None,
            "measurement": {"weight": {"unit": "GRAMS", "value": 567.0}},
        },
    }
    # The first page holds up to 25 variants and says when there are more
    for node in nodes:
        total = len(simulator.store.require("products", int(node["legacyResourceId"]))["variants"])
        assert len(node["variants"]["nodes"]) == min(total, 25)
        assert node["variants"]["pageInfo"]["hasNextPage"] is (total > 25)
    assert any(node["variants"]["pageInfo"]["hasNextPage"] for node in nodes)


def test_product_variants_pages_a_products_variants(simulator: Simulator) -> None:
    product = max(simulator.store.tables["products"].values(), key=lambda p: len(p["variants"]))
    variants: list[str] = []
    after = None
    while True:
        result = data(simulator, queries.PRODUCT_VARIANTS, id=product["id"], first=2, after=after)
        assert result["product"]["id"] == product["id"]
        connection = result["product"]["variants"]
        variants.extend(node["id"] for node in connection["nodes"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert variants == [variant["id"] for variant in product["variants"]]


def test_collections_and_their_products(simulator: Simulator) -> None:
    nodes = page_all(simulator, queries.COLLECTIONS_PAGE, "collections", first=1)

    assert [node["id"] for node in nodes] == by_updated(simulator, "collections")
    for node in nodes:
        record = simulator.record(node["id"])
        assert record is not None
        assert [p["id"] for p in node["products"]["nodes"]] == [p["id"] for p in record["products"]]
        assert node["ruleSet"] == record["ruleSet"]
    smart = [node for node in nodes if node["ruleSet"] is not None]
    assert smart[0]["ruleSet"]["rules"][0]["column"] == "TAG"

    collection = nodes[0]
    result = data(simulator, queries.COLLECTION_PRODUCTS, id=collection["id"], first=250)
    assert result["collection"]["products"]["nodes"] == collection["products"]["nodes"]


def test_customers_with_addresses_and_consent(simulator: Simulator) -> None:
    nodes = page_all(simulator, queries.CUSTOMERS_PAGE, "customers", first=5)

    assert [node["id"] for node in nodes] == by_updated(simulator, "customers")
    bob = next(node for node in nodes if node["legacyResourceId"] == "207119551")
    assert bob["defaultEmailAddress"] == {
        "emailAddress": "bob.norman@mail.example.com",
        "marketingState": "NOT_SUBSCRIBED",
        "marketingOptInLevel": None,
        "marketingUpdatedAt": "2004-06-13T15:57:11Z",
    }
    assert bob["addressesV2"]["nodes"][0]["id"] == (
        "gid://shopify/MailingAddress/207119551?model_name=CustomerAddress"
    )
    assert bob["defaultAddress"] == {"id": bob["addressesV2"]["nodes"][0]["id"]}
    with_orders = [node for node in nodes if node["numberOfOrders"] != "0"]
    assert with_orders and all(node["lastOrder"]["name"].startswith("#") for node in with_orders)


def test_orders_with_every_child(simulator: Simulator) -> None:
    nodes = page_all(simulator, queries.ORDERS_PAGE, "orders", first=1)

    assert [node["id"] for node in nodes] == by_updated(simulator, "orders")
    statuses = {node["displayFinancialStatus"] for node in nodes}
    assert statuses == {"PENDING", "AUTHORIZED", "PAID", "REFUNDED", "PARTIALLY_REFUNDED", "VOIDED"}
    refunded = next(node for node in nodes if node["displayFinancialStatus"] == "REFUNDED")
    kinds = [transaction["kind"] for transaction in refunded["transactions"]]
    assert kinds[-1] == "REFUND"
    assert refunded["transactions"][-1]["parentTransaction"] == {
        "id": refunded["transactions"][-2]["id"]
    }
    assert refunded["fulfillments"][0]["trackingInfo"][0]["company"] in {"UPS", "USPS"}
    assert refunded["currentTotalPriceSet"]["shopMoney"]["amount"] == "0.00"
    for node in nodes:
        record = simulator.record(node["id"])
        assert record is not None
        assert [line["id"] for line in node["lineItems"]["nodes"]] == [
            line["id"] for line in record["lineItems"]
        ]
        for line in node["lineItems"]["nodes"]:
            variant = simulator.record(line["variant"]["id"])
            assert variant is not None and variant["sku"] == line["sku"]


def test_order_children_and_line_items(simulator: Simulator) -> None:
    orders = sorted(simulator.store.tables["orders"].values(), key=lambda o: o["_id"])
    with_children = [o for o in orders if o["fulfillments"] or o["refunds"]][:10]

    result = data(simulator, queries.ORDER_CHILDREN, ids=[o["id"] for o in with_children])

    assert [node["id"] for node in result["nodes"]] == [o["id"] for o in with_children]
    for node, order in zip(result["nodes"], with_children, strict=True):
        assert [
            [item["lineItem"]["id"] for item in f["fulfillmentLineItems"]["nodes"]]
            for f in node["fulfillments"]
        ] == [
            [item["lineItem"]["id"] for item in f["fulfillmentLineItems"]]
            for f in order["fulfillments"]
        ]
        assert [
            [item["quantity"] for item in r["refundLineItems"]["nodes"]] for r in node["refunds"]
        ] == [[item["quantity"] for item in r["refundLineItems"]] for r in order["refunds"]]

    order = orders[0]
    lines = data(simulator, queries.ORDER_LINE_ITEMS, id=order["id"], first=50)
    assert [line["id"] for line in lines["order"]["lineItems"]["nodes"]] == [
        line["id"] for line in order["lineItems"]
    ]


def test_locations_include_inactive(simulator: Simulator) -> None:
    nodes = page_all(simulator, queries.LOCATIONS_PAGE, "locations", first=3)

    assert sorted(node["id"] for node in nodes) == sorted(
        record["id"] for record in simulator.store.tables["locations"].values()
    )


def test_inventory_items_with_levels_and_named_quantities(simulator: Simulator) -> None:
    nodes = page_all(simulator, queries.INVENTORY_PAGE, "inventoryItems", first=10)

    assert [node["id"] for node in nodes] == [
        item["id"]
        for item in sorted(
            simulator.store.tables["inventory_items"].values(), key=lambda i: i["_id"]
        )
    ]
    item = simulator.store.tables["inventory_items"][808950810]
    node = next(node for node in nodes if node["id"] == item["id"])
    rideau = node["inventoryLevels"]["nodes"][0]
    assert rideau["location"] == {"id": "gid://shopify/Location/655441491"}
    assert rideau["item"] == {"id": "gid://shopify/InventoryItem/808950810"}
    assert rideau["quantities"] == [
        {"name": "available", "quantity": 10},
        {"name": "on_hand", "quantity": 10},
        {"name": "committed", "quantity": 0},
        {"name": "incoming", "quantity": 0},
        {"name": "reserved", "quantity": 0},
    ]


def test_counts_shop_and_webhook_subscriptions(simulator: Simulator) -> None:
    counts = data(simulator, queries.COUNTS)
    assert counts == {
        "products": {"count": 22, "precision": "EXACT"},
        "customers": {"count": 22, "precision": "EXACT"},
        "orders": {"count": 41, "precision": "EXACT"},  # 40 generated, #1001 from the fixtures
        "collections": {"count": 3, "precision": "EXACT"},
        "locations": {"count": 7, "precision": "EXACT"},
    }
    assert data(simulator, queries.SHOP)["shop"]["myshopifyDomain"] == simulator.shop_domain

    created = data(
        simulator,
        queries.WEBHOOK_SUBSCRIPTION_CREATE,
        topic="ORDERS_CREATE",
        webhookSubscription={
            "callbackUrl": "https://stockroom.example.com/webhooks/shopify/",
            "format": "JSON",
        },
    )["webhookSubscriptionCreate"]
    assert created["userErrors"] == []
    assert created["webhookSubscription"]["topic"] == "ORDERS_CREATE"
    listed = data(simulator, queries.WEBHOOK_SUBSCRIPTIONS, first=10)["webhookSubscriptions"]
    assert [(node["topic"], node["format"], node["endpoint"]) for node in listed["nodes"]] == [
        (
            "ORDERS_CREATE",
            "JSON",
            {
                "__typename": "WebhookHttpEndpoint",
                "callbackUrl": "https://stockroom.example.com/webhooks/shopify/",
            },
        )
    ]
    again = data(
        simulator,
        queries.WEBHOOK_SUBSCRIPTION_CREATE,
        topic="ORDERS_CREATE",
        webhookSubscription={"callbackUrl": "https://stockroom.example.com/webhooks/shopify/"},
    )["webhookSubscriptionCreate"]
    assert again["webhookSubscription"] is None
    assert again["userErrors"] == [
        {
            "field": ["webhookSubscription", "callbackUrl"],
            "message": "Address for this topic has already been taken",
        }
    ]
    deleted = data(
        simulator, queries.WEBHOOK_SUBSCRIPTION_DELETE, id=created["webhookSubscription"]["id"]
    )
    assert deleted["webhookSubscriptionDelete"] == {
        "deletedWebhookSubscriptionId": created["webhookSubscription"]["id"],
        "userErrors": [],
    }
    assert (
        data(simulator, queries.WEBHOOK_SUBSCRIPTIONS, first=10)["webhookSubscriptions"]["nodes"]
        == []
    )


def test_deletions_are_destroy_events(simulator: Simulator) -> None:
    simulator.clock.set(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    product = min(simulator.store.tables["products"])
    customer = min(simulator.store.tables["customers"])
    simulator.delete_product(product)
    simulator.delete_customer(customer)

    events = data(
        simulator,
        queries.DELETION_EVENTS,
        first=10,
        query="action:destroy AND created_at:>='2026-07-01T00:00:00Z'",
    )["events"]["nodes"]

    assert [(e["action"], e["subjectType"], e["subjectId"], e["createdAt"]) for e in events] == [
        ("destroy", "PRODUCT", f"gid://shopify/Product/{product}", "2026-07-01T12:00:00Z"),
        ("destroy", "CUSTOMER", f"gid://shopify/Customer/{customer}", "2026-07-01T12:00:00Z"),
    ]
    later = data(
        simulator,
        queries.DELETION_EVENTS,
        first=10,
        query="action:destroy AND created_at:>'2026-07-01T12:00:00Z'",
    )
    assert later["events"]["nodes"] == []
    assert product not in simulator.store.tables["products"]


@pytest.mark.parametrize("name", sorted(queries.BULK_DOCUMENTS))
def test_every_bulk_document_is_accepted_and_completes(simulator: Simulator, name: str) -> None:
    started = data(
        simulator, queries.BULK_RUN, query=queries.bulk_query(queries.BULK_DOCUMENTS[name])
    )

    assert started["bulkOperationRunQuery"]["userErrors"] == []
    simulator.bulk.wait()
    operation_id = started["bulkOperationRunQuery"]["bulkOperation"]["id"]
    status = data(simulator, queries.BULK_STATUS, id=operation_id)["node"]
    assert status["status"] == "COMPLETED"
    assert status["errorCode"] is None
    kind = {"inventory": "inventory_items"}.get(name, name)
    assert status["rootObjectCount"] == str(len(simulator.store.tables[kind]))
    path = simulator.bulk.file(int(operation_id.rsplit("/", 1)[1]))
    assert path is not None
    lines = path.read_bytes().splitlines()
    assert status["objectCount"] == str(len(lines))
    assert status["fileSize"] == str(path.stat().st_size)


def test_shopifys_example_order_is_served_from_the_fixtures(simulator: Simulator) -> None:
    order = data(simulator, queries.ORDER_LINE_ITEMS, id="gid://shopify/Order/450789469", first=10)
    children = data(simulator, queries.ORDER_CHILDREN, ids=["gid://shopify/Order/450789469"])

    lines = order["order"]["lineItems"]["nodes"]
    assert [(line["sku"], line["variant"], line["quantity"]) for line in lines] == [
        ("IPOD2008GREEN", {"id": "gid://shopify/ProductVariant/39072856"}, 1),
        ("IPOD2008RED", {"id": "gid://shopify/ProductVariant/49148385"}, 1),
        ("IPOD2008BLACK", {"id": "gid://shopify/ProductVariant/457924702"}, 1),
    ]
    refund = children["nodes"][0]["refunds"][0]
    assert [
        (item["lineItem"]["id"], item["restockType"], item["subtotalSet"]["shopMoney"]["amount"])
        for item in refund["refundLineItems"]["nodes"]
    ] == [
        ("gid://shopify/LineItem/703073504", "LEGACY_RESTOCK", "195.66"),
        ("gid://shopify/LineItem/466157049", "LEGACY_RESTOCK", "195.67"),
    ]
    record = simulator.store.tables["orders"][450789469]
    assert [
        (t["kind"], t["parentTransaction"] and t["parentTransaction"]["_id"])
        for t in record["transactions"]
    ] == [("AUTHORIZATION", None), ("CAPTURE", 389404469), ("REFUND", 801038806)]
    bob = simulator.store.tables["customers"][207119551]
    generated = [
        o
        for o in simulator.store.tables["orders"].values()
        if o["customer"] is bob and o is not record
    ]
    assert record["customer"] is bob
    assert bob["numberOfOrders"] == str(1 + len(generated))
