"""What the sync engine knows about each resource: its documents, its mirror models, its page
size and how its children are completed."""

from __future__ import annotations

from dataclasses import dataclass

from shopify import queries
from shopify.choices import SyncResource


@dataclass(frozen=True, slots=True)
class ChildConnection:
    """A nested connection of a paged node that may hold more than its first page, and the
    document that pages through the rest (`root` is the document's root field)."""

    field: str
    document: str
    root: str
    page_size: int


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    name: str
    root_model: str
    gid_type: str
    page_document: str
    page_field: str  # the root connection of `page_document`
    page_size: int  # nodes per page, sized so a page costs at most 1,000 points
    sorted_by_updated_at: bool  # `page_document` is sorted by UPDATED_AT (incremental paging)
    bulk_document: str | None
    count_key: str | None  # its key in the COUNTS document
    owned_models: tuple[str, ...]  # models a full result of this resource holds completely
    event_subject: str | None  # deletion events' subjectType
    children: tuple[ChildConnection, ...] = ()


# Page sizes follow Shopify's cost rules (a connection costs 2 + first x its node's cost): a product
# with its first 25 variants, 10 media and 10 metafields costs about 270 points, an order with its
# first 10 line items about 210, a customer with 20 addresses about 30, a collection with 250
# product ids about 260. A page refused with
# MAX_COST_EXCEEDED is asked for again with proportionally fewer nodes.
RESOURCES: dict[str, ResourceSpec] = {
    spec.name: spec
    for spec in (
        ResourceSpec(
            name=SyncResource.LOCATIONS,
            root_model="location",
            gid_type="Location",
            page_document=queries.LOCATIONS_PAGE,
            page_field="locations",
            page_size=100,
            sorted_by_updated_at=False,
            bulk_document=None,
            count_key="locations",
            owned_models=("location",),
            event_subject=None,
        ),
        ResourceSpec(
            name=SyncResource.PRODUCTS,
            root_model="product",
            gid_type="Product",
            page_document=queries.PRODUCTS_PAGE,
            page_field="products",
            page_size=3,
            sorted_by_updated_at=True,
            bulk_document=queries.BULK_PRODUCTS,
            count_key="products",
            owned_models=(
                "product",
                "product_option",
                "option_value",
                "product_image",
                "product_variant",
                "metafield",
            ),
            event_subject="PRODUCT",
            children=(ChildConnection("variants", queries.PRODUCT_VARIANTS, "product", 100),),
        ),
        ResourceSpec(
            name=SyncResource.COLLECTIONS,
            root_model="collection",
            gid_type="Collection",
            page_document=queries.COLLECTIONS_PAGE,
            page_field="collections",
            page_size=3,
            sorted_by_updated_at=True,
            bulk_document=queries.BULK_COLLECTIONS,
            count_key="collections",
            owned_models=("collection",),
            event_subject="COLLECTION",
            children=(ChildConnection("products", queries.COLLECTION_PRODUCTS, "collection", 250),),
        ),
        ResourceSpec(
            name=SyncResource.CUSTOMERS,
            root_model="customer",
            gid_type="Customer",
            page_document=queries.CUSTOMERS_PAGE,
            page_field="customers",
            page_size=30,
            sorted_by_updated_at=True,
            bulk_document=queries.BULK_CUSTOMERS,
            count_key="customers",
            owned_models=("customer", "customer_address"),
            event_subject="CUSTOMER",
        ),
        ResourceSpec(
            name=SyncResource.ORDERS,
            root_model="order",
            gid_type="Order",
            page_document=queries.ORDERS_PAGE,
            page_field="orders",
            page_size=4,
            sorted_by_updated_at=True,
            bulk_document=queries.BULK_ORDERS,
            count_key="orders",
            owned_models=(
                "order",
                "order_line_item",
                "fulfillment",
                "fulfillment_line_item",
                "refund",
                "refund_line_item",
                "transaction",
            ),
            event_subject="ORDER",
            children=(ChildConnection("lineItems", queries.ORDER_LINE_ITEMS, "order", 50),),
        ),
        ResourceSpec(
            name=SyncResource.INVENTORY,
            root_model="inventory_item",
            gid_type="InventoryItem",
            page_document=queries.INVENTORY_PAGE,
            page_field="inventoryItems",
            page_size=10,
            sorted_by_updated_at=False,
            bulk_document=queries.BULK_INVENTORY,
            count_key=None,
            owned_models=("inventory_item",),
            event_subject=None,
        ),
    )
}

# Dependency order: a resource's rows reference rows of the resources before it.
RESOURCE_ORDER: tuple[str, ...] = tuple(RESOURCES)


def resources_ordered(resources: list[str] | None) -> list[ResourceSpec]:
    """The requested resources (all when None) in dependency order; unknown names refused."""
    if resources is None:
        return list(RESOURCES.values())
    unknown = sorted(set(resources) - set(RESOURCES))
    if unknown:
        raise ValueError(
            f"unknown resource(s): {', '.join(unknown)} (expected {', '.join(RESOURCE_ORDER)})"
        )
    return [spec for name, spec in RESOURCES.items() if name in resources]
