"""Enums of the customers app: the seed's values, else Shopify's lower-case REST values."""

from django.db import models


class CustomerState(models.TextChoices):
    """Whether the customer has an online-store account (Shopify's `state`)."""

    DISABLED = "disabled", "disabled"
    INVITED = "invited", "invited"
    ENABLED = "enabled", "enabled"
    DECLINED = "declined", "declined"


class MarketingOptInLevel(models.TextChoices):
    SINGLE_OPT_IN = "single_opt_in", "single opt-in"
    CONFIRMED_OPT_IN = "confirmed_opt_in", "confirmed opt-in"
    UNKNOWN = "unknown", "unknown"
