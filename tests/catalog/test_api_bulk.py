"""POST /api/v1/products/bulk and /products/{id}/variants/bulk: all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.models import OptionValue, Product, ProductOption, ProductTag, ProductVariant
from core.models import Event
from inventory.models import InventoryAdjustment, InventoryItem, InventoryLevel
from tests.catalog.factories import ProductFactory, ProductVariantFactory
from tests.inventory.factories import LocationFactory

pytestmark = pytest.mark.django_db

BULK = "/api/v1/products/bulk"


def _client(*scopes: str) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=list(scopes))[1])


@pytest.fixture
def client() -> APIClient:
    return _client("write_products")


def _snapshot() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Product,
            ProductVariant,
            ProductOption,
            OptionValue,
            ProductTag,
            InventoryItem,
            InventoryLevel,
            InventoryAdjustment,
            Event,
        )
    )


def _product(n: int, sizes: int = 2) -> dict[str, Any]:
    values = [f"S{k}" for k in range(sizes)]
    return {
        "title": f"Board {n}",
        "vendor": "Burton",
        "tags": "winter, Winter, sale",
        "options": [{"name": "Size", "values": values}],
        "variants": [
            {"option1": v, "price": "100.00", "sku": f"B{n}-{v}", "inventoryQuantity": k}
            for k, v in enumerate(values)
        ],
    }


def test_bulk_creates_products_with_everything_a_single_create_makes(client: APIClient) -> None:
    location = LocationFactory.create(active=True)
    ProductFactory.create(handle="board-0")

    response = client.post(
        BULK, {"products": [_product(0), _product(1), {"title": "Plain"}]}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert [(p["title"], p["handle"], p["tags"]) for p in body] == [
        ("Board 0", "board-0-2", "winter, sale"),
        ("Board 1", "board-1", "winter, sale"),
        ("Plain", "plain", ""),
    ]
    assert [(v["sku"], v["position"], v["inventoryQuantity"]) for v in body[0]["variants"]] == [
        ("B0-S0", 1, 0),
        ("B0-S1", 2, 1),
    ]
    assert body[0]["options"][0]["values"] == ["S0", "S1"]
    assert [v["title"] for v in body[2]["variants"]] == ["Default Title"]
    product = Product.objects.get(pk=body[0]["id"])
    assert list(product.product_tags.order_by("tag").values_list("tag", flat=True)) == [
        "sale",
        "winter",
    ]
    assert list(
        OptionValue.objects.filter(option__product=product).values_list("value", "position")
    ) == [("S0", 1), ("S1", 2)]
    variant = ProductVariant.objects.get(sku="B0-S1")
    level = InventoryLevel.objects.get(inventory_item_id=variant.inventory_item_id)
    assert (level.location_id, level.available, level.on_hand) == (location.pk, 1, 1)
    adjustment = InventoryAdjustment.objects.get(inventory_item_id=variant.inventory_item_id)
    assert (adjustment.reason, adjustment.quantity_delta) == ("received", 1)
    assert InventoryAdjustment.objects.count() == 2  # zero quantities leave no ledger row
    assert Event.objects.filter(subject_type="Product", verb="create").count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda b: b["products"][3]["variants"][0].update(price="-1"),
            "products.3.variants.0.price",
        ),
        (lambda b: b["products"][3].pop("title"), "products.3.title"),
        (
            lambda b: b["products"][2]["variants"][1].update(option1="XL"),
            "products.2.variants.1.option1",
        ),
        (
            lambda b: b["products"][1]["variants"][1].update(compareAtPrice="1.00"),
            "products.1.variants.1.compareAtPrice",
        ),
        (
            lambda b: b["products"][1]["options"][0].update(values=["A", "A"]),
            "products.1.options.0.values",
        ),
        (lambda b: b["products"][2]["variants"][1].update(option1="S0"), "products.2.variants.1"),
        (
            lambda b: b["products"][3]["variants"][1].update(sku="B0-S0"),
            "products.3.variants.1.sku",
        ),
        (
            lambda b: b["products"][0]["variants"][0].update(sku="TAKEN"),
            "products.0.variants.0.sku",
        ),
        (lambda b: b["products"][2].update(handle="taken"), "products.2.handle"),
        (
            lambda b: (
                b["products"][1].update(handle="same"),
                b["products"][2].update(handle="same"),
            ),
            "products.2.handle",
        ),
        (lambda b: b.update(products=[]), "products"),
        (lambda b: b.update(products=[{"title": "x"}] * 251), "products"),
    ],
)
def test_any_bad_item_is_a_400_with_its_index_and_nothing_is_written(
    client: APIClient, change: Any, field: str
) -> None:
    LocationFactory.create(active=True)
    ProductVariantFactory.create(sku="TAKEN", product=ProductFactory.create(handle="taken"))
    body = {"products": [_product(n) for n in range(4)]}
    change(body)
    before = _snapshot()

    response = client.post(BULK, body, format="json")

    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in error["details"]]
    assert _snapshot() == before


def test_bulk_costs_a_fixed_number_of_queries(
    client: APIClient, django_assert_max_num_queries: Any
) -> None:
    LocationFactory.create(active=True)
    body = {"products": [_product(n, sizes=10) for n in range(100)]}

    # Auth + a fixed number of bulk INSERTs + one Event per product + the response's reads.
    with django_assert_max_num_queries(130):
        response = client.post(BULK, body, format="json")

    assert response.status_code == 201
    assert ProductVariant.objects.count() == 1000
    assert InventoryLevel.objects.count() == 1000


def test_bulk_needs_the_write_scope() -> None:
    before = _snapshot()

    response = _client("read_products").post(BULK, {"products": [_product(0)]}, format="json")

    assert response.status_code == 403
    assert _snapshot() == before


# --- Variants of one product ----------------------------------------------------------------------


def _product_with_sizes(client: APIClient) -> int:
    body = _product(0, sizes=4)
    body["variants"] = body["variants"][:1]
    return int(client.post("/api/v1/products", body, format="json").json()["id"])


def test_bulk_variants_are_added_after_the_existing_ones(client: APIClient) -> None:
    product_id = _product_with_sizes(client)

    response = client.post(
        f"/api/v1/products/{product_id}/variants/bulk",
        {
            "variants": [
                {"option1": "S1", "sku": "NEW-1", "price": "5.00", "inventoryQuantity": 3},
                {"option1": "S2", "sku": "NEW-2"},
            ]
        },
        format="json",
    )

    assert response.status_code == 201
    assert [(v["title"], v["sku"], v["position"], v["price"]) for v in response.json()] == [
        ("S1", "NEW-1", 2, "5.00"),
        ("S2", "NEW-2", 3, "0.00"),
    ]
    assert ProductVariant.objects.filter(product_id=product_id).count() == 3
    assert Event.objects.filter(subject_type="ProductVariant", verb="create").count() == 2


@pytest.mark.parametrize(
    ("variants", "field"),
    [
        ([{"option1": "S1"}, {"option1": "S1"}], "variants.1"),
        ([{"option1": "S1"}, {"option1": "S0"}], "variants.1"),
        ([{"option1": "S1"}, {"option1": "XL"}], "variants.1.option1"),
        ([{"option1": "S1", "sku": "B0-S0"}], "variants.0.sku"),
        ([{"option1": "S1"}, {"option1": "S2", "price": "x"}], "variants.1.price"),
        ([], "variants"),
    ],
)
def test_bad_bulk_variants_are_a_400_and_change_nothing(
    client: APIClient, variants: list[dict[str, Any]], field: str
) -> None:
    product_id = _product_with_sizes(client)
    before = _snapshot()

    response = client.post(
        f"/api/v1/products/{product_id}/variants/bulk", {"variants": variants}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert field in [d["field"] for d in response.json()["error"]["details"]]
    assert _snapshot() == before


def test_bulk_variants_404_and_mirrored_409(client: APIClient) -> None:
    mirrored = ProductFactory.create(shopify_id=632910392)
    body = {"variants": [{"option1": "A"}]}
    before = _snapshot()

    missing = client.post("/api/v1/products/987654/variants/bulk", body, format="json")
    managed = client.post(f"/api/v1/products/{mirrored.pk}/variants/bulk", body, format="json")

    assert missing.status_code == 404
    assert managed.status_code == 409
    assert managed.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert _snapshot() == before


def test_generated_handles_skip_taken_suffixes(client: APIClient) -> None:
    ProductFactory.create(handle="plain-2")

    response = client.post(
        BULK, {"products": [{"title": "Plain"}, {"title": "Plain"}]}, format="json"
    )

    assert [p["handle"] for p in response.json()] == ["plain", "plain-3"]
