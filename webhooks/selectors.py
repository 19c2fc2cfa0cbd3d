"""Reads of webhooks, as querysets whose list query count does not grow with the rows."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from .choices import WebhookDeliveryStatus
from .models import WebhookDelivery, WebhookSubscription


def webhook_subscription_list(*, search: str | None = None) -> QuerySet[WebhookSubscription]:
    subscriptions = WebhookSubscription.objects.all()
    if search:
        subscriptions = subscriptions.filter(
            Q(topic__icontains=search) | Q(address__icontains=search)
        )
    return subscriptions


def webhook_delivery_list(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """The deliveries recorded for the subscription's topic (deliveries carry the topic, not a
    subscription key: Shopify sends one delivery per topic and address)."""
    return WebhookDelivery.objects.filter(topic=subscription.topic)


def webhook_delivery_retry_ids(
    *, received_before: datetime, max_attempts: int, limit: int
) -> list[int]:
    """Failed inbound deliveries worth applying again (oldest first): received before
    `received_before`, tried fewer than `max_attempts` times."""
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDeliveryStatus.FAILED,
            received_at__lt=received_before,
            attempts__lt=max_attempts,
        )
        .order_by("received_at", "id")
        .values_list("id", flat=True)[:limit]
    )
