"""Webhooks: outbound subscriptions (the seeds' Webhooks, mirrored from Shopify or our own) and
the receipt log of inbound Shopify deliveries (dedupe by X-Shopify-Webhook-Id)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import (
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    choices_constraint,
    non_negative_constraint,
)

from .choices import WebhookDeliveryStatus, WebhookFormat

ALIVE = Q(deleted_at__isnull=True)
MIRRORED = Q(shopify_id__isnull=False)
# `resource/event` ("orders/create", "bulk_operations/finish"); four Shopify topics use a dot
# instead of the slash ("customer.tags_added", "customer.joined_segment", …).
TOPIC_REGEX = r"^[a-z_]+[/.][a-z_]+$"
# Shopify's quarterly versions ("2025-07") or "unstable".
API_VERSION_REGEX = r"^([0-9]{4}-[0-9]{2}|unstable)$"
SHA256_HEX_REGEX = r"^[0-9a-f]{64}$"
NAMESPACE_LIST_FIELDS = ("private_metafield_namespaces", "metafield_namespaces", "fields")


class WebhookSubscription(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A subscription to a topic: Shopify's (mirrored, delivered to us) or our own outbound one,
    whose deliveries are signed with `secret`."""

    topic = models.CharField(max_length=128, help_text="resource/event, e.g. orders/create.")
    address = models.URLField(max_length=2048, help_text="Where deliveries are sent (https).")
    format = models.CharField(
        max_length=8, choices=WebhookFormat.choices, default=WebhookFormat.JSON
    )
    api_version = models.CharField(max_length=16, help_text="e.g. 2025-07 or unstable.")
    private_metafield_namespaces = models.JSONField(default=list, blank=True)
    metafield_namespaces = models.JSONField(default=list, blank=True)
    fields = models.JSONField(
        default=list, blank=True, help_text="Payload fields to include; empty: all of them."
    )
    is_active = models.BooleanField(default=True)
    secret = models.CharField(
        max_length=255, blank=True, help_text="Signs outbound deliveries (HMAC-SHA256)."
    )

    class Meta(SoftDeleteModel.Meta):
        ordering = ["topic"]
        indexes = [
            models.Index(fields=["topic"], name="webhooks_sub_topic_idx"),
            models.Index(fields=["address"], name="webhooks_sub_address_idx"),
            # created_at: indexed by TimestampedModel.
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "address"],
                condition=ALIVE,
                name="webhooks_subscription_topic_address_unique",
                violation_error_message="This address is already subscribed to this topic.",
            ),
            models.CheckConstraint(
                condition=Q(topic__regex=TOPIC_REGEX),
                name="webhooks_subscription_topic_valid",
                violation_error_message="The topic reads resource/event, e.g. orders/create.",
            ),
            # Shopify also delivers to pubsub:// and arn:aws:events: addresses.
            models.CheckConstraint(
                condition=Q(address__startswith="https://") | MIRRORED,
                name="webhooks_subscription_local_https",
                violation_error_message="Deliveries go to https:// addresses only.",
            ),
            choices_constraint("format", WebhookFormat, "webhooks_subscription_format_valid"),
            models.CheckConstraint(
                condition=Q(api_version__regex=API_VERSION_REGEX),
                name="webhooks_subscription_api_version_valid",
                violation_error_message="Use a Shopify API version such as 2025-07, or unstable.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} -> {self.address}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        for name in NAMESPACE_LIST_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                errors[name] = "Enter a list of names."
        if errors:
            raise ValidationError(errors)


class WebhookDelivery(models.Model):
    """One inbound Shopify webhook, recorded before it is applied. `webhook_id` (the
    X-Shopify-Webhook-Id header) makes redeliveries of the same webhook land on this row."""

    webhook_id = models.CharField(max_length=64, help_text="X-Shopify-Webhook-Id.")
    topic = models.CharField(max_length=128, help_text="X-Shopify-Topic.")
    shop_domain = models.CharField(max_length=255, help_text="X-Shopify-Shop-Domain.")
    api_version = models.CharField(max_length=16, blank=True, help_text="X-Shopify-API-Version.")
    triggered_at = models.DateTimeField(null=True, blank=True, help_text="X-Shopify-Triggered-At.")
    event_id = models.CharField(max_length=64, blank=True, help_text="X-Shopify-Event-Id.")
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict, blank=True)
    payload_digest = models.CharField(max_length=64, help_text="SHA-256 (hex) of the raw body.")
    hmac_valid = models.BooleanField()
    status = models.CharField(
        max_length=32,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.RECEIVED,
    )
    attempts = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["topic"], name="webhooks_delivery_topic_idx"),
            models.Index(fields=["status"], name="webhooks_delivery_status_idx"),
            models.Index(fields=["received_at"], name="webhooks_delivery_received_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook_id"], name="webhooks_delivery_webhook_id_unique"
            ),
            models.CheckConstraint(
                condition=~Q(webhook_id=""), name="webhooks_delivery_webhook_id_set"
            ),
            models.CheckConstraint(
                condition=Q(payload_digest__regex=SHA256_HEX_REGEX),
                name="webhooks_delivery_digest_sha256",
            ),
            choices_constraint("status", WebhookDeliveryStatus, "webhooks_delivery_status_valid"),
            non_negative_constraint("attempts", "webhooks_delivery_attempts_gte_0"),
            # A delivery whose signature failed is never applied.
            models.CheckConstraint(
                condition=Q(hmac_valid=True)
                | ~Q(
                    status__in=[
                        WebhookDeliveryStatus.PROCESSING,
                        WebhookDeliveryStatus.PROCESSED,
                    ]
                ),
                name="webhooks_delivery_applied_hmac_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=WebhookDeliveryStatus.PROCESSED)
                | Q(processed_at__isnull=False),
                name="webhooks_delivery_processed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=WebhookDeliveryStatus.FAILED) | ~Q(error=""),
                name="webhooks_delivery_failure_has_error",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id} ({self.status})"
