"""Writes of webhook subscriptions.

Rules (the seed + Shopify): the topic is one of Shopify's webhook topics; the address is an
https URL; the format is json; (topic, address) is unique among live subscriptions (the database
constraint decides; its violation is a 409); the signing secret is generated, returned once.
Mirrored subscriptions are refused (SHOPIFY_MANAGED).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction

from core.errors import Conflict, ShopifyManaged
from core.services import event_record, soft_delete

from .models import WebhookSubscription

DEFAULT_API_VERSION = "2025-07"
SUBSCRIPTION_FIELDS = (
    "topic",
    "address",
    "format",
    "api_version",
    "fields",
    "metafield_namespaces",
    "private_metafield_namespaces",
    "is_active",
)
# Shopify's webhook topics (Admin API 2025-07), including the mandatory compliance topics.
WEBHOOK_TOPICS = (
    "app/uninstalled",
    "app/scopes_update",
    "app_subscriptions/update",
    "bulk_operations/finish",
    "carts/create",
    "carts/update",
    "checkouts/create",
    "checkouts/delete",
    "checkouts/update",
    "collection_listings/add",
    "collection_listings/remove",
    "collection_listings/update",
    "collections/create",
    "collections/delete",
    "collections/update",
    "companies/create",
    "companies/delete",
    "companies/update",
    "company_contacts/create",
    "company_contacts/delete",
    "company_contacts/update",
    "company_locations/create",
    "company_locations/delete",
    "company_locations/update",
    "customer.joined_segment",
    "customer.left_segment",
    "customer.tags_added",
    "customer.tags_removed",
    "customer_groups/create",
    "customer_groups/delete",
    "customer_groups/update",
    "customer_payment_methods/create",
    "customer_payment_methods/revoke",
    "customer_payment_methods/update",
    "customers/create",
    "customers/data_request",
    "customers/delete",
    "customers/disable",
    "customers/enable",
    "customers/merge",
    "customers/redact",
    "customers/update",
    "customers_email_marketing_consent/update",
    "customers_marketing_consent/update",
    "discounts/create",
    "discounts/delete",
    "discounts/update",
    "disputes/create",
    "disputes/update",
    "domains/create",
    "domains/destroy",
    "domains/update",
    "draft_orders/create",
    "draft_orders/delete",
    "draft_orders/update",
    "fulfillment_events/create",
    "fulfillment_events/delete",
    "fulfillment_orders/cancellation_request_accepted",
    "fulfillment_orders/cancellation_request_rejected",
    "fulfillment_orders/cancellation_request_submitted",
    "fulfillment_orders/cancelled",
    "fulfillment_orders/fulfillment_request_accepted",
    "fulfillment_orders/fulfillment_request_rejected",
    "fulfillment_orders/fulfillment_request_submitted",
    "fulfillment_orders/fulfillment_service_failed_to_complete",
    "fulfillment_orders/hold_released",
    "fulfillment_orders/line_items_prepared_for_local_delivery",
    "fulfillment_orders/line_items_prepared_for_pickup",
    "fulfillment_orders/merged",
    "fulfillment_orders/moved",
    "fulfillment_orders/order_routing_complete",
    "fulfillment_orders/placed_on_hold",
    "fulfillment_orders/rescheduled",
    "fulfillment_orders/scheduled_fulfillment_order_ready",
    "fulfillment_orders/split",
    "fulfillments/create",
    "fulfillments/update",
    "inventory_items/create",
    "inventory_items/delete",
    "inventory_items/update",
    "inventory_levels/connect",
    "inventory_levels/disconnect",
    "inventory_levels/update",
    "locales/create",
    "locales/update",
    "locations/activate",
    "locations/create",
    "locations/deactivate",
    "locations/delete",
    "locations/update",
    "markets/create",
    "markets/delete",
    "markets/update",
    "order_transactions/create",
    "orders/cancelled",
    "orders/create",
    "orders/delete",
    "orders/edited",
    "orders/fulfilled",
    "orders/paid",
    "orders/partially_fulfilled",
    "orders/updated",
    "payment_schedules/due",
    "payment_terms/create",
    "payment_terms/delete",
    "payment_terms/update",
    "product_feeds/create",
    "product_feeds/full_sync",
    "product_feeds/incremental_sync",
    "product_feeds/update",
    "product_listings/add",
    "product_listings/remove",
    "product_listings/update",
    "product_publications/create",
    "product_publications/delete",
    "product_publications/update",
    "products/create",
    "products/delete",
    "products/update",
    "profiles/create",
    "profiles/delete",
    "profiles/update",
    "refunds/create",
    "returns/approve",
    "returns/cancel",
    "returns/close",
    "returns/decline",
    "returns/reopen",
    "returns/request",
    "returns/update",
    "selling_plan_groups/create",
    "selling_plan_groups/delete",
    "selling_plan_groups/update",
    "shop/redact",
    "shop/update",
    "subscription_billing_attempts/challenged",
    "subscription_billing_attempts/failure",
    "subscription_billing_attempts/success",
    "subscription_contracts/activate",
    "subscription_contracts/cancel",
    "subscription_contracts/create",
    "subscription_contracts/expire",
    "subscription_contracts/fail",
    "subscription_contracts/pause",
    "subscription_contracts/update",
    "tender_transactions/create",
    "themes/create",
    "themes/delete",
    "themes/publish",
    "themes/update",
)


def _refuse_mirrored(subscription: WebhookSubscription) -> None:
    if subscription.shopify_id is not None:
        raise ShopifyManaged("This webhook subscription is managed by Shopify; change it there.")


def _save(subscription: WebhookSubscription) -> None:
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as exc:
        raise Conflict(
            "This address is already subscribed to this topic.",
            details=[{"field": "address", "message": "Already subscribed to this topic."}],
        ) from exc


@transaction.atomic
def webhook_subscription_create(*, data: dict[str, Any], actor: Any = None) -> WebhookSubscription:
    """Subscribe an address to a topic; the signing secret is generated here."""
    fields = {key: data[key] for key in SUBSCRIPTION_FIELDS if key in data}
    fields.setdefault("api_version", DEFAULT_API_VERSION)
    subscription = WebhookSubscription(**fields, secret=secrets.token_urlsafe(32))
    _save(subscription)
    event_record(subject=subscription, verb="create", actor=actor)
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *, subscription: WebhookSubscription, data: dict[str, Any], actor: Any = None
) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    _refuse_mirrored(subscription)
    changes = {key: data[key] for key in SUBSCRIPTION_FIELDS if key in data}
    for key, value in changes.items():
        setattr(subscription, key, value)
    _save(subscription)
    event_record(
        subject=subscription, verb="update", actor=actor, arguments={"fields": sorted(changes)}
    )
    return subscription


@transaction.atomic
def webhook_subscription_delete(*, subscription: WebhookSubscription, actor: Any = None) -> None:
    _refuse_mirrored(subscription)
    soft_delete(instance=subscription)
    event_record(subject=subscription, verb="destroy", actor=actor)
