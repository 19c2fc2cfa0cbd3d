"""/api/v2/: the same resources as v1 with money as {"amount", "currencyCode"} objects."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.models import Product, ProductVariant
from core.models import Shop
from tests.catalog.factories import ProductFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_products"])[1])


def test_v2_money_is_an_object_and_v1_is_unchanged(client: APIClient) -> None:
    Shop.objects.create(name="Shop", domain="shop.example", currency="EUR")
    variant = ProductVariantFactory.create(price="19.99", compare_at_price=None)

    v1 = client.get(f"/api/v1/products/{variant.product_id}").json()
    v2 = client.get(f"/api/v2/products/{variant.product_id}").json()

    assert v1["variants"][0]["price"] == "19.99"
    assert v2["variants"][0]["price"] == {"amount": "19.99", "currencyCode": "EUR"}
    assert v2["variants"][0]["compareAtPrice"] is None
    v1["variants"][0]["price"] = v2["variants"][0]["price"]
    assert v1 == v2
    listed = client.get("/api/v2/products").json()
    assert listed["results"][0]["variantSummary"]["priceMin"]["amount"] == "19.99"
    assert listed["next"] is None


def test_v2_takes_money_objects_in_requests(client: APIClient) -> None:
    product = ProductFactory.create()
    created = client.post(
        f"/api/v2/products/{product.pk}/variants",
        {"title": "Big", "sku": "BIG-1", "price": {"amount": "5.00", "currencyCode": "USD"}},
        format="json",
    )

    assert created.status_code == 201
    assert created.json()["price"] == {"amount": "5.00", "currencyCode": "USD"}
    assert ProductVariant.objects.get(sku="BIG-1").price == 5


def test_v2_refuses_plain_amounts_and_foreign_currencies_without_writing(
    client: APIClient,
) -> None:
    product = ProductFactory.create()
    url = f"/api/v2/products/{product.pk}/variants"
    plain = client.post(url, {"title": "A", "price": "5.00"}, format="json")
    foreign = client.post(
        url, {"title": "B", "price": {"amount": "5.00", "currencyCode": "JPY"}}, format="json"
    )

    assert plain.status_code == foreign.status_code == 400
    assert plain.json()["error"]["details"] == [
        {"field": "price", "message": 'A money object {"amount", "currencyCode"} is required.'}
    ]
    assert foreign.json()["error"]["details"] == [
        {"field": "price", "message": "The currency must be USD, not JPY."}
    ]
    assert ProductVariant.objects.filter(product=product).count() == 0
    assert Product.objects.count() == 1


def test_the_schema_documents_v2_money_objects(tmp_path: object) -> None:
    out = tmp_path / "schema.json"  # type: ignore[operator]
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))
    schema = json.loads(out.read_text())
    components = schema["components"]["schemas"]

    assert components["Money"]["required"] == ["amount", "currencyCode"]
    v2_variant = components["VariantOutputV2"]["properties"]["price"]
    assert v2_variant == {"$ref": "#/components/schemas/Money"}
    assert components["VariantOutput"]["properties"]["price"]["type"] == "string"
