"""Writes of inventory: items for new variants, with their opening stock on the ledger."""

from __future__ import annotations

from django.db import transaction

from .models import InventoryAdjustment, InventoryItem, InventoryLevel, Location


@transaction.atomic
def inventory_item_create_for_variant(
    *, sku: str, quantity: int, requires_shipping: bool = True
) -> InventoryItem:
    """A tracked item; a positive opening quantity is received at the first active location."""
    item = InventoryItem.objects.create(sku=sku, requires_shipping=requires_shipping, tracked=True)
    location = Location.objects.filter(active=True).order_by("id").first()
    if location is not None:
        InventoryLevel.objects.create(
            inventory_item=item,
            location=location,
            available=max(quantity, 0),
            on_hand=max(quantity, 0),
        )
        if quantity > 0:
            InventoryAdjustment.objects.create(
                inventory_item=item,
                location=location,
                quantity_delta=quantity,
                reason="received",
                available_after=quantity,
                note="Opening stock",
            )
    return item
