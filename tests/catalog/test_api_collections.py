"""/api/v1/collections (custom, with membership) and /api/v1/smart-collections (rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.choices import CollectionType
from catalog.models import Collection, CollectionProduct
from core.models import Event
from tests.catalog.factories import (
    CollectionFactory,
    CollectionProductFactory,
    ProductFactory,
    ProductTagFactory,
    ProductVariantFactory,
    SmartCollectionFactory,
)

pytestmark = pytest.mark.django_db

COLLECTIONS = "/api/v1/collections"
SMART = "/api/v1/smart-collections"


def _client(*scopes: str) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=list(scopes))[1])


@pytest.fixture
def client() -> APIClient:
    return _client("write_products")


def _snapshot() -> tuple[int, int, int]:
    return (
        Collection.all_objects.count(),
        CollectionProduct.objects.count(),
        Event.objects.count(),
    )


# --- Custom collections ------------------------------------------------------------------------


def test_create_a_custom_collection_with_the_seed_fields(client: APIClient) -> None:
    response = client.post(
        COLLECTIONS,
        {
            "title": "Winter Boards",
            "bodyHtml": "<p>Cold.</p>",
            "sortOrder": "manual",
            "publishedScope": "global",
            "templateSuffix": "wide",
            "seoTitle": "Winter",
            "image": {"src": "https://cdn.example.com/winter.png", "alt": "Snow"},
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("title", "handle", "bodyHtml", "sortOrder")} == {
        "title": "Winter Boards",
        "handle": "winter-boards",
        "bodyHtml": "<p>Cold.</p>",
        "sortOrder": "manual",
    }
    assert (body["publishedScope"], body["templateSuffix"], body["seoTitle"]) == (
        "global",
        "wide",
        "Winter",
    )
    assert body["image"] == {"src": "https://cdn.example.com/winter.png", "alt": "Snow"}
    assert "rules" not in body
    collection = Collection.objects.get(pk=body["id"])
    assert collection.collection_type == CollectionType.CUSTOM
    assert Event.objects.filter(subject_type="Collection", verb="create").count() == 1


def test_generated_handles_stay_unique_and_a_taken_handle_is_a_409(client: APIClient) -> None:
    first = client.post(COLLECTIONS, {"title": "Sale"}, format="json").json()
    second = client.post(COLLECTIONS, {"title": "Sale"}, format="json").json()
    before = _snapshot()

    taken = client.post(COLLECTIONS, {"title": "Other", "handle": "sale"}, format="json")

    assert (first["handle"], second["handle"]) == ("sale", "sale-2")
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "CONFLICT"
    assert taken.json()["error"]["details"][0]["field"] == "handle"
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "X", "handle": "has space"}, "handle"),
        ({"title": "X", "sortOrder": "random"}, "sortOrder"),
        ({"title": "X", "image": {"alt": "no src"}}, "image.src"),
    ],
)
def test_bad_collection_input_is_a_400_and_changes_nothing(
    client: APIClient, body: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(COLLECTIONS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in response.json()["error"]["details"]]
    assert _snapshot() == before


def test_detail_update_and_soft_delete(client: APIClient) -> None:
    collection = CollectionFactory.create(title="Old")
    url = f"{COLLECTIONS}/{collection.pk}"

    got = client.get(url)
    put = client.put(url, {"title": "New", "sortOrder": "alpha-asc"}, format="json")
    patch = client.patch(url, {"seoDescription": "Cheap"}, format="json")
    deleted = client.delete(url)

    assert got.json()["title"] == "Old"
    assert (put.json()["title"], put.json()["sortOrder"]) == ("New", "alpha-asc")
    assert (patch.json()["title"], patch.json()["seoDescription"]) == ("New", "Cheap")
    assert deleted.status_code == 204
    assert client.get(url).status_code == 404
    assert Collection.all_objects.get(pk=collection.pk).deleted_at is not None


def test_unknown_and_smart_ids_are_404_on_the_custom_endpoint(client: APIClient) -> None:
    smart = SmartCollectionFactory.create()

    assert client.get(f"{COLLECTIONS}/999999").status_code == 404
    assert client.get(f"{COLLECTIONS}/{smart.pk}").status_code == 404
    assert client.get(f"{COLLECTIONS}/{smart.pk}/products").status_code == 404
    assert client.get(f"{COLLECTIONS}/999999").json()["error"]["code"] == "NOT_FOUND"


def test_mirrored_collections_refuse_writes(client: APIClient) -> None:
    mirrored = CollectionFactory.create(shopify_id=841564295, title="From Shopify")
    product = ProductFactory.create()
    before = _snapshot()

    update = client.patch(f"{COLLECTIONS}/{mirrored.pk}", {"title": "X"}, format="json")
    delete = client.delete(f"{COLLECTIONS}/{mirrored.pk}")
    add = client.post(
        f"{COLLECTIONS}/{mirrored.pk}/products", {"productIds": [product.pk]}, format="json"
    )

    assert (update.status_code, delete.status_code, add.status_code) == (409, 409, 409)
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert _snapshot() == before


def test_a_read_key_reads_but_cannot_write() -> None:
    reader = _client("read_products")
    outsider = _client("read_orders")
    collection = CollectionFactory.create()

    assert reader.get(COLLECTIONS).status_code == 200
    assert reader.post(COLLECTIONS, {"title": "X"}, format="json").status_code == 403
    assert reader.delete(f"{COLLECTIONS}/{collection.pk}").status_code == 403
    assert reader.post(SMART, {"title": "X"}, format="json").status_code == 403
    assert outsider.get(COLLECTIONS).status_code == 403
    assert outsider.get(f"{COLLECTIONS}/{collection.pk}/products").status_code == 403


def test_the_list_filters_searches_and_orders(client: APIClient) -> None:
    CollectionFactory.create(title="Boards", handle="boards", sort_order="manual")
    CollectionFactory.create(title="Bindings", handle="bindings", sort_order="alpha-asc")
    CollectionFactory.create(title="Apparel", handle="apparel", sort_order="manual")
    SmartCollectionFactory.create(title="Burton smart")

    def titles(query: str) -> list[str]:
        return [c["title"] for c in client.get(f"{COLLECTIONS}{query}").json()["results"]]

    assert titles("") == ["Apparel", "Bindings", "Boards"]
    assert titles("?order=title") == ["Apparel", "Bindings", "Boards"]
    assert titles("?order=-title") == ["Boards", "Bindings", "Apparel"]
    assert titles("?sortOrder=manual&order=title") == ["Apparel", "Boards"]
    assert titles("?handle=bindings") == ["Bindings"]
    assert titles("?q=board") == ["Boards"]
    member = CollectionProductFactory.create(collection=Collection.objects.get(handle="apparel"))
    assert titles(f"?productId={member.product_id}") == ["Apparel"]
    assert client.get(f"{COLLECTIONS}?order=bogus").status_code == 400


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_query_count_does_not_grow(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    CollectionFactory.create_batch(rows)

    with django_assert_max_num_queries(4):
        response = client.get(f"{COLLECTIONS}?limit=50")

    assert len(response.json()["results"]) == rows


# --- Membership ----------------------------------------------------------------------------------


def test_adding_products_is_idempotent_and_keeps_positions(client: APIClient) -> None:
    collection = CollectionFactory.create()
    a, b, c = ProductFactory.create_batch(3)
    url = f"{COLLECTIONS}/{collection.pk}/products"

    first = client.post(url, {"productIds": [b.pk, a.pk]}, format="json")
    again = client.post(url, {"productIds": [a.pk, c.pk, c.pk]}, format="json")
    listed = client.get(url)

    assert first.status_code == 200, first.json()
    assert [p["id"] for p in first.json()["results"]] == [b.pk, a.pk]
    assert [p["id"] for p in again.json()["results"]] == [b.pk, a.pk, c.pk]
    assert [(p["id"], p["collectionPosition"]) for p in listed.json()["results"]] == [
        (b.pk, 1),
        (a.pk, 2),
        (c.pk, 3),
    ]
    assert CollectionProduct.objects.filter(collection=collection).count() == 3


def test_adding_an_unknown_product_is_a_400_and_adds_nothing(client: APIClient) -> None:
    collection = CollectionFactory.create()
    product = ProductFactory.create()
    before = _snapshot()

    response = client.post(
        f"{COLLECTIONS}/{collection.pk}/products",
        {"productIds": [product.pk, 987654]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "productIds.1", "message": "Product 987654 does not exist."}
    ]
    assert _snapshot() == before


def test_removing_a_product_and_404_when_it_is_not_a_member(client: APIClient) -> None:
    member = CollectionProductFactory.create()
    other = ProductFactory.create()
    url = f"{COLLECTIONS}/{member.collection_id}/products"

    removed = client.delete(f"{url}/{member.product_id}")
    missing = client.delete(f"{url}/{other.pk}")

    assert removed.status_code == 204
    assert missing.status_code == 404
    assert not CollectionProduct.objects.exists()
    assert Event.objects.filter(arguments__removed_product_id=member.product_id).count() == 1


@pytest.mark.parametrize("rows", [2, 20])
def test_the_members_list_query_count_does_not_grow(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    collection = CollectionFactory.create()
    for _ in range(rows):
        CollectionProductFactory.create(
            collection=collection, product=ProductVariantFactory.create().product
        )

    with django_assert_max_num_queries(7):
        response = client.get(f"{COLLECTIONS}/{collection.pk}/products?limit=50")

    assert len(response.json()["results"]) == rows


def test_members_page_by_position(client: APIClient) -> None:
    collection = CollectionFactory.create()
    products = ProductFactory.create_batch(3)
    for position, product in zip((3, 1, 2), products, strict=True):
        CollectionProductFactory.create(collection=collection, product=product, position=position)
    url = f"{COLLECTIONS}/{collection.pk}/products"

    first = client.get(f"{url}?limit=2").json()
    second = client.get(first["next"]).json()

    assert [p["id"] for p in first["results"]] == [products[1].pk, products[2].pk]
    assert [p["id"] for p in second["results"]] == [products[0].pk]


# --- Smart collections ---------------------------------------------------------------------------

RULE = {"column": "vendor", "relation": "equals", "condition": "Burton"}


def test_create_a_smart_collection_with_rules(client: APIClient) -> None:
    response = client.post(
        SMART,
        {"title": "Burton", "rules": [RULE], "disjunctive": True},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["handle"], body["rules"], body["disjunctive"]) == (
        "Burton",
        "burton",
        [RULE],
        True,
    )
    assert Collection.objects.get(pk=body["id"]).collection_type == CollectionType.SMART


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([], "rules"),
        ([{**RULE, "column": "colour"}], "rules.0.column"),
        ([{**RULE, "relation": "is_set"}], "rules.0.relation"),
        ([RULE, {**RULE, "condition": ""}], "rules.1.condition"),
        ([{**RULE, "relation": "greater_than"}], "rules.0.relation"),
        (
            [{"column": "variant_price", "relation": "contains", "condition": "1"}],
            "rules.0.relation",
        ),
        (
            [{"column": "variant_price", "relation": "less_than", "condition": "ten"}],
            "rules.0.condition",
        ),
        ([RULE] * 61, "rules"),
    ],
)
def test_bad_rules_are_a_400_and_change_nothing(
    client: APIClient, rules: list[dict[str, str]], field: str
) -> None:
    before = _snapshot()

    response = client.post(SMART, {"title": "Bad", "rules": rules}, format="json")

    assert response.status_code == 400
    assert field in [d["field"] for d in response.json()["error"]["details"]]
    assert _snapshot() == before


def test_smart_detail_update_delete_and_custom_ids_are_404(client: APIClient) -> None:
    smart = SmartCollectionFactory.create()
    custom = CollectionFactory.create()
    url = f"{SMART}/{smart.pk}"

    patched = client.patch(
        url, {"rules": [{**RULE, "condition": "Salomon"}], "disjunctive": True}, format="json"
    )
    bad = client.patch(url, {"rules": [{**RULE, "relation": "less_than"}]}, format="json")

    assert patched.status_code == 200
    assert patched.json()["rules"][0]["condition"] == "Salomon"
    assert bad.status_code == 400
    smart.refresh_from_db()
    assert smart.rules[0]["condition"] == "Salomon"
    assert client.get(f"{SMART}/{custom.pk}").status_code == 404
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_smart_list_filters_and_query_count(
    client: APIClient, django_assert_max_num_queries: Any
) -> None:
    SmartCollectionFactory.create_batch(3)
    SmartCollectionFactory.create(title="Special", handle="special")
    CollectionFactory.create()

    with django_assert_max_num_queries(4):
        listed = client.get(SMART)

    assert len(listed.json()["results"]) == 4
    assert [c["title"] for c in client.get(f"{SMART}?handle=special").json()["results"]] == [
        "Special"
    ]


def _smart(rules: list[dict[str, str]], *, disjunctive: bool = False, **extra: Any) -> Any:
    return SmartCollectionFactory.create(rules=rules, disjunctive=disjunctive, **extra)


def test_smart_products_evaluate_the_rules(client: APIClient) -> None:
    cheap = ProductFactory.create(title="Cheap Board", vendor="Burton", product_type="Board")
    ProductVariantFactory.create(product=cheap, price=Decimal("50.00"), title="Small")
    dear = ProductFactory.create(title="Dear Board", vendor="Burton", product_type="Board")
    ProductVariantFactory.create(product=dear, price=Decimal("500.00"), title="Large")
    other = ProductFactory.create(title="Boots", vendor="Salomon", product_type="Boot")
    ProductVariantFactory.create(product=other, price=Decimal("80.00"), title="Small")
    ProductTagFactory.create(product=other, tag="Sale")
    deleted = ProductFactory.create(title="Gone", vendor="Burton")
    deleted.deleted_at = deleted.created_at
    deleted.save()

    def ids(rules: list[dict[str, str]], disjunctive: bool = False) -> list[int]:
        collection = _smart(rules, disjunctive=disjunctive, sort_order="alpha-asc")
        response = client.get(f"{SMART}/{collection.pk}/products")
        assert response.status_code == 200
        return [p["id"] for p in response.json()["results"]]

    burton = {"column": "vendor", "relation": "equals", "condition": "burton"}
    under_100 = {"column": "variant_price", "relation": "less_than", "condition": "100"}
    sale = {"column": "tag", "relation": "equals", "condition": "sale"}
    assert ids([burton]) == [cheap.pk, dear.pk]
    assert ids([burton, under_100]) == [cheap.pk]
    assert ids([burton, under_100], disjunctive=True) == [other.pk, cheap.pk, dear.pk]
    assert ids([sale]) == [other.pk]
    assert ids([{**sale, "relation": "not_equals"}]) == [cheap.pk, dear.pk]
    assert ids([{"column": "title", "relation": "starts_with", "condition": "dear"}]) == [dear.pk]
    assert ids([{"column": "title", "relation": "not_contains", "condition": "board"}]) == [
        other.pk
    ]
    assert ids([{"column": "type", "relation": "ends_with", "condition": "oot"}]) == [other.pk]
    assert ids([{"column": "variant_title", "relation": "equals", "condition": "small"}]) == [
        other.pk,
        cheap.pk,
    ]
    assert ids([{"column": "variant_price", "relation": "greater_than", "condition": "80"}]) == [
        dear.pk
    ]


@pytest.mark.parametrize("rows", [2, 20])
def test_smart_products_query_count_does_not_grow(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    for _ in range(rows):
        ProductVariantFactory.create()
    collection = _smart([RULE])

    with django_assert_max_num_queries(6):
        response = client.get(f"{SMART}/{collection.pk}/products?limit=50")

    assert len(response.json()["results"]) == rows
