"""The mirror on PostgreSQL: upserts, stale guard, refs, deletes, children, derived rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.models import (
    Product,
    ProductImage,
    ProductTag,
    ProductVariant,
)
from shopify import mirror
from shopify.mapping.graphql import items_from_line, lines_from_node
from shopify.rows import MirrorItem

from .test_mapping_graphql_nodes import (
    product_node,
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
