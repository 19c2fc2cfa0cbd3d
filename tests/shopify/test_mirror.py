"""The mirror on PostgreSQL: upserts, stale guard, refs, deletes, children, derived rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from catalog.models import (
    Collection,
    CollectionProduct,
    OptionValue,
    Product,
    ProductImage,
    ProductOption,
    ProductTag,
    ProductVariant,
)
from customers.models import Customer, CustomerAddress, CustomerTag
from finance.models import Transaction
from inventory.models import InventoryLevel, Location
from orders.models import Order
from shopify import mirror
from shopify.mapping.graphql import LineMapper, complete_children, items_from_line, lines_from_node
from shopify.rows import MirrorDelete, MirrorItem

from .test_mapping_graphql_nodes import (
    collection_node,
    customer_node,
    inventory_page_node,
    location_node,
    order_children_node,
    order_node,
    product_node,
    variant_node,
)

pytestmark = pytest.mark.django_db


def mapped(*nodes: dict[str, Any]) -> list[MirrorItem]:
    return [
        item for node in nodes for line in lines_from_node(node) for item in items_from_line(line)
    ]


def test_a_product_is_mirrored_with_everything_it_holds() -> None:
    items = mapped(product_node())

    result = mirror.apply(items)

    assert result.created == {
        "product": 1,
        "product_option": 2,
        "option_value": 3,
        "product_image": 1,
        "product_variant": 2,
        "inventory_item": 2,
        "metafield": 1,
    }
    assert result.deferred == []
    assert mirror.diff(items) == []
    product = Product.objects.get(shopify_id=7001)
    assert sorted(ProductTag.objects.filter(product=product).values_list("tag", flat=True)) == [
        "Summer",
        "cotton",
    ]
    variant = ProductVariant.objects.get(shopify_id=70011)
    assert variant.image == ProductImage.objects.get(shopify_id=3001)
    assert variant.weight == Decimal("0.250")
    assert variant.grams == 250
    assert variant.inventory_item is not None and variant.inventory_item.shopify_id == 170011


def test_applying_twice_changes_nothing() -> None:
    items = mapped(product_node())
    mirror.apply(items)

    again = mirror.apply(items)

    assert (again.created, again.updated, again.stale, again.deleted) == ({}, {}, {}, {})


def test_customers_with_addresses_default_and_tags() -> None:
    items = mapped(customer_node())

    result = mirror.apply(items)

    assert result.created == {"customer": 1, "customer_address": 2}
    # The last order is not mirrored yet: the one difference.
    assert mirror.diff(items) == [mirror.Difference("customer", 8001, "last_order", 4001, None)]
    customer = Customer.objects.get(shopify_id=8001)
    assert customer.default_address is not None and customer.default_address.shopify_id == 6002
    assert sorted(CustomerTag.objects.filter(customer=customer).values_list("tag", flat=True)) == [
        "vip",
        "wholesale",
    ]
    assert dict(CustomerAddress.objects.values_list("shopify_id", "is_default")) == {
        6001: False,
        6002: True,
    }
    assert customer.last_order is None


def test_a_new_default_address_moves_the_flag() -> None:
    mirror.apply(mapped(customer_node()))

    mirror.apply(mapped(customer_node(default_address=6001, updated="2026-02-01T00:00:00Z")))

    assert dict(CustomerAddress.objects.values_list("shopify_id", "is_default")) == {
        6001: True,
        6002: False,
    }
    assert Customer.objects.get(shopify_id=8001).default_address.shopify_id == 6001  # type: ignore[union-attr]


def test_bulk_lines_of_addresses_arrive_after_their_customer() -> None:
    # Bulk JSONL: children carry __parentId but no timestamp; they take the customer's.
    node = customer_node()
    lines = list(lines_from_node(node))
    for line in lines:
        line.pop("__parentUpdatedAt", None)
        line.pop("__index", None)
    customer_items = items_from_line(lines[0])
    address_items = [item for line in lines[1:] for item in items_from_line(line)]

    mirror.apply(customer_items)
    mirror.apply(address_items)

    stored = CustomerAddress.objects.get(shopify_id=6002)
    assert (stored.city, stored.is_default) == ("Ottawa", True)
    assert stored.shopify_updated_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_an_order_with_all_its_children() -> None:
    mirror.apply(mapped(location_node(), product_node(), customer_node()))
    items = mapped(order_node(), order_children_node())

    result = mirror.apply(items)

    assert result.created == {
        "order": 1,
        "order_line_item": 1,
        "fulfillment": 1,
        "fulfillment_line_item": 1,
        "refund": 1,
        "refund_line_item": 1,
        "transaction": 2,
    }
    assert result.deferred == []
    assert mirror.diff(items) == []
    order = Order.objects.get(shopify_id=4001)
    assert (order.number, order.order_number, order.status) == (1, 1001, "open")
    assert Customer.objects.get(shopify_id=8001).last_order == order
    refund_transaction = Transaction.objects.get(shopify_id=4302)
    assert refund_transaction.parent == Transaction.objects.get(shopify_id=4301)


def test_rows_whose_parent_is_missing_are_deferred() -> None:
    items = mapped(order_children_node())

    result = mirror.apply(items)

    assert result.created == {}
    assert sorted(row.model for row in result.deferred) == [
        "fulfillment_line_item",
        "refund_line_item",
    ]


def test_an_older_update_is_ignored() -> None:
    mirror.apply(mapped(product_node(title="New title", updated="2026-03-01T00:00:00Z")))

    result = mirror.apply(mapped(product_node(title="Old title", updated="2026-01-01T00:00:00Z")))

    assert result.stale["product"] == 1
    assert result.updated == {}
    assert Product.objects.get(shopify_id=7001).title == "New title"


def test_a_newer_update_is_applied() -> None:
    mirror.apply(mapped(product_node(title="Old title", updated="2026-01-01T00:00:00Z")))

    result = mirror.apply(
        mapped(product_node(title="New title", tags=["winter"], updated="2026-03-01T00:00:00Z"))
    )

    assert result.updated["product"] == 1
    product = Product.objects.get(shopify_id=7001)
    assert (product.title, product.tags) == ("New title", "winter")
    assert list(ProductTag.objects.filter(product=product).values_list("tag", flat=True)) == [
        "winter"
    ]


def test_a_soft_delete_is_not_undone_by_an_older_update() -> None:
    mirror.apply(mapped(product_node(updated="2026-01-01T00:00:00Z")))
    deleted_at = datetime(2026, 2, 1, tzinfo=UTC)

    result = mirror.apply([MirrorDelete("product", 7001, deleted_at)])
    stale = mirror.apply(mapped(product_node(updated="2026-01-15T00:00:00Z")))

    assert result.deleted == {"product": 1}
    assert stale.stale["product"] == 1
    product = Product.all_objects.get(shopify_id=7001)
    assert product.deleted_at == deleted_at
    assert ProductVariant.all_objects.filter(product=product, deleted_at=deleted_at).count() == 2
    assert mirror.snapshot("product") == {}


def test_a_newer_update_restores_a_deleted_row() -> None:
    mirror.apply(mapped(product_node(updated="2026-01-01T00:00:00Z")))
    mirror.apply([MirrorDelete("product", 7001, datetime(2026, 2, 1, tzinfo=UTC))])

    mirror.apply(mapped(product_node(updated="2026-03-01T00:00:00Z")))

    assert mirror.snapshot("product") == {7001: datetime(2026, 3, 1, tzinfo=UTC)}


def test_children_missing_at_shopify_are_removed() -> None:
    mirror.apply(mapped(product_node()))
    node = product_node(variants=[variant_node(70011, sku="TS-S")], updated="2026-03-01T00:00:00Z")
    node["options"] = node["options"][:1]

    result = mirror.apply([*mapped(node), *complete_children(node)])

    assert result.deleted == {"product_variant": 1, "product_option": 1}
    assert sorted(ProductVariant.objects.values_list("shopify_id", flat=True)) == [70011]
    assert ProductVariant.all_objects.get(shopify_id=70012).deleted_at is not None
    assert list(ProductOption.objects.values_list("name", flat=True)) == ["Size"]
    assert OptionValue.objects.count() == 2


def test_duplicate_skus_from_shopify_are_stored() -> None:
    items = mapped(
        product_node(7001, variants=[variant_node(70011, sku="SAME")]),
        product_node(7002, variants=[variant_node(70021, sku="SAME", image=None)]),
    )

    mirror.apply(items)

    assert ProductVariant.objects.filter(sku="SAME").count() == 2
    assert mirror.diff(items) == []


def test_a_product_with_2048_variants() -> None:
    variants = [
        variant_node(1_000_000 + n, position=n, sku=f"V-{n}", options=(f"S{n}", "Red"), image=None)
        for n in range(1, 2049)
    ]
    items = mapped(product_node(variants=variants))

    result = mirror.apply(items)

    assert result.created["product_variant"] == 2048
    assert result.created["inventory_item"] == 2048
    assert ProductVariant.objects.filter(product__shopify_id=7001).count() == 2048
    assert mirror.diff(items) == []


def test_inventory_levels_are_keyed_by_item_and_location() -> None:
    mirror.apply(mapped(location_node(), product_node()))
    items = mapped(inventory_page_node(available=5))

    created = mirror.apply(items)
    updated = mirror.apply(
        mapped(inventory_page_node(available=-3, updated="2026-02-01T00:00:00Z"))
    )

    assert created.created == {"inventory_level": 1}
    assert updated.updated == {"inventory_item": 1, "inventory_level": 1}
    level = InventoryLevel.objects.get()
    assert (level.available, level.on_hand, level.committed) == (-3, -1, 2)
    assert level.inventory_item.shopify_id == 170011


def test_collections_and_memberships() -> None:
    mirror.apply(mapped(product_node(7001), product_node(7002)))
    items = mapped(
        collection_node(products=(7002, 7001)), collection_node(2002, smart=True, products=())
    )

    result = mirror.apply(items)

    assert result.created == {"collection": 2, "collection_product": 2}
    assert mirror.diff(items) == []
    memberships = CollectionProduct.objects.order_by("position").values_list(
        "product__shopify_id", flat=True
    )
    assert list(memberships) == [7002, 7001]
    smart = Collection.objects.get(shopify_id=2002)
    assert (smart.collection_type, smart.disjunctive, smart.rules) == (
        "smart",
        True,
        [{"column": "tag", "relation": "equals", "condition": "summer"}],
    )


def test_diff_names_every_field_that_differs() -> None:
    items = mapped(location_node())
    mirror.apply(items)
    Location.objects.filter(shopify_id=9001).update(city="Toronto")

    differences = mirror.diff(items + mapped(location_node(9002, name="Other")))

    assert differences == [
        mirror.Difference("location", 9001, "city", "Ottawa", "Toronto"),
        mirror.Difference("location", 9002, "(missing)", "present", None),
    ]


def test_options_swapped_at_shopify_are_mirrored() -> None:
    mirror.apply(mapped(product_node()))
    node = product_node(updated="2026-03-01T00:00:00Z")
    size, color = node["options"]
    node["options"] = [{**color, "position": 1}, {**size, "position": 2}]

    result = mirror.apply(mapped(node))

    assert result.deferred == []
    assert list(ProductOption.objects.order_by("position").values_list("name", "shopify_id")) == [
        ("Color", 70012),
        ("Size", 70011),
    ]
    assert OptionValue.objects.count() == 3


def test_a_row_the_database_refuses_is_deferred_and_the_others_are_written() -> None:
    mirror.apply(mapped(product_node(7001, variants=[])))
    # Shopify gave another (live) product the same handle: we missed the first one's deletion.
    clash = product_node(7002, variants=[])
    clash["handle"] = "cotton-t-shirt-7001"

    result = mirror.apply(mapped(clash, product_node(7003, variants=[])))

    # The refused product, and its options and values (their parent is missing).
    assert [(row.model, row.shopify_id) for row in result.deferred] == [
        ("product", 7002),
        ("product_option", 70021),
        ("product_option", 70022),
        ("option_value", 700211),
        ("option_value", 700212),
        ("option_value", 700221),
    ]
    assert sorted(Product.objects.values_list("shopify_id", flat=True)) == [7001, 7003]


def test_bulk_shipping_lines_update_their_order_and_wait_for_a_missing_one() -> None:
    node = order_node(customer=None)
    lines = list(lines_from_node(node))
    order_line = {key: value for key, value in lines[0].items() if key != "shippingLines"}
    shipping = [
        {**shipping_line, "__parentId": node["id"]}
        for shipping_line in node["shippingLines"]["nodes"] * 2
    ]
    mapper = LineMapper()
    mirror.apply(mapper.items(order_line))

    result = mirror.apply(item for line in shipping for item in mapper.items(line))
    orphan = mirror.apply(items_from_line({**shipping[0], "__parentId": "gid://shopify/Order/1"}))

    assert result.updated == {"order": 1}
    order = Order.objects.get(shopify_id=4001)
    assert [line["code"] for line in order.shipping_lines] == ["STD", "STD"]
    assert order.shopify_updated_at == datetime(2026, 1, 3, tzinfo=UTC)
    assert [(row.model, row.shopify_id) for row in orphan.deferred] == [("order", 1)]
    assert Order.objects.count() == 1


def test_a_bulk_order_line_leaves_the_shipping_lines_to_their_own_lines() -> None:
    # Given a bulk file where an order's shipping line falls into the next chunk
    node = order_node(customer=None)
    order_line = {key: value for key, value in next(lines_from_node(node)).items()}
    order_line.pop("shippingLines")
    shipping_line = {**node["shippingLines"]["nodes"][0], "__parentId": node["id"]}
    mapper = LineMapper()
    first_chunk = mapper.items(order_line)
    mirror.apply(first_chunk)
    mirror.apply(mapper.items(shipping_line))

    # Then the order line says nothing of shipping lines: the first chunk matches the mirror
    # (reconciliation compares chunk by chunk) and a rerun of it keeps them
    assert all("shipping_lines" not in item.fields for item in first_chunk)  # type: ignore[union-attr]
    orders = [item for item in first_chunk if item.model == "order"]  # type: ignore[union-attr]
    assert mirror.diff(orders) == []
    mirror.apply(LineMapper().items(order_line))
    assert [line["code"] for line in Order.objects.get(shopify_id=4001).shipping_lines] == ["STD"]


def test_a_stale_parent_prunes_none_of_its_children() -> None:
    mirror.apply(mapped(product_node(updated="2026-03-01T00:00:00Z")))
    old = product_node(variants=[variant_node(70011, sku="TS-S")], updated="2026-01-01T00:00:00Z")

    result = mirror.apply([*mapped(old), *complete_children(old)])

    assert result.deleted == {}
    assert ProductVariant.objects.count() == 2
