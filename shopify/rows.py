"""What the mappers produce and the mirror applies: the connector's internal contract.

Both directions of Shopify data meet here. `shopify.mapping.graphql` turns GraphQL nodes (paged
results and bulk JSONL lines) into these items, `shopify.mapping.rest` turns webhook payloads
(REST-shaped) into the same items, and `shopify.mirror.apply` writes them to the database in bulk,
keyed by `shopify_id`, never letting an older `shopify_updated_at` overwrite a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Mirror model keys in dependency order: a row's references point to keys earlier in the list
# (except the late references `Customer.default_address` and `Customer.last_order`, which the
# mirror resolves after the rows they point to are written).
MODEL_KEYS: tuple[str, ...] = (
    "location",  # inventory.Location
    "inventory_item",  # inventory.InventoryItem
    "product",  # catalog.Product
    "product_option",  # catalog.ProductOption       refs: product
    "option_value",  # catalog.OptionValue           refs: option
    "product_image",  # catalog.ProductImage         refs: product
    "product_variant",  # catalog.ProductVariant     refs: product, inventory_item, image
    "metafield",  # catalog.Metafield                refs: owner (see fields["owner_resource"])
    "collection",  # catalog.Collection
    "collection_product",  # catalog.CollectionProduct  refs: collection, product
    "customer",  # customers.Customer                refs: default_address, last_order (late)
    "customer_address",  # customers.CustomerAddress refs: customer
    "order",  # orders.Order                         refs: customer, location
    "order_line_item",  # orders.OrderLineItem       refs: order, product, variant
    "fulfillment",  # orders.Fulfillment             refs: order, location
    "fulfillment_line_item",  # orders.FulfillmentLineItem  refs: fulfillment, line_item
    "refund",  # orders.Refund                       refs: order
    "refund_line_item",  # orders.RefundLineItem     refs: refund, line_item, location
    "transaction",  # finance.Transaction            refs: order, refund, parent, location
    "inventory_level",  # inventory.InventoryLevel   refs: inventory_item, location
)


@dataclass(frozen=True, slots=True)
class MirrorRow:
    """One row to upsert.

    `fields` holds our model's concrete field names (not attnames) with Python values: `Decimal`
    for money, timezone-aware UTC `datetime`, `str` ("" rather than None where the column is not
    nullable), `bool`, `int`, JSON-able lists/dicts. It always carries `shopify_updated_at`
    (children without a timestamp of their own take their parent's) and, when Shopify gives
    them, `created_at` and `admin_graphql_api_id`. Fields absent from `fields` are left alone on
    update and take their defaults on insert.

    `refs` maps a foreign key's field name to the Shopify id of the row it points to
    (`{"product": 7001, "inventory_item": 4501}`); the mirror resolves them to primary keys.
    A reference to a row the mirror does not hold yet is stored as NULL when the column allows it
    and the row is deferred (reported in `ApplyResult.deferred`) when it does not.

    `shopify_id` is the numeric id (the tail of the GID). Inventory levels have no numeric id
    of their own: their `shopify_id` is None and they are keyed by (inventory_item, location).
    Collection memberships are keyed by (collection, product).
    """

    model: str
    shopify_id: int | None
    fields: dict[str, Any]
    refs: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MirrorDelete:
    """A record deleted at Shopify: soft-deleted here (`deleted_at`) where the model has it,
    removed otherwise. `deleted_at` is when Shopify deleted it, if known."""

    model: str
    shopify_id: int
    deleted_at: Any = None


@dataclass(frozen=True, slots=True)
class MirrorChildren:
    """The complete set of a parent's children of one kind, as Shopify has them now: the mirror
    removes (or soft-deletes) the parent's other children of that kind. Emitted only when every
    page of the child connection was read."""

    parent_model: str
    parent_shopify_id: int
    child_model: str
    shopify_ids: frozenset[int]


MirrorItem = MirrorRow | MirrorDelete | MirrorChildren


@dataclass
class ApplyResult:
    created: dict[str, int] = field(default_factory=dict)  # model key -> rows inserted
    updated: dict[str, int] = field(default_factory=dict)  # model key -> rows changed
    stale: dict[str, int] = field(default_factory=dict)  # model key -> rows older than ours
    deleted: dict[str, int] = field(default_factory=dict)  # model key -> rows (soft-)deleted
    deferred: list[MirrorRow] = field(default_factory=list)  # rows whose parent is missing

    def merge(self, other: ApplyResult) -> None:
        for mine, theirs in (
            (self.created, other.created),
            (self.updated, other.updated),
            (self.stale, other.stale),
            (self.deleted, other.deleted),
        ):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + count
        self.deferred.extend(other.deferred)


def legacy_id(gid: str) -> int:
    """`gid://shopify/Product/123` (or `…/InventoryLevel/1?inventory_item_id=2`) -> 123."""
    tail = gid.rsplit("/", 1)[-1]
    return int(tail.split("?", 1)[0])


def gid_type(gid: str) -> str:
    """`gid://shopify/ProductVariant/123` -> `ProductVariant`."""
    return gid.split("/")[3]
