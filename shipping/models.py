"""Where we ship and at what price, and who fulfils (the seeds' ShippingZones, ShippingRates and
FulfillmentServices; the two listings of zones and rates are united)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from core.models import (
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    choices_constraint,
    currency_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
)

from .choices import ShippingRateType

LOCAL = Q(shopify_id__isnull=True)
ALIVE = Q(deleted_at__isnull=True)
# An ISO 3166-1 alpha-2 code, or Shopify's "*" for the rest of the world.
_ZONE_COUNTRY_CODE = re.compile(r"^([A-Z]{2}|\*)$")


def _zone_country_codes(countries: Any) -> list[Any]:
    """The codes of a zone's countries, given as codes ("CA") or Shopify objects ({"code": …})."""
    if not isinstance(countries, list):
        return [countries]
    return [item.get("code") if isinstance(item, dict) else item for item in countries]


class ShippingZone(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A group of countries/provinces sharing shipping rates.

    Shopify repeats zone names across shipping profiles ("Domestic" in each), so names are
    unique (case-insensitively) among local, live zones only.
    """

    name = models.CharField(max_length=255)
    countries = models.JSONField(
        default=list, blank=True, help_text='[{"code": "CA", "name": "Canada", …}] or ["CA"]'
    )
    provinces = models.JSONField(default=list, blank=True)
    weight_based_shipping_rates = models.JSONField(default=list, blank=True)
    price_based_shipping_rates = models.JSONField(default=list, blank=True)
    carrier_shipping_rate_providers = models.JSONField(default=list, blank=True)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="shipping_zone_name_idx"),
            # GIN on PostgreSQL (containment: countries @> '[{"code": "CA"}]'); SQLite's schema
            # editor drops the `USING gin` and builds a plain index, so both profiles migrate.
            GinIndex(fields=["countries"], name="shipping_zone_countries_gin"),
            GinIndex(fields=["provinces"], name="shipping_zone_provinces_gin"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), condition=LOCAL & ALIVE, name="shipping_zone_local_name_ci_unique"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="shipping_zone_name_set"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Country validation: ISO 3166-1 alpha-2 codes, or "*" for the rest of the world."""
        super().clean()
        invalid = [
            code
            for code in _zone_country_codes(self.countries)
            if not (isinstance(code, str) and _ZONE_COUNTRY_CODE.match(code))
        ]
        if invalid:
            raise ValidationError({"countries": f"Unknown country codes: {invalid}."})


class ShippingRate(ShopifyIdentityModel, TimestampedModel):
    """A price for shipping within a zone, limited by order subtotal and/or weight."""

    shipping_zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="rates")
    name = models.CharField(max_length=255)
    rate_type = models.CharField(
        max_length=16, choices=ShippingRateType.choices, null=True, blank=True
    )
    price = money_field()
    currency = currency_field()
    min_order_subtotal = money_field(null=True, blank=True)
    max_order_subtotal = money_field(null=True, blank=True)
    weight_low = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, help_text="Lowest order weight."
    )
    weight_high = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, help_text="Highest order weight."
    )

    class Meta:
        indexes = [
            models.Index(fields=["weight_low"], name="shipping_rate_weight_low_idx"),
            models.Index(fields=["weight_high"], name="shipping_rate_weight_high_idx"),
            models.Index(fields=["price"], name="shipping_rate_price_idx"),
            # shipping_zone: indexed as a foreign key.
        ]
        constraints = [
            non_negative_constraint("price", "shipping_rate_price_gte_0"),
            currency_constraint("currency", "shipping_rate_currency_iso4217"),
            choices_constraint(
                "rate_type", ShippingRateType, "shipping_rate_type_valid", nullable=True
            ),
            non_negative_constraint("min_order_subtotal", "shipping_rate_min_subtotal_gte_0"),
            non_negative_constraint("max_order_subtotal", "shipping_rate_max_subtotal_gte_0"),
            models.CheckConstraint(
                condition=Q(min_order_subtotal__isnull=True)
                | Q(max_order_subtotal__isnull=True)
                | Q(min_order_subtotal__lte=F("max_order_subtotal")),
                name="shipping_rate_subtotal_range",
            ),
            non_negative_constraint("weight_low", "shipping_rate_weight_low_gte_0"),
            non_negative_constraint("weight_high", "shipping_rate_weight_high_gte_0"),
            models.CheckConstraint(
                condition=Q(weight_low__isnull=True)
                | Q(weight_high__isnull=True)
                | Q(weight_low__lte=F("weight_high")),
                name="shipping_rate_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.price} {self.currency}"


class FulfillmentService(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A third-party warehouse or app that fulfils orders from its own location."""

    name = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    service_name = models.CharField(max_length=255, blank=True)
    handle = models.CharField(max_length=255)
    fulfillment_orders_opt_in = models.BooleanField(default=True)
    include_pending_stock = models.BooleanField(default=False)
    provider_id = models.CharField(max_length=255, blank=True)
    location = models.ForeignKey(
        "inventory.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfillment_services",
    )
    callback_url = models.URLField(
        max_length=2048, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    tracking_support = models.BooleanField(default=False)
    inventory_management = models.BooleanField(default=False)
    permits_sku_sharing = models.BooleanField(default=True)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="shipping_fulfil_svc_name_idx"),
            models.Index(fields=["provider_id"], name="shipping_fulfil_svc_prov_idx"),
            # handle: its unique constraint's index; location: a foreign key.
        ]
        constraints = [
            # Handles are unique at Shopify too: no local-only condition.
            models.UniqueConstraint(
                fields=["handle"], condition=ALIVE, name="shipping_fulfil_svc_handle_unique"
            ),
            models.CheckConstraint(condition=~Q(handle=""), name="shipping_fulfil_svc_handle_set"),
            models.CheckConstraint(
                condition=Q(email="") | Q(email__regex=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
                name="shipping_fulfil_svc_email_valid",
            ),
            models.CheckConstraint(
                condition=Q(callback_url="") | Q(callback_url__regex=r"^https?://[^\s/]+"),
                name="shipping_fulfil_svc_callback_http",
            ),
        ]

    def __str__(self) -> str:
        return self.name
