"""/api/v1/customer-groups (segments) and their membership, through HTTP on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from customers.models import CustomerGroup, CustomerGroupMembership
from tests.customers.factories import (
    CustomerFactory,
    CustomerGroupFactory,
    CustomerGroupMembershipFactory,
)

pytestmark = pytest.mark.django_db

GROUPS = "/api/v1/customer-groups"


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_customers"])[1])


def _snapshot() -> tuple[int, int, int]:
    return (
        CustomerGroup.all_objects.count(),
        CustomerGroupMembership.objects.count(),
        Event.objects.count(),
    )


def _fields(response: Any) -> list[str]:
    return [detail["field"] for detail in response.json()["error"]["details"]]


def test_create_with_members_then_retrieve_update_and_soft_delete(client: APIClient) -> None:
    members = CustomerFactory.create_batch(2)

    created = client.post(
        GROUPS,
        {
            "name": " Repeat buyers ",
            "query": "number_of_orders > 2",
            "customerIds": [m.pk for m in members],
        },
        format="json",
    )
    group_id = created.json()["id"]
    updated = client.patch(f"{GROUPS}/{group_id}", {"query": "amount_spent > 100"}, format="json")
    deleted = client.delete(f"{GROUPS}/{group_id}")

    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["query"], body["customersCount"]) == (
        "Repeat buyers",
        "number_of_orders > 2",
        2,
    )
    assert (updated.json()["query"], updated.json()["customersCount"]) == ("amount_spent > 100", 2)
    assert deleted.status_code == 204
    assert client.get(f"{GROUPS}/{group_id}").status_code == 404
    assert CustomerGroup.all_objects.get(pk=group_id).deleted_at is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "query": "number_of_orders > (2"}, "query"),
        ({"name": "X", "query": "email = 'a"}, "query"),
        ({"name": "X"}, "query"),
        ({"name": "   ", "query": "a = 1"}, "name"),
        ({"name": "X", "query": "a = 1", "customerIds": [999999]}, "customerIds.0"),
    ],
)
def test_bad_groups_are_a_400_and_change_nothing(
    client: APIClient, body: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(GROUPS, body, format="json")

    assert response.status_code == 400
    assert field in _fields(response)
    assert _snapshot() == before


def test_group_names_are_unique_ignoring_case(client: APIClient) -> None:
    CustomerGroupFactory.create(name="VIP")
    other = CustomerGroupFactory.create(name="Other")
    before = _snapshot()

    created = client.post(GROUPS, {"name": "vip", "query": "a = 1"}, format="json")
    renamed = client.put(f"{GROUPS}/{other.pk}", {"name": "Vip"}, format="json")

    assert (created.status_code, renamed.status_code) == (409, 409)
    assert _fields(created) == ["name"] and _fields(renamed) == ["name"]
    assert _snapshot() == before


def test_membership_add_list_and_remove(client: APIClient) -> None:
    group = CustomerGroupFactory.create()
    first, second = CustomerFactory.create_batch(2)
    url = f"{GROUPS}/{group.pk}/customers"

    added = client.post(url, {"customerIds": [first.pk, second.pk, first.pk]}, format="json")
    again = client.post(url, {"customerIds": [first.pk]}, format="json")
    listed = client.get(f"{url}?order=createdAt")
    removed = client.delete(f"{url}/{first.pk}")
    missing = client.delete(f"{url}/{first.pk}")

    assert added.status_code == 200 and added.json()["customersCount"] == 2
    assert again.json()["customersCount"] == 2
    assert [c["id"] for c in listed.json()["results"]] == [first.pk, second.pk]
    assert removed.status_code == 204
    assert missing.status_code == 404
    assert list(group.memberships.values_list("customer_id", flat=True)) == [second.pk]


def test_unknown_groups_404_and_mirrored_groups_refuse_writes(client: APIClient) -> None:
    mirrored = CustomerGroupFactory.create(shopify_id=4242, name="From Shopify")

    update = client.patch(f"{GROUPS}/{mirrored.pk}", {"name": "Changed"}, format="json")

    assert update.status_code == 409
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert client.get(f"{GROUPS}/999999").status_code == 404
    assert (
        client.post(f"{GROUPS}/999999/customers", {"customerIds": [1]}, format="json").status_code
        == 404
    )
    mirrored.refresh_from_db()
    assert mirrored.name == "From Shopify"


def test_a_read_key_cannot_write_groups() -> None:
    reader = APIClient(HTTP_X_API_KEY=api_key_create(name="r", scopes=["read_customers"])[1])

    assert reader.get(GROUPS).status_code == 200
    assert reader.post(GROUPS, {"name": "X", "query": "a = 1"}, format="json").status_code == 403
    assert not CustomerGroup.objects.exists()


def test_filters_order_and_search(client: APIClient) -> None:
    beta = CustomerGroupFactory.create(name="Beta")
    alpha = CustomerGroupFactory.create(name="Alpha")

    def names(query: str) -> list[str]:
        return [g["name"] for g in client.get(f"{GROUPS}?{query}").json()["results"]]

    assert names("order=name") == ["Alpha", "Beta"]
    assert names("order=-createdAt") == ["Alpha", "Beta"]
    assert names("name=beta") == ["Beta"]
    assert names("q=alp") == ["Alpha"]
    assert (alpha.pk, beta.pk) != (0, 0)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_group_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    for group in CustomerGroupFactory.create_batch(rows):
        CustomerGroupMembershipFactory.create(group=group)

    with django_assert_max_num_queries(4):
        response = client.get(f"{GROUPS}?limit=50")

    assert [g["customersCount"] for g in response.json()["results"]] == [1] * rows


def test_customer_tags_lists_the_tags_in_use_with_counts(
    client: APIClient, django_assert_max_num_queries: Any
) -> None:
    for tags in ("VIP, wholesale", "vip", "retail"):
        client.post("/api/v1/customers", {"firstName": "T", "tags": tags}, format="json")
    gone = client.post("/api/v1/customers", {"firstName": "G", "tags": "gone"}, format="json")
    client.delete(f"/api/v1/customers/{gone.json()['id']}")

    with django_assert_max_num_queries(3):
        listed = client.get("/api/v1/customer-tags")
    search = client.get("/api/v1/customer-tags?q=V")
    paged = client.get("/api/v1/customer-tags?limit=2")

    assert listed.json()["results"] == [
        {"tag": "retail", "customersCount": 1},
        {"tag": "vip", "customersCount": 2},
        {"tag": "wholesale", "customersCount": 1},
    ]
    assert search.json()["results"] == [{"tag": "vip", "customersCount": 2}]
    assert [t["tag"] for t in client.get(paged.json()["next"]).json()["results"]] == ["wholesale"]
