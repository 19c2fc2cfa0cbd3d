"""The product list and detail are served from `.values()` rows by orjson (the fast path):
their JSON is the serializer's, their query count does not grow with products or variants."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from djangorestframework_camel_case.render import CamelCaseJSONRenderer
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.api.serializers import OptionOutputSerializer, ProductOutputSerializer
from catalog.models import Product
from catalog.selectors import product_list
from tests.catalog.factories import ProductFactory, ProductOptionFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products"


@pytest.fixture
def client() -> APIClient:
    client = APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["read_products"])[1])
    client.get(PRODUCTS)  # a key's first use records last_used_at: query counts start after it
    return client


def _serialized(data: Any) -> Any:
    """What the DRF serializer path renders for `data` (the reference output)."""
    return json.loads(CamelCaseJSONRenderer().render(data))


def _product(variants: int, **fields: Any) -> Product:
    product = ProductFactory.create(**fields)
    ProductOptionFactory.create(product=product, name="Size", position=1, values=["S", "M"])
    for n in range(variants):
        ProductVariantFactory.create(
            product=product,
            price=Decimal("5.00") + n,
            compare_at_price=Decimal("9.50") + n if n % 2 else None,
            inventory_quantity=n * 3,
        )
    return product


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_detail_is_the_serializers_json(client: APIClient) -> None:
    product = _product(3, tags="a, b", shopify_id=2**62 + 5)

    fast = client.get(f"{PRODUCTS}/{product.pk}")

    assert fast["Content-Type"] == "application/json"
    expected = _serialized(ProductOutputSerializer(product_list().get(pk=product.pk)).data)
    assert fast.json() == expected
    assert fast.json()["variants"][1]["price"] == "6.00"
    assert fast.json()["variants"][1]["compareAtPrice"] == "10.50"
    assert fast.json()["shopifyId"] == 2**62 + 5


def test_a_list_item_is_the_product_with_its_options_and_a_variant_summary(
    client: APIClient,
) -> None:
    bare = ProductFactory.create(title="No variants")
    product = _product(3, title="Three variants")

    results = client.get(PRODUCTS).json()["results"]

    reference = _serialized(ProductOutputSerializer(product_list().get(pk=product.pk)).data)
    del reference["variants"]
    assert results[0] == {
        **reference,
        "variantSummary": {
            "count": 3,
            "priceMin": "5.00",
            "priceMax": "7.00",
            "inventoryQuantity": 9,
        },
    }
    assert results[0]["options"] == _serialized(
        OptionOutputSerializer(product.options.all(), many=True).data
    )
    assert results[1]["id"] == bare.pk
    assert results[1]["options"] == []
    assert results[1]["variantSummary"] == {
        "count": 0,
        "priceMin": None,
        "priceMax": None,
        "inventoryQuantity": 0,
    }


def test_the_list_takes_four_queries_whatever_the_page_holds(client: APIClient) -> None:
    _product(2)
    one = _queries(client, f"{PRODUCTS}?limit=25&status=active")
    for _ in range(24):
        _product(4)
    full = _queries(client, f"{PRODUCTS}?limit=25&status=active")

    assert (one, full) == (4, 4)  # the key, the page, the options, the variant summaries


@pytest.mark.parametrize("variants", [1, 10, 100])
def test_the_detail_takes_four_queries_whatever_the_variant_count(
    client: APIClient, variants: int
) -> None:
    product = _product(variants)

    assert _queries(client, f"{PRODUCTS}/{product.pk}") == 4  # key, product, variants, options
    assert len(client.get(f"{PRODUCTS}/{product.pk}").json()["variants"]) == variants


def test_sorted_pages_walk_every_product_once(client: APIClient) -> None:
    for title in ["delta", "alpha", "charlie", "bravo", "alpha"]:
        ProductFactory.create(title=title)

    seen: list[str] = []
    url: str | None = f"{PRODUCTS}?order=title&limit=2"
    while url:
        page = client.get(url).json()
        seen += [row["title"] for row in page["results"]]
        url = page["next"]

    assert seen == ["alpha", "alpha", "bravo", "charlie", "delta"]


def test_an_unknown_product_is_a_404_in_the_error_format(client: APIClient) -> None:
    response = client.get(f"{PRODUCTS}/987654321")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_v2_lists_the_variant_summary_prices_as_money(client: APIClient) -> None:
    _product(2)

    summary = client.get("/api/v2/products").json()["results"][0]["variantSummary"]

    assert summary["priceMin"] == {"amount": "5.00", "currencyCode": "USD"}
    assert summary["priceMax"] == {"amount": "6.00", "currencyCode": "USD"}


def test_a_bulk_create_answers_with_each_product_as_its_detail_shows_it() -> None:
    client = APIClient(HTTP_X_API_KEY=api_key_create(name="w", scopes=["write_products"])[1])
    body = {
        "products": [
            {
                "title": f"Mug {n}",
                "options": [{"name": "Size", "values": ["S", "M"]}],
                "variants": [{"option1": "S", "price": "3.50"}, {"option1": "M"}],
            }
            for n in range(3)
        ]
    }

    created = client.post(f"{PRODUCTS}/bulk", body, format="json")

    assert created.status_code == 201
    assert [row["title"] for row in created.json()] == ["Mug 0", "Mug 1", "Mug 2"]
    assert created.json() == [
        client.get(f"{PRODUCTS}/{row['id']}").json() for row in created.json()
    ]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{PRODUCTS}?status=published", "status"),
        ("/api/v1/orders?financialStatus=settled", "financialStatus"),
        ("/api/v1/orders?fulfillmentStatus=shipped", "fulfillmentStatus"),
        ("/api/v1/customers?state=asleep", "state"),
    ],
)
def test_an_unknown_enum_value_in_a_filter_is_a_400_naming_the_parameter(
    url: str, field: str
) -> None:
    client = APIClient(HTTP_X_API_KEY=api_key_create(name="r", scopes=["all"])[1])

    response = client.get(url)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], [d["field"] for d in error["details"]]) == ("VALIDATION_ERROR", [field])
