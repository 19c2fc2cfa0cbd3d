"""Enums of the b2b app: Shopify's B2B values in lower-case REST style."""

from django.db import models


class PaymentTermsType(models.TextChoices):
    """When payment is due: on receipt, N days after issue, on a fixed date, or on fulfillment."""

    RECEIPT = "receipt", "due on receipt"
    NET = "net", "net (N days)"
    FIXED = "fixed", "fixed date"
    FULFILLMENT = "fulfillment", "due on fulfillment"


class CompanyContactRole(models.TextChoices):
    """Shopify's two built-in company contact roles."""

    LOCATION_ADMIN = "location_admin", "location admin"
    ORDERING_ONLY = "ordering_only", "ordering only"
