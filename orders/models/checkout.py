"""Abandoned checkouts (both of the seeds' AbandonedCheckouts listings) and their lines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import (
    ZERO,
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    currency_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
)

MIRRORED = Q(shopify_id__isnull=False)
# One "@", something on each side, a dot in the domain and no blanks (the seed's email check).
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class AbandonedCheckout(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A checkout the buyer started and did not complete (yet): cart, contact and totals."""

    token = models.CharField(max_length=64)
    cart_token = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=64, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abandoned_checkouts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abandoned_checkouts",
    )
    location = models.ForeignKey(
        "inventory.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abandoned_checkouts",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=64, blank=True)
    customer_locale = models.CharField(max_length=32, blank=True)
    buyer_accepts_marketing = models.BooleanField(default=False)
    buyer_accepts_marketing_updated_at = models.DateTimeField(null=True, blank=True)
    buyer_accepts_sms_marketing = models.BooleanField(default=False)
    sms_marketing_phone = models.CharField(max_length=64, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)

    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    abandoned_checkout_url = models.TextField(blank=True)
    gateway = models.CharField(max_length=255, blank=True)

    currency = currency_field()
    presentment_currency = currency_field()
    taxes_included = models.BooleanField(default=False)
    tax_exempt = models.BooleanField(default=False)
    total_price = money_field(default=ZERO)
    subtotal_price = money_field(default=ZERO)
    total_tax = money_field(default=ZERO)
    total_discounts = money_field(default=ZERO)
    total_line_items_price = money_field(default=ZERO)
    total_duties = money_field(null=True, blank=True)
    total_weight = models.IntegerField(default=0, help_text="Grams.")
    # Shopify's payload of the lines; the rows are in `checkout_line_items`.
    line_items = models.JSONField(default=list, blank=True)
    shipping_lines = models.JSONField(default=list, blank=True)
    shipping_line = models.JSONField(default=dict, blank=True)
    tax_lines = models.JSONField(default=list, blank=True)
    discount_codes = models.JSONField(default=list, blank=True)
    applied_discount = models.JSONField(default=dict, blank=True)

    note = models.TextField(blank=True)
    note_attributes = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=255, blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    source_identifier = models.CharField(max_length=255, blank=True)
    source_url = models.TextField(blank=True)
    referring_site = models.TextField(blank=True)
    landing_site = models.TextField(blank=True)
    device_id = models.BigIntegerField(null=True, blank=True)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["email"], name="orders_checkout_email_idx"),
            models.Index(fields=["completed_at"], name="orders_checkout_completed_idx"),
            models.Index(fields=["-created_at", "-id"], name="orders_checkout_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["token"], name="orders_checkout_token_unique"),
            models.CheckConstraint(
                condition=MIRRORED | Q(email="") | Q(email__regex=EMAIL_PATTERN),
                name="orders_checkout_email_format",
            ),
            currency_constraint("currency", "orders_checkout_currency_iso4217"),
            currency_constraint(
                "presentment_currency", "orders_checkout_presentment_currency_iso4217"
            ),
            non_negative_constraint("total_price", "orders_checkout_total_price_gte_0"),
            non_negative_constraint("subtotal_price", "orders_checkout_subtotal_price_gte_0"),
            non_negative_constraint("total_tax", "orders_checkout_total_tax_gte_0"),
            non_negative_constraint("total_discounts", "orders_checkout_total_discounts_gte_0"),
            non_negative_constraint(
                "total_line_items_price", "orders_checkout_total_line_items_price_gte_0"
            ),
            non_negative_constraint("total_duties", "orders_checkout_total_duties_gte_0"),
            non_negative_constraint("total_weight", "orders_checkout_total_weight_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name or f"Checkout {self.token[:12]}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class AbandonedCheckoutLineItem(TimestampedModel):
    """One line of an abandoned checkout's cart."""

    checkout = models.ForeignKey(
        AbandonedCheckout, on_delete=models.CASCADE, related_name="checkout_line_items"
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shopify identifies checkout lines by `key`, not by a numeric id.
    key = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255)
    variant_title = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=255, blank=True)
    vendor = models.CharField(max_length=255, blank=True)
    quantity = models.IntegerField()
    price = money_field()
    compare_at_price = money_field(null=True, blank=True)
    grams = models.IntegerField(default=0)
    requires_shipping = models.BooleanField(default=True)
    taxable = models.BooleanField(default=True)
    properties = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="orders_checkout_line_quantity_gt_0"
            ),
            non_negative_constraint("price", "orders_checkout_line_price_gte_0"),
            non_negative_constraint(
                "compare_at_price", "orders_checkout_line_compare_at_price_gte_0"
            ),
            non_negative_constraint("grams", "orders_checkout_line_grams_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"
