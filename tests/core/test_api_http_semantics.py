"""Idempotency-Key on POST and ETag / If-None-Match / If-Match, for every /api/ resource."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.models import Product
from core.models import IdempotencyKey
from core.services import idempotency_keys_purge
from tests.catalog.factories import ProductFactory

PRODUCTS = "/api/v1/products"


def key_client(scopes: list[str] | None = None) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=scopes or ["all"])[1])


def post(client: APIClient, body: dict[str, Any], key: str = "k-1") -> Any:
    return client.post(PRODUCTS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_repeated_post_replays_the_first_response_and_creates_once() -> None:
    client = key_client()
    first = post(client, {"title": "Lamp"})
    again = post(client, {"title": "Lamp"})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Product.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_and_changes_nothing() -> None:
    client = key_client()
    post(client, {"title": "Lamp"})
    reused = post(client, {"title": "Chair"})

    assert reused.status_code == 422
    assert reused.json() == {
        "error": {
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": "This Idempotency-Key was used with a different request.",
            "details": [
                {
                    "field": "Idempotency-Key",
                    "message": "This Idempotency-Key was used with a different request.",
                }
            ],
        }
    }
    assert list(Product.objects.values_list("title", flat=True)) == ["Lamp"]


@pytest.mark.django_db
def test_keys_are_scoped_per_credential() -> None:
    post(key_client(), {"title": "Lamp"})
    second = post(key_client(), {"title": "Lamp"})

    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert Product.objects.count() == 2


@pytest.mark.django_db
def test_refusals_are_replayed_too_and_bad_keys_are_a_400() -> None:
    client = key_client()
    refused = post(client, {"title": ""})
    assert refused.status_code == 400
    assert post(client, {"title": ""}).json() == refused.json()

    too_long = post(client, {"title": "Lamp"}, key="x" * 256)
    assert too_long.status_code == 400
    assert too_long.json()["error"]["details"] == [
        {"field": "Idempotency-Key", "message": "Idempotency-Key must be 1 to 255 characters."}
    ]
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_without_credentials_the_key_is_ignored_and_the_request_is_a_401() -> None:
    response = post(APIClient(), {"title": "Lamp"})

    assert response.status_code == 401
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db
def test_keys_expire_after_24_hours_and_are_purged() -> None:
    client = key_client()
    post(client, {"title": "Lamp"})
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert post(client, {"title": "Chair"}).status_code == 201
    assert Product.objects.count() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_keys_purge() == 1
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_exactly_one_product() -> None:
    raw_key = api_key_create(name="t", scopes=["all"])[1]
    statuses: list[int] = []
    ids: set[int] = set()
    barrier = threading.Barrier(8)

    def buyer() -> None:
        try:
            client = APIClient(HTTP_X_API_KEY=raw_key)
            barrier.wait()
            response = post(client, {"title": "Lamp"}, key="same")
            statuses.append(response.status_code)
            if response.status_code == 201:
                ids.add(response.json()["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Product.objects.count() == 1
    assert len(ids) == 1
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1


@pytest.mark.django_db
def test_get_has_an_etag_and_if_none_match_gives_304() -> None:
    client = key_client()
    product = ProductFactory.create()
    url = f"{PRODUCTS}/{product.pk}"
    first = client.get(url)
    tag = first["ETag"]

    assert tag.startswith('"') and len(tag) == 42
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == tag
    assert unchanged.content == b""


@pytest.mark.django_db
def test_if_match_refuses_a_stale_write_with_412_and_accepts_a_fresh_one() -> None:
    client = key_client()
    product = ProductFactory.create(title="Lamp")
    url = f"{PRODUCTS}/{product.pk}"
    tag = client.get(url)["ETag"]
    assert client.patch(url, {"title": "Desk lamp"}, format="json").status_code == 200

    stale = client.patch(url, {"title": "Floor lamp"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "PRECONDITION_FAILED"
    assert client.delete(url, HTTP_IF_MATCH=tag).status_code == 412
    product.refresh_from_db()
    assert (product.title, product.deleted_at) == ("Desk lamp", None)

    fresh = client.get(url)["ETag"]
    ok = client.patch(url, {"title": "Floor lamp"}, format="json", HTTP_IF_MATCH=fresh)
    assert ok.status_code == 200
    assert ok.json()["title"] == "Floor lamp"


@pytest.mark.django_db
def test_if_match_on_a_missing_resource_is_the_write_s_own_404() -> None:
    response = key_client().patch(
        f"{PRODUCTS}/999999", {"title": "x"}, format="json", HTTP_IF_MATCH='"abc"'
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
