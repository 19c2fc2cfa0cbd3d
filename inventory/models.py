"""Stock: locations, inventory items, their level per location, and the append-only ledger of
every change (the seeds' Locations, InventoryItems, InventoryLevels, InventoryAdjustments).

The variant <-> inventory item link is declared by catalog (`ProductVariant.inventory_item`,
reverse accessor `InventoryItem.variant`), so this app does not depend on catalog.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.models import (
    COUNTRY_CODE_VALIDATOR,
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    choices_constraint,
    currency_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
)

from .choices import AdjustmentReason

LOCAL = Q(shopify_id__isnull=True)
ALIVE = Q(deleted_at__isnull=True)
COUNTRY_CODE_REGEX = r"^[A-Z]{2}$"
HARMONIZED_SYSTEM_CODE_REGEX = r"^[0-9]{6,13}$"


def _country_code_constraint(field: str, name: str) -> models.CheckConstraint:
    """Blank, or an ISO 3166-1 alpha-2 code in capitals."""
    return models.CheckConstraint(
        condition=Q(**{field: ""}) | Q(**{f"{field}__regex": COUNTRY_CODE_REGEX}), name=name
    )


class Location(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A warehouse, store or fulfillment-service location that holds stock.

    `active` and `legacy` keep Shopify's names (REST `active`/`legacy`, the API's camelCase),
    like the other mirrored booleans of the project (`test`, `confirmed`)."""

    name = models.CharField(max_length=255)
    address1 = models.CharField(max_length=255, blank=True)
    address2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255, blank=True)
    zip = models.CharField(max_length=32, blank=True)
    province = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    country_code = models.CharField(max_length=2, blank=True, validators=[COUNTRY_CODE_VALIDATOR])
    country_name = models.CharField(max_length=255, blank=True)
    # Not constrained: Shopify uses ISO 3166-2 suffixes ("ON") and prefixed codes ("JP-13").
    province_code = models.CharField(max_length=16, blank=True)
    legacy = models.BooleanField(
        default=False, help_text="A legacy location of a fulfillment service (Shopify)."
    )
    active = models.BooleanField(default=True)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="inventory_location_name_idx"),
            models.Index(fields=["country_code"], name="inventory_location_country_idx"),
            models.Index(fields=["province_code"], name="inventory_location_prov_idx"),
            models.Index(fields=["active"], name="inventory_location_active_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), condition=ALIVE, name="inventory_location_name_ci_unique"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="inventory_location_name_set"),
            _country_code_constraint("country_code", "inventory_location_country_code_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Address validation: a street address needs the city and country it is in."""
        super().clean()
        if self.address1 and not (self.city and self.country_code):
            raise ValidationError("A location with a street address needs a city and a country.")


class InventoryItem(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """What is stocked for one product variant: its SKU, cost and customs data."""

    sku = models.CharField("SKU", max_length=255, blank=True)
    requires_shipping = models.BooleanField(default=True)
    cost = money_field(null=True, blank=True, help_text="Unit cost, in `currency`.")
    currency = currency_field()
    country_code_of_origin = models.CharField(
        max_length=2, blank=True, validators=[COUNTRY_CODE_VALIDATOR]
    )
    province_code_of_origin = models.CharField(max_length=16, blank=True)
    harmonized_system_code = models.CharField(max_length=13, blank=True)
    tracked = models.BooleanField(
        default=True, help_text="Whether stock is counted for this item (Shopify: tracked)."
    )
    country_harmonized_system_codes = models.JSONField(
        default=list, blank=True, help_text='[{"country_code": "CA", "harmonized_system_code": …}]'
    )

    class Meta(SoftDeleteModel.Meta):
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["sku"], name="inventory_item_sku_idx"),
            models.Index(fields=["tracked"], name="inventory_item_tracked_idx"),
            # created_at: indexed by TimestampedModel.
        ]
        constraints = [
            # Shopify allows duplicate SKUs; ours are unique among local, live, non-blank SKUs.
            models.UniqueConstraint(
                fields=["sku"],
                condition=LOCAL & ALIVE & ~Q(sku=""),
                name="inventory_item_local_sku_unique",
            ),
            non_negative_constraint("cost", "inventory_item_cost_gte_0"),
            currency_constraint("currency", "inventory_item_currency_iso4217"),
            _country_code_constraint(
                "country_code_of_origin", "inventory_item_origin_country_valid"
            ),
            models.CheckConstraint(
                condition=~LOCAL
                | Q(harmonized_system_code="")
                | Q(harmonized_system_code__regex=HARMONIZED_SYSTEM_CODE_REGEX),
                name="inventory_item_local_hs_code_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.sku or f"Inventory item {self.pk}"


class InventoryLevel(ShopifyIdentityModel, TimestampedModel):
    """How many units of one item one location holds, by Shopify's quantity names.

    Counters change with `update(available=F("available") - n)`, never read-modify-save.
    Shopify lets mirrored levels go negative (overselling with inventory policy `continue`);
    the non-negative rules hold for local rows only. Shopify reports `available: null` for
    untracked items: the connector stores 0 and the item's `tracked` says it is not counted.
    """

    # Overrides ShopifyIdentityModel's unique id: Shopify's level gid carries the LOCATION's
    # level id shared by all items there ("gid://shopify/InventoryLevel/548380009?inventory_
    # item_id=808950810"), so it is not unique; (inventory_item, location) identifies a level.
    shopify_id = models.BigIntegerField(null=True, blank=True)
    inventory_item = models.ForeignKey(
        InventoryItem, on_delete=models.CASCADE, related_name="levels"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="inventory_levels"
    )
    available = models.IntegerField(default=0)
    on_hand = models.IntegerField(default=0)
    committed = models.IntegerField(default=0)
    incoming = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    low_stock_threshold = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["available"], name="inventory_level_available_idx"),
            models.Index(fields=["shopify_id"], name="inventory_level_shopify_idx"),
            # inventory_item, location: indexed as foreign keys.
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["inventory_item", "location"], name="inventory_level_item_location_unique"
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(available__gte=0), name="inventory_level_local_available_gte_0"
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(on_hand__gte=0), name="inventory_level_local_on_hand_gte_0"
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(committed__gte=0),
                name="inventory_level_local_committed_gte_0",
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(incoming__gte=0), name="inventory_level_local_incoming_gte_0"
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(reserved__gte=0), name="inventory_level_local_reserved_gte_0"
            ),
            non_negative_constraint("low_stock_threshold", "inventory_level_low_stock_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.available} of item {self.inventory_item_id} at location {self.location_id}"


class LedgerImmutableError(Exception):
    """Raised on any attempt to change or remove a row of an append-only ledger."""


class InventoryAdjustmentQuerySet(models.QuerySet["InventoryAdjustment"]):
    """The ledger's queryset: rows can be read and inserted, never updated or deleted."""

    def update(self, **kwargs: Any) -> int:
        raise LedgerImmutableError("Inventory adjustments are append-only: record a new one.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerImmutableError("Inventory adjustments are append-only: record a new one.")


class InventoryAdjustment(ShopifyIdentityModel):
    """One stock movement: an APPEND-ONLY ledger row (insert, then never change or delete).

    Enforced in the ORM by the queryset, `save()` and `delete()`; a database trigger follows.
    Deleting a staff user still sets `user` to null (Django's collector uses the plain base
    manager), so staff erasure keeps working.
    """

    inventory_item = models.ForeignKey(
        InventoryItem, on_delete=models.PROTECT, related_name="adjustments"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="inventory_adjustments"
    )
    quantity_delta = models.IntegerField(help_text="Units added (positive) or removed (negative).")
    reason = models.CharField(max_length=32, choices=AdjustmentReason.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inventory_adjustments",
        help_text="The staff member who made the change.",
    )
    note = models.TextField(blank=True)
    available_after = models.IntegerField(
        null=True, blank=True, help_text="The level's available quantity after this change."
    )
    reference_document_uri = models.CharField(
        max_length=2048,
        blank=True,
        help_text="What caused the change, e.g. gid://shopify/Order/1 or a purchase order URI.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InventoryAdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="inventory_adjust_created_idx"),
            models.Index(fields=["reason"], name="inventory_adjust_reason_idx"),
            # inventory_item, location: indexed as foreign keys.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quantity_delta=0), name="inventory_adjust_delta_not_zero"
            ),
            choices_constraint("reason", AdjustmentReason, "inventory_adjust_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity_delta:+d} of item {self.inventory_item_id} ({self.reason})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutableError("Inventory adjustments are append-only: record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerImmutableError("Inventory adjustments are append-only: record a new one.")
