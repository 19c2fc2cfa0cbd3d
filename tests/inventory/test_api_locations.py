"""/api/v1/locations through HTTP, on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from inventory.models import Location
from tests.inventory.factories import InventoryLevelFactory, LocationFactory

pytestmark = pytest.mark.django_db

LOCATIONS = "/api/v1/locations"
NEW_LOCATION = {
    "name": "Ottawa Warehouse",
    "address1": "50 Rideau Street",
    "city": "Ottawa",
    "zip": "K1N 9J7",
    "province": "Ontario",
    "country": "Canada",
    "phone": "+1 613 555 0100",
    "countryCode": "CA",
    "countryName": "Canada",
    "provinceCode": "ON",
}


def _client(*scopes: str) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=list(scopes))[1])


@pytest.fixture
def client() -> APIClient:
    client = _client("write_locations")
    client.get("/api/v1/locations")  # a key's first use records last_used_at (one query)
    return client


def _error(response: Any) -> tuple[int, str, list[str]]:
    body = response.json()["error"]
    return response.status_code, body["code"], [d["field"] for d in body["details"]]


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Location.all_objects.order_by("id").values_list(
            "id", "name", "city", "active", "deleted_at"
        )
    )


def test_create_returns_the_location(client: APIClient) -> None:
    response = client.post(LOCATIONS, NEW_LOCATION, format="json")

    assert response.status_code == 201
    location = Location.objects.get()
    assert response.json() == {
        "id": location.pk,
        **NEW_LOCATION,
        "address2": "",
        "legacy": False,
        "active": True,
        "createdAt": location.created_at.isoformat().replace("+00:00", "Z"),
        "updatedAt": location.updated_at.isoformat().replace("+00:00", "Z"),
        "adminGraphqlApiId": "",
        "shopifyId": None,
    }
    assert Event.objects.filter(subject_type="Location", subject_id=location.pk, verb="create")


def test_create_refuses_a_name_in_use_whatever_its_case(client: APIClient) -> None:
    LocationFactory.create(name="Ottawa Warehouse")
    before = _snapshot()

    response = client.post(LOCATIONS, {**NEW_LOCATION, "name": "OTTAWA warehouse"}, format="json")

    assert _error(response) == (409, "CONFLICT", ["name"])
    assert _snapshot() == before


def test_a_deleted_location_frees_its_name(client: APIClient) -> None:
    old = LocationFactory.create(name="Ottawa Warehouse")
    assert client.delete(f"{LOCATIONS}/{old.pk}").status_code == 204

    response = client.post(LOCATIONS, NEW_LOCATION, format="json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"name": ""}, ["name"]),
        ({"name": "   "}, ["name"]),
        ({"countryCode": "Canada"}, ["countryCode"]),
        ({"city": ""}, ["city"]),
        ({"city": "", "countryCode": ""}, ["city", "countryCode"]),
        ({"active": "maybe"}, ["active"]),
    ],
)
def test_create_refuses_invalid_input_unchanged(
    client: APIClient, change: dict[str, Any], fields: list[str]
) -> None:
    response = client.post(LOCATIONS, {**NEW_LOCATION, **change}, format="json")

    assert _error(response) == (400, "VALIDATION_ERROR", fields)
    assert not Location.all_objects.exists()
    assert not Event.objects.exists()


def test_create_without_a_street_address_needs_only_a_name(client: APIClient) -> None:
    response = client.post(LOCATIONS, {"name": "Pop-up"}, format="json")

    assert response.status_code == 201
    assert (response.json()["name"], response.json()["countryCode"]) == ("Pop-up", "")


def test_list_filters_searches_and_sorts(client: APIClient) -> None:
    ottawa = LocationFactory.create(name="Ottawa")
    berlin = LocationFactory.create(
        name="Berlin", country_code="DE", province_code="BE", active=False
    )
    gone = LocationFactory.create(name="Closed")
    Location.objects.filter(pk=gone.pk).update(deleted_at=ottawa.created_at)

    def ids(query: str) -> list[int]:
        response = client.get(f"{LOCATIONS}?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("order=name") == [berlin.pk, ottawa.pk]
    assert ids("order=-name") == [ottawa.pk, berlin.pk]
    assert ids("active=true") == [ottawa.pk]
    assert ids("active=false") == [berlin.pk]
    assert ids("countryCode=DE") == [berlin.pk]
    assert ids("provinceCode=ON") == [ottawa.pk]
    assert ids("q=ott") == [ottawa.pk]
    assert ids("createdAtMin=2999-01-01T00:00:00Z") == []
    assert client.get(f"{LOCATIONS}?order=city").status_code == 400


def test_list_costs_the_same_queries_for_2_or_20_locations(client: APIClient) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LOCATIONS).status_code == 200
        return len(captured)

    LocationFactory.create_batch(2)
    two = queries()
    LocationFactory.create_batch(18)

    assert queries() == two


def test_detail_and_404(client: APIClient) -> None:
    location = LocationFactory.create(name="Ottawa")

    assert client.get(f"{LOCATIONS}/{location.pk}").json()["name"] == "Ottawa"
    response = client.get(f"{LOCATIONS}/999999")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_changes_the_location(client: APIClient, method: str) -> None:
    location = LocationFactory.create(name="Ottawa")

    response = getattr(client, method)(
        f"{LOCATIONS}/{location.pk}",
        {"name": "Ottawa Main", "phone": "+1 613 555 0199", "legacy": True, "id": 5},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["phone"], body["legacy"]) == (
        location.pk,
        "Ottawa Main",
        "+1 613 555 0199",
        False,
    )
    location.refresh_from_db()
    assert (location.name, location.city) == ("Ottawa Main", "Ottawa")


def test_update_refuses_a_street_address_without_a_city_unchanged(client: APIClient) -> None:
    location = LocationFactory.create(name="Ottawa")
    before = _snapshot()

    response = client.patch(f"{LOCATIONS}/{location.pk}", {"city": ""}, format="json")

    assert _error(response) == (400, "VALIDATION_ERROR", ["city"])
    assert _snapshot() == before


def test_update_refuses_another_locations_name(client: APIClient) -> None:
    LocationFactory.create(name="Berlin")
    location = LocationFactory.create(name="Ottawa")
    before = _snapshot()

    response = client.patch(f"{LOCATIONS}/{location.pk}", {"name": "berlin"}, format="json")

    assert _error(response) == (409, "CONFLICT", ["name"])
    assert _snapshot() == before


def test_update_of_a_mirrored_location_is_refused(client: APIClient) -> None:
    location = LocationFactory.create(name="Ottawa", shopify_id=655441491)
    before = _snapshot()

    response = client.patch(f"{LOCATIONS}/{location.pk}", {"name": "Renamed"}, format="json")

    assert _error(response) == (409, "SHOPIFY_MANAGED", [])
    assert _snapshot() == before


def test_delete_soft_deletes_an_empty_location(client: APIClient) -> None:
    location = LocationFactory.create()
    InventoryLevelFactory.create(location=location, available=0, on_hand=0, committed=0)

    response = client.delete(f"{LOCATIONS}/{location.pk}")

    assert response.status_code == 204
    location.refresh_from_db()
    assert location.deleted_at is not None
    assert client.get(f"{LOCATIONS}/{location.pk}").status_code == 404
    assert Event.objects.filter(subject_type="Location", subject_id=location.pk, verb="destroy")


def test_delete_of_a_location_holding_stock_is_refused_deactivate_instead(
    client: APIClient,
) -> None:
    location = LocationFactory.create()
    InventoryLevelFactory.create(location=location, available=0, on_hand=1, committed=1)
    before = _snapshot()

    response = client.delete(f"{LOCATIONS}/{location.pk}")

    assert _error(response) == (409, "CONFLICT", [""])
    assert "deactivate" in response.json()["error"]["message"]
    assert _snapshot() == before
    deactivated = client.patch(f"{LOCATIONS}/{location.pk}", {"active": False}, format="json")
    assert (deactivated.status_code, deactivated.json()["active"]) == (200, False)


def test_delete_of_a_missing_or_mirrored_location(client: APIClient) -> None:
    mirrored = LocationFactory.create(shopify_id=655441491)

    assert client.delete(f"{LOCATIONS}/999999").status_code == 404
    assert _error(client.delete(f"{LOCATIONS}/{mirrored.pk}")) == (409, "SHOPIFY_MANAGED", [])
    mirrored.refresh_from_db()
    assert mirrored.deleted_at is None


def test_locations_need_the_locations_scope() -> None:
    location = LocationFactory.create()
    reader = _client("read_locations")

    assert _client("write_inventory").get(LOCATIONS).status_code == 403
    assert reader.get(LOCATIONS).status_code == 200
    assert reader.post(LOCATIONS, NEW_LOCATION, format="json").status_code == 403
    assert reader.delete(f"{LOCATIONS}/{location.pk}").status_code == 403
    assert Location.objects.count() == 1
