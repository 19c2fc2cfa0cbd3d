"""GraphQL results -> mirror items.

Paged results (the `*_PAGE` documents of `shopify.queries`) and bulk JSONL lines share one mapper:
`lines_from_node` flattens a paged node into bulk-style lines (children of nested connections as
lines of their own, carrying `__parentId`), and `items_from_line` maps one line to MirrorRows,
with the mapper of its type from `catalog`, `customers`, `orders` or `inventory` (shared value
conversions in `values`).

Conventions of the rows produced (the REST mapper produces the same):
- Shopify's UPPER_CASE enums become our lower-case choices; money is `Decimal`, datetimes aware
  UTC; absent strings are "".
- Money bags (`*_set` JSON) use REST's shape: `{"shop_money": {"amount": "1.00",
  "currency_code": "USD"}, "presentment_money": {...}}`; addresses JSON use REST's keys.
- Children without a timestamp of their own (addresses, order line items, collection
  memberships, fulfillment/refund line items) carry the parent's `updatedAt` when the line
  knows it (`lines_from_node` passes it down as `__parentUpdatedAt`) and `shopify_updated_at:
  None` otherwise (bulk lines): the mirror then takes the parent's stored `shopify_updated_at`.
- `Customer.default_address`: the customer row refs its default address and, so that the
  reference resolves in the same apply, a customer_address row with only the address's id and
  the customer's timestamp comes with it (the address's own line fills the rest); the mirror
  derives `CustomerAddress.is_default` from `Customer.default_address`.
- Image and collection positions: the order of arrival within the parent, from `__index`
  (set by `lines_from_node`) or counted per parent by a `LineMapper` (bulk lines); without
  either they are left alone.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from shopify.mapping import catalog, customers, inventory, orders
from shopify.mapping import values as v
from shopify.mapping.values import JSON
from shopify.rows import MirrorChildren, MirrorItem, MirrorRow, gid_type, legacy_id

_GID_MODELS: dict[str, str] = {
    "Location": "location",
    "InventoryItem": "inventory_item",
    "Product": "product",
    "ProductOption": "product_option",
    "ProductOptionValue": "option_value",
    "MediaImage": "product_image",
    "ProductVariant": "product_variant",
    "Metafield": "metafield",
    "Collection": "collection",
    "Customer": "customer",
    "MailingAddress": "customer_address",
    "Order": "order",
    "LineItem": "order_line_item",
    "Fulfillment": "fulfillment",
    "FulfillmentLineItem": "fulfillment_line_item",
    "Refund": "refund",
    "RefundLineItem": "refund_line_item",
    "OrderTransaction": "transaction",
    "InventoryLevel": "inventory_level",
}


# Connections the mapper reads inline (kept in the line): (GID type of the node, field).
_INLINE_CONNECTIONS = frozenset({("ProductVariant", "media"), ("Order", "shippingLines")})


def model_for_gid_type(gid_type: str) -> str | None:
    """`ProductVariant` -> `product_variant` (a `MODEL_KEYS` key); None for types not mirrored."""
    return _GID_MODELS.get(gid_type)


def lines_from_node(node: JSON, parent_id: str | None = None) -> Iterator[JSON]:
    """One node of a paged result as bulk JSONL-style lines: the node without its nested
    connections, then every node of each nested connection (recursively) with `__parentId`,
    `__parentUpdatedAt` (the parent's `updatedAt`, when it has one) and `__index` (1-based
    position in the connection's page)."""
    node_id = node.get("id")
    kind = gid_type(node_id) if isinstance(node_id, str) else ""
    line: JSON = {}
    children: list[list[JSON]] = []
    for key, value in node.items():
        if isinstance(value, dict) and (kind, key) not in _INLINE_CONNECTIONS:
            nodes = v.connection_nodes(value)
            if nodes is not None:
                children.append(nodes)
                continue
        line[key] = value
    if parent_id is not None:
        line["__parentId"] = parent_id
    yield line
    if not children:
        return
    updated_at = node.get("updatedAt") or node.get("__parentUpdatedAt")
    for nodes in children:
        for index, child in enumerate(nodes, start=1):
            child = {**child, "__index": index}
            if updated_at is not None:
                child["__parentUpdatedAt"] = updated_at
            yield from lines_from_node(child, node_id if isinstance(node_id, str) else None)


def complete_children(node: JSON) -> list[MirrorChildren]:
    """For a paged node fetched from the first page of its child connections: the child sets
    that are complete (`pageInfo.hasNextPage` false), for the mirror to prune the others."""
    node_id = node.get("id")
    if not isinstance(node_id, str):
        return []
    parent_model = _GID_MODELS.get(gid_type(node_id))
    if parent_model is None:
        return []
    result = []
    for key, value in node.items():
        if not isinstance(value, dict) or (gid_type(node_id), key) in _INLINE_CONNECTIONS:
            continue
        nodes = v.connection_nodes(value)
        page_info = value.get("pageInfo")
        if nodes is None or not isinstance(page_info, dict) or page_info.get("hasNextPage"):
            continue
        child_model = _CHILD_CONNECTIONS.get((parent_model, key))
        if child_model is None:
            continue
        if child_model == "inventory_level":
            # Levels are keyed by their location within the item.
            ids = frozenset(
                location for child in nodes if (location := v.ref_id(child.get("location")))
            )
        else:
            ids = frozenset(legacy_id(child["id"]) for child in nodes if "id" in child)
        result.append(MirrorChildren(parent_model, legacy_id(node_id), child_model, ids))
    return result


# (parent model, connection field) -> child model, for complete_children.
_CHILD_CONNECTIONS: dict[tuple[str, str], str] = {
    ("product", "variants"): "product_variant",
    ("product", "media"): "product_image",
    ("product", "metafields"): "metafield",
    ("collection", "products"): "collection_product",
    ("customer", "addressesV2"): "customer_address",
    ("order", "lineItems"): "order_line_item",
    ("inventory_item", "inventoryLevels"): "inventory_level",
}


_Mapper = Callable[[JSON, "int | None"], list[MirrorItem]]


_MAPPERS: dict[str, _Mapper] = {
    "Location": inventory.location,
    "InventoryItem": inventory.inventory_item,
    "InventoryLevel": inventory.inventory_level,
    "Product": catalog.product,
    "ProductVariant": catalog.variant,
    "MediaImage": catalog.media,
    "Metafield": catalog.metafield,
    "Collection": catalog.collection,
    "Customer": customers.customer,
    "MailingAddress": customers.mailing_address,
    "Order": orders.order,
    "LineItem": orders.line_item,
}


def items_from_line(line: JSON) -> list[MirrorItem]:
    """The mirror items of one line (a bulk JSONL line or a line from `lines_from_node`),
    dispatched on the GID type of `line["id"]` (and `__parentId`). Lines of types the mirror does
    not hold (e.g. a Video under a product) map to nothing. A bulk shipping line (no id, under an
    order) sets the order's shipping lines to that one: use a `LineMapper` for orders with
    several."""
    line_id = line.get("id")
    if not isinstance(line_id, str):
        parent = line.get("__parentId")
        if isinstance(parent, str) and gid_type(parent) == "Order" and "code" in line:
            return [
                orders.shipping_lines_row(
                    parent, [orders.shipping_line(line)], line.get("__parentUpdatedAt")
                )
            ]
        return []
    mapper = _MAPPERS.get(gid_type(line_id))
    if mapper is None:
        return []
    index = line.get("__index")
    return mapper(line, index if isinstance(index, int) else None)


# Parents a LineMapper remembers (their children follow them in a bulk file, not always next).
_REMEMBERED = 20_000


class LineMapper:
    """`items_from_line` for a stream of bulk lines, which carry less than paged lines do:
    - children without a timestamp get their parent's `updatedAt` (the parent's line came
      earlier: Shopify lists a parent's children after it, though not always right after);
    - images and collection memberships are numbered in order of arrival per parent;
    - an order's shipping lines (lines of their own in bulk) are gathered per order.
    It remembers the last 20,000 parents, so its memory stays flat whatever the file size."""

    __slots__ = ("_parents",)

    def __init__(self) -> None:
        # parent GID -> [updatedAt, children counted, shipping lines]
        self._parents: OrderedDict[str, list[Any]] = OrderedDict()

    def _parent(self, parent_id: str) -> list[Any]:
        state = self._parents.get(parent_id)
        if state is None:
            state = self._parents[parent_id] = [None, 0, []]
            if len(self._parents) > _REMEMBERED:
                self._parents.popitem(last=False)
        return state

    def items(self, line: JSON) -> list[MirrorItem]:
        line_id = line.get("id")
        parent_id = line.get("__parentId")
        if not isinstance(parent_id, str):
            if isinstance(line_id, str) and "updatedAt" in line:
                self._parent(line_id)[0] = line["updatedAt"]
            items = items_from_line(line)
            if isinstance(line_id, str) and line_id.startswith("gid://shopify/Order/"):
                # A bulk order line cannot say its shipping lines (they follow as lines of their
                # own, maybe in a later chunk): leave them to those lines.
                items = [_without_shipping_lines(item) for item in items]
            return items
        state = self._parent(parent_id)
        if not isinstance(line_id, str):
            if gid_type(parent_id) == "Order" and "code" in line:
                state[2].append(orders.shipping_line(line))
                return [orders.shipping_lines_row(parent_id, list(state[2]), state[0])]
            return []
        extra: JSON = {}
        if state[0] is not None and "__parentUpdatedAt" not in line:
            extra["__parentUpdatedAt"] = state[0]
        if "__index" not in line and (
            (
                line_id.startswith("gid://shopify/MediaImage/")
                and gid_type(parent_id) in ("Product", "ProductVariant")
            )
            or (
                line_id.startswith("gid://shopify/Product/") and gid_type(parent_id) == "Collection"
            )
        ):
            state[1] += 1
            extra["__index"] = state[1]
        return items_from_line({**line, **extra} if extra else line)


def _without_shipping_lines(item: MirrorItem) -> MirrorItem:
    if (
        not isinstance(item, MirrorRow)
        or item.model != "order"
        or "shipping_lines" not in item.fields
    ):
        return item
    fields = {name: value for name, value in item.fields.items() if name != "shipping_lines"}
    return MirrorRow(item.model, item.shopify_id, fields, item.refs)
