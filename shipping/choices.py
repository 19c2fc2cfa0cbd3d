"""Enums of the shipping app: Shopify's lower-case values."""

from django.db import models


class ShippingRateType(models.TextChoices):
    """How a rate is chosen: by order weight, by order subtotal, or flat."""

    WEIGHT = "weight", "weight-based"
    PRICE = "price", "price-based"
    FLAT = "flat", "flat"
