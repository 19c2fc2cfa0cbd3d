"""The real documents against the simulator (in-process): paged and bulk results, mapped and
applied, leave the mirror equal to the store, field by field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from catalog.models import Product, ProductVariant
from customers.models import Customer
from inventory.models import InventoryLevel
from orders.models import Order
from shopify import mirror, queries
from shopify.mapping.graphql import LineMapper, complete_children, items_from_line, lines_from_node
from shopify.rows import MirrorDelete, MirrorItem, MirrorRow, legacy_id
from shopify.simulator import Simulator
from shopify.simulator.api import handle_graphql

pytestmark = pytest.mark.django_db

# (document, root field, page size under the 1,000-point cost limit)
PAGED = [
    ("LocationsPage", "locations", 50),
    ("ProductsPage", "products", 1),
    ("CollectionsPage", "collections", 1),
    ("CustomersPage", "customers", 5),
    ("OrdersPage", "orders", 1),
    ("InventoryPage", "inventoryItems", 5),
]


def execute(simulator: Simulator, document: str, **variables: Any) -> dict[str, Any]:
    body = json.dumps({"query": document, "variables": variables}).encode()
    response = handle_graphql(simulator, body)
    assert "errors" not in response, response["errors"]
    data: dict[str, Any] = response["data"]
    return data


def paged_nodes(simulator: Simulator, name: str, root: str, first: int) -> Iterator[dict[str, Any]]:
    after = None
    while True:
        connection = execute(simulator, queries.PAGED_DOCUMENTS[name], first=first, after=after)[
            root
        ]
        yield from connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            return
        after = connection["pageInfo"]["endCursor"]


def order_children(simulator: Simulator, order_ids: list[str]) -> list[MirrorItem]:
    """Fulfillment and refund line items (ORDER_CHILDREN), 50 orders a request."""
    items: list[MirrorItem] = []
    for start in range(0, len(order_ids), 50):
        data = execute(simulator, queries.ORDER_CHILDREN, ids=order_ids[start : start + 50])
        for node in data["nodes"]:
            items.extend(item for line in lines_from_node(node) for item in items_from_line(line))
    return items


def with_children(node: dict[str, Any]) -> bool:
    return bool(node.get("fulfillments") or node.get("refunds"))


def remaining_variants(simulator: Simulator, product: dict[str, Any]) -> list[MirrorItem]:
    """The variants past a product's first page (PRODUCT_VARIANTS), as the sync pages them."""
    items: list[MirrorItem] = []
    page = product["variants"]["pageInfo"]
    while page["hasNextPage"]:
        data = execute(
            simulator,
            queries.PRODUCT_VARIANTS,
            id=product["id"],
            first=100,
            after=page["endCursor"],
        )["product"]
        items.extend(item for line in lines_from_node(data) for item in items_from_line(line))
        page = data["variants"]["pageInfo"]
    return items


def paged_items(simulator: Simulator) -> list[MirrorItem]:
    items: list[MirrorItem] = []
    order_ids = []
    for name, root, first in PAGED:
        for node in paged_nodes(simulator, name, root, first):
            items.extend(item for line in lines_from_node(node) for item in items_from_line(line))
            items.extend(complete_children(node))
            if root == "products":
                items.extend(remaining_variants(simulator, node))
            if root == "orders" and with_children(node):
                order_ids.append(node["id"])
    return items + order_children(simulator, order_ids)


# Variant images for a bulk sync (two levels of connections, as bulk queries allow).
VARIANT_MEDIA = "{ productVariants { edges { node { id media { edges { node { id } } } } } } }"


def bulk_lines(simulator: Simulator, resource: str) -> list[dict[str, Any]]:
    document = queries.BULK_DOCUMENTS.get(resource, resource)
    operation, errors = simulator.bulk.start(queries.bulk_query(document))
    assert errors == []
    assert operation is not None
    simulator.bulk.wait()
    path = simulator.bulk.file(operation["_id"])
    assert path is not None
    with path.open("rb") as file:
        return [json.loads(raw) for raw in file if raw.strip()]


def without_image(item: MirrorItem) -> MirrorItem:
    if not isinstance(item, MirrorRow) or item.model != "product_variant":
        return item
    fields = {name: value for name, value in item.fields.items() if name != "image"}
    refs = {name: value for name, value in item.refs.items() if name != "image"}
    return MirrorRow(item.model, item.shopify_id, fields, refs)


def test_a_paged_sync_mirrors_the_store_field_by_field(simulator: Simulator) -> None:
    items = paged_items(simulator)

    result = mirror.apply(items)

    assert result.deferred == []
    assert mirror.diff(items) == []
    assert set(mirror.snapshot("product")) == set(simulator.snapshot("products"))
    assert set(mirror.snapshot("customer")) == set(simulator.snapshot("customers"))
    assert set(mirror.snapshot("order")) == set(simulator.snapshot("orders"))
    assert set(mirror.snapshot("product_variant")) == set(simulator.snapshot("variants"))
    assert InventoryLevel.objects.count() == sum(
        len(item["inventoryLevels"]) for item in simulator.snapshot("inventory_items").values()
    )
    # A second identical pass changes nothing.
    again = mirror.apply(items)
    assert (again.created, again.updated, again.stale, again.deleted) == ({}, {}, {}, {})


def test_a_bulk_sync_equals_a_paged_one(simulator: Simulator) -> None:
    mirror.apply(
        item
        for node in paged_nodes(simulator, "LocationsPage", "locations", 50)
        for line in lines_from_node(node)
        for item in items_from_line(line)
    )
    bulk: list[MirrorItem] = []
    for resource in ("products", "collections", "customers", "orders", "inventory"):
        mapper = LineMapper()
        lines = bulk_lines(simulator, resource)
        items = [item for line in lines for item in mapper.items(line)]
        if resource == "orders":
            order_ids = [line["id"] for line in lines if with_children(line)]
            items.extend(order_children(simulator, order_ids))
        result = mirror.apply(items, batch_size=100)
        assert result.deferred == []
        bulk.extend(items)

    assert mirror.diff(bulk) == []
    # What the paged documents see, the bulk ones wrote; but bulk variants carry no image link
    # (a connection three levels deep is more than a bulk query may hold) ...
    paged = paged_items(simulator)
    assert mirror.diff([without_image(item) for item in paged]) == []
    # ... which a bulk query of the variants' media brings.
    mapper = LineMapper()
    media = [item for line in bulk_lines(simulator, VARIANT_MEDIA) for item in mapper.items(line)]
    assert mirror.apply(media).deferred == []
    assert mirror.diff(paged) == []
    assert Product.objects.count() == len(simulator.snapshot("products"))
    assert ProductVariant.objects.count() == len(simulator.snapshot("variants"))
    assert Customer.objects.count() == len(simulator.snapshot("customers"))
    assert Order.objects.count() == len(simulator.snapshot("orders"))


def test_a_merchant_edit_and_a_deletion_reach_the_mirror(simulator: Simulator) -> None:
    mirror.apply(paged_items(simulator))
    product_id = sorted(simulator.snapshot("products"))[0]
    simulator.update_product(product_id, title="Renamed at Shopify")
    gone = sorted(simulator.snapshot("products"))[1]
    simulator.delete_product(gone)

    items = paged_items(simulator)
    mirror.apply(items)
    events = execute(simulator, queries.DELETION_EVENTS, first=50, query="action:destroy")
    deletes = [
        legacy_id(node["subjectId"])
        for node in events["events"]["nodes"]
        if node.get("subjectType") == "PRODUCT"
    ]
    mirror.apply([MirrorDelete("product", shopify_id) for shopify_id in deletes])

    assert Product.objects.get(shopify_id=product_id).title == "Renamed at Shopify"
    assert gone not in mirror.snapshot("product")
    assert mirror.diff(items) == []
