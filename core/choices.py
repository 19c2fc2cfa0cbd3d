from django.db import models


class WeightUnit(models.TextChoices):
    GRAMS = "g", "grams"
    KILOGRAMS = "kg", "kilograms"
    OUNCES = "oz", "ounces"
    POUNDS = "lb", "pounds"


class EventVerb(models.TextChoices):
    CREATE = "create", "create"
    UPDATE = "update", "update"
    DESTROY = "destroy", "destroy"
    PUBLISHED = "published", "published"
    UNPUBLISHED = "unpublished", "unpublished"
    CONFIRMED = "confirmed", "confirmed"
    PLACED = "placed", "placed"
    PAID = "paid", "paid"
    CANCELLED = "cancelled", "cancelled"
    FULFILLED = "fulfilled", "fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled", "partially fulfilled"
    REFUNDED = "refunded", "refunded"
    RESTOCKED = "restocked", "restocked"
    ADJUSTED = "adjusted", "adjusted"
    LOW_STOCK = "low_stock", "low stock"
    RESTORED = "restored", "restored"
    EXPORTED = "exported", "exported"
    ERASED = "erased", "erased"
    SYNCED = "synced", "synced"
