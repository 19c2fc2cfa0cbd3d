"""/api/v1/webhook-subscriptions (+ deliveries) through HTTP, on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from tests.webhooks.factories import WebhookDeliveryFactory, WebhookSubscriptionFactory
from webhooks.models import WebhookSubscription

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions"


def key_client(scopes: list[str]) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=scopes)[1])


@pytest.fixture
def client() -> APIClient:
    return key_client(["write_webhooks"])


def _snapshot() -> tuple[Any, ...]:
    rows = WebhookSubscription.all_objects.order_by("pk").values_list(
        "pk", "topic", "address", "deleted_at"
    )
    return (list(rows), Event.objects.count())


def test_create_shows_the_secret_once(client: APIClient) -> None:
    created = client.post(
        SUBSCRIPTIONS,
        {"topic": "orders/create", "address": "https://erp.example.com/hooks", "format": "json"},
        format="json",
    )

    assert created.status_code == 201
    body = created.json()
    row = WebhookSubscription.objects.get(pk=body["id"])
    assert {k: body[k] for k in ("topic", "address", "format", "apiVersion", "isActive")} == {
        "topic": "orders/create",
        "address": "https://erp.example.com/hooks",
        "format": "json",
        "apiVersion": "2025-07",
        "isActive": True,
    }
    assert body["secret"] == row.secret and len(row.secret) >= 32
    assert "secret" not in client.get(f"{SUBSCRIPTIONS}/{row.pk}").json()
    assert Event.objects.filter(subject_type="WebhookSubscription", verb="create").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"topic": "orders/exploded"}, "topic"),
        ({"topic": "ORDERS/CREATE"}, "topic"),
        ({"address": "http://erp.example.com/hooks"}, "address"),
        ({"address": "not a url"}, "address"),
        ({"format": "xml"}, "format"),
        ({"apiVersion": "v2"}, "apiVersion"),
        ({"fields": "id"}, "fields"),
    ],
)
def test_bad_subscriptions_are_400_and_change_nothing(
    client: APIClient, change: dict[str, Any], field: str
) -> None:
    before = _snapshot()
    body = {"topic": "orders/create", "address": "https://erp.example.com/hooks", **change}

    response = client.post(SUBSCRIPTIONS, body, format="json")

    assert response.status_code == 400
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert _snapshot() == before


def test_topic_and_address_are_unique_together(client: APIClient) -> None:
    WebhookSubscriptionFactory.create(topic="orders/paid", address="https://a.example.com/h")
    other = WebhookSubscriptionFactory.create(
        topic="orders/create", address="https://a.example.com/h"
    )
    before = _snapshot()

    again = client.post(
        SUBSCRIPTIONS,
        {"topic": "orders/paid", "address": "https://a.example.com/h"},
        format="json",
    )
    moved = client.patch(f"{SUBSCRIPTIONS}/{other.pk}", {"topic": "orders/paid"}, format="json")

    assert (again.status_code, moved.status_code) == (409, 409)
    assert again.json()["error"]["details"][0]["field"] == "address"
    assert _snapshot() == before


def test_update_and_soft_delete(client: APIClient) -> None:
    subscription = WebhookSubscriptionFactory.create()
    url = f"{SUBSCRIPTIONS}/{subscription.pk}"

    updated = client.put(url, {"fields": ["id", "total_price"], "isActive": False}, format="json")
    deleted = client.delete(url)

    assert updated.status_code == 200
    assert (updated.json()["fields"], updated.json()["isActive"]) == (
        ["id", "total_price"],
        False,
    )
    assert deleted.status_code == 204
    assert client.get(url).status_code == 404
    assert WebhookSubscription.all_objects.get(pk=subscription.pk).deleted_at is not None


def test_mirrored_subscriptions_refuse_writes(client: APIClient) -> None:
    mirrored = WebhookSubscriptionFactory.create(shopify_id=4759306)
    before = _snapshot()

    update = client.patch(f"{SUBSCRIPTIONS}/{mirrored.pk}", {"isActive": False}, format="json")
    delete = client.delete(f"{SUBSCRIPTIONS}/{mirrored.pk}")

    assert (update.status_code, delete.status_code) == (409, 409)
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert _snapshot() == before


def test_deliveries_of_the_subscription_topic_are_listed_read_only(client: APIClient) -> None:
    subscription = WebhookSubscriptionFactory.create(topic="products/update")
    first, second = WebhookDeliveryFactory.create_batch(2, topic="products/update")
    WebhookDeliveryFactory.create(topic="orders/create")
    url = f"{SUBSCRIPTIONS}/{subscription.pk}/deliveries"

    listed = client.get(url)
    processed = client.get(f"{url}?status=processed")

    assert listed.status_code == 200
    assert [d["webhookId"] for d in listed.json()["results"]] == [
        second.webhook_id,
        first.webhook_id,
    ]
    assert {k: listed.json()["results"][0][k] for k in ("topic", "hmacValid", "status")} == {
        "topic": "products/update",
        "hmacValid": True,
        "status": "received",
    }
    assert processed.json()["results"] == []
    assert client.post(url, {}, format="json").status_code == 405
    assert client.get(f"{SUBSCRIPTIONS}/999999/deliveries").status_code == 404


def test_list_filters_and_order(client: APIClient) -> None:
    WebhookSubscriptionFactory.create(topic="orders/paid", address="https://b.example.com/1")
    WebhookSubscriptionFactory.create(topic="app/uninstalled", address="https://a.example.com/1")

    def topics(query: str) -> list[str]:
        return [s["topic"] for s in client.get(f"{SUBSCRIPTIONS}?{query}").json()["results"]]

    assert topics("topic=orders/paid") == ["orders/paid"]
    assert topics("order=topic") == ["app/uninstalled", "orders/paid"]
    assert topics("order=-address") == ["orders/paid", "app/uninstalled"]
    assert topics("q=a.example") == ["app/uninstalled"]


def test_404_and_scopes() -> None:
    subscription = WebhookSubscriptionFactory.create()
    reader, stranger = key_client(["read_webhooks"]), key_client(["write_settings"])

    assert reader.get(f"{SUBSCRIPTIONS}/999999").status_code == 404
    assert reader.get(f"{SUBSCRIPTIONS}/{subscription.pk}/deliveries").status_code == 200
    assert reader.delete(f"{SUBSCRIPTIONS}/{subscription.pk}").status_code == 403
    assert stranger.get(SUBSCRIPTIONS).status_code == 403
    assert stranger.get(f"{SUBSCRIPTIONS}/{subscription.pk}/deliveries").status_code == 403
    assert WebhookSubscription.objects.count() == 1


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    for n in range(rows):
        WebhookSubscriptionFactory.create(address=f"https://h.example.com/{n}")

    with django_assert_max_num_queries(4):
        response = client.get(SUBSCRIPTIONS)

    assert len(response.json()["results"]) == rows
