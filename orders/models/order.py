"""Orders, their line items and the discounts applied to them (the seeds' Orders, OrderLineItems,
OrderDiscounts / OrderDiscountApplications)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import (
    ZERO,
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    choices_constraint,
    currency_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
)
from orders.choices import (
    CancelReason,
    DiscountAllocationMethod,
    DiscountApplicationType,
    DiscountTargetSelection,
    DiscountTargetType,
    DiscountValueType,
    FinancialStatus,
    LineItemFulfillmentStatus,
    OrderFulfillmentStatus,
    OrderStatus,
    ProcessingMethod,
)

MIRRORED = Q(shopify_id__isnull=False)


class Order(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A placed order. Totals are computed by the services (or mirrored) and never typed in."""

    # Identity and numbering: `number` counts from 1, `order_number` from 1001, `name` is "#1001".
    number = models.BigIntegerField()
    order_number = models.BigIntegerField()
    name = models.CharField(max_length=64)
    token = models.CharField(max_length=64, blank=True)
    cart_token = models.CharField(max_length=64, blank=True)
    checkout_token = models.CharField(max_length=64, blank=True)
    # Shopify's checkout id: most checkouts never become an AbandonedCheckout row, so this stays a
    # plain id; an abandoned checkout is matched through `checkout_token` = its `token`.
    checkout_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=255, blank=True)

    # Who and where.
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        help_text="The staff member who created the order (point of sale, draft orders).",
    )
    location = models.ForeignKey(
        "inventory.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    company = models.ForeignKey(
        "b2b.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        help_text="Set on B2B orders.",
    )
    payment_terms = models.ForeignKey(
        "b2b.PaymentTerms",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    market = models.ForeignKey(
        "markets.Market",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    email = models.EmailField(blank=True)
    contact_email = models.EmailField(blank=True)
    phone = models.CharField(max_length=64, blank=True)
    customer_locale = models.CharField(max_length=32, blank=True)
    buyer_accepts_marketing = models.BooleanField(default=False)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)

    # Lifecycle.
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    financial_status = models.CharField(
        max_length=32, choices=FinancialStatus.choices, default=FinancialStatus.PENDING
    )
    fulfillment_status = models.CharField(
        max_length=32,
        choices=OrderFulfillmentStatus.choices,
        null=True,
        blank=True,
        default=OrderFulfillmentStatus.UNFULFILLED,
    )
    confirmed = models.BooleanField(default=True)
    test = models.BooleanField(default=False)
    processed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(
        max_length=16, choices=CancelReason.choices, null=True, blank=True
    )
    processing_method = models.CharField(
        max_length=16, choices=ProcessingMethod.choices, blank=True
    )
    gateway = models.CharField(max_length=255, blank=True)
    payment_gateway_names = models.JSONField(default=list, blank=True)

    # Money: shop currency totals, their MoneyBags (shop + presentment money) and tax/discounts.
    currency = currency_field()
    presentment_currency = currency_field()
    taxes_included = models.BooleanField(default=False)
    total_price = money_field(default=ZERO)
    subtotal_price = money_field(default=ZERO)
    total_tax = money_field(default=ZERO)
    total_discounts = money_field(default=ZERO)
    total_line_items_price = money_field(default=ZERO)
    total_price_usd = money_field(null=True, blank=True)
    total_weight = models.IntegerField(default=0, help_text="Grams.")
    total_line_items_price_set = models.JSONField(default=dict, blank=True)
    total_discounts_set = models.JSONField(default=dict, blank=True)
    total_shipping_price_set = models.JSONField(default=dict, blank=True)
    subtotal_price_set = models.JSONField(default=dict, blank=True)
    total_price_set = models.JSONField(default=dict, blank=True)
    total_tax_set = models.JSONField(default=dict, blank=True)
    tax_lines = models.JSONField(default=list, blank=True)
    discount_applications = models.JSONField(default=list, blank=True)
    discount_codes = models.JSONField(default=list, blank=True)
    shipping_lines = models.JSONField(default=list, blank=True)

    # Notes, tags and where the order came from.
    note = models.TextField(blank=True)
    note_attributes = models.JSONField(default=list, blank=True)
    tags = models.TextField(blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    source_identifier = models.CharField(max_length=255, blank=True)
    source_url = models.TextField(blank=True)
    referring_site = models.TextField(blank=True)
    landing_site = models.TextField(blank=True)
    landing_site_ref = models.CharField(max_length=255, blank=True)
    browser_ip = models.GenericIPAddressField(null=True, blank=True)
    device_id = models.BigIntegerField(null=True, blank=True)
    app_id = models.BigIntegerField(null=True, blank=True)
    order_status_url = models.TextField(blank=True)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["email"], name="orders_order_email_idx"),
            models.Index(fields=["name"], name="orders_order_name_idx"),
            # Lookups by number for every order (the unique indexes hold local orders only).
            models.Index(fields=["number"], name="orders_order_number_idx"),
            models.Index(fields=["order_number"], name="orders_order_order_number_idx"),
            models.Index(fields=["financial_status"], name="orders_order_financial_idx"),
            models.Index(fields=["fulfillment_status"], name="orders_order_fulfillment_idx"),
            models.Index(fields=["status"], name="orders_order_status_idx"),
            models.Index(fields=["processed_at"], name="orders_order_processed_idx"),
            models.Index(fields=["-created_at", "-id"], name="orders_order_created_id_idx"),
        ]
        constraints = [
            # Shopify does not promise unique order numbers ("not guaranteed to be unique …
            # even for a single store"): the rule holds for local orders, mirrored rows are
            # stored as Shopify has them.
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(shopify_id__isnull=True),
                name="orders_order_number_unique",
            ),
            models.UniqueConstraint(
                fields=["order_number"],
                condition=Q(shopify_id__isnull=True),
                name="orders_order_order_number_unique",
            ),
            models.UniqueConstraint(
                fields=["token"], condition=~Q(token=""), name="orders_order_token_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="orders_order_number_positive"),
            # The stored status is exactly the one derived from the dates (see derived_status()).
            models.CheckConstraint(
                condition=Q(status=OrderStatus.CANCELLED, cancelled_at__isnull=False)
                | Q(status=OrderStatus.CLOSED, cancelled_at__isnull=True, closed_at__isnull=False)
                | Q(status=OrderStatus.OPEN, cancelled_at__isnull=True, closed_at__isnull=True),
                name="orders_order_status_derived",
            ),
            choices_constraint(
                "financial_status", FinancialStatus, "orders_order_financial_status_valid"
            ),
            choices_constraint(
                "fulfillment_status",
                OrderFulfillmentStatus,
                "orders_order_fulfillment_status_valid",
                nullable=True,
            ),
            # Local rows say "unfulfilled"; only Shopify's mirrored rows may leave it null.
            # (`IS NOT NULL` is spelled out: `NULL IN (...)` is unknown, which a CHECK accepts.)
            models.CheckConstraint(
                condition=MIRRORED
                | Q(
                    fulfillment_status__isnull=False,
                    fulfillment_status__in=OrderFulfillmentStatus.values,
                ),
                name="orders_order_local_fulfillment_set",
            ),
            choices_constraint(
                "cancel_reason", CancelReason, "orders_order_cancel_reason_valid", nullable=True
            ),
            choices_constraint(
                "processing_method",
                ProcessingMethod,
                "orders_order_processing_method_valid",
                nullable=True,
            ),
            currency_constraint("currency", "orders_order_currency_iso4217"),
            currency_constraint(
                "presentment_currency", "orders_order_presentment_currency_iso4217"
            ),
            non_negative_constraint("total_price", "orders_order_total_price_gte_0"),
            non_negative_constraint("subtotal_price", "orders_order_subtotal_price_gte_0"),
            non_negative_constraint("total_tax", "orders_order_total_tax_gte_0"),
            non_negative_constraint("total_discounts", "orders_order_total_discounts_gte_0"),
            non_negative_constraint(
                "total_line_items_price", "orders_order_total_line_items_price_gte_0"
            ),
            non_negative_constraint("total_price_usd", "orders_order_total_price_usd_gte_0"),
            non_negative_constraint("total_weight", "orders_order_total_weight_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.order_number}"

    def derived_status(self) -> str:
        """The status the dates imply: cancelled beats closed beats open."""
        return self.status_for(cancelled_at=self.cancelled_at, closed_at=self.closed_at)

    @staticmethod
    def status_for(*, cancelled_at: datetime | None, closed_at: datetime | None) -> str:
        if cancelled_at is not None:
            return OrderStatus.CANCELLED
        if closed_at is not None:
            return OrderStatus.CLOSED
        return OrderStatus.OPEN


class OrderLineItem(ShopifyIdentityModel, TimestampedModel):
    """One line of an order: a copy of what was sold, kept even if the product goes away."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="line_items")
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_line_items",
    )
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_line_items",
    )
    title = models.CharField(max_length=255)
    variant_title = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=512, blank=True)
    sku = models.CharField(max_length=255, blank=True)
    vendor = models.CharField(max_length=255, blank=True)
    quantity = models.IntegerField()
    current_quantity = models.IntegerField(
        null=True, blank=True, help_text="Quantity after order edits and removals."
    )
    fulfillable_quantity = models.IntegerField(default=0)
    price = money_field()
    total_discount = money_field(default=ZERO)
    price_set = models.JSONField(default=dict, blank=True)
    total_discount_set = models.JSONField(default=dict, blank=True)
    grams = models.IntegerField(default=0)
    # Shopify's handle of the service that fulfils the line ("manual" or an app's handle).
    fulfillment_service = models.CharField(max_length=255, blank=True, default="manual")
    fulfillment_status = models.CharField(
        max_length=16, choices=LineItemFulfillmentStatus.choices, null=True, blank=True
    )
    variant_inventory_management = models.CharField(max_length=255, blank=True)
    requires_shipping = models.BooleanField(default=True)
    taxable = models.BooleanField(default=True)
    gift_card = models.BooleanField(default=False, help_text="The line sells a gift card.")
    product_exists = models.BooleanField(default=True)
    properties = models.JSONField(default=list, blank=True)
    tax_lines = models.JSONField(default=list, blank=True)
    applied_discounts = models.JSONField(default=list, blank=True)
    discount_allocations = models.JSONField(default=list, blank=True)
    origin_location = models.JSONField(default=dict, blank=True)
    destination_location = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sku"], name="orders_line_sku_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(current_quantity__isnull=True)
                | Q(current_quantity__gte=0, current_quantity__lte=F("quantity")),
                name="orders_line_current_quantity_range",
            ),
            non_negative_constraint("fulfillable_quantity", "orders_line_fulfillable_gte_0"),
            models.CheckConstraint(
                condition=Q(fulfillable_quantity__lte=F("quantity")),
                name="orders_line_fulfillable_lte_quantity",
            ),
            non_negative_constraint("price", "orders_line_price_gte_0"),
            non_negative_constraint("total_discount", "orders_line_total_discount_gte_0"),
            non_negative_constraint("grams", "orders_line_grams_gte_0"),
            choices_constraint(
                "fulfillment_status",
                LineItemFulfillmentStatus,
                "orders_line_fulfillment_status_valid",
                nullable=True,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name or self.title}"


class OrderDiscountApplication(TimestampedModel):
    """A discount applied to an order (the seeds' OrderDiscounts / OrderDiscountApplications).

    It links a DiscountCode to the many orders that used it; `position` is the index Shopify's
    `discount_allocations[].discount_application_index` points at.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="discounts")
    discount_code = models.ForeignKey(
        "finance.DiscountCode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_discount_applications",
    )
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    type = models.CharField(
        max_length=16,
        choices=DiscountApplicationType.choices,
        default=DiscountApplicationType.DISCOUNT_CODE,
    )
    value = models.DecimalField(
        max_digits=14, decimal_places=4, help_text="A percentage or an amount, per value type."
    )
    value_type = models.CharField(
        max_length=16, choices=DiscountValueType.choices, default=DiscountValueType.FIXED_AMOUNT
    )
    amount = money_field(default=ZERO, help_text="What the discount took off the order.")
    target_type = models.CharField(
        max_length=16, choices=DiscountTargetType.choices, default=DiscountTargetType.LINE_ITEM
    )
    target_selection = models.CharField(
        max_length=16,
        choices=DiscountTargetSelection.choices,
        default=DiscountTargetSelection.ALL,
    )
    allocation_method = models.CharField(
        max_length=16,
        choices=DiscountAllocationMethod.choices,
        default=DiscountAllocationMethod.ACROSS,
    )

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="orders_discount_order_position_unique"
            ),
            choices_constraint("type", DiscountApplicationType, "orders_discount_type_valid"),
            choices_constraint("value_type", DiscountValueType, "orders_discount_value_type_valid"),
            choices_constraint(
                "target_type", DiscountTargetType, "orders_discount_target_type_valid"
            ),
            choices_constraint(
                "target_selection",
                DiscountTargetSelection,
                "orders_discount_target_selection_valid",
            ),
            choices_constraint(
                "allocation_method",
                DiscountAllocationMethod,
                "orders_discount_allocation_method_valid",
            ),
            non_negative_constraint("value", "orders_discount_value_gte_0"),
            non_negative_constraint("amount", "orders_discount_amount_gte_0"),
            models.CheckConstraint(
                condition=~Q(value_type=DiscountValueType.PERCENTAGE) | Q(value__lte=100),
                name="orders_discount_percentage_lte_100",
            ),
        ]

    def __str__(self) -> str:
        return self.code or self.title or f"{self.type} discount"
