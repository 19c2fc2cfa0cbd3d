"""Reads of inventory, as querysets whose list query count does not grow with the rows."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.rows import RowAccess

from .models import InventoryAdjustment, InventoryItem, InventoryLevel, Location

# Inventory rows and the row scopes of a grant: `location` (the staff member's assigned
# locations), `own` (adjustments they made). `access=None` is every row (internal callers).


def inventory_item_list(
    *, search: str | None = None, access: RowAccess | None = None
) -> QuerySet[InventoryItem]:
    """Items; with location-scoped access, those stocked at (having a level at) the locations."""
    items = InventoryItem.objects.all()
    if search:
        items = items.filter(sku__icontains=search)
    if access is not None:
        items = access.apply(items, location="levels__location")
    return items


def inventory_level_list(*, access: RowAccess | None = None) -> QuerySet[InventoryLevel]:
    """Levels of live items at live locations."""
    levels = InventoryLevel.objects.filter(
        inventory_item__deleted_at__isnull=True, location__deleted_at__isnull=True
    )
    if access is not None:
        levels = access.apply(levels, location="location")
    return levels


def inventory_adjustment_list(*, access: RowAccess | None = None) -> QuerySet[InventoryAdjustment]:
    adjustments: QuerySet[InventoryAdjustment] = InventoryAdjustment.objects.all()
    if access is not None:
        adjustments = access.apply(adjustments, own="user", location="location")
    return adjustments


def location_list(
    *, search: str | None = None, access: RowAccess | None = None
) -> QuerySet[Location]:
    locations = Location.objects.all()
    if search:
        locations = locations.filter(name__icontains=search)
    if access is not None:
        locations = access.apply(locations, location="pk")
    return locations
