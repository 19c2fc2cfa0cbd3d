"""Reads of inventory, as querysets whose list query count does not grow with the rows."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import InventoryAdjustment, InventoryItem, InventoryLevel, Location


def inventory_item_list(*, search: str | None = None) -> QuerySet[InventoryItem]:
    items = InventoryItem.objects.all()
    if search:
        items = items.filter(sku__icontains=search)
    return items


def inventory_level_list() -> QuerySet[InventoryLevel]:
    """Levels of live items at live locations."""
    return InventoryLevel.objects.filter(
        inventory_item__deleted_at__isnull=True, location__deleted_at__isnull=True
    )


def inventory_adjustment_list() -> QuerySet[InventoryAdjustment]:
    return InventoryAdjustment.objects.all()


def location_list(*, search: str | None = None) -> QuerySet[Location]:
    locations = Location.objects.all()
    if search:
        locations = locations.filter(name__icontains=search)
    return locations
