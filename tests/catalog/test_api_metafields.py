"""/api/v1/metafield-definitions and /api/v1/metafields: values checked against their type."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.models import Metafield, MetafieldDefinition
from core.models import Event
from tests.catalog.factories import MetafieldDefinitionFactory, MetafieldFactory, ProductFactory

pytestmark = pytest.mark.django_db

DEFINITIONS = "/api/v1/metafield-definitions"
METAFIELDS = "/api/v1/metafields"


def _client(*scopes: str) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=list(scopes))[1])


@pytest.fixture
def client() -> APIClient:
    return _client("write_products")


def _snapshot() -> tuple[int, int, int]:
    return (MetafieldDefinition.objects.count(), Metafield.objects.count(), Event.objects.count())


def _definition(**extra: Any) -> dict[str, Any]:
    return {
        "ownerType": "product",
        "namespace": "custom",
        "key": "grip",
        "name": "Grip",
        "type": "number_integer",
        "validations": [{"name": "min", "value": "1"}, {"name": "max", "value": "10"}],
        **extra,
    }


# --- Definitions ---------------------------------------------------------------------------------


def test_create_a_definition_and_link_existing_metafields(client: APIClient) -> None:
    product = ProductFactory.create()
    orphan = MetafieldFactory.create(
        owner_id=product.pk, namespace="custom", key="grip", type="number_integer", value="3"
    )

    response = client.post(DEFINITIONS, _definition(description="How grippy"), format="json")

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("ownerType", "namespace", "key", "name", "type")} == {
        "ownerType": "product",
        "namespace": "custom",
        "key": "grip",
        "name": "Grip",
        "type": "number_integer",
    }
    assert body["validations"] == [{"name": "min", "value": "1"}, {"name": "max", "value": "10"}]
    orphan.refresh_from_db()
    assert orphan.definition_id == body["id"]
    assert Event.objects.filter(subject_type="MetafieldDefinition", verb="create").count() == 1


def test_a_second_definition_for_the_same_key_is_a_409(client: APIClient) -> None:
    assert client.post(DEFINITIONS, _definition(), format="json").status_code == 201
    before = _snapshot()

    again = client.post(DEFINITIONS, _definition(name="Again"), format="json")
    for_variants = client.post(DEFINITIONS, _definition(ownerType="variant"), format="json")

    assert again.status_code == 409
    assert again.json()["error"]["details"][0]["field"] == "key"
    assert for_variants.status_code == 201
    assert _snapshot()[0] == before[0] + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "number_whole"}, "type"),
        ({"ownerType": "spaceship"}, "ownerType"),
        ({"namespace": "ab"}, "namespace"),
        ({"key": "has space"}, "key"),
        ({"name": ""}, "name"),
        ({"validations": [{"name": "regex", "value": "a"}]}, "validations"),
        ({"validations": [{"name": "min", "value": "one"}]}, "validations"),
        ({"type": "rating", "validations": []}, "validations"),
        (
            {"type": "single_line_text_field", "validations": [{"name": "regex", "value": "("}]},
            "validations",
        ),
    ],
)
def test_bad_definitions_are_a_400_and_change_nothing(
    client: APIClient, change: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(DEFINITIONS, _definition(**change), format="json")

    assert response.status_code == 400
    assert field in [d["field"] for d in response.json()["error"]["details"]]
    assert _snapshot() == before


def test_definition_update_keeps_its_identity_and_delete_keeps_metafields(
    client: APIClient,
) -> None:
    definition = MetafieldDefinitionFactory.create(key="finish")
    metafield = MetafieldFactory.create(key="finish", definition=definition)
    url = f"{DEFINITIONS}/{definition.pk}"

    renamed = client.patch(url, {"name": "Finish"}, format="json")
    retyped = client.patch(url, {"type": "json"}, format="json")
    put = client.put(
        url, {"name": "Surface", "validations": [{"name": "max", "value": "20"}]}, format="json"
    )
    deleted = client.delete(url)

    assert renamed.json()["name"] == "Finish"
    assert retyped.status_code == 400
    assert retyped.json()["error"]["details"] == [
        {"field": "type", "message": "Cannot be changed."}
    ]
    assert put.json()["validations"] == [{"name": "max", "value": "20"}]
    assert deleted.status_code == 204
    assert client.get(url).status_code == 404
    metafield.refresh_from_db()
    assert metafield.definition_id is None


def test_definitions_list_filters_orders_and_costs_a_fixed_number_of_queries(
    client: APIClient, django_assert_max_num_queries: Any
) -> None:
    MetafieldDefinitionFactory.create(key="b", name="B", namespace="custom")
    MetafieldDefinitionFactory.create(key="a", name="A", namespace="reviews")
    MetafieldDefinitionFactory.create(key="c", name="C", owner_type="customer")

    with django_assert_max_num_queries(4):
        everything = client.get(f"{DEFINITIONS}?order=key")

    def keys(query: str) -> list[str]:
        return [d["key"] for d in client.get(f"{DEFINITIONS}{query}").json()["results"]]

    assert [d["key"] for d in everything.json()["results"]] == ["a", "b", "c"]
    assert keys("?ownerType=product&order=-key") == ["b", "a"]
    assert keys("?namespace=reviews") == ["a"]
    assert keys("?q=C") == ["c"]


def test_definitions_need_the_products_scope() -> None:
    definition = MetafieldDefinitionFactory.create()
    reader, outsider = _client("read_products"), _client("read_customers")

    assert reader.get(f"{DEFINITIONS}/{definition.pk}").status_code == 200
    assert reader.delete(f"{DEFINITIONS}/{definition.pk}").status_code == 403
    assert reader.post(METAFIELDS, {}, format="json").status_code == 403
    assert outsider.get(DEFINITIONS).status_code == 403
    assert outsider.get(METAFIELDS).status_code == 403


# --- Metafields ----------------------------------------------------------------------------------


def _metafield(owner_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "ownerResource": "product",
        "ownerId": owner_id,
        "namespace": "custom",
        "key": "grip",
        **extra,
    }


def test_a_metafield_takes_its_type_from_the_definition(client: APIClient) -> None:
    product = ProductFactory.create()
    definition = client.post(DEFINITIONS, _definition(), format="json").json()

    response = client.post(METAFIELDS, _metafield(product.pk, value="7"), format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["value"], body["type"], body["definition"], body["ownerId"]) == (
        "7",
        "number_integer",
        definition["id"],
        product.pk,
    )
    assert Event.objects.filter(subject_type="Metafield", verb="create").count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11", "Must be at most 10."),
        ("0", "Must be at least 1."),
        ("2.5", "Enter a whole number."),
    ],
)
def test_a_value_breaking_the_definition_is_a_400_on_value(
    client: APIClient, value: str, message: str
) -> None:
    product = ProductFactory.create()
    client.post(DEFINITIONS, _definition(), format="json")
    before = _snapshot()

    response = client.post(METAFIELDS, _metafield(product.pk, value=value), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"field": "value", "message": message}]
    assert _snapshot() == before


def test_a_type_other_than_the_definitions_is_refused(client: APIClient) -> None:
    product = ProductFactory.create()
    client.post(DEFINITIONS, _definition(), format="json")

    response = client.post(
        METAFIELDS, _metafield(product.pk, value="7", type="json"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "type"


TEXT_RULES = [
    {"name": "min", "value": "2"},
    {"name": "max", "value": "5"},
    {"name": "regex", "value": "^[a-z]+$"},
]


@pytest.mark.parametrize(
    ("type_name", "validations", "value", "ok"),
    [
        ("single_line_text_field", TEXT_RULES, "maple", True),
        ("single_line_text_field", TEXT_RULES, "m", False),
        ("single_line_text_field", TEXT_RULES, "Maple", False),
        ("single_line_text_field", [], "two\nlines", False),
        ("single_line_text_field", [{"name": "choices", "value": ["red", "blue"]}], "red", True),
        ("single_line_text_field", [{"name": "choices", "value": ["red", "blue"]}], "pink", False),
        ("multi_line_text_field", [], "two\nlines", True),
        ("number_decimal", [{"name": "max_precision", "value": "2"}], "1.25", True),
        ("number_decimal", [{"name": "max_precision", "value": "2"}], "1.255", False),
        ("number_decimal", [{"name": "min", "value": "0.5"}], "0.4", False),
        ("boolean", [], "true", True),
        ("boolean", [], "yes", False),
        ("date", [{"name": "min", "value": "2024-01-01"}], "2024-06-01", True),
        ("date", [{"name": "min", "value": "2024-01-01"}], "2023-06-01", False),
        ("date", [], "2024-02-30", False),
        ("date_time", [], "2024-06-01T10:00:00Z", True),
        ("date_time", [], "yesterday", False),
        ("json", [], '{"a": [1, 2]}', True),
        ("json", [], "{a: 1}", False),
        ("url", [], "https://example.com/x", True),
        ("url", [], "ftp://example.com", False),
        ("color", [], "#FFaa00", True),
        ("color", [], "red", False),
        ("weight", [], '{"value": 2.5, "unit": "kg"}', True),
        ("weight", [], '{"value": 2.5, "unit": "stone"}', False),
        ("volume", [], '{"value": 1, "unit": "ml"}', True),
        ("dimension", [], '{"value": "x", "unit": "cm"}', False),
        ("money", [], '{"amount": "5.99", "currency_code": "CAD"}', True),
        ("money", [], '{"amount": "5.99", "currency_code": "dollars"}', False),
        (
            "rating",
            [{"name": "scale_min", "value": "1"}, {"name": "scale_max", "value": "5"}],
            '{"value": "4.5", "scale_min": "1", "scale_max": "5"}',
            True,
        ),
        (
            "rating",
            [{"name": "scale_min", "value": "1"}, {"name": "scale_max", "value": "5"}],
            '{"value": "6", "scale_min": "1", "scale_max": "5"}',
            False,
        ),
        ("list.number_integer", [{"name": "max", "value": "9"}], "[1, 2, 3]", True),
        ("list.number_integer", [{"name": "max", "value": "9"}], "[1, 20]", False),
        ("list.color", [{"name": "list.max", "value": "1"}], '["#000000", "#FFFFFF"]', False),
        ("list.single_line_text_field", [], '"not a list"', False),
        ("product_reference", [], "gid://shopify/Product/1", True),
        ("product_reference", [], "1", False),
    ],
)
def test_values_are_checked_against_each_shopify_type(
    client: APIClient, type_name: str, validations: list[dict[str, Any]], value: str, ok: bool
) -> None:
    product = ProductFactory.create()
    created = client.post(
        DEFINITIONS,
        _definition(key="field", type=type_name, validations=validations),
        format="json",
    )
    assert created.status_code == 201, created.json()

    response = client.post(
        METAFIELDS, _metafield(product.pk, key="field", value=value), format="json"
    )

    assert response.status_code == (201 if ok else 400), response.json()
    if not ok:
        assert {d["field"] for d in response.json()["error"]["details"]} == {"value"}


def test_without_a_definition_the_value_follows_its_own_type(client: APIClient) -> None:
    product = ProductFactory.create()
    before = _snapshot()

    no_type = client.post(METAFIELDS, _metafield(product.pk, value="x"), format="json")
    bad = client.post(
        METAFIELDS, _metafield(product.pk, value="x", type="number_integer"), format="json"
    )
    unknown = client.post(
        METAFIELDS, _metafield(product.pk, value="x", type="spaceship"), format="json"
    )
    as_json = client.post(
        METAFIELDS, _metafield(product.pk, value={"a": 1}, type="json"), format="json"
    )

    assert (no_type.status_code, bad.status_code, unknown.status_code) == (400, 400, 400)
    assert no_type.json()["error"]["details"][0]["field"] == "type"
    assert bad.json()["error"]["details"] == [
        {"field": "value", "message": "Enter a whole number."}
    ]
    assert unknown.json()["error"]["details"][0]["field"] == "type"
    assert as_json.status_code == 201
    assert json.loads(as_json.json()["value"]) == {"a": 1}
    assert _snapshot()[1] == before[1] + 1


def test_duplicate_key_per_owner_is_a_409_and_unknown_owner_a_400(client: APIClient) -> None:
    product = ProductFactory.create()
    body = _metafield(product.pk, value="x", type="single_line_text_field")
    assert client.post(METAFIELDS, body, format="json").status_code == 201
    before = _snapshot()

    again = client.post(METAFIELDS, body, format="json")
    nobody = client.post(METAFIELDS, {**body, "ownerId": 987654}, format="json")

    assert again.status_code == 409
    assert again.json()["error"]["details"][0]["field"] == "key"
    assert nobody.status_code == 400
    assert nobody.json()["error"]["details"][0]["field"] == "ownerId"
    assert _snapshot() == before


def test_update_revalidates_and_delete(client: APIClient) -> None:
    product = ProductFactory.create()
    client.post(DEFINITIONS, _definition(), format="json")
    metafield = client.post(METAFIELDS, _metafield(product.pk, value="5"), format="json").json()
    url = f"{METAFIELDS}/{metafield['id']}"

    good = client.patch(url, {"value": "6"}, format="json")
    bad = client.put(url, {"value": "60"}, format="json")
    moved = client.patch(url, {"ownerId": 3}, format="json")

    assert good.json()["value"] == "6"
    assert bad.status_code == 400
    assert bad.json()["error"]["details"][0]["field"] == "value"
    assert moved.status_code == 400
    assert Metafield.objects.get(pk=metafield["id"]).value == "6"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_mirrored_metafields_refuse_writes(client: APIClient) -> None:
    mirrored = MetafieldFactory.create(shopify_id=721389482, value="Maple")

    response = client.patch(f"{METAFIELDS}/{mirrored.pk}", {"value": "Oak"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SHOPIFY_MANAGED"
    mirrored.refresh_from_db()
    assert mirrored.value == "Maple"


@pytest.mark.parametrize("rows", [2, 20])
def test_metafield_list_filters_and_query_count(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    MetafieldFactory.create_batch(rows, owner_id=5)
    MetafieldFactory.create(owner_id=6, key="special", namespace="reviews")
    MetafieldFactory.create(owner_id=5, owner_resource="customer", key="vip")

    with django_assert_max_num_queries(4):
        everything = client.get(f"{METAFIELDS}?limit=100")

    def keys(query: str) -> list[str]:
        return [m["key"] for m in client.get(f"{METAFIELDS}{query}").json()["results"]]

    assert len(everything.json()["results"]) == rows + 2
    assert len(keys("?ownerType=product&ownerId=5&limit=100")) == rows
    assert keys("?ownerType=customer") == ["vip"]
    assert keys("?namespace=reviews&key=special") == ["special"]
