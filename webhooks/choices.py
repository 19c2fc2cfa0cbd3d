"""Enums of the webhooks app."""

from django.db import models


class WebhookFormat(models.TextChoices):
    JSON = "json", "JSON"
    XML = "xml", "XML"


class WebhookDeliveryStatus(models.TextChoices):
    """The life of one inbound delivery, from receipt to applied (or knowingly skipped)."""

    RECEIVED = "received", "received"
    PROCESSING = "processing", "processing"
    PROCESSED = "processed", "processed"
    FAILED = "failed", "failed"
    IGNORED_DUPLICATE = "ignored_duplicate", "ignored (duplicate)"
    IGNORED_STALE = "ignored_stale", "ignored (stale)"
    # A topic the connector does not apply: recorded, never queued.
    IGNORED_TOPIC = "ignored_topic", "ignored (topic not handled)"
    # Its payload named a person whose data was erased (GDPR): redacted, never applied.
    IGNORED_REDACTED = "ignored_redacted", "ignored (redacted by an erasure)"
