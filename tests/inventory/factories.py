"""factory_boy factories for the inventory app (local rows unless a test sets `shopify_id`)."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from inventory.choices import AdjustmentReason
from inventory.models import InventoryAdjustment, InventoryItem, InventoryLevel, Location


class LocationFactory(DjangoModelFactory[Location]):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    address1 = "50 Rideau Street"
    city = "Ottawa"
    zip = "K1N 9J7"
    province = "Ontario"
    country = "CA"
    country_code = "CA"
    country_name = "Canada"
    province_code = "ON"


class InventoryItemFactory(DjangoModelFactory[InventoryItem]):
    class Meta:
        model = InventoryItem

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    cost = Decimal("25.00")
    currency = "USD"


class InventoryLevelFactory(DjangoModelFactory[InventoryLevel]):
    class Meta:
        model = InventoryLevel

    inventory_item = factory.SubFactory(InventoryItemFactory)
    location = factory.SubFactory(LocationFactory)
    available = 9
    on_hand = 10
    committed = 1


class InventoryAdjustmentFactory(DjangoModelFactory[InventoryAdjustment]):
    class Meta:
        model = InventoryAdjustment

    inventory_item = factory.SubFactory(InventoryItemFactory)
    location = factory.SubFactory(LocationFactory)
    quantity_delta = 5
    reason = AdjustmentReason.RECEIVED
    available_after = 5
