"""Fulfillments (the seeds' Fulfillments + OrderFulfillments) and fulfillment orders."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q, Sum

from core.models import (
    ShopifyIdentityModel,
    TimestampedModel,
    choices_constraint,
    non_negative_constraint,
)
from orders.choices import (
    FulfillmentOrderRequestStatus,
    FulfillmentOrderStatus,
    FulfillmentStatus,
    ShipmentStatus,
)

MIRRORED = Q(shopify_id__isnull=False)
# Letters and digits, inner spaces or dashes allowed ("1Z 999 AA1"), no surrounding blanks.
TRACKING_NUMBER_PATTERN = r"^[A-Za-z0-9]([A-Za-z0-9 -]*[A-Za-z0-9])?$"
TRACKING_NUMBER_VALIDATOR = RegexValidator(
    TRACKING_NUMBER_PATTERN, "Use letters and digits; inner spaces or dashes are allowed."
)
# Fulfillments that shipped nothing do not count against a line item's quantity.
UNSHIPPED_FULFILLMENT_STATUSES = [
    FulfillmentStatus.CANCELLED,
    FulfillmentStatus.ERROR,
    FulfillmentStatus.FAILURE,
]


class Fulfillment(ShopifyIdentityModel, TimestampedModel):
    """A shipment of some of an order's line items, with its tracking."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="fulfillments")
    name = models.CharField(max_length=64, blank=True, help_text='"#1001.1": order name + index.')
    status = models.CharField(
        max_length=16, choices=FulfillmentStatus.choices, default=FulfillmentStatus.PENDING
    )
    # Seed field `Shipment_Status`.
    shipment_status = models.CharField(
        max_length=32, choices=ShipmentStatus.choices, null=True, blank=True
    )
    location = models.ForeignKey(
        "inventory.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfillments",
    )
    service = models.CharField(
        max_length=255, blank=True, help_text='Handle of the fulfilling service, e.g. "manual".'
    )
    fulfillment_service = models.ForeignKey(
        "shipping.FulfillmentService",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfillments",
    )
    variant_inventory_management = models.CharField(max_length=255, blank=True)
    tracking_company = models.CharField(max_length=255, blank=True)
    tracking_number = models.CharField(
        max_length=255, blank=True, validators=[TRACKING_NUMBER_VALIDATOR]
    )
    tracking_url = models.TextField(blank=True)
    tracking_numbers = models.JSONField(default=list, blank=True)
    tracking_urls = models.JSONField(default=list, blank=True)
    receipt = models.JSONField(default=dict, blank=True)
    # Seed field `Origin_Address`.
    origin_address = models.JSONField(default=dict, blank=True)
    destination = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status"], name="orders_fulfil_status_idx"),
            models.Index(fields=["tracking_number"], name="orders_fulfil_tracking_idx"),
        ]
        constraints = [
            choices_constraint("status", FulfillmentStatus, "orders_fulfillment_status_valid"),
            choices_constraint(
                "shipment_status",
                ShipmentStatus,
                "orders_fulfillment_shipment_status_valid",
                nullable=True,
            ),
            # Carriers' formats vary; local rows at least hold a clean, single tracking number.
            models.CheckConstraint(
                condition=MIRRORED
                | Q(tracking_number="")
                | Q(tracking_number__regex=TRACKING_NUMBER_PATTERN),
                name="orders_fulfillment_tracking_number_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Fulfillment {self.pk}"


class FulfillmentLineItem(ShopifyIdentityModel, TimestampedModel):
    """How many units of one order line a fulfillment ships."""

    fulfillment = models.ForeignKey(
        Fulfillment, on_delete=models.CASCADE, related_name="fulfillment_line_items"
    )
    line_item = models.ForeignKey(
        "orders.OrderLineItem", on_delete=models.CASCADE, related_name="fulfillment_line_items"
    )
    quantity = models.IntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fulfillment", "line_item"], name="orders_fulfillment_line_unique"
            ),
            models.CheckConstraint(
                # Shopify may list a line with quantity 0 (mirrored rows are kept as sent).
                condition=Q(quantity__gt=0) | Q(shopify_id__isnull=False, quantity__gte=0),
                name="orders_fulfillment_line_quantity_gt_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.line_item_id}"

    def clean(self) -> None:
        """The line belongs to the fulfilled order; shipped units never exceed the ordered ones."""
        super().clean()
        if self.fulfillment_id is None or self.line_item_id is None or self.quantity is None:
            return
        if self.line_item.order_id != self.fulfillment.order_id:
            raise ValidationError({"line_item": "The line item belongs to another order."})
        shipped = (
            FulfillmentLineItem.objects.filter(line_item_id=self.line_item_id)
            .exclude(pk=self.pk)
            .exclude(fulfillment__status__in=UNSHIPPED_FULFILLMENT_STATUSES)
            .aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        if shipped + self.quantity > self.line_item.quantity:
            raise ValidationError(
                {"quantity": f"Only {self.line_item.quantity - shipped} unit(s) left to fulfil."}
            )


class FulfillmentOrder(ShopifyIdentityModel, TimestampedModel):
    """A request to fulfil some of an order's lines from one location."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="fulfillment_orders"
    )
    assigned_location = models.ForeignKey(
        "inventory.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfillment_orders",
    )
    status = models.CharField(
        max_length=16, choices=FulfillmentOrderStatus.choices, default=FulfillmentOrderStatus.OPEN
    )
    request_status = models.CharField(
        max_length=32,
        choices=FulfillmentOrderRequestStatus.choices,
        default=FulfillmentOrderRequestStatus.UNSUBMITTED,
    )
    fulfill_at = models.DateTimeField(null=True, blank=True)
    supported_actions = models.JSONField(default=list, blank=True)
    destination = models.JSONField(default=dict, blank=True)
    # Shopify's payload of the lines; the rows are in `fulfillment_order_line_items`.
    line_items = models.JSONField(default=list, blank=True)
    merchant_requests = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status"], name="orders_fo_status_idx"),
            models.Index(fields=["request_status"], name="orders_fo_request_status_idx"),
        ]
        constraints = [
            choices_constraint("status", FulfillmentOrderStatus, "orders_fo_status_valid"),
            choices_constraint(
                "request_status", FulfillmentOrderRequestStatus, "orders_fo_request_status_valid"
            ),
            # A scheduled fulfillment order opens at `fulfill_at`, so local ones must say when.
            models.CheckConstraint(
                condition=MIRRORED
                | ~Q(status=FulfillmentOrderStatus.SCHEDULED)
                | Q(fulfill_at__isnull=False),
                name="orders_fo_scheduled_has_fulfill_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Fulfillment order {self.pk} ({self.status})"


class FulfillmentOrderLineItem(ShopifyIdentityModel, TimestampedModel):
    """One order line inside a fulfillment order: how many units it holds and how many remain."""

    fulfillment_order = models.ForeignKey(
        FulfillmentOrder, on_delete=models.CASCADE, related_name="fulfillment_order_line_items"
    )
    line_item = models.ForeignKey(
        "orders.OrderLineItem",
        on_delete=models.CASCADE,
        related_name="fulfillment_order_line_items",
    )
    total_quantity = models.IntegerField()
    remaining_quantity = models.IntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fulfillment_order", "line_item"], name="orders_fo_line_unique"
            ),
            # 0 <= remaining <= total, so total >= 0 needs no constraint of its own.
            non_negative_constraint("remaining_quantity", "orders_fo_line_remaining_gte_0"),
            models.CheckConstraint(
                condition=Q(remaining_quantity__lte=F("total_quantity")),
                name="orders_fo_line_remaining_lte_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.remaining_quantity}/{self.total_quantity} of line {self.line_item_id}"

    def clean(self) -> None:
        super().clean()
        if self.fulfillment_order_id is None or self.line_item_id is None:
            return
        if self.line_item.order_id != self.fulfillment_order.order_id:
            raise ValidationError({"line_item": "The line item belongs to another order."})
