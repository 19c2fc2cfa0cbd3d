"""Refunds (the seeds' Refunds + OrderRefunds) and the line items they return.

The money moved by a refund lives in finance.Transaction (its `refund` foreign key)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum

from core.models import (
    ZERO,
    ShopifyIdentityModel,
    TimestampedModel,
    choices_constraint,
    money_field,
    non_negative_constraint,
)
from orders.choices import RestockType

MIRRORED = Q(shopify_id__isnull=False)
RESTOCK_TYPES_NEEDING_LOCATION = [RestockType.RETURN, RestockType.CANCEL]


class Refund(ShopifyIdentityModel, TimestampedModel):
    """Money and/or goods returned on an order."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="refunds")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refunds",
        help_text="The staff member who issued the refund.",
    )
    note = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    restock = models.BooleanField(default=False)
    duties = models.JSONField(default=list, blank=True)
    total_duties_set = models.JSONField(default=dict, blank=True)
    additional_fees = models.JSONField(default=list, blank=True)
    total_additional_fees_set = models.JSONField(default=dict, blank=True)
    order_adjustments = models.JSONField(default=list, blank=True)
    refund_shipping_lines = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["processed_at"], name="orders_refund_processed_idx")]

    def __str__(self) -> str:
        return f"Refund {self.pk}"


class RefundLineItem(ShopifyIdentityModel, TimestampedModel):
    """Units of one order line given back in a refund, and where they were restocked."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="refund_line_items")
    line_item = models.ForeignKey(
        "orders.OrderLineItem", on_delete=models.CASCADE, related_name="refund_line_items"
    )
    quantity = models.IntegerField()
    restock_type = models.CharField(
        max_length=16, choices=RestockType.choices, default=RestockType.NO_RESTOCK
    )
    # PROTECT: a restock location is part of the stock history (and required for local
    # return/cancel restocks), so it is soft-deleted, never removed under the refund.
    location = models.ForeignKey(
        "inventory.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_line_items",
    )
    subtotal = money_field(default=ZERO)
    total_tax = money_field(default=ZERO)
    subtotal_set = models.JSONField(default=dict, blank=True)
    total_tax_set = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                # Shopify may list a line with quantity 0 (mirrored rows are kept as sent).
                condition=Q(quantity__gt=0) | Q(shopify_id__isnull=False, quantity__gte=0),
                name="orders_refund_line_quantity_gt_0",
            ),
            choices_constraint(
                "restock_type", RestockType, "orders_refund_line_restock_type_valid"
            ),
            non_negative_constraint("subtotal", "orders_refund_line_subtotal_gte_0"),
            non_negative_constraint("total_tax", "orders_refund_line_total_tax_gte_0"),
            # Returned or cancelled units go back into stock somewhere: local rows must say where.
            models.CheckConstraint(
                condition=MIRRORED
                | ~Q(restock_type__in=RESTOCK_TYPES_NEEDING_LOCATION)
                | Q(location__isnull=False),
                name="orders_refund_line_restock_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.line_item_id} refunded"

    def clean(self) -> None:
        """The line belongs to the refunded order; refunded units never exceed the ordered ones."""
        super().clean()
        if self.refund_id is None or self.line_item_id is None or self.quantity is None:
            return
        if self.line_item.order_id != self.refund.order_id:
            raise ValidationError({"line_item": "The line item belongs to another order."})
        refunded = (
            RefundLineItem.objects.filter(line_item_id=self.line_item_id)
            .exclude(pk=self.pk)
            .aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        if refunded + self.quantity > self.line_item.quantity:
            raise ValidationError(
                {"quantity": f"Only {self.line_item.quantity - refunded} unit(s) left to refund."}
            )
