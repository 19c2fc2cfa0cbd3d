"""/api/v1/shop (settings) and /api/v1/events (the activity trail) through HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.audit import audit_redaction
from core.models import Event, Shop
from tests.core.factories import EventFactory, ShopFactory
from tests.inventory.factories import LocationFactory

pytestmark = pytest.mark.django_db

SHOP = "/api/v1/shop"
EVENTS = "/api/v1/events"


def key_client(scopes: list[str]) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=scopes)[1])


@pytest.fixture
def client() -> APIClient:
    return key_client(["write_settings"])


def _shop_state() -> tuple[Any, ...]:
    rows = Shop.objects.order_by("pk").values_list(
        "pk", "name", "currency", "iana_timezone", "email", "weight_unit", "plan_name"
    )
    return (list(rows), Event.objects.count())


def test_get_and_update_the_shop(client: APIClient) -> None:
    shop = ShopFactory.create(name="Stockroom", currency="USD")
    location = LocationFactory.create()

    shown = client.get(SHOP)
    put = client.put(
        SHOP,
        {
            "currency": "EUR",
            "ianaTimezone": "Europe/Paris",
            "weightUnit": "g",
            "email": "owner@stockroom.example.com",
            "primaryLocationId": location.pk,
            "enabledPresentmentCurrencies": ["EUR", "USD"],
        },
        format="json",
    )
    patch = client.patch(SHOP, {"name": "Stockroom Paris"}, format="json")

    assert shown.status_code == 200
    assert (shown.json()["id"], shown.json()["name"], shown.json()["currency"]) == (
        shop.pk,
        "Stockroom",
        "USD",
    )
    assert put.status_code == 200
    assert {
        k: put.json()[k]
        for k in (
            "currency",
            "ianaTimezone",
            "weightUnit",
            "email",
            "primaryLocationId",
            "enabledPresentmentCurrencies",
        )
    } == {
        "currency": "EUR",
        "ianaTimezone": "Europe/Paris",
        "weightUnit": "g",
        "email": "owner@stockroom.example.com",
        "primaryLocationId": location.pk,
        "enabledPresentmentCurrencies": ["EUR", "USD"],
    }
    assert (patch.json()["name"], patch.json()["currency"]) == ("Stockroom Paris", "EUR")
    assert Event.objects.filter(subject_type="Shop", verb="update").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "EURO"}, "currency"),
        ({"currency": "ABC"}, "currency"),
        ({"ianaTimezone": "Mars/Olympus"}, "ianaTimezone"),
        ({"email": "not-an-email"}, "email"),
        ({"weightUnit": "stone"}, "weightUnit"),
        ({"latitude": "91"}, "latitude"),
        ({"primaryLocationId": 999999}, "primaryLocationId"),
        ({"enabledPresentmentCurrencies": ["EUR", "QQQ"]}, "enabledPresentmentCurrencies.1"),
        ({"planName": "plus"}, "planName"),
        ({"name": "X", "eligibleForPayments": False}, "eligibleForPayments"),
        ({"domain": "Not A Domain"}, "domain"),
    ],
)
def test_bad_settings_are_400_and_change_nothing(
    client: APIClient, body: dict[str, Any], field: str
) -> None:
    ShopFactory.create()
    before = _shop_state()

    response = client.patch(SHOP, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert {d["field"] for d in response.json()["error"]["details"]} == {field}
    assert _shop_state() == before


def test_a_taken_domain_is_a_409(client: APIClient) -> None:
    ShopFactory.create()
    other = ShopFactory.create()
    before = _shop_state()

    response = client.patch(SHOP, {"domain": other.domain}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["details"][0]["field"] == "domain"
    assert _shop_state() == before


def test_a_mirrored_shop_is_changed_in_shopify(client: APIClient) -> None:
    ShopFactory.create(shopify_id=548380009)
    before = _shop_state()

    response = client.patch(SHOP, {"name": "Local name"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert _shop_state() == before


def test_no_shop_yet_is_a_404(client: APIClient) -> None:
    assert client.get(SHOP).status_code == 404
    assert client.patch(SHOP, {"name": "X"}, format="json").status_code == 404


def test_settings_scope_is_required() -> None:
    ShopFactory.create()
    reader, stranger = key_client(["read_settings"]), key_client(["write_products"])
    before = _shop_state()

    assert reader.get(SHOP).status_code == 200
    assert reader.patch(SHOP, {"name": "X"}, format="json").status_code == 403
    assert stranger.get(SHOP).status_code == 403
    assert _shop_state() == before


def test_events_list_filters_and_detail(client: APIClient) -> None:
    old = EventFactory.create(subject_type="Order", subject_id=7, verb="create")
    # Events are append-only in the database; backdating one is a redaction-style rewrite.
    with transaction.atomic(), audit_redaction():
        Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    paid = EventFactory.create(subject_type="Order", subject_id=7, verb="paid")
    product = EventFactory.create(subject_type="Product", subject_id=3, verb="create")
    since = (timezone.now() - timedelta(days=1)).isoformat()

    def ids(query: str) -> list[int]:
        response = client.get(EVENTS, dict(q.split("=", 1) for q in query.split("&") if q))
        assert response.status_code == 200, response.json()
        return [event["id"] for event in response.json()["results"]]

    assert ids("") == [product.pk, paid.pk, old.pk]
    assert ids("subjectType=Order&subjectId=7") == [paid.pk, old.pk]
    assert ids("verb=create") == [product.pk, old.pk]
    assert ids(f"createdAtMin={since}") == [product.pk, paid.pk]
    assert ids(f"createdAtMax={since}") == [old.pk]
    assert ids("order=createdAt") == [old.pk, paid.pk, product.pk]
    assert client.get(EVENTS, {"verb": "exploded"}).status_code == 400
    detail = client.get(f"{EVENTS}/{paid.pk}")
    assert {k: detail.json()[k] for k in ("subjectType", "subjectId", "verb", "author")} == {
        "subjectType": "Order",
        "subjectId": 7,
        "verb": "paid",
        "author": "system",
    }
    assert client.get(f"{EVENTS}/999999").status_code == 404


def test_events_page_with_a_cursor_and_are_read_only(client: APIClient) -> None:
    events = EventFactory.create_batch(3)

    first = client.get(f"{EVENTS}?limit=2")
    second = client.get(first.json()["next"])

    assert [e["id"] for e in first.json()["results"]] == [events[2].pk, events[1].pk]
    assert [e["id"] for e in second.json()["results"]] == [events[0].pk]
    assert client.post(EVENTS, {}, format="json").status_code == 405
    assert client.delete(f"{EVENTS}/{events[0].pk}").status_code == 405


def test_events_need_the_settings_scope() -> None:
    EventFactory.create()

    assert key_client(["read_settings"]).get(EVENTS).status_code == 200
    for scopes in (["read_products"], ["write_orders"], ["read_finance"]):
        assert key_client(scopes).get(EVENTS).status_code == 403


@pytest.mark.parametrize("rows", [2, 20])
def test_the_events_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    EventFactory.create_batch(rows)

    with django_assert_max_num_queries(4):
        response = client.get(EVENTS)

    assert len(response.json()["results"]) == rows
