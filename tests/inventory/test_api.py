"""/api/v1/inventory/{items,levels,adjustments} through HTTP, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from inventory.models import InventoryAdjustment, InventoryItem, InventoryLevel
from tests.inventory.factories import (
    InventoryAdjustmentFactory,
    InventoryItemFactory,
    InventoryLevelFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/inventory/items"
LEVELS = "/api/v1/inventory/levels"
ADJUSTMENTS = "/api/v1/inventory/adjustments"


def _client(*scopes: str) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=list(scopes))[1])


@pytest.fixture
def client() -> APIClient:
    client = _client("write_inventory")
    client.get(ITEMS)  # a key's first use records last_used_at: query counts start after it
    return client


def _queries(request: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured)


def _levels_state() -> list[tuple[int, int, int, int]]:
    return list(
        InventoryLevel.objects.order_by("id").values_list("id", "available", "on_hand", "committed")
    )


def _error(response: Any) -> tuple[int, str, list[str]]:
    body = response.json()["error"]
    return response.status_code, body["code"], [d["field"] for d in body["details"]]


# --- Inventory items ---------------------------------------------------------------------------


def test_item_list_returns_items_in_the_api_shape(client: APIClient) -> None:
    item = InventoryItemFactory.create(sku="MUG-1", harmonized_system_code="691200")

    response = client.get(ITEMS)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": item.pk,
            "sku": "MUG-1",
            "requiresShipping": True,
            "cost": "25.00",
            "currency": "USD",
            "countryCodeOfOrigin": "",
            "provinceCodeOfOrigin": "",
            "harmonizedSystemCode": "691200",
            "countryHarmonizedSystemCodes": [],
            "tracked": True,
            "createdAt": item.created_at.isoformat().replace("+00:00", "Z"),
            "updatedAt": item.updated_at.isoformat().replace("+00:00", "Z"),
            "adminGraphqlApiId": "",
            "shopifyId": None,
        }
    ]


def test_item_list_filters_searches_and_sorts(client: APIClient) -> None:
    mug = InventoryItemFactory.create(sku="MUG-1")
    cup = InventoryItemFactory.create(sku="CUP-1", tracked=False)
    deleted = InventoryItemFactory.create(sku="MUG-OLD")
    InventoryItem.objects.filter(pk=deleted.pk).update(deleted_at=mug.created_at)

    def ids(query: str) -> list[int]:
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("sku=MUG-1") == [mug.pk]
    assert ids("tracked=false") == [cup.pk]
    assert ids("q=mug") == [mug.pk]
    assert ids("order=sku") == [cup.pk, mug.pk]
    assert ids("order=-sku") == [mug.pk, cup.pk]
    assert ids("createdAtMin=2999-01-01T00:00:00Z") == []
    assert ids("createdAtMax=2999-01-01T00:00:00Z") == [cup.pk, mug.pk]
    assert client.get(f"{ITEMS}?order=cost").status_code == 400


def test_item_list_costs_the_same_queries_for_2_or_20_items(client: APIClient) -> None:
    InventoryItemFactory.create_batch(2)
    two = _queries(lambda: client.get(ITEMS))
    InventoryItemFactory.create_batch(18)
    twenty = _queries(lambda: client.get(ITEMS))

    assert two == twenty


def test_item_detail_and_404(client: APIClient) -> None:
    item = InventoryItemFactory.create(sku="MUG-1")

    assert client.get(f"{ITEMS}/{item.pk}").json()["sku"] == "MUG-1"
    response = client.get(f"{ITEMS}/999999")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_item_update_sets_cost_customs_and_tracking(client: APIClient, method: str) -> None:
    item = InventoryItemFactory.create()

    response = getattr(client, method)(
        f"{ITEMS}/{item.pk}",
        {
            "cost": "12.50",
            "countryCodeOfOrigin": "CA",
            "provinceCodeOfOrigin": "ON",
            "harmonizedSystemCode": "6109100010",
            "countryHarmonizedSystemCodes": [
                {"countryCode": "US", "harmonizedSystemCode": "6109100012"}
            ],
            "tracked": False,
            "requiresShipping": False,
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["cost"], body["countryCodeOfOrigin"], body["harmonizedSystemCode"]) == (
        "12.50",
        "CA",
        "6109100010",
    )
    assert (body["tracked"], body["requiresShipping"]) == (False, False)
    assert body["countryHarmonizedSystemCodes"] == [
        {"countryCode": "US", "harmonizedSystemCode": "6109100012"}
    ]
    item.refresh_from_db()
    assert (item.cost, item.tracked, item.province_code_of_origin) == (
        Decimal("12.50"),
        False,
        "ON",
    )
    assert Event.objects.filter(subject_type="InventoryItem", subject_id=item.pk, verb="update")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"cost": "-1.00"}, "cost"),
        ({"harmonizedSystemCode": "12AB"}, "harmonizedSystemCode"),
        ({"countryCodeOfOrigin": "can"}, "countryCodeOfOrigin"),
        (
            {"countryHarmonizedSystemCodes": [{"countryCode": "US", "harmonizedSystemCode": "x"}]},
            "countryHarmonizedSystemCodes.0.harmonizedSystemCode",
        ),
    ],
)
def test_item_update_refuses_invalid_values_unchanged(
    client: APIClient, payload: dict[str, Any], field: str
) -> None:
    item = InventoryItemFactory.create()

    response = client.patch(f"{ITEMS}/{item.pk}", payload, format="json")

    assert _error(response) == (400, "VALIDATION_ERROR", [field])
    item.refresh_from_db()
    assert (item.cost, item.harmonized_system_code, item.country_code_of_origin) == (
        Decimal("25.00"),
        "",
        "",
    )
    assert not Event.objects.exists()


def test_item_update_of_a_mirrored_item_is_refused(client: APIClient) -> None:
    item = InventoryItemFactory.create(shopify_id=808950810)

    response = client.patch(f"{ITEMS}/{item.pk}", {"cost": "1.00"}, format="json")

    assert _error(response) == (409, "SHOPIFY_MANAGED", [])
    item.refresh_from_db()
    assert item.cost == Decimal("25.00")


def test_item_endpoints_need_the_inventory_scope() -> None:
    item = InventoryItemFactory.create()
    reader = _client("read_inventory")

    assert _client("write_products").get(ITEMS).status_code == 403
    assert reader.get(ITEMS).status_code == 200
    response = reader.patch(f"{ITEMS}/{item.pk}", {"cost": "1.00"}, format="json")
    assert _error(response) == (403, "PERMISSION_DENIED", [])
    item.refresh_from_db()
    assert item.cost == Decimal("25.00")


# --- Inventory levels --------------------------------------------------------------------------


def test_level_list_returns_levels_in_the_api_shape(client: APIClient) -> None:
    level = InventoryLevelFactory.create(low_stock_threshold=2)

    response = client.get(LEVELS)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": level.pk,
            "inventoryItemId": level.inventory_item_id,
            "locationId": level.location_id,
            "available": 9,
            "onHand": 10,
            "committed": 1,
            "incoming": 0,
            "reserved": 0,
            "lowStockThreshold": 2,
            "createdAt": level.created_at.isoformat().replace("+00:00", "Z"),
            "updatedAt": level.updated_at.isoformat().replace("+00:00", "Z"),
            "adminGraphqlApiId": "",
            "shopifyId": None,
        }
    ]


def test_level_list_filters_and_sorts(client: APIClient) -> None:
    location = LocationFactory.create()
    low = InventoryLevelFactory.create(location=location, available=1, on_hand=2)
    high = InventoryLevelFactory.create(location=location, available=50, on_hand=51)
    elsewhere = InventoryLevelFactory.create(available=3, on_hand=4)

    def ids(query: str) -> list[int]:
        response = client.get(f"{LEVELS}?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"locationId={location.pk}&order=available") == [low.pk, high.pk]
    assert ids(f"inventoryItemId={elsewhere.inventory_item_id}") == [elsewhere.pk]
    assert ids("availableMax=3&order=-available") == [elsewhere.pk, low.pk]
    assert ids("availableMin=10") == [high.pk]


def test_level_list_costs_the_same_queries_for_2_or_20_levels(client: APIClient) -> None:
    InventoryLevelFactory.create_batch(2)
    two = _queries(lambda: client.get(LEVELS))
    InventoryLevelFactory.create_batch(18)
    twenty = _queries(lambda: client.get(LEVELS))

    assert two == twenty


def test_level_detail_and_404(client: APIClient) -> None:
    level = InventoryLevelFactory.create()

    assert client.get(f"{LEVELS}/{level.pk}").json()["available"] == 9
    assert client.get(f"{LEVELS}/999999").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch"])
def test_level_update_sets_the_low_stock_threshold(client: APIClient, method: str) -> None:
    level = InventoryLevelFactory.create()

    response = getattr(client, method)(
        f"{LEVELS}/{level.pk}", {"lowStockThreshold": 4, "available": 500}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["lowStockThreshold"], response.json()["available"]) == (4, 9)
    level.refresh_from_db()
    assert (level.low_stock_threshold, level.available) == (4, 9)


def test_level_update_refuses_a_negative_threshold_unchanged(client: APIClient) -> None:
    level = InventoryLevelFactory.create(low_stock_threshold=3)

    response = client.patch(f"{LEVELS}/{level.pk}", {"lowStockThreshold": -1}, format="json")

    assert _error(response) == (400, "VALIDATION_ERROR", ["lowStockThreshold"])
    level.refresh_from_db()
    assert level.low_stock_threshold == 3


def test_level_set_writes_the_delta_to_the_ledger(client: APIClient) -> None:
    level = InventoryLevelFactory.create(available=9, on_hand=10, committed=1)

    response = client.post(
        f"{LEVELS}/set",
        {
            "inventoryItemId": level.inventory_item_id,
            "locationId": level.location_id,
            "available": 4,
            "reason": "count",
            "note": "Cycle count",
        },
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["available"], response.json()["onHand"]) == (
        level.pk,
        4,
        5,
    )
    assert list(
        InventoryAdjustment.objects.values_list(
            "inventory_item_id",
            "location_id",
            "quantity_delta",
            "reason",
            "note",
            "available_after",
        )
    ) == [(level.inventory_item_id, level.location_id, -5, "count", "Cycle count", 4)]


def test_level_set_creates_a_missing_level_and_skips_unchanged_quantities(
    client: APIClient,
) -> None:
    item, location = InventoryItemFactory.create(), LocationFactory.create()
    payload = {
        "inventoryItemId": item.pk,
        "locationId": location.pk,
        "available": 7,
        "reason": "received",
    }

    first = client.post(f"{LEVELS}/set", payload, format="json")
    second = client.post(f"{LEVELS}/set", payload, format="json")

    assert (first.status_code, second.status_code) == (200, 200)
    level = InventoryLevel.objects.get(inventory_item=item, location=location)
    assert (level.available, level.on_hand) == (7, 7)
    assert list(InventoryAdjustment.objects.values_list("quantity_delta", flat=True)) == [7]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"inventoryItemId": 999999}, "inventoryItemId"),
        ({"locationId": 999999}, "locationId"),
        ({"available": -1}, "available"),
        ({"reason": "stolen"}, "reason"),
    ],
)
def test_level_set_refuses_invalid_input_unchanged(
    client: APIClient, change: dict[str, Any], field: str
) -> None:
    level = InventoryLevelFactory.create()
    before = _levels_state()
    payload = {
        "inventoryItemId": level.inventory_item_id,
        "locationId": level.location_id,
        "available": 2,
        "reason": "correction",
        **change,
    }

    response = client.post(f"{LEVELS}/set", payload, format="json")

    assert _error(response) == (400, "VALIDATION_ERROR", [field])
    assert _levels_state() == before
    assert not InventoryAdjustment.objects.exists()


def test_level_set_of_a_mirrored_location_is_refused(client: APIClient) -> None:
    level = InventoryLevelFactory.create(location=LocationFactory.create(shopify_id=655441491))
    before = _levels_state()

    response = client.post(
        f"{LEVELS}/set",
        {
            "inventoryItemId": level.inventory_item_id,
            "locationId": level.location_id,
            "available": 2,
            "reason": "correction",
        },
        format="json",
    )

    assert _error(response) == (409, "SHOPIFY_MANAGED", [])
    assert _levels_state() == before


def test_level_set_at_the_threshold_records_a_low_stock_event(client: APIClient) -> None:
    level = InventoryLevelFactory.create(low_stock_threshold=2)

    client.post(
        f"{LEVELS}/set",
        {
            "inventoryItemId": level.inventory_item_id,
            "locationId": level.location_id,
            "available": 2,
            "reason": "damaged",
        },
        format="json",
    )

    assert list(
        Event.objects.filter(subject_type="InventoryLevel").order_by("id").values_list("verb")
    ) == [("adjusted",), ("low_stock",)]


def _bulk_row(item_id: int, location_id: int, available: int) -> dict[str, Any]:
    return {
        "inventoryItemId": item_id,
        "locationId": location_id,
        "available": available,
        "reason": "count",
    }


def test_level_bulk_sets_every_level_in_one_request(client: APIClient) -> None:
    location = LocationFactory.create()
    a = InventoryLevelFactory.create(location=location, available=9, on_hand=10)
    b = InventoryLevelFactory.create(location=location, available=5, on_hand=5)
    new_item = InventoryItemFactory.create()

    response = client.post(
        f"{LEVELS}/bulk",
        {
            "levels": [
                _bulk_row(a.inventory_item_id, location.pk, 20),
                _bulk_row(b.inventory_item_id, location.pk, 5),
                _bulk_row(new_item.pk, location.pk, 3),
            ]
        },
        format="json",
    )

    assert response.status_code == 200
    created = InventoryLevel.objects.get(inventory_item=new_item)
    assert [(r["id"], r["available"], r["onHand"]) for r in response.json()["levels"]] == [
        (a.pk, 20, 21),
        (b.pk, 5, 5),
        (created.pk, 3, 3),
    ]
    assert sorted(
        InventoryAdjustment.objects.values_list("inventory_item_id", "quantity_delta", "reason")
    ) == sorted([(a.inventory_item_id, 11, "count"), (new_item.pk, 3, "count")])


def test_level_bulk_refuses_everything_when_one_row_is_wrong(client: APIClient) -> None:
    location = LocationFactory.create()
    a = InventoryLevelFactory.create(location=location)
    before = _levels_state()

    response = client.post(
        f"{LEVELS}/bulk",
        {
            "levels": [
                _bulk_row(a.inventory_item_id, location.pk, 1),
                _bulk_row(a.inventory_item_id, 999999, 1),
                _bulk_row(a.inventory_item_id, location.pk, 2),
                _bulk_row(a.inventory_item_id, location.pk, -4),
            ]
        },
        format="json",
    )

    assert _error(response) == (400, "VALIDATION_ERROR", ["levels.3.available"])
    response = client.post(
        f"{LEVELS}/bulk",
        {
            "levels": [
                _bulk_row(a.inventory_item_id, location.pk, 1),
                _bulk_row(a.inventory_item_id, 999999, 1),
                _bulk_row(a.inventory_item_id, location.pk, 2),
            ]
        },
        format="json",
    )
    assert _error(response) == (
        400,
        "VALIDATION_ERROR",
        ["levels.1.locationId", "levels.2.inventoryItemId"],
    )
    assert _levels_state() == before
    assert not InventoryAdjustment.objects.exists()


def test_level_bulk_refuses_more_than_250_rows(client: APIClient) -> None:
    level = InventoryLevelFactory.create()
    rows = [_bulk_row(level.inventory_item_id, level.location_id, 1)] * 251

    response = client.post(f"{LEVELS}/bulk", {"levels": rows}, format="json")

    assert _error(response) == (400, "VALIDATION_ERROR", ["levels"])


def test_level_bulk_costs_the_same_queries_for_5_or_50_rows(client: APIClient) -> None:
    location = LocationFactory.create()
    items = InventoryItemFactory.create_batch(50)

    def post(count: int, available: int) -> int:
        rows = [_bulk_row(item.pk, location.pk, available) for item in items[:count]]
        return _queries(lambda: client.post(f"{LEVELS}/bulk", {"levels": rows}, format="json"))

    assert post(5, 1) == post(50, 2)
    assert InventoryAdjustment.objects.count() == 55


# --- Inventory adjustments (the ledger) --------------------------------------------------------


def test_adjustment_create_moves_the_level_and_appends_to_the_ledger(client: APIClient) -> None:
    level = InventoryLevelFactory.create(available=9, on_hand=10)

    response = client.post(
        ADJUSTMENTS,
        {
            "inventoryItemId": level.inventory_item_id,
            "locationId": level.location_id,
            "quantityDelta": 15,
            "reason": "received",
            "note": "PO 42",
            "referenceDocumentUri": "gid://stockroom/PurchaseOrder/42",
        },
        format="json",
    )

    assert response.status_code == 201
    adjustment = InventoryAdjustment.objects.get()
    assert response.json() == {
        "id": adjustment.pk,
        "inventoryItemId": level.inventory_item_id,
        "locationId": level.location_id,
        "quantityDelta": 15,
        "reason": "received",
        "userId": None,
        "note": "PO 42",
        "availableAfter": 24,
        "referenceDocumentUri": "gid://stockroom/PurchaseOrder/42",
        "createdAt": adjustment.created_at.isoformat().replace("+00:00", "Z"),
        "adminGraphqlApiId": "",
        "shopifyId": None,
    }
    level.refresh_from_db()
    assert (level.available, level.on_hand) == (24, 25)
    event = Event.objects.get(verb="adjusted")
    assert (event.subject_id, event.object_type, event.object_id) == (
        level.pk,
        "InventoryAdjustment",
        adjustment.pk,
    )


def test_adjustment_below_zero_available_is_refused_unchanged(client: APIClient) -> None:
    level = InventoryLevelFactory.create(available=3, on_hand=4)

    response = client.post(
        ADJUSTMENTS,
        {
            "inventoryItemId": level.inventory_item_id,
            "locationId": level.location_id,
            "quantityDelta": -4,
            "reason": "correction",
        },
        format="json",
    )

    assert _error(response) == (409, "INSUFFICIENT_INVENTORY", ["quantityDelta"])
    level.refresh_from_db()
    assert (level.available, level.on_hand) == (3, 4)
    assert not InventoryAdjustment.objects.exists()
    assert not Event.objects.exists()


def test_adjustment_of_an_item_without_a_level_cannot_remove_stock(client: APIClient) -> None:
    item, location = InventoryItemFactory.create(), LocationFactory.create()

    response = client.post(
        ADJUSTMENTS,
        {
            "inventoryItemId": item.pk,
            "locationId": location.pk,
            "quantityDelta": -1,
            "reason": "damaged",
        },
        format="json",
    )

    assert _error(response) == (409, "INSUFFICIENT_INVENTORY", ["quantityDelta"])
    assert not InventoryLevel.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantityDelta": 0}, "quantityDelta"),
        ({"reason": "stolen"}, "reason"),
        ({"inventoryItemId": 999999}, "inventoryItemId"),
        ({"locationId": None}, "locationId"),
    ],
)
def test_adjustment_create_refuses_invalid_input_unchanged(
    client: APIClient, change: dict[str, Any], field: str
) -> None:
    level = InventoryLevelFactory.create()
    before = _levels_state()
    payload = {
        "inventoryItemId": level.inventory_item_id,
        "locationId": level.location_id,
        "quantityDelta": 1,
        "reason": "other",
        **change,
    }

    response = client.post(ADJUSTMENTS, payload, format="json")

    assert _error(response) == (400, "VALIDATION_ERROR", [field])
    assert _levels_state() == before
    assert not InventoryAdjustment.objects.exists()


def test_adjustment_to_the_threshold_records_a_low_stock_event(client: APIClient) -> None:
    level = InventoryLevelFactory.create(available=9, on_hand=10, low_stock_threshold=5)

    client.post(
        ADJUSTMENTS,
        {
            "inventoryItemId": level.inventory_item_id,
            "locationId": level.location_id,
            "quantityDelta": -4,
            "reason": "damaged",
        },
        format="json",
    )

    event = Event.objects.get(verb="low_stock")
    assert event.arguments["available"] == 5


def test_the_ledger_cannot_be_changed_or_removed(client: APIClient) -> None:
    adjustment = InventoryAdjustmentFactory.create()

    assert client.put(f"{ADJUSTMENTS}/{adjustment.pk}", {}, format="json").status_code == 405
    assert client.patch(f"{ADJUSTMENTS}/{adjustment.pk}", {}, format="json").status_code == 405
    assert client.delete(f"{ADJUSTMENTS}/{adjustment.pk}").status_code == 405
    assert InventoryAdjustment.objects.filter(pk=adjustment.pk, quantity_delta=5).exists()


def test_adjustment_list_filters_sorts_and_reads_one(client: APIClient) -> None:
    location = LocationFactory.create()
    received = InventoryAdjustmentFactory.create(location=location, quantity_delta=5)
    damaged = InventoryAdjustmentFactory.create(
        location=location, quantity_delta=-2, reason="damaged"
    )
    other = InventoryAdjustmentFactory.create()

    def ids(query: str) -> list[int]:
        response = client.get(f"{ADJUSTMENTS}?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"locationId={location.pk}&order=quantityDelta") == [damaged.pk, received.pk]
    assert ids("reason=damaged") == [damaged.pk]
    assert ids(f"inventoryItemId={other.inventory_item_id}") == [other.pk]
    assert ids("createdAtMin=2999-01-01T00:00:00Z") == []
    assert ids("createdAtMax=2999-01-01T00:00:00Z&order=createdAt") == [
        received.pk,
        damaged.pk,
        other.pk,
    ]
    assert client.get(f"{ADJUSTMENTS}?reason=stolen").status_code == 400
    assert client.get(f"{ADJUSTMENTS}/{damaged.pk}").json()["quantityDelta"] == -2
    assert client.get(f"{ADJUSTMENTS}/999999").status_code == 404


def test_adjustment_list_costs_the_same_queries_for_2_or_20_rows(client: APIClient) -> None:
    InventoryAdjustmentFactory.create_batch(2)
    two = _queries(lambda: client.get(ADJUSTMENTS))
    InventoryAdjustmentFactory.create_batch(18)
    twenty = _queries(lambda: client.get(ADJUSTMENTS))

    assert two == twenty


def test_adjustments_need_the_write_inventory_scope() -> None:
    level = InventoryLevelFactory.create()
    payload = {
        "inventoryItemId": level.inventory_item_id,
        "locationId": level.location_id,
        "quantityDelta": 1,
        "reason": "other",
    }

    assert _client("read_inventory").post(ADJUSTMENTS, payload, format="json").status_code == 403
    assert _client("write_locations").get(ADJUSTMENTS).status_code == 403
    assert not InventoryAdjustment.objects.exists()
