"""/api/v1/products and nested variants through HTTP, on PostgreSQL."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.models import Product, ProductVariant
from core.models import Event
from inventory.models import InventoryAdjustment, InventoryLevel
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import LocationFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products"
# The seed's "Create Product Request", verbatim.
SEED_REQUEST: dict[str, Any] = {
    "title": "Sample T-Shirt",
    "bodyHtml": "<p>Comfortable cotton t-shirt</p>",
    "vendor": "Sample Vendor",
    "productType": "Apparel",
    "handle": "sample-t-shirt",
    "status": "active",
    "tags": "clothing,cotton,casual",
    "options": [
        {"name": "Size", "values": ["S", "M", "L", "XL"]},
        {"name": "Color", "values": ["Red", "Blue", "Green"]},
    ],
    "variants": [
        {
            "title": "S / Red",
            "price": "19.99",
            "sku": "TSHIRT-S-RED",
            "option1": "S",
            "option2": "Red",
            "inventoryQuantity": 100,
            "weight": 200,
            "weightUnit": "g",
        },
    ],
}


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_products"])[1])


def _snapshot() -> tuple[int, int, int]:
    return (Product.all_objects.count(), ProductVariant.all_objects.count(), Event.objects.count())


def test_the_seed_example_creates_a_product_with_the_seed_response_shape(client: APIClient) -> None:
    location = LocationFactory.create(active=True)

    response = client.post(PRODUCTS, SEED_REQUEST, format="json")

    assert response.status_code == 201
    body = response.json()
    assert {
        "id",
        "title",
        "handle",
        "status",
        "createdAt",
        "updatedAt",
        "variants",
        "options",
    } <= set(body)
    assert (body["title"], body["handle"], body["status"]) == (
        "Sample T-Shirt",
        "sample-t-shirt",
        "active",
    )
    assert body["tags"] == "clothing, cotton, casual"
    [variant] = body["variants"]
    assert (variant["title"], variant["price"], variant["sku"], variant["inventoryQuantity"]) == (
        "S / Red",
        "19.99",
        "TSHIRT-S-RED",
        100,
    )
    assert [(o["name"], o["position"], o["values"]) for o in body["options"]] == [
        ("Size", 1, ["S", "M", "L", "XL"]),
        ("Color", 2, ["Red", "Blue", "Green"]),
    ]
    level = InventoryLevel.objects.get(inventory_item_id=variant["inventoryItem"])
    assert (level.location_id, level.available) == (location.id, 100)
    assert InventoryAdjustment.objects.get().reason == "received"
    assert Event.objects.filter(subject_type="Product", verb="create").count() == 1


def test_the_handle_is_generated_from_the_title_and_kept_unique(client: APIClient) -> None:
    first = client.post(PRODUCTS, {"title": "Blue Mug"}, format="json").json()
    second = client.post(PRODUCTS, {"title": "Blue Mug"}, format="json").json()

    assert (first["handle"], second["handle"]) == ("blue-mug", "blue-mug-2")
    assert [v["title"] for v in first["variants"]] == ["Default Title"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda b: (
                b["options"].append({"name": "Fit", "values": ["Slim"]})
                or b["options"].append({"name": "Cut", "values": ["A"]})
            ),
            "options",
        ),
        (lambda b: b["options"][0].update(values=["S", "S"]), "options.0.values"),
        (lambda b: b["variants"][0].update(option1="XXL"), "variants.0.option1"),
        (lambda b: b["variants"][0].update(price="-1.00"), "variants.0.price"),
        (lambda b: b["variants"][0].update(compareAtPrice="9.99"), "variants.0.compareAtPrice"),
        (lambda b: b.update(status="published"), "status"),
        (lambda b: b.pop("title"), "title"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_changes_nothing(
    client: APIClient, change: Any, field: str
) -> None:
    body = copy.deepcopy(SEED_REQUEST)
    change(body)
    before = _snapshot()

    response = client.post(PRODUCTS, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [detail["field"] for detail in error["details"]]
    assert _snapshot() == before


def test_a_taken_handle_or_sku_is_a_409_and_changes_nothing(client: APIClient) -> None:
    assert client.post(PRODUCTS, SEED_REQUEST, format="json").status_code == 201
    before = _snapshot()

    same_handle = client.post(
        PRODUCTS, {"title": "Another", "handle": "sample-t-shirt"}, format="json"
    )
    same_sku = client.post(PRODUCTS, {**SEED_REQUEST, "handle": "other"}, format="json")

    assert (same_handle.status_code, same_sku.status_code) == (409, 409)
    assert same_handle.json()["error"]["code"] == "CONFLICT"
    assert same_sku.json()["error"]["details"][0]["message"] == "TSHIRT-S-RED is taken."
    assert _snapshot() == before


def test_mirrored_products_refuse_writes(client: APIClient) -> None:
    mirrored = ProductFactory.create(shopify_id=632910392, title="From Shopify")

    update = client.put(f"{PRODUCTS}/{mirrored.pk}", {"title": "Changed"}, format="json")
    delete = client.delete(f"{PRODUCTS}/{mirrored.pk}")

    assert (update.status_code, delete.status_code) == (409, 409)
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    mirrored.refresh_from_db()
    assert (mirrored.title, mirrored.deleted_at) == ("From Shopify", None)


def test_update_and_soft_delete(client: APIClient) -> None:
    product_id = client.post(PRODUCTS, SEED_REQUEST, format="json").json()["id"]

    updated = client.patch(
        f"{PRODUCTS}/{product_id}", {"vendor": "New Vendor", "tags": "a, b"}, format="json"
    )
    deleted = client.delete(f"{PRODUCTS}/{product_id}")
    after = client.get(f"{PRODUCTS}/{product_id}")

    assert (updated.json()["vendor"], updated.json()["tags"]) == ("New Vendor", "a, b")
    assert deleted.status_code == 204
    assert after.status_code == 404
    assert after.json()["error"]["code"] == "NOT_FOUND"
    assert Product.all_objects.get(pk=product_id).deleted_at is not None


def test_variants_are_nested_resources(client: APIClient) -> None:
    product_id = client.post(PRODUCTS, SEED_REQUEST, format="json").json()["id"]
    url = f"{PRODUCTS}/{product_id}/variants"

    created = client.post(
        url,
        {"price": "21.00", "sku": "TSHIRT-M-BLUE", "option1": "M", "option2": "Blue"},
        format="json",
    )
    duplicate = client.post(
        url, {"price": "21.00", "option1": "M", "option2": "Blue"}, format="json"
    )
    variant_id = created.json()["id"]
    updated = client.put(f"{url}/{variant_id}", {"price": "25.00"}, format="json")
    listed = client.get(url)

    assert created.status_code == 201
    assert created.json()["title"] == "M / Blue"
    assert duplicate.status_code == 409
    assert updated.json()["price"] == "25.00"
    assert [v["sku"] for v in listed.json()["results"]] == ["TSHIRT-S-RED", "TSHIRT-M-BLUE"]
    assert client.delete(f"{url}/{variant_id}").status_code == 204
    only = ProductVariant.objects.get(product_id=product_id)
    last = client.delete(f"{url}/{only.pk}")
    assert last.status_code == 409


def test_lists_filter_and_page_with_an_opaque_cursor(client: APIClient) -> None:
    for n in range(5):
        ProductFactory.create(vendor="Acme" if n % 2 == 0 else "Other", title=f"P{n}")

    first = client.get(f"{PRODUCTS}?vendor=Acme&limit=2")
    second = client.get(first.json()["next"])

    assert [p["title"] for p in first.json()["results"]] == ["P4", "P2"]
    assert 'rel="next"' in first["Link"]
    assert [p["title"] for p in second.json()["results"]] == ["P0"]
    assert second.json()["next"] is None


def test_search_finds_title_vendor_tags_and_sku(client: APIClient) -> None:
    client.post(PRODUCTS, SEED_REQUEST, format="json")
    ProductFactory.create(title="Other thing", vendor="Else", tags="")

    def titles(q: str) -> list[str]:
        return [p["title"] for p in client.get(f"{PRODUCTS}?q={q}").json()["results"]]

    assert titles("t-shirt") == ["Sample T-Shirt"]
    assert titles("TSHIRT-S-RED") == ["Sample T-Shirt"]
    assert titles("cotton") == ["Sample T-Shirt"]


def test_the_list_costs_the_same_queries_for_2_or_20_products(
    client: APIClient, django_assert_max_num_queries: Any
) -> None:
    for _ in range(20):
        client.post(
            PRODUCTS,
            {
                "title": "Mug",
                "options": [{"name": "Size", "values": ["S", "M"]}],
                "variants": [{"option1": "S"}, {"option1": "M"}],
            },
            format="json",
        )

    with django_assert_max_num_queries(6):
        response = client.get(f"{PRODUCTS}?limit=20")

    assert len(response.json()["results"]) == 20
