"""Enums of the inventory app: the seed's values."""

from django.db import models


class AdjustmentReason(models.TextChoices):
    """Why stock changed (the seed's list, exactly). Shopify's other reason names, such as
    `cycle_count_available` or `movement_canceled`, are mapped onto these by the connector."""

    CORRECTION = "correction", "correction"
    COUNT = "count", "count"
    DAMAGED = "damaged", "damaged"
    QUALITY_CONTROL = "quality_control", "quality control"
    RECEIVED = "received", "received"
    RESERVATION_UPDATE = "reservation_update", "reservation update"
    MOVEMENT_CREATED = "movement_created", "movement created"
    MOVEMENT_UPDATED = "movement_updated", "movement updated"
    MOVEMENT_CANCELLED = "movement_cancelled", "movement cancelled"
    OTHER = "other", "other"
