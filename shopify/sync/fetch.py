"""Paged reads: pages of a resource with their child connections completed, orders' fulfillment
and refund line items, deletion events. Network only; applying is the caller's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.utils.dateparse import parse_datetime

from shopify import queries
from shopify.client import MAX_QUERY_COST, ShopifyClient, ShopifyQueryCostError
from shopify.mapping.graphql import complete_children, items_from_line, lines_from_node
from shopify.rows import MirrorChildren, MirrorDelete, MirrorItem, legacy_id

from .errors import SyncError
from .resources import ResourceSpec

ORDER_CHILDREN_BATCH = 50
EVENTS_PAGE_SIZE = 250
# Deletion events' subjectType -> the mirror model it deletes, and the child rows that go with it
# (as a full sync, which finds them gone, removes them; a product's variants go with it).
EVENT_MODELS = {
    "PRODUCT": "product",
    "COLLECTION": "collection",
    "CUSTOMER": "customer",
    "ORDER": "order",
}
EVENT_CHILDREN = {
    "PRODUCT": ("product_option", "product_image", "metafield", "collection_product"),
    "COLLECTION": ("collection_product",),
    "CUSTOMER": ("customer_address",),
    "ORDER": ("order_line_item", "fulfillment", "refund", "transaction"),
}

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Page:
    nodes: list[JSON]
    has_next: bool
    end_cursor: str | None
    first: int  # the page size that was accepted (it shrinks when Shopify refuses the cost)


def execute_sized(
    client: ShopifyClient, document: str, variables: Callable[[int], JSON], size: int
) -> tuple[JSON, int]:
    """Execute a paged document with `variables(size)`; when Shopify refuses its cost
    (MAX_COST_EXCEEDED), ask again for proportionally fewer nodes. Returns the data and the size
    that was accepted."""
    while True:
        try:
            return client.execute(document, variables(size)), size
        except ShopifyQueryCostError as error:
            if size <= 1:
                raise SyncError(f"{error} (even for a single node)") from error
            requested = error.requested_cost
            smaller = size * MAX_QUERY_COST // requested if requested else size // 2
            size = max(1, min(size - 1, smaller))


def _page_variables(size: int, *, after: str | None, search: str | None) -> JSON:
    return {"first": size, "after": after, "query": search}


def _child_variables(size: int, *, node_id: str, after: str | None) -> JSON:
    return {"id": node_id, "first": size, "after": after}


def _ids_variables(size: int, *, gids: list[str]) -> JSON:
    return {"ids": gids[:size]}


def page_fetch(
    *,
    client: ShopifyClient,
    spec: ResourceSpec,
    search: str | None,
    after: str | None,
    first: int,
) -> Page:
    """One page of `spec`'s resource, each node's child connections completed (every page of
    them read) where the spec has a document for that."""
    data, first = execute_sized(
        client,
        spec.page_document,
        partial(_page_variables, after=after, search=search),
        first,
    )
    connection = data[spec.page_field]
    nodes: list[JSON] = connection.get("nodes") or []
    for node in nodes:
        children_complete(client=client, spec=spec, node=node)
    page_info = connection.get("pageInfo") or {}
    return Page(
        nodes=nodes,
        has_next=bool(page_info.get("hasNextPage")),
        end_cursor=page_info.get("endCursor"),
        first=first,
    )


def children_complete(*, client: ShopifyClient, spec: ResourceSpec, node: JSON) -> None:
    """Page through the rest of the node's child connections that hold more than their first
    page (a product's variants past 100, an order's line items past 50, a collection's products
    past 250), appending to the node's own `nodes` so that it maps as one."""
    for child in spec.children:
        connection = node.get(child.field)
        if not isinstance(connection, dict):
            continue
        page_info = connection.get("pageInfo") or {}
        after = page_info.get("endCursor")
        nodes: list[JSON] = connection.setdefault("nodes", [])
        while page_info.get("hasNextPage"):
            data, _ = execute_sized(
                client,
                child.document,
                partial(_child_variables, node_id=node["id"], after=after),
                child.page_size,
            )
            parent = data.get(child.root)
            if not parent:  # deleted meanwhile: the set stays incomplete, nothing is pruned
                return
            more = parent[child.field]
            nodes.extend(more.get("nodes") or [])
            page_info = more.get("pageInfo") or {}
            after = page_info.get("endCursor")
        connection["pageInfo"] = {"hasNextPage": False, "endCursor": after}


def node_items(nodes: list[JSON]) -> tuple[list[MirrorItem], int]:
    """The mirror items of paged nodes (rows of every line, then the complete child sets) and
    the number of lines they made."""
    items: list[MirrorItem] = []
    lines = 0
    for node in nodes:
        for line in lines_from_node(node):
            lines += 1
            items.extend(items_from_line(line))
        items.extend(complete_children(node))
    return items, lines


def order_has_children(line: JSON) -> bool:
    """An order (line or node) with fulfillments or refunds, whose line items come from
    ORDER_CHILDREN."""
    return bool(line.get("fulfillments") or line.get("refunds"))


def order_children_fetch(*, client: ShopifyClient, order_ids: list[int]) -> Iterator[list[JSON]]:
    """ORDER_CHILDREN for the orders, in batches (50 ids, fewer if Shopify refuses the cost);
    yields each batch's order nodes (orders deleted meanwhile are left out)."""
    batch = ORDER_CHILDREN_BATCH
    start = 0
    while start < len(order_ids):
        gids = [f"gid://shopify/Order/{order_id}" for order_id in order_ids[start : start + batch]]
        data, batch = execute_sized(
            client, queries.ORDER_CHILDREN, partial(_ids_variables, gids=gids), len(gids)
        )
        yield [node for node in data.get("nodes") or [] if node]
        start += batch


def order_children_items(nodes: list[JSON]) -> list[MirrorItem]:
    """Fulfillment and refund line items (with their complete sets) of ORDER_CHILDREN nodes."""
    items: list[MirrorItem] = []
    for node in nodes:
        items.extend(items_from_line(node))
    return items


def deletion_events(
    *, client: ShopifyClient, since: datetime, subject: str
) -> Iterator[list[MirrorItem]]:
    """Records of `subject` (PRODUCT, ORDER, …) destroyed at Shopify since `since`: a page of
    deletes (with their children's removal) at a time."""
    search = f"action:destroy AND created_at:>='{shopify_time(since)}'"
    model = EVENT_MODELS[subject]
    after: str | None = None
    while True:
        data, _ = execute_sized(
            client,
            queries.DELETION_EVENTS,
            partial(_page_variables, after=after, search=search),
            EVENTS_PAGE_SIZE,
        )
        events = data["events"]
        items: list[MirrorItem] = []
        for event in events.get("nodes") or []:
            if not (
                event.get("subjectType") == subject
                and event.get("action") == "destroy"
                and event.get("subjectId")
            ):
                continue
            shopify_id = legacy_id(event["subjectId"])
            items.append(MirrorDelete(model, shopify_id, parse_time(event.get("createdAt"))))
            items.extend(
                MirrorChildren(model, shopify_id, child, frozenset())
                for child in EVENT_CHILDREN[subject]
            )
        if items:
            yield items
        page_info = events.get("pageInfo") or {}
        if not page_info.get("hasNextPage"):
            return
        after = page_info.get("endCursor")


def shopify_time(moment: datetime) -> str:
    """A datetime in Shopify's search syntax (UTC, whole seconds, rounded down)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def newest_updated_at(nodes: list[JSON]) -> datetime | None:
    moments = [parse_time(node.get("updatedAt")) for node in nodes]
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None
