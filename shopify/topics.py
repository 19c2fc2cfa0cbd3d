"""The webhook topics Stockroom handles, as Shopify names them in REST style ("products/update")
and in the GraphQL `WebhookSubscriptionTopic` enum ("PRODUCTS_UPDATE")."""

from __future__ import annotations

HANDLED_TOPICS: tuple[str, ...] = (
    "products/create",
    "products/update",
    "products/delete",
    "collections/create",
    "collections/update",
    "collections/delete",
    "customers/create",
    "customers/update",
    "customers/delete",
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/fulfilled",
    "orders/delete",
    "refunds/create",
    "fulfillments/create",
    "fulfillments/update",
    "order_transactions/create",
    "inventory_levels/update",
    "inventory_levels/connect",
    "inventory_levels/disconnect",
    "inventory_items/create",
    "inventory_items/update",
    "inventory_items/delete",
    "locations/create",
    "locations/update",
    "locations/delete",
    "app/uninstalled",
    "bulk_operations/finish",
)

# Mandatory privacy webhooks: configured in the app's TOML (`[webhooks.privacy_compliance]`) at
# Shopify, not through webhookSubscriptionCreate; they arrive at the same endpoint.
COMPLIANCE_TOPICS: tuple[str, ...] = ("customers/data_request", "customers/redact", "shop/redact")


def topic_to_enum(topic: str) -> str:
    """ "products/update" -> "PRODUCTS_UPDATE"."""
    return topic.replace("/", "_").upper()


def topic_from_enum(value: str) -> str | None:
    """ "PRODUCTS_UPDATE" -> "products/update", for the topics we know (the enum alone cannot say
    which underscore is the slash: ORDER_TRANSACTIONS_CREATE)."""
    return _TOPICS_BY_ENUM.get(value)


_TOPICS_BY_ENUM = {topic_to_enum(topic): topic for topic in (*HANDLED_TOPICS, *COMPLIANCE_TOPICS)}
