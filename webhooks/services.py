"""Writes of webhook subscriptions, and the application of inbound Shopify deliveries.

Rules (the seed + Shopify): the topic is one of Shopify's webhook topics; the address is an
https URL; the format is json; (topic, address) is unique among live subscriptions (the database
constraint decides; its violation is a 409); the signing secret is generated, returned once.
Mirrored subscriptions are refused (SHOPIFY_MANAGED).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from compliance.services import (
    shopify_customer_redact_record,
    shopify_data_request_record,
    shopify_shop_redact_record,
)
from core.errors import Conflict, ShopifyManaged
from core.services import event_record, soft_delete
from inventory.models import InventoryLevel
from inventory.services import low_stock_record as record_low_stock
from shopify import mirror
from shopify.connection import connection_mark_uninstalled
from shopify.mapping.rest import MAPPED_TOPICS, items_for_webhook, product_incomplete, record_id
from shopify.rows import ApplyResult, MirrorChildren, MirrorDelete
from shopify.sync import bulk_operation_finished

from .choices import WebhookDeliveryStatus
from .models import WebhookDelivery, WebhookSubscription

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


# --- inbound Shopify deliveries: apply ------------------------------------------------------------
#
# A recorded delivery is applied once: the row is locked (skip_locked: a second worker given the
# same id moves on), mapped by `shopify.mapping.rest` and written by `shopify.mirror.apply`, whose
# updated_at guard ignores stale rows, so out-of-order deliveries never regress data. A payload's
# complete child sets (`MirrorChildren`: a product's variants, an order's lines …) are applied only
# when its parent row was not stale: an old payload must not prune children added since.
# Errors: transient database errors (OperationalError: deadlock, serialization, lost connection)
# roll everything back and propagate for the task to retry; anything else marks the delivery
# failed with the error, attempts + 1.

COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})
SIGNAL_TOPICS = frozenset({"app/uninstalled", "bulk_operations/finish"})
APPLIED_TOPICS: frozenset[str] = (
    MAPPED_TOPICS | {"inventory_levels/disconnect"} | SIGNAL_TOPICS | COMPLIANCE_TOPICS
)
PRIMARY_MODELS = {
    "products": "product",
    "collections": "collection",
    "customers": "customer",
    "orders": "order",
    "refunds": "refund",
    "fulfillments": "fulfillment",
    "order_transactions": "transaction",
    "inventory_levels": "inventory_level",
    "inventory_items": "inventory_item",
    "locations": "location",
}
PENDING_STATUSES = (WebhookDeliveryStatus.RECEIVED, WebhookDeliveryStatus.FAILED)
MAX_ERROR_LENGTH = 4000


@dataclass
class DeliveryOutcome:
    """What applying a delivery did (for the task, the tests and the admin)."""

    status: str
    result: ApplyResult = field(default_factory=ApplyResult)
    refresh_product_id: int | None = None
    error: str = ""
    # Rows waited for a record the mirror does not hold yet (a transaction before its order):
    # the delivery is failed for now and worth applying again once the parent has arrived.
    waiting: bool = False


def _primary_model(topic: str) -> str:
    """The mirror model a topic is about: "orders/paid" -> "order"."""
    return PRIMARY_MODELS[topic.split("/", 1)[0]]


def _apply_mirror(delivery: WebhookDelivery) -> DeliveryOutcome:
    items = [
        # A delete happened when Shopify triggered its webhook, which may be long before now.
        replace(item, deleted_at=delivery.triggered_at)
        if isinstance(item, MirrorDelete) and delivery.triggered_at is not None
        else item
        for item in items_for_webhook(delivery.topic, delivery.payload)
    ]
    rows = [item for item in items if not isinstance(item, MirrorChildren)]
    children = [item for item in items if isinstance(item, MirrorChildren)]
    low_stock_before = _level_before(delivery)
    result = mirror.apply(rows)
    fresh_children = [child for child in children if not result.stale.get(child.parent_model)]
    if fresh_children:
        result.merge(mirror.apply(fresh_children))
    if low_stock_before is not None:
        _record_low_stock_reached(low_stock_before[0], available_before=low_stock_before[1])
    changed = any(
        count
        for counts in (result.created, result.updated, result.deleted)
        for count in counts.values()
    )
    status = (
        WebhookDeliveryStatus.IGNORED_STALE
        if not changed and result.stale.get(_primary_model(delivery.topic))
        else WebhookDeliveryStatus.PROCESSED
    )
    if result.deferred:
        unwritten = ", ".join(
            f"{row.model} {row.shopify_id} ({', '.join(f'{k} {v}' for k, v in row.refs.items())})"
            for row in result.deferred[:5]
        )
        return DeliveryOutcome(
            status=WebhookDeliveryStatus.FAILED,
            result=result,
            error=f"Not written yet (a record they point at is missing, or refused): {unwritten}",
            waiting=True,
        )
    outcome = DeliveryOutcome(status=status, result=result)
    if (
        delivery.topic in ("products/create", "products/update")
        and status == WebhookDeliveryStatus.PROCESSED
        and product_incomplete(delivery.payload)
    ):
        outcome.refresh_product_id = record_id(delivery.payload)
    return outcome


def _level_key(delivery: WebhookDelivery) -> tuple[int, int] | None:
    payload = delivery.payload
    item_id, location_id = payload.get("inventory_item_id"), payload.get("location_id")
    if item_id is None or location_id is None:
        return None
    return int(item_id), int(location_id)


def _level_before(delivery: WebhookDelivery) -> tuple[int, int] | None:
    """inventory_levels/update of a level with a low-stock threshold: (its pk, its available
    count before the update), the level locked; None otherwise."""
    if delivery.topic != "inventory_levels/update" or (key := _level_key(delivery)) is None:
        return None
    level = (
        InventoryLevel.objects.select_for_update()
        .filter(inventory_item__shopify_id=key[0], location__shopify_id=key[1])
        .exclude(low_stock_threshold=None)
        .only("available")
        .first()
    )
    return (level.pk, level.available) if level is not None else None


def _record_low_stock_reached(level_id: int, *, available_before: int) -> None:
    """The low-stock Event, as inventory.services records it for local adjustments: the level
    fell to or below its threshold."""
    level = InventoryLevel.objects.filter(pk=level_id).first()
    if (
        level is not None
        and level.low_stock_threshold is not None
        and level.available < available_before
        and level.available <= level.low_stock_threshold
    ):
        record_low_stock(level, None)


def _disconnect_level(delivery: WebhookDelivery) -> DeliveryOutcome:
    """inventory_levels/disconnect: the item is no longer stocked at the location."""
    key = _level_key(delivery)
    result = ApplyResult()
    if key is not None:
        deleted, _ = InventoryLevel.objects.filter(
            inventory_item__shopify_id=key[0], location__shopify_id=key[1]
        ).delete()
        if deleted:
            result.deleted["inventory_level"] = deleted
    return DeliveryOutcome(status=WebhookDeliveryStatus.PROCESSED, result=result)


def _apply_signal(delivery: WebhookDelivery) -> DeliveryOutcome:
    if delivery.topic == "app/uninstalled":
        connection_mark_uninstalled(shop_domain=delivery.shop_domain)
    else:
        bulk_operation_finished(gid=str(delivery.payload["admin_graphql_api_id"]))
    return DeliveryOutcome(status=WebhookDeliveryStatus.PROCESSED)


COMPLIANCE_RECORDERS: dict[str, Callable[..., object]] = {
    "customers/data_request": shopify_data_request_record,
    "customers/redact": shopify_customer_redact_record,
    "shop/redact": shopify_shop_redact_record,
}


def _apply_compliance(delivery: WebhookDelivery) -> DeliveryOutcome:
    COMPLIANCE_RECORDERS[delivery.topic](payload=delivery.payload)
    return DeliveryOutcome(status=WebhookDeliveryStatus.PROCESSED)


def _dispatch(delivery: WebhookDelivery) -> DeliveryOutcome:
    if delivery.topic in MAPPED_TOPICS:
        return _apply_mirror(delivery)
    if delivery.topic == "inventory_levels/disconnect":
        return _disconnect_level(delivery)
    if delivery.topic in SIGNAL_TOPICS:
        return _apply_signal(delivery)
    if delivery.topic in COMPLIANCE_TOPICS:
        return _apply_compliance(delivery)
    return DeliveryOutcome(status=WebhookDeliveryStatus.IGNORED_TOPIC)


def webhook_delivery_apply(*, delivery_id: int) -> DeliveryOutcome | None:
    """Apply one recorded delivery; None when it is already done or another worker holds it.

    Raises OperationalError (nothing written) for the caller to retry."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status__in=PENDING_STATUSES)
            .first()
        )
        if delivery is None:
            return None
        try:
            with transaction.atomic():
                outcome = _dispatch(delivery)
        except OperationalError:
            raise
        except Exception as exc:  # any other failure is recorded on the delivery
            outcome = DeliveryOutcome(
                status=WebhookDeliveryStatus.FAILED, error=f"{type(exc).__name__}: {exc}"
            )
        delivery.status = outcome.status
        delivery.error = outcome.error[:MAX_ERROR_LENGTH]
        delivery.attempts += 1
        delivery.processed_at = (
            None if outcome.status == WebhookDeliveryStatus.FAILED else timezone.now()
        )
        delivery.save(update_fields=["status", "error", "attempts", "processed_at"])
    return outcome


def webhook_delivery_fail(*, delivery_id: int, error: str) -> None:
    """Record a delivery whose application kept failing transiently (retries exhausted)."""
    WebhookDelivery.objects.filter(pk=delivery_id, status__in=PENDING_STATUSES).update(
        status=WebhookDeliveryStatus.FAILED,
        error=(error or "failed")[:MAX_ERROR_LENGTH],
        attempts=F("attempts") + 1,
    )
