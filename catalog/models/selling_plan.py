"""Selling plans (subscriptions, pre-orders, try before you buy) and the groups that hold them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import ShopifyIdentityModel, SoftDeleteModel, TimestampedModel, choices_constraint

from ..choices import SellingPlanInterval, SellingPlanStatus
from .product import PRESENT_PATTERN, Product, ProductVariant

MAX_PRICING_POLICIES = 2


def policy_interval_error(policy: Any) -> str | None:
    """A billing or delivery policy names an interval and a count of at least one of them
    (every 2 weeks: {"interval": "week", "interval_count": 2}); an empty policy is unset."""
    if not isinstance(policy, dict):
        return "Enter an object."
    if not policy:
        return None
    if policy.get("interval") not in SellingPlanInterval.values:
        return "Give the interval: day, week, month or year."
    count = policy.get("interval_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return "Give the interval count, 1 or more."
    return None


class SellingPlanGroup(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A group of selling plans offered together on products and variants ("Subscribe and
    save": deliver every week, every two weeks …)."""

    name = models.CharField(max_length=255, help_text="Shown to buyers.")
    merchant_code = models.CharField(max_length=255, help_text="Shown to staff only.")
    description = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    options = models.JSONField(
        default=list, blank=True, help_text='Option names of the plans, e.g. ["Delivery every"].'
    )
    products = models.ManyToManyField(Product, related_name="selling_plan_groups", blank=True)
    variants = models.ManyToManyField(
        ProductVariant, related_name="selling_plan_groups", blank=True
    )

    class Meta(SoftDeleteModel.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="catalog_plangroup_name_idx"),
            models.Index(fields=["merchant_code"], name="catalog_plangroup_code_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="catalog_plangroup_name_present"
            ),
            models.CheckConstraint(
                condition=Q(merchant_code__regex=PRESENT_PATTERN),
                name="catalog_plangroup_code_present",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SellingPlan(ShopifyIdentityModel, TimestampedModel):
    """How a product can be sold besides a one-time purchase: when the buyer is billed
    (`billing_policy`), when orders are delivered (`delivery_policy`), what price adjustments
    apply (`pricing_policy`, Shopify's pricingPolicies: at most two) and when stock is
    reserved (`inventory_policy`)."""

    group = models.ForeignKey(
        SellingPlanGroup, on_delete=models.CASCADE, related_name="selling_plans"
    )
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=SellingPlanStatus.choices, default=SellingPlanStatus.ACTIVE
    )
    position = models.PositiveIntegerField(null=True, blank=True)
    options = models.JSONField(
        default=list, blank=True, help_text='The plan\'s option values, e.g. ["1 week"].'
    )
    billing_policy = models.JSONField(
        default=dict, blank=True, help_text='e.g. {"interval": "month", "interval_count": 1}'
    )
    delivery_policy = models.JSONField(
        default=dict, blank=True, help_text='e.g. {"interval": "week", "interval_count": 2}'
    )
    pricing_policy = models.JSONField(
        default=list,
        blank=True,
        help_text='At most two, e.g. [{"adjustment_type": "percentage", "adjustment_value": 10}]',
    )
    inventory_policy = models.JSONField(
        default=dict, blank=True, help_text='When stock is reserved, e.g. {"reserve": "on_sale"}'
    )

    class Meta:
        indexes = [
            models.Index(fields=["name"], name="catalog_plan_name_idx"),
            models.Index(fields=["status"], name="catalog_plan_status_idx"),
            # created_at is indexed by TimestampedModel.
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="catalog_plan_name_present"
            ),
            choices_constraint("status", SellingPlanStatus, "catalog_plan_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for name in ("billing_policy", "delivery_policy"):
            error = policy_interval_error(getattr(self, name))
            if error:
                errors[name] = error
        pricing = self.pricing_policy
        if not isinstance(pricing, list) or len(pricing) > MAX_PRICING_POLICIES:
            errors["pricing_policy"] = f"Enter a list of at most {MAX_PRICING_POLICIES} policies."
        if errors:
            raise ValidationError(errors)
