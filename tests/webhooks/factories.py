"""factory_boy factories for the webhooks app."""

from __future__ import annotations

import hashlib

import factory
from factory.django import DjangoModelFactory

from webhooks.choices import WebhookDeliveryStatus, WebhookFormat
from webhooks.models import WebhookDelivery, WebhookSubscription


class WebhookSubscriptionFactory(DjangoModelFactory[WebhookSubscription]):
    class Meta:
        model = WebhookSubscription

    topic = "orders/create"
    address = factory.Sequence(lambda n: f"https://hooks.example.com/orders/{n}")
    format = WebhookFormat.JSON
    api_version = "2025-07"
    secret = factory.Sequence(lambda n: f"whsec-{n:08d}")


class WebhookDeliveryFactory(DjangoModelFactory[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery

    webhook_id = factory.Sequence(lambda n: f"b54557e4-bdd9-4b37-8a5f-{n:012d}")
    topic = "products/update"
    shop_domain = "stockroom-demo.myshopify.com"
    api_version = "2025-10"
    event_id = factory.Sequence(lambda n: f"6f1e7c0a-2d4b-4c3e-9a1b-{n:012d}")
    payload = factory.Sequence(lambda n: {"id": n + 1, "title": f"Product {n}"})
    payload_digest = factory.LazyAttribute(
        lambda delivery: hashlib.sha256(repr(delivery.payload).encode()).hexdigest()
    )
    hmac_valid = True
    status = WebhookDeliveryStatus.RECEIVED
