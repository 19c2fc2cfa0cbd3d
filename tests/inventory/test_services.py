"""The stock primitives orders build on: reserve, release, ship, restock (on PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import Conflict, ServiceError
from core.models import Event
from inventory.models import InventoryAdjustment, InventoryLevel
from inventory.services import (
    InsufficientInventory,
    inventory_release,
    inventory_reserve,
    inventory_restock,
    inventory_ship,
)
from tests.inventory.factories import InventoryItemFactory, InventoryLevelFactory, LocationFactory

REF = "gid://stockroom/Order/123"


def _counts(level: InventoryLevel) -> tuple[int, int, int]:
    level.refresh_from_db()
    return (level.available, level.committed, level.on_hand)


def _ledger() -> list[tuple[int, int, str, int | None, str]]:
    return list(
        InventoryAdjustment.objects.order_by("id").values_list(
            "inventory_item_id",
            "quantity_delta",
            "reason",
            "available_after",
            "reference_document_uri",
        )
    )


@pytest.mark.django_db
def test_reserve_moves_available_to_committed_and_writes_the_ledger() -> None:
    a = InventoryLevelFactory.create(available=10, committed=0, on_hand=10)
    b = InventoryLevelFactory.create(location=a.location, available=3, committed=1, on_hand=4)

    inventory_reserve(
        location_id=a.location_id,
        lines=[(b.inventory_item_id, 2), (a.inventory_item_id, 4)],
        reference=REF,
    )

    assert _counts(a) == (6, 4, 10)
    assert _counts(b) == (1, 3, 4)
    assert _ledger() == [
        (b.inventory_item_id, -2, "reservation_update", 1, REF),
        (a.inventory_item_id, -4, "reservation_update", 6, REF),
    ]
    assert not Event.objects.filter(verb="low_stock").exists()


@pytest.mark.django_db
def test_reserve_of_a_repeated_item_checks_the_total_and_records_running_available() -> None:
    level = InventoryLevelFactory.create(available=5, committed=0, on_hand=5)
    item = level.inventory_item_id

    inventory_reserve(location_id=level.location_id, lines=[(item, 2), (item, 3)], reference=REF)

    assert _counts(level) == (0, 5, 5)
    assert [row[3] for row in _ledger()] == [3, 0]

    with pytest.raises(InsufficientInventory):
        inventory_reserve(location_id=level.location_id, lines=[(item, 1)], reference=REF)


@pytest.mark.django_db
def test_reserve_refuses_all_lines_when_one_lacks_stock() -> None:
    location = LocationFactory.create(name="Main")
    a = InventoryLevelFactory.create(location=location, available=10, committed=0, on_hand=10)
    b = InventoryLevelFactory.create(location=location, available=1, committed=0, on_hand=1)
    missing = InventoryItemFactory.create()

    with pytest.raises(InsufficientInventory) as raised:
        inventory_reserve(
            location_id=location.pk,
            lines=[(a.inventory_item_id, 2), (b.inventory_item_id, 3), (missing.pk, 1)],
            reference=REF,
        )

    assert raised.value.status_code == 409
    assert raised.value.code == "INSUFFICIENT_INVENTORY"
    assert raised.value.details == [
        {"field": "lineItems.1.quantity", "message": "Only 1 available at Main"},
        {"field": "lineItems.2.quantity", "message": "Only 0 available at Main"},
    ]
    assert _counts(a) == (10, 0, 10)
    assert _counts(b) == (1, 0, 1)
    assert InventoryAdjustment.objects.count() == 0


@pytest.mark.django_db
def test_reserve_skips_untracked_items() -> None:
    location = LocationFactory.create()
    untracked = InventoryItemFactory.create(tracked=False)

    inventory_reserve(location_id=location.pk, lines=[(untracked.pk, 50)], reference=REF)

    assert InventoryLevel.objects.count() == 0
    assert InventoryAdjustment.objects.count() == 0


@pytest.mark.django_db
def test_reserve_records_a_low_stock_event_at_the_threshold() -> None:
    level = InventoryLevelFactory.create(available=5, committed=0, on_hand=5, low_stock_threshold=3)

    inventory_reserve(
        location_id=level.location_id, lines=[(level.inventory_item_id, 2)], reference=REF
    )

    event = Event.objects.get(verb="low_stock")
    assert (event.subject_type, event.subject_id) == ("InventoryLevel", level.pk)
    assert event.arguments == {
        "inventory_item_id": level.inventory_item_id,
        "location_id": level.location_id,
        "available": 3,
        "low_stock_threshold": 3,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "field"),
    [([(1, 0)], "lineItems.0.quantity"), ([(999999, 1)], "lineItems.0.inventoryItemId")],
)
def test_reserve_refuses_bad_lines(lines: list[tuple[int, int]], field: str) -> None:
    level = InventoryLevelFactory.create()
    lines = [(level.inventory_item_id if i == 1 else i, q) for i, q in lines]

    with pytest.raises(ServiceError) as raised:
        inventory_reserve(location_id=level.location_id, lines=lines, reference=REF)

    assert raised.value.status_code == 400
    assert [d["field"] for d in raised.value.details] == [field]


@pytest.mark.django_db
def test_reserve_refuses_an_unknown_location() -> None:
    item = InventoryItemFactory.create()

    with pytest.raises(ServiceError) as raised:
        inventory_reserve(location_id=999999, lines=[(item.pk, 1)], reference=REF)

    assert raised.value.details[0]["field"] == "locationId"


@pytest.mark.django_db
def test_release_returns_committed_stock_to_available() -> None:
    level = InventoryLevelFactory.create(available=2, committed=3, on_hand=5)

    inventory_release(
        location_id=level.location_id, lines=[(level.inventory_item_id, 3)], reference=REF
    )

    assert _counts(level) == (5, 0, 5)
    assert _ledger() == [(level.inventory_item_id, 3, "reservation_update", 5, REF)]


@pytest.mark.django_db
def test_release_of_more_than_committed_is_refused_unchanged() -> None:
    level = InventoryLevelFactory.create(available=2, committed=1, on_hand=3)

    with pytest.raises(Conflict):
        inventory_release(
            location_id=level.location_id, lines=[(level.inventory_item_id, 2)], reference=REF
        )

    assert _counts(level) == (2, 1, 3)
    assert InventoryAdjustment.objects.count() == 0


@pytest.mark.django_db
def test_ship_removes_committed_units_from_on_hand() -> None:
    level = InventoryLevelFactory.create(available=2, committed=3, on_hand=5)

    inventory_ship(
        location_id=level.location_id, lines=[(level.inventory_item_id, 2)], reference=REF
    )

    assert _counts(level) == (2, 1, 3)
    assert _ledger() == [(level.inventory_item_id, -2, "movement_created", 2, REF)]


@pytest.mark.django_db
def test_ship_of_uncommitted_units_is_refused_unchanged() -> None:
    level = InventoryLevelFactory.create(available=5, committed=0, on_hand=5)

    with pytest.raises(Conflict) as raised:
        inventory_ship(
            location_id=level.location_id, lines=[(level.inventory_item_id, 1)], reference=REF
        )

    assert raised.value.details[0]["field"] == "lineItems.0.quantity"
    assert _counts(level) == (5, 0, 5)


@pytest.mark.django_db
def test_restock_adds_to_available_and_on_hand() -> None:
    level = InventoryLevelFactory.create(available=2, committed=1, on_hand=3)

    inventory_restock(
        location_id=level.location_id, lines=[(level.inventory_item_id, 4)], reference=REF
    )

    assert _counts(level) == (6, 1, 7)
    assert _ledger() == [(level.inventory_item_id, 4, "received", 6, REF)]


@pytest.mark.django_db
def test_restock_creates_a_missing_level() -> None:
    location = LocationFactory.create()
    item = InventoryItemFactory.create()

    inventory_restock(location_id=location.pk, lines=[(item.pk, 2)], reference=REF)

    level = InventoryLevel.objects.get(location=location, inventory_item=item)
    assert (level.available, level.on_hand, level.committed) == (2, 2, 0)
    assert _ledger() == [(item.pk, 2, "received", 2, REF)]


@pytest.mark.django_db
def test_restock_of_stocked_and_new_items_together() -> None:
    level = InventoryLevelFactory.create(available=1, committed=0, on_hand=1)
    new = InventoryItemFactory.create()

    inventory_restock(
        location_id=level.location_id,
        lines=[(new.pk, 3), (level.inventory_item_id, 2)],
        reference=REF,
    )

    assert _counts(level) == (3, 0, 3)
    created = InventoryLevel.objects.get(location_id=level.location_id, inventory_item=new)
    assert (created.available, created.on_hand) == (3, 3)
    assert _ledger() == [
        (new.pk, 3, "received", 3, REF),
        (level.inventory_item_id, 2, "received", 3, REF),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("lines", [1, 8])
def test_reserve_costs_three_queries_whatever_the_number_of_lines(
    lines: int, django_assert_num_queries: Any
) -> None:
    location = LocationFactory.create()
    levels = [
        InventoryLevelFactory.create(location=location, available=5, committed=0, on_hand=5)
        for _ in range(lines)
    ]

    # Inside the caller's transaction (here the test's): the level lock, one UPDATE, the ledger.
    with django_assert_num_queries(3):
        inventory_reserve(
            location_id=location.pk,
            lines=[(level.inventory_item_id, 2) for level in levels],
            reference=REF,
        )

    assert [_counts(level) for level in levels] == [(3, 2, 5)] * lines


@pytest.mark.django_db
def test_a_refusal_leaves_the_callers_transaction_usable() -> None:
    level = InventoryLevelFactory.create(available=2, committed=1, on_hand=3)

    with transaction.atomic():
        with pytest.raises(Conflict):
            inventory_release(
                location_id=level.location_id, lines=[(level.inventory_item_id, 2)], reference=REF
            )
        assert not transaction.get_rollback()
        assert _counts(level) == (2, 1, 3)


@pytest.mark.django_db
def test_a_failed_write_marks_the_callers_transaction_for_rollback() -> None:
    # Two committed units but one on hand: shipping both passes the check, and the UPDATE
    # breaks the database's on_hand >= 0 constraint.
    level = InventoryLevelFactory.create(available=0, committed=2, on_hand=1)

    with transaction.atomic():
        with pytest.raises(IntegrityError):
            inventory_ship(
                location_id=level.location_id, lines=[(level.inventory_item_id, 2)], reference=REF
            )
        assert transaction.get_rollback()

    assert _counts(level) == (0, 2, 1)
    assert InventoryAdjustment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_oversell() -> None:
    level = InventoryLevelFactory.create(available=5, committed=0, on_hand=5)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def reserve() -> None:
        try:
            start.wait()
            inventory_reserve(
                location_id=level.location_id,
                lines=[(level.inventory_item_id, 1)],
                reference=REF,
            )
            result = "ok"
        except InsufficientInventory:
            result = "insufficient"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=reserve) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["insufficient"] * 15 + ["ok"] * 5
    assert _counts(level) == (0, 5, 5)
    assert (
        InventoryAdjustment.objects.filter(inventory_item_id=level.inventory_item_id).count() == 5
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_of_the_same_items_in_opposite_orders_do_not_deadlock() -> None:
    a = InventoryLevelFactory.create(available=100, committed=0, on_hand=100)
    b = InventoryLevelFactory.create(location=a.location, available=100, committed=0, on_hand=100)
    forward = [(a.inventory_item_id, 1), (b.inventory_item_id, 1)]
    errors: list[str] = []
    start = threading.Barrier(16)

    def reserve(lines: list[tuple[int, int]]) -> None:
        try:
            start.wait()
            for _ in range(5):
                inventory_reserve(location_id=a.location_id, lines=lines, reference=REF)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=reserve, args=(forward if n % 2 else forward[::-1],))
        for n in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert _counts(a) == (20, 80, 100)
    assert _counts(b) == (20, 80, 100)
