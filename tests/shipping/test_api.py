"""/api/v1/shipping-zones (+ rates) and /api/v1/fulfillment-services through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from shipping.models import FulfillmentService, ShippingRate, ShippingZone
from tests.inventory.factories import LocationFactory
from tests.shipping.factories import (
    FulfillmentServiceFactory,
    ShippingRateFactory,
    ShippingZoneFactory,
)

pytestmark = pytest.mark.django_db

ZONES = "/api/v1/shipping-zones"
SERVICES = "/api/v1/fulfillment-services"


def key_client(scopes: list[str]) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=scopes)[1])


@pytest.fixture
def client() -> APIClient:
    return key_client(["write_shipping"])


def _snapshot() -> tuple[Any, ...]:
    return (
        list(ShippingZone.all_objects.order_by("pk").values_list("pk", "name", "countries")),
        list(ShippingRate.objects.order_by("pk").values_list("pk", "price", "weight_high")),
        list(FulfillmentService.all_objects.order_by("pk").values_list("pk", "handle")),
        Event.objects.count(),
    )


CANADA = {
    "name": "Canada",
    "countries": [{"code": "CA", "name": "Canada"}],
    "provinces": [{"code": "ON", "countryCode": "CA", "name": "Ontario"}],
}


def test_zone_create_update_and_soft_delete(client: APIClient) -> None:
    created = client.post(ZONES, CANADA, format="json")
    zone_id = created.json()["id"]
    updated = client.patch(
        f"{ZONES}/{zone_id}",
        {"name": "North America", "countries": [{"code": "CA"}, {"code": "US"}]},
        format="json",
    )
    deleted = client.delete(f"{ZONES}/{zone_id}")

    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["countries"], body["provinces"], body["rates"]) == (
        "Canada",
        [{"code": "CA", "name": "Canada"}],
        [{"code": "ON", "countryCode": "CA", "name": "Ontario"}],
        [],
    )
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["countries"]) == (
        "North America",
        [{"code": "CA"}, {"code": "US"}],
    )
    assert deleted.status_code == 204
    assert client.get(f"{ZONES}/{zone_id}").status_code == 404
    assert ShippingZone.all_objects.get(pk=zone_id).deleted_at is not None
    assert list(
        Event.objects.filter(subject_type="ShippingZone").order_by("id").values_list("verb")
    ) == [("create",), ("update",), ("destroy",)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"countries": [{"code": "Canada"}]}, "countries.0.code"),
        ({"countries": [{"code": "CA"}, {"code": "CA"}]}, "countries.1.code"),
        (
            {"provinces": [{"code": "NY", "countryCode": "US"}]},
            "provinces.0.countryCode",
        ),
        ({"provinces": [{"code": "ON"}]}, "provinces.0.countryCode"),
    ],
)
def test_bad_zones_are_400_and_change_nothing(
    client: APIClient, change: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(ZONES, {**CANADA, **change}, format="json")

    assert response.status_code == 400
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert _snapshot() == before


def test_zone_names_are_unique_case_insensitively(client: APIClient) -> None:
    ShippingZoneFactory.create(name="Domestic")
    ShippingZoneFactory.create(name="Domestic", shopify_id=1)
    before = _snapshot()

    response = client.post(ZONES, {"name": "DOMESTIC"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["details"][0]["field"] == "name"
    assert _snapshot() == before


def test_rates_are_nested_and_validate_their_ranges(client: APIClient) -> None:
    zone = ShippingZoneFactory.create()
    url = f"{ZONES}/{zone.pk}/rates"

    created = client.post(
        url,
        {"name": "Standard", "price": "5.00", "weightLow": "0", "weightHigh": "2.5"},
        format="json",
    )
    rate_id = created.json()["id"]
    before = _snapshot()
    bad = [
        client.post(url, {"name": "X", "price": "-1.00"}, format="json"),
        client.post(
            url, {"name": "X", "price": "1", "weightLow": "3", "weightHigh": "2"}, format="json"
        ),
        client.post(
            url,
            {"name": "X", "price": "1", "minOrderSubtotal": "50", "maxOrderSubtotal": "10"},
            format="json",
        ),
        client.patch(f"{url}/{rate_id}", {"weightLow": "3"}, format="json"),
        client.post(url, {"name": "X", "price": "1", "currency": "EURO"}, format="json"),
    ]
    assert _snapshot() == before
    updated = client.put(f"{url}/{rate_id}", {"price": "7.50"}, format="json")
    listed = client.get(url)
    in_zone = client.get(f"{ZONES}/{zone.pk}")

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("name", "price", "weightLow", "weightHigh")} == {
        "name": "Standard",
        "price": "5.00",
        "weightLow": "0.000",
        "weightHigh": "2.500",
    }
    assert [r.status_code for r in bad] == [400] * 5
    assert [r.json()["error"]["details"][0]["field"] for r in bad] == [
        "price",
        "weightHigh",
        "maxOrderSubtotal",
        "weightHigh",
        "currency",
    ]
    assert updated.json()["price"] == "7.50"
    assert [r["id"] for r in listed.json()["results"]] == [rate_id]
    assert [r["price"] for r in in_zone.json()["rates"]] == ["7.50"]
    assert client.delete(f"{url}/{rate_id}").status_code == 204
    assert not ShippingRate.objects.filter(pk=rate_id).exists()


def test_a_rate_of_another_zone_is_404(client: APIClient) -> None:
    rate = ShippingRateFactory.create()
    other = ShippingZoneFactory.create()

    assert client.get(f"{ZONES}/{other.pk}/rates/{rate.pk}").status_code == 404
    assert client.get(f"{ZONES}/999999/rates").status_code == 404
    assert client.post(f"{ZONES}/999999/rates", {"name": "X", "price": "1"}).status_code == 404


def test_mirrored_zones_and_rates_refuse_writes(client: APIClient) -> None:
    zone = ShippingZoneFactory.create(shopify_id=123)
    rate = ShippingRateFactory.create(shipping_zone=zone, shopify_id=456)
    before = _snapshot()

    responses = [
        client.patch(f"{ZONES}/{zone.pk}", {"name": "X"}, format="json"),
        client.delete(f"{ZONES}/{zone.pk}"),
        client.post(f"{ZONES}/{zone.pk}/rates", {"name": "X", "price": "1"}, format="json"),
        client.patch(f"{ZONES}/{zone.pk}/rates/{rate.pk}", {"price": "1"}, format="json"),
        client.delete(f"{ZONES}/{zone.pk}/rates/{rate.pk}"),
    ]

    assert [r.status_code for r in responses] == [409] * 5
    assert {r.json()["error"]["code"] for r in responses} == {"SHOPIFY_MANAGED"}
    assert _snapshot() == before


def test_zone_list_filters_by_country_and_orders(client: APIClient) -> None:
    ShippingZoneFactory.create(name="B Canada")
    ShippingZoneFactory.create(name="A Europe", countries=[{"code": "FR"}, {"code": "DE"}])
    ShippingZoneFactory.create(name="C Legacy", countries=["FR"])

    def names(query: str) -> list[str]:
        return [z["name"] for z in client.get(f"{ZONES}?{query}").json()["results"]]

    assert names("country=fr&order=name") == ["A Europe", "C Legacy"]
    assert names("order=-name") == ["C Legacy", "B Canada", "A Europe"]
    assert names("q=canada") == ["B Canada"]


@pytest.mark.parametrize("rows", [2, 20])
def test_zone_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    for zone in ShippingZoneFactory.create_batch(rows):
        ShippingRateFactory.create_batch(2, shipping_zone=zone)

    with django_assert_max_num_queries(5):
        response = client.get(ZONES)

    assert [len(z["rates"]) for z in response.json()["results"]] == [2] * rows


def test_fulfillment_service_crud(client: APIClient) -> None:
    location = LocationFactory.create()
    created = client.post(
        SERVICES,
        {
            "name": "Mars Fulfillment",
            "email": "ops@mars.example.com",
            "callbackUrl": "https://mars.example.com/callbacks",
            "locationId": location.pk,
            "trackingSupport": True,
        },
        format="json",
    )
    service_id = created.json()["id"]
    updated = client.put(f"{SERVICES}/{service_id}", {"inventoryManagement": True}, format="json")
    deleted = client.delete(f"{SERVICES}/{service_id}")

    assert created.status_code == 201
    assert {
        k: created.json()[k]
        for k in ("name", "handle", "email", "callbackUrl", "locationId", "trackingSupport")
    } == {
        "name": "Mars Fulfillment",
        "handle": "mars-fulfillment",
        "email": "ops@mars.example.com",
        "callbackUrl": "https://mars.example.com/callbacks",
        "locationId": location.pk,
        "trackingSupport": True,
    }
    assert (updated.status_code, updated.json()["inventoryManagement"]) == (200, True)
    assert deleted.status_code == 204
    assert client.get(f"{SERVICES}/{service_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"name": "X", "callbackUrl": "http://mars.example.com/cb"}, "callbackUrl", 400),
        ({"name": "X", "callbackUrl": "not a url"}, "callbackUrl", 400),
        ({"name": "X", "email": "nope"}, "email", 400),
        ({"name": "X", "handle": "Bad Handle"}, "handle", 400),
        ({"name": "X", "locationId": 999999}, "locationId", 400),
        ({"name": "X", "handle": "taken"}, "handle", 409),
    ],
)
def test_bad_fulfillment_services_are_refused_and_change_nothing(
    client: APIClient, body: dict[str, Any], field: str, status: int
) -> None:
    FulfillmentServiceFactory.create(handle="taken")
    before = _snapshot()

    response = client.post(SERVICES, body, format="json")

    assert response.status_code == status
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert _snapshot() == before


def test_fulfillment_service_filters_order_and_mirrors(client: APIClient) -> None:
    a = FulfillmentServiceFactory.create(name="Alpha", provider_id="p1")
    FulfillmentServiceFactory.create(name="Beta", provider_id="p2")
    mirrored = FulfillmentServiceFactory.create(name="Gamma", shopify_id=77)

    assert [s["id"] for s in client.get(f"{SERVICES}?providerId=p1").json()["results"]] == [a.pk]
    assert [s["name"] for s in client.get(f"{SERVICES}?order=-name").json()["results"]] == [
        "Gamma",
        "Beta",
        "Alpha",
    ]
    refused = client.patch(f"{SERVICES}/{mirrored.pk}", {"name": "X"}, format="json")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "SHOPIFY_MANAGED")
    assert client.get(f"{SERVICES}/999999").status_code == 404


def test_scopes() -> None:
    zone = ShippingZoneFactory.create()
    reader, stranger = key_client(["read_shipping"]), key_client(["write_finance"])

    assert reader.get(f"{ZONES}/{zone.pk}/rates").status_code == 200
    assert reader.get(SERVICES).status_code == 200
    assert reader.post(ZONES, CANADA, format="json").status_code == 403
    assert reader.delete(f"{ZONES}/{zone.pk}").status_code == 403
    assert stranger.get(ZONES).status_code == 403
    assert stranger.get(SERVICES).status_code == 403
    assert ShippingZone.objects.count() == 1


@pytest.mark.parametrize("rows", [2, 20])
def test_fulfillment_service_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    FulfillmentServiceFactory.create_batch(rows, location=LocationFactory.create())

    with django_assert_max_num_queries(4):
        response = client.get(SERVICES)

    assert len(response.json()["results"]) == rows
