"""PostgreSQL refuses every row that breaks an inventory invariant, and accepts the edge rows;
the adjustment ledger is append-only in the ORM.

Each refusal asserts the exact constraint that fired, so a test cannot pass on another error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from accounts.models import User
from inventory.models import InventoryAdjustment, InventoryItem, LedgerImmutableError, Location

from .factories import (
    InventoryAdjustmentFactory,
    InventoryItemFactory,
    InventoryLevelFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 2, 16, 38, tzinfo=UTC)
MIRRORED = {"shopify_id": 655441491}


def assert_refused(constraint: str, factory_class: type[factory.Factory], **fields: Any) -> None:
    """When the row is inserted, then PostgreSQL refuses it with exactly `constraint`."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        factory_class.create(**fields)
    assert f'"{constraint}"' in str(refused.value)


# --- One bad row, one constraint -------------------------------------------------------------

SINGLE_ROW_CASES: list[tuple[str, type[factory.Factory], dict[str, Any]]] = [
    # Location
    ("inventory_location_name_set", LocationFactory, {"name": ""}),
    ("inventory_location_country_code_valid", LocationFactory, {"country_code": "ca"}),
    ("inventory_location_country_code_valid", LocationFactory, {"country_code": "C1"}),
    ("inventory_location_country_code_valid", LocationFactory, {"country_code": "C"}),
    # InventoryItem
    ("inventory_item_cost_gte_0", InventoryItemFactory, {"cost": "-0.01"}),
    ("inventory_item_currency_iso4217", InventoryItemFactory, {"currency": "usd"}),
    ("inventory_item_origin_country_valid", InventoryItemFactory, {"country_code_of_origin": "c"}),
    (
        "inventory_item_local_hs_code_valid",
        InventoryItemFactory,
        {"harmonized_system_code": "6109.1"},
    ),
    (
        "inventory_item_local_hs_code_valid",
        InventoryItemFactory,
        {"harmonized_system_code": "12345"},
    ),
    # InventoryLevel: local rows never go below zero
    ("inventory_level_local_available_gte_0", InventoryLevelFactory, {"available": -1}),
    ("inventory_level_local_on_hand_gte_0", InventoryLevelFactory, {"on_hand": -1}),
    ("inventory_level_local_committed_gte_0", InventoryLevelFactory, {"committed": -1}),
    ("inventory_level_local_incoming_gte_0", InventoryLevelFactory, {"incoming": -1}),
    ("inventory_level_local_reserved_gte_0", InventoryLevelFactory, {"reserved": -1}),
    ("inventory_level_low_stock_gte_0", InventoryLevelFactory, {"low_stock_threshold": -1}),
    (
        "inventory_level_low_stock_gte_0",
        InventoryLevelFactory,
        {"low_stock_threshold": -1, **MIRRORED},
    ),
    # InventoryAdjustment
    ("inventory_adjust_delta_not_zero", InventoryAdjustmentFactory, {"quantity_delta": 0}),
    ("inventory_adjust_reason_valid", InventoryAdjustmentFactory, {"reason": "stolen"}),
]


@pytest.mark.parametrize(
    ("constraint", "factory_class", "fields"),
    SINGLE_ROW_CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(SINGLE_ROW_CASES)],
)
def test_bad_row_is_refused(
    constraint: str, factory_class: type[factory.Factory], fields: dict[str, Any]
) -> None:
    # Given a row breaking one rule / When it is inserted / Then that constraint refuses it.
    assert_refused(constraint, factory_class, **fields)


def test_edge_rows_are_accepted() -> None:
    # Given rows at the edge of each rule
    location = LocationFactory.create(country_code="", province_code="JP-13")
    item = InventoryItemFactory.create(
        cost=0, harmonized_system_code="6109100010", country_code_of_origin="VN"
    )
    uncosted = InventoryItemFactory.create(cost=None, harmonized_system_code="")
    mirrored_odd_hs = InventoryItemFactory.create(harmonized_system_code="6109.10", shopify_id=1)
    # When they are saved with zero stock and a zero low-stock threshold
    level = InventoryLevelFactory.create(
        inventory_item=item,
        location=location,
        available=0,
        on_hand=0,
        committed=0,
        low_stock_threshold=0,
    )
    # Then all of them are stored
    assert level.pk is not None
    assert uncosted.cost is None
    assert mirrored_odd_hs.harmonized_system_code == "6109.10"


def test_mirrored_level_may_be_oversold() -> None:
    # Given Shopify oversold an item (inventory policy "continue")
    # When the mirrored level is stored with negative quantities
    level = InventoryLevelFactory.create(available=-3, on_hand=-1, committed=2, **MIRRORED)
    # Then it is accepted as Shopify reported it
    level.refresh_from_db()
    assert (level.available, level.on_hand) == (-3, -1)


def test_mirrored_levels_share_shopifys_level_id() -> None:
    # Given Shopify's level gid reuses one id for every item at a location
    first = InventoryLevelFactory.create(shopify_id=548380009)
    # When a second item's level at that location is mirrored with the same id
    second = InventoryLevelFactory.create(location=first.location, shopify_id=548380009)
    # Then both are stored, told apart by (item, location)
    assert second.inventory_item_id != first.inventory_item_id


def test_negative_adjustment_is_accepted() -> None:
    adjustment = InventoryAdjustmentFactory.create(quantity_delta=-2, reason="damaged")
    assert InventoryAdjustment.objects.get(pk=adjustment.pk).quantity_delta == -2


# --- Uniqueness ------------------------------------------------------------------------------


def test_location_name_is_unique_case_insensitively() -> None:
    LocationFactory.create(name="Main Warehouse")
    assert_refused("inventory_location_name_ci_unique", LocationFactory, name="main WAREHOUSE")


def test_location_name_is_unique_among_mirrored_rows_too() -> None:
    LocationFactory.create(name="Apple Shipwire", shopify_id=611870435)
    assert_refused(
        "inventory_location_name_ci_unique",
        LocationFactory,
        name="Apple Shipwire",
        shopify_id=24826418,
    )


def test_deleted_location_frees_its_name() -> None:
    # Given a soft-deleted location
    LocationFactory.create(name="Old Store", deleted_at=NOW)
    # When a new location takes its name / Then it is accepted
    LocationFactory.create(name="Old Store")
    assert Location.all_objects.filter(name="Old Store").count() == 2


def test_local_sku_is_unique() -> None:
    InventoryItemFactory.create(sku="IPOD2008GREEN")
    assert_refused("inventory_item_local_sku_unique", InventoryItemFactory, sku="IPOD2008GREEN")


def test_sku_uniqueness_ignores_mirrored_blank_and_deleted_items() -> None:
    # Given a local SKU
    InventoryItemFactory.create(sku="IPOD2008BLACK")
    # When Shopify mirrors duplicates, blank SKUs repeat and a deleted item held the SKU
    InventoryItemFactory.create(sku="IPOD2008BLACK", shopify_id=457924702)
    InventoryItemFactory.create(sku="IPOD2008BLACK", shopify_id=457924703)
    InventoryItemFactory.create(sku="")
    InventoryItemFactory.create(sku="")
    InventoryItemFactory.create(sku="IPOD2008PINK", deleted_at=NOW)
    InventoryItemFactory.create(sku="IPOD2008PINK")
    # Then every row is accepted
    assert InventoryItem.all_objects.filter(sku="IPOD2008BLACK").count() == 3
    assert InventoryItem.all_objects.filter(sku="").count() == 2
    assert InventoryItem.all_objects.filter(sku="IPOD2008PINK").count() == 2


def test_one_level_per_item_and_location() -> None:
    level = InventoryLevelFactory.create()
    assert_refused(
        "inventory_level_item_location_unique",
        InventoryLevelFactory,
        inventory_item=level.inventory_item,
        location=level.location,
    )


# --- The append-only ledger -------------------------------------------------------------------


def test_adjustment_cannot_be_updated_through_save() -> None:
    # Given a recorded adjustment
    adjustment = InventoryAdjustmentFactory.create(quantity_delta=5)
    # When it is changed and saved / Then the ledger refuses, and the row is unchanged
    adjustment.quantity_delta = 50
    with pytest.raises(LedgerImmutableError):
        adjustment.save()
    assert InventoryAdjustment.objects.get(pk=adjustment.pk).quantity_delta == 5


def test_adjustments_cannot_be_bulk_updated_or_deleted() -> None:
    adjustment = InventoryAdjustmentFactory.create(quantity_delta=5)
    with pytest.raises(LedgerImmutableError):
        InventoryAdjustment.objects.filter(pk=adjustment.pk).update(quantity_delta=7)
    with pytest.raises(LedgerImmutableError), transaction.atomic():
        InventoryAdjustment.objects.bulk_update([adjustment], ["quantity_delta"])
    with pytest.raises(LedgerImmutableError):
        InventoryAdjustment.objects.all().delete()
    with pytest.raises(LedgerImmutableError):
        adjustment.delete()
    assert InventoryAdjustment.objects.get(pk=adjustment.pk).quantity_delta == 5


def test_ledger_protects_its_item_and_location() -> None:
    adjustment = InventoryAdjustmentFactory.create()
    with pytest.raises(ProtectedError):
        adjustment.inventory_item.delete()
    with pytest.raises(ProtectedError):
        adjustment.location.delete()
    assert InventoryAdjustment.objects.filter(pk=adjustment.pk).exists()


def test_deleting_a_staff_user_keeps_the_ledger_row() -> None:
    # Given an adjustment made by a staff member
    user = User.objects.create_user(email="stock@example.com")
    adjustment = InventoryAdjustmentFactory.create(user=user)
    # When the user is deleted
    user.delete()
    # Then the ledger row stays, without the user
    assert InventoryAdjustment.objects.get(pk=adjustment.pk).user_id is None


# --- Rules in clean() ------------------------------------------------------------------------


def test_location_with_street_address_needs_city_and_country() -> None:
    location = LocationFactory.build(address1="1 Infinite Loop", city="", country_code="")
    with pytest.raises(ValidationError):
        location.full_clean()
