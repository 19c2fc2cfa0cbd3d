"""graphql-core resolvers over the dict store.

One field resolver serves every type: a field reads the record key of the same name; a list under
a connection-typed field is paged (`connections.list_connection`); a list of objects with a
`first` argument is cut to `first`; a few fields are computed (`COMPUTED`). Root fields dispatch
to `ROOT_FIELDS` / `MUTATION_FIELDS`, which read the store through the request's context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLResolveInfo, get_named_type
from graphql.type.definition import GraphQLList, GraphQLNonNull

from shopify.simulator.connections import connection, encode_cursor, list_connection
from shopify.simulator.records import QUANTITY_NAMES
from shopify.simulator.search import build_filter
from shopify.simulator.store import KIND_BY_TYPE
from shopify.simulator.values import Record, gid_parts

if TYPE_CHECKING:
    from shopify.simulator.simulator import Simulator


class Root:
    """The root value of every execution (so resolvers can tell root fields apart)."""


ROOT = Root()


@dataclass
class RequestContext:
    simulator: Simulator
    operation_name: str | None
    root_connections: list[str] = field(default_factory=list)


Resolver = Callable[..., Any]


def field_resolver(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
    if source is ROOT:
        table = MUTATION_FIELDS if info.parent_type is info.schema.mutation_type else ROOT_FIELDS
        resolver = table.get(info.field_name)
        if resolver is None:
            raise GraphQLError(
                f"The simulator does not implement {info.parent_type.name}.{info.field_name}"
            )
        return resolver(info.context, **arguments)
    if not isinstance(source, dict):
        return getattr(source, info.field_name, None)
    computed = COMPUTED.get((source.get("__typename", ""), info.field_name))
    if computed is not None:
        return computed(source, arguments)
    if info.field_name == "cursor" and "_key" in source:
        return encode_cursor(source["_key"])
    value = source.get(info.field_name)
    if type(value) is list:
        return_type = info.return_type
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if not isinstance(inner, GraphQLList) and get_named_type(inner).name.endswith("Connection"):
            return list_connection(value, arguments)
        first = arguments.get("first")
        if first is not None:
            return value[:first]
    return value


# --- computed fields -------------------------------------------------------------------------


def _quantities(level: Record, arguments: dict[str, Any]) -> list[Record]:
    names = arguments.get("names") or []
    unknown = [name for name in names if name not in QUANTITY_NAMES]
    if unknown:
        raise GraphQLError(f"Invalid quantity names: {', '.join(unknown)}")
    quantities = level["_quantities"]
    return [
        {
            "id": f"gid://shopify/InventoryQuantity/{level['location']['_id']}?"
            f"inventory_item_id={level['item']['_id']}&name={name}",
            "name": name,
            "quantity": quantities[name],
            "updatedAt": level["updatedAt"],
        }
        for name in names
    ]


def variant_inventory_quantity(variant: Record, arguments: dict[str, Any] | None = None) -> int:
    return sum(
        level["_quantities"]["available"] for level in variant["inventoryItem"]["inventoryLevels"]
    )


def _total_inventory(product: Record, arguments: dict[str, Any]) -> int:
    return sum(variant_inventory_quantity(variant) for variant in product["variants"])


def _count_of(key: str) -> Callable[[Record, dict[str, Any]], Record]:
    def count(record: Record, arguments: dict[str, Any]) -> Record:
        return {"count": len(record[key]), "precision": "EXACT"}

    return count


def _metafields(owner: Record, arguments: dict[str, Any]) -> Any:
    items = owner["metafields"]
    namespace, keys = arguments.get("namespace"), arguments.get("keys")
    if namespace is not None:
        items = [item for item in items if item["namespace"] == namespace]
    if keys is not None:
        items = [item for item in items if f"{item['namespace']}.{item['key']}" in keys]
    return list_connection(items, arguments)


COMPUTED: dict[tuple[str, str], Callable[[Record, dict[str, Any]], Any]] = {
    ("InventoryLevel", "quantities"): _quantities,
    ("ProductVariant", "inventoryQuantity"): variant_inventory_quantity,
    ("Product", "totalInventory"): _total_inventory,
    ("Product", "variantsCount"): _count_of("variants"),
    ("Product", "mediaCount"): _count_of("media"),
    ("Collection", "productsCount"): _count_of("products"),
    ("Product", "metafields"): _metafields,
}


# --- root fields -----------------------------------------------------------------------------

ROOT_KINDS = {
    "products": "products",
    "productVariants": "variants",
    "collections": "collections",
    "customers": "customers",
    "orders": "orders",
    "locations": "locations",
    "inventoryItems": "inventory_items",
    "events": "events",
    "webhookSubscriptions": "webhook_subscriptions",
}
DEFAULT_SORT = {"events": "ID", "locations": "ID", "webhook_subscriptions": "ID"}


def _root_connection(root_field: str) -> Resolver:
    kind = ROOT_KINDS[root_field]

    def resolve(context: RequestContext, **arguments: Any) -> dict[str, Any]:
        store = context.simulator.store
        sort_key = arguments.get("sortKey") or DEFAULT_SORT.get(kind, "ID")
        keys, records = store.ordered(kind, sort_key)
        matches = build_filter(kind, arguments.get("query"))
        if kind == "locations" and not arguments.get("includeInactive"):
            active = matches

            def matches(record: Record) -> bool:
                return bool(record["isActive"]) and (active is None or active(record))

        if kind == "webhook_subscriptions" and arguments.get("topics"):
            topics = set(arguments["topics"])

            def matches(record: Record) -> bool:
                return record["topic"] in topics

        context.root_connections.append(root_field)
        return connection(
            keys,
            records,
            first=arguments.get("first"),
            after=arguments.get("after"),
            last=arguments.get("last"),
            before=arguments.get("before"),
            reverse=bool(arguments.get("reverse")),
            matches=matches,
        )

    return resolve


def _root_record(type_name: str) -> Resolver:
    kind = KIND_BY_TYPE[type_name]

    def resolve(context: RequestContext, id: str) -> Record | None:
        try:
            found_type, legacy_id = gid_parts(id)
        except ValueError as error:
            raise GraphQLError(f"Invalid global id '{id}'") from error
        if found_type != type_name:
            return None
        return context.simulator.store.get(kind, legacy_id)

    return resolve


def _count(kind: str) -> Resolver:
    def resolve(
        context: RequestContext, query: str | None = None, limit: int | None = 10000, **_: Any
    ) -> Record:
        matches = build_filter(kind, query)
        records = context.simulator.store.tables[kind].values()
        total = sum(1 for record in records if matches is None or matches(record))
        if limit is not None and total > limit:
            return {"count": limit, "precision": "AT_LEAST"}
        return {"count": total, "precision": "EXACT"}

    return resolve


def _node(context: RequestContext, id: str) -> Record | None:
    return context.simulator.store.by_gid(id)


def _nodes(context: RequestContext, ids: list[str]) -> list[Record | None]:
    if len(ids) > 250:
        raise GraphQLError("The ids argument may hold at most 250 ids.")
    return [context.simulator.store.by_gid(value) for value in ids]


def _shop(context: RequestContext) -> Record:
    return context.simulator.store.shop


def _current_bulk_operation(context: RequestContext, type: str = "QUERY") -> Record | None:
    return context.simulator.bulk.current(type)


def _bulk_operation(context: RequestContext, id: str) -> Record | None:
    record = context.simulator.store.by_gid(id)
    return record if record is not None and record["__typename"] == "BulkOperation" else None


ROOT_FIELDS: dict[str, Resolver] = {
    **{name: _root_connection(name) for name in ROOT_KINDS},
    "product": _root_record("Product"),
    "productVariant": _root_record("ProductVariant"),
    "collection": _root_record("Collection"),
    "customer": _root_record("Customer"),
    "order": _root_record("Order"),
    "location": _root_record("Location"),
    "inventoryItem": _root_record("InventoryItem"),
    "webhookSubscription": _root_record("WebhookSubscription"),
    "productsCount": _count("products"),
    "productVariantsCount": _count("variants"),
    "customersCount": _count("customers"),
    "ordersCount": _count("orders"),
    "collectionsCount": _count("collections"),
    "locationsCount": _count("locations"),
    "eventsCount": _count("events"),
    "node": _node,
    "nodes": _nodes,
    "shop": _shop,
    "currentBulkOperation": _current_bulk_operation,
    "bulkOperation": _bulk_operation,
}


# --- mutations -------------------------------------------------------------------------------


def _bulk_run_query(context: RequestContext, query: str, groupObjects: bool = False) -> Record:
    operation, errors = context.simulator.bulk.start(query)
    return {"bulkOperation": operation, "userErrors": errors}


def _bulk_cancel(context: RequestContext, id: str) -> Record:
    operation, errors = context.simulator.bulk.cancel(id)
    return {"bulkOperation": operation, "userErrors": errors}


def _webhook_create(
    context: RequestContext, topic: str, webhookSubscription: dict[str, Any]
) -> Record:
    subscription, errors = context.simulator.subscribe(
        topic=topic,
        callback_url=webhookSubscription.get("callbackUrl") or webhookSubscription.get("uri"),
        format_name=webhookSubscription.get("format") or "JSON",
        include_fields=webhookSubscription.get("includeFields") or [],
        filter_text=webhookSubscription.get("filter"),
    )
    return {"webhookSubscription": subscription, "userErrors": errors}


def _webhook_delete(context: RequestContext, id: str) -> Record:
    deleted = context.simulator.unsubscribe(id)
    if deleted is None:
        return {
            "deletedWebhookSubscriptionId": None,
            "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}],
        }
    return {"deletedWebhookSubscriptionId": deleted, "userErrors": []}


MUTATION_FIELDS: dict[str, Resolver] = {
    "bulkOperationRunQuery": _bulk_run_query,
    "bulkOperationCancel": _bulk_cancel,
    "webhookSubscriptionCreate": _webhook_create,
    "webhookSubscriptionDelete": _webhook_delete,
}
