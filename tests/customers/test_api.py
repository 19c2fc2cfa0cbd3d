"""/api/v1/customers, nested addresses and the bulk create, through HTTP on PostgreSQL."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from customers.models import Customer, CustomerAddress, CustomerTag
from tests.customers.factories import CustomerAddressFactory, CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers"
NEW_CUSTOMER: dict[str, Any] = {
    "email": "Steve.Lastnameson@Example.com",
    "phone": "+15142546011",
    "firstName": "Steve",
    "lastName": "Lastnameson",
    "acceptsMarketing": True,
    "tags": "VIP, wholesale ,vip",
    "addresses": [
        {
            "address1": "123 Oak St",
            "city": "Ottawa",
            "province": "Ontario",
            "provinceCode": "on",
            "countryCode": "ca",
            "zip": "K2P 1L4",
        }
    ],
}


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_customers"])[1])


def _snapshot() -> tuple[int, int, int, int]:
    return (
        Customer.all_objects.count(),
        CustomerAddress.objects.count(),
        CustomerTag.objects.count(),
        Event.objects.count(),
    )


def _fields(response: Any) -> list[str]:
    return [detail["field"] for detail in response.json()["error"]["details"]]


def test_create_returns_the_customer_with_inline_addresses_and_normalised_tags(
    client: APIClient,
) -> None:
    response = client.post(CUSTOMERS, NEW_CUSTOMER, format="json")

    assert response.status_code == 201
    body = response.json()
    customer = Customer.objects.get()
    [address] = body["addresses"]
    assert body["id"] == customer.pk
    assert (body["email"], body["phone"], body["firstName"], body["lastName"]) == (
        "steve.lastnameson@example.com",
        "+15142546011",
        "Steve",
        "Lastnameson",
    )
    assert (body["state"], body["ordersCount"], body["totalSpent"]) == ("disabled", 0, "0.00")
    assert body["tags"] == "vip, wholesale"
    assert body["acceptsMarketing"] is True and body["acceptsMarketingUpdatedAt"] is not None
    assert (address["address1"], address["countryCode"], address["provinceCode"]) == (
        "123 Oak St",
        "CA",
        "ON",
    )
    assert address["default"] is True
    assert body["defaultAddressId"] == address["id"]
    assert sorted(CustomerTag.objects.values_list("tag", flat=True)) == ["vip", "wholesale"]
    assert Event.objects.filter(subject_type="Customer", verb="create").count() == 1


def test_totals_are_read_only(client: APIClient) -> None:
    body = {"email": "a@example.com", "ordersCount": 9, "totalSpent": "100.00"}

    response = client.post(CUSTOMERS, body, format="json")

    assert response.status_code == 201
    assert (response.json()["ordersCount"], response.json()["totalSpent"]) == (0, "0.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.update(email="not-an-email"), "email"),
        (lambda b: b.update(phone="5142546011"), "phone"),
        (lambda b: b.update(phone="+0123"), "phone"),
        (lambda b: b.update(state="active"), "state"),
        (lambda b: b.update(currency="usd"), "currency"),
        (lambda b: b.update(taxExemptions=["not valid"]), "taxExemptions.0"),
        (lambda b: b["addresses"][0].update(countryCode="XX"), "addresses.0.countryCode"),
        (lambda b: b["addresses"][0].update(address1=""), "addresses.0.address1"),
        (lambda b: b["addresses"][0].update(provinceCode="ONTARIO"), "addresses.0.provinceCode"),
        (
            lambda b: [b.pop(key) for key in ("email", "phone", "firstName", "lastName")],
            "email",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(
    client: APIClient, change: Any, field: str
) -> None:
    body = copy.deepcopy(NEW_CUSTOMER)
    change(body)
    before = _snapshot()

    response = client.post(CUSTOMERS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in _fields(response)
    assert _snapshot() == before


def test_email_is_unique_ignoring_case_with_a_409_naming_email(client: APIClient) -> None:
    CustomerFactory.create(email="steve.lastnameson@example.com")
    other = CustomerFactory.create(email="other@example.com")
    before = _snapshot()

    created = client.post(CUSTOMERS, NEW_CUSTOMER, format="json")
    updated = client.patch(
        f"{CUSTOMERS}/{other.pk}", {"email": "STEVE.lastnameson@example.com"}, format="json"
    )

    assert (created.status_code, updated.status_code) == (409, 409)
    assert created.json()["error"]["code"] == "CONFLICT"
    assert _fields(created) == ["email"] and _fields(updated) == ["email"]
    assert _snapshot() == before
    other.refresh_from_db()
    assert other.email == "other@example.com"


def test_a_deleted_customers_email_can_be_reused(client: APIClient) -> None:
    gone = CustomerFactory.create(email="steve.lastnameson@example.com")
    assert client.delete(f"{CUSTOMERS}/{gone.pk}").status_code == 204

    assert client.post(CUSTOMERS, NEW_CUSTOMER, format="json").status_code == 201


def test_retrieve_update_and_soft_delete(client: APIClient) -> None:
    customer = CustomerFactory.create(first_name="Bob", accepts_marketing=False)

    fetched = client.get(f"{CUSTOMERS}/{customer.pk}")
    updated = client.put(
        f"{CUSTOMERS}/{customer.pk}",
        {"firstName": "Robert", "tags": "Gold", "acceptsMarketing": True, "state": "enabled"},
        format="json",
    )
    deleted = client.delete(f"{CUSTOMERS}/{customer.pk}")
    after = client.get(f"{CUSTOMERS}/{customer.pk}")

    assert fetched.json()["firstName"] == "Bob"
    assert updated.status_code == 200
    assert (updated.json()["firstName"], updated.json()["tags"], updated.json()["state"]) == (
        "Robert",
        "gold",
        "enabled",
    )
    assert updated.json()["acceptsMarketingUpdatedAt"] is not None
    assert list(CustomerTag.objects.values_list("tag", flat=True)) == ["gold"]
    assert deleted.status_code == 204
    assert after.status_code == 404
    assert after.json()["error"]["code"] == "NOT_FOUND"
    assert Customer.all_objects.get(pk=customer.pk).deleted_at is not None


def test_unknown_customers_are_404(client: APIClient) -> None:
    assert client.get(f"{CUSTOMERS}/999999").status_code == 404
    assert client.patch(f"{CUSTOMERS}/999999", {"note": "x"}, format="json").status_code == 404
    assert client.delete(f"{CUSTOMERS}/999999").status_code == 404


def test_a_customer_with_orders_is_not_deleted(client: APIClient) -> None:
    customer = CustomerFactory.create(orders_count=2, total_spent=Decimal("10.00"))

    response = client.delete(f"{CUSTOMERS}/{customer.pk}")

    assert response.status_code == 409
    assert _fields(response) == ["ordersCount"]
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_mirrored_customers_refuse_writes(client: APIClient) -> None:
    mirrored = CustomerFactory.create(shopify_id=207119551, first_name="Shopify")

    update = client.patch(f"{CUSTOMERS}/{mirrored.pk}", {"firstName": "Changed"}, format="json")
    delete = client.delete(f"{CUSTOMERS}/{mirrored.pk}")
    address = client.post(
        f"{CUSTOMERS}/{mirrored.pk}/addresses",
        {"address1": "1 Main St", "countryCode": "US"},
        format="json",
    )

    assert (update.status_code, delete.status_code, address.status_code) == (409, 409, 409)
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    mirrored.refresh_from_db()
    assert (mirrored.first_name, mirrored.deleted_at) == ("Shopify", None)
    assert not CustomerAddress.objects.exists()


def test_a_key_without_the_customers_scope_is_403() -> None:
    reader = APIClient(HTTP_X_API_KEY=api_key_create(name="r", scopes=["read_customers"])[1])
    other = APIClient(HTTP_X_API_KEY=api_key_create(name="o", scopes=["write_products"])[1])
    customer = CustomerFactory.create()

    assert reader.get(CUSTOMERS).status_code == 200
    assert reader.post(CUSTOMERS, NEW_CUSTOMER, format="json").status_code == 403
    assert reader.delete(f"{CUSTOMERS}/{customer.pk}").status_code == 403
    assert other.get(CUSTOMERS).status_code == 403
    assert other.post(f"{CUSTOMERS}/bulk", {"customers": []}, format="json").status_code == 403
    assert Customer.objects.count() == 1


def test_filters_and_order(client: APIClient) -> None:
    first = CustomerFactory.create(email="a@example.com", state="enabled", total_spent=5)
    second = CustomerFactory.create(email="b@example.com", accepts_marketing=True, total_spent=50)
    third = CustomerFactory.create(email="c@example.com", state="enabled", total_spent=20)
    CustomerTag.objects.create(customer=second, tag="vip")

    def ids(query: str) -> list[int]:
        response = client.get(f"{CUSTOMERS}?{query}")
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["results"]]

    assert ids("email=A@EXAMPLE.COM") == [first.pk]
    assert ids("state=enabled") == [third.pk, first.pk]
    assert ids("tag=VIP") == [second.pk]
    assert ids("acceptsMarketing=true") == [second.pk]
    assert ids("totalSpentMin=10&order=totalSpent") == [third.pk, second.pk]
    assert ids("order=-totalSpent") == [second.pk, third.pk, first.pk]
    assert ids("createdAtMin=2000-01-01T00:00:00Z&order=createdAt") == [
        first.pk,
        second.pk,
        third.pk,
    ]
    assert ids("createdAtMax=2000-01-01T00:00:00Z") == []
    assert ids("updatedAtMin=2000-01-01T00:00:00Z&limit=1") == [third.pk]
    assert client.get(f"{CUSTOMERS}?order=phone").status_code == 400


def test_search_matches_email_names_and_phone(client: APIClient) -> None:
    steve = CustomerFactory.create(
        email="steve@example.com", first_name="Steve", last_name="Jobs", phone="+14155550100"
    )
    CustomerFactory.create(email="ada@example.org", first_name="Ada", last_name="Lovelace")

    def ids(q: str) -> list[int]:
        return [c["id"] for c in client.get(CUSTOMERS, {"q": q}).json()["results"]]

    assert ids("STEVE@exam") == [steve.pk]
    assert ids("steve jobs") == [steve.pk]
    assert ids("5550100") == [steve.pk]
    assert ids("lovelace") != [steve.pk] and len(ids("lovelace")) == 1
    assert ids("nobody") == []


def test_the_search_indexes_exist_on_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer' "
            "AND indexname LIKE '%%_trgm_idx' ORDER BY indexname"
        )
        names = [row[0] for row in cursor.fetchall()]

    assert names == [
        "customers_cust_email_trgm_idx",
        "customers_cust_first_name_trgm_idx",
        "customers_cust_last_name_trgm_idx",
        "customers_cust_phone_trgm_idx",
    ]


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_costs_the_same_queries_for_2_or_20_customers(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    for customer in CustomerFactory.create_batch(rows):
        CustomerAddressFactory.create_batch(2, customer=customer)

    with django_assert_max_num_queries(5):
        response = client.get(f"{CUSTOMERS}?limit=50")

    assert len(response.json()["results"]) == rows
    assert all(len(c["addresses"]) == 2 for c in response.json()["results"])


# Addresses.


def _address_url(customer: Customer, address: CustomerAddress | int | None = None) -> str:
    url = f"{CUSTOMERS}/{customer.pk}/addresses"
    if address is None:
        return url
    return f"{url}/{address if isinstance(address, int) else address.pk}"


def test_the_first_address_becomes_the_default_and_the_default_can_be_switched(
    client: APIClient,
) -> None:
    customer = CustomerFactory.create()
    url = _address_url(customer)

    first = client.post(url, {"address1": "1 Main St", "countryCode": "us"}, format="json")
    second = client.post(url, {"address1": "2 Side St", "country": "Canada"}, format="json")
    switched = client.post(f"{url}/{second.json()['id']}/default")
    listed = client.get(url)

    assert (first.status_code, second.status_code, switched.status_code) == (201, 201, 200)
    assert (first.json()["default"], second.json()["default"]) == (True, False)
    assert switched.json()["default"] is True
    assert [(a["address1"], a["default"]) for a in listed.json()["results"]] == [
        ("1 Main St", False),
        ("2 Side St", True),
    ]
    customer.refresh_from_db()
    assert customer.default_address_id == second.json()["id"]
    assert CustomerAddress.objects.filter(customer=customer, is_default=True).count() == 1


def test_creating_with_default_true_moves_the_default(client: APIClient) -> None:
    old = CustomerAddressFactory.create(is_default=True)
    customer = old.customer

    response = client.post(
        _address_url(customer),
        {"address1": "9 New Rd", "countryCode": "DE", "default": True},
        format="json",
    )

    old.refresh_from_db()
    customer.refresh_from_db()
    assert response.json()["default"] is True
    assert old.is_default is False
    assert customer.default_address_id == response.json()["id"]


def test_address_update_retrieve_and_validation(client: APIClient) -> None:
    address = CustomerAddressFactory.create(is_default=True)
    url = _address_url(address.customer, address)

    fetched = client.get(url)
    updated = client.patch(url, {"city": "Lexington", "countryCode": "us"}, format="json")
    bad_country = client.put(url, {"countryCode": "ZZ"}, format="json")
    blank_street = client.patch(url, {"address1": "  "}, format="json")

    assert fetched.json()["city"] == "Louisville"
    assert (updated.json()["city"], updated.json()["countryCode"]) == ("Lexington", "US")
    assert (bad_country.status_code, _fields(bad_country)) == (400, ["countryCode"])
    assert (blank_street.status_code, _fields(blank_street)) == (400, ["address1"])
    address.refresh_from_db()
    assert (address.city, address.country_code, address.address1) == (
        "Lexington",
        "US",
        address.address1,
    )


def test_the_default_address_is_not_deleted_while_others_exist(client: APIClient) -> None:
    default = CustomerAddressFactory.create(is_default=True)
    customer = default.customer
    other = CustomerAddressFactory.create(customer=customer)

    refused = client.delete(_address_url(customer, default))
    other_deleted = client.delete(_address_url(customer, other))
    last_deleted = client.delete(_address_url(customer, default))

    assert refused.status_code == 409
    assert _fields(refused) == ["default"]
    assert (other_deleted.status_code, last_deleted.status_code) == (204, 204)
    customer.refresh_from_db()
    assert customer.default_address_id is None
    assert not CustomerAddress.objects.exists()


def test_addresses_of_another_customer_or_unknown_ones_are_404(client: APIClient) -> None:
    address = CustomerAddressFactory.create()
    stranger = CustomerFactory.create()

    assert client.get(_address_url(stranger, address)).status_code == 404
    assert client.post(f"{_address_url(stranger, address)}/default").status_code == 404
    assert client.get(_address_url(address.customer, 999999)).status_code == 404
    assert client.get(f"{CUSTOMERS}/999999/addresses").status_code == 404


def test_address_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any
) -> None:
    customer = CustomerFactory.create()
    CustomerAddressFactory.create_batch(20, customer=customer)

    with django_assert_max_num_queries(4):
        response = client.get(f"{_address_url(customer)}?limit=50")

    assert len(response.json()["results"]) == 20


# Bulk.


def _bulk_item(n: int) -> dict[str, Any]:
    return {
        "email": f"bulk{n}@example.com",
        "firstName": f"Bulk{n}",
        "tags": "imported",
        "addresses": [{"address1": f"{n} Bulk Rd", "countryCode": "GB"}],
    }


def test_bulk_create_inserts_every_customer_in_one_go(
    client: APIClient, django_assert_max_num_queries: Any
) -> None:
    items = [_bulk_item(n) for n in range(30)]

    with django_assert_max_num_queries(45):
        response = client.post(f"{CUSTOMERS}/bulk", {"customers": items}, format="json")

    assert response.status_code == 201
    body = response.json()["customers"]
    assert [c["email"] for c in body] == [f"bulk{n}@example.com" for n in range(30)]
    assert all(c["addresses"][0]["default"] for c in body)
    assert all(c["defaultAddressId"] == c["addresses"][0]["id"] for c in body)
    assert CustomerTag.objects.filter(tag="imported").count() == 30


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda items: items[3].update(email="nope"), "customers.3.email"),
        (lambda items: items[2].update(phone="12"), "customers.2.phone"),
        (lambda items: items[4].update(email="BULK1@example.com"), "customers.4.email"),
        (
            lambda items: items[1]["addresses"][0].update(countryCode="QQ"),
            "customers.1.addresses.0.countryCode",
        ),
    ],
)
def test_bulk_is_all_or_nothing_with_indexed_field_paths(
    client: APIClient, change: Any, field: str
) -> None:
    items = [_bulk_item(n) for n in range(5)]
    change(items)
    before = _snapshot()

    response = client.post(f"{CUSTOMERS}/bulk", {"customers": items}, format="json")

    assert response.status_code == 400
    assert _fields(response) == [field]
    assert _snapshot() == before


def test_bulk_clash_with_an_existing_email_is_a_409_naming_the_item(client: APIClient) -> None:
    CustomerFactory.create(email="bulk2@example.com")
    before = _snapshot()

    response = client.post(
        f"{CUSTOMERS}/bulk", {"customers": [_bulk_item(n) for n in range(4)]}, format="json"
    )

    assert response.status_code == 409
    assert _fields(response) == ["customers.2.email"]
    assert _snapshot() == before


def test_bulk_refuses_an_empty_or_oversized_batch(client: APIClient) -> None:
    empty = client.post(f"{CUSTOMERS}/bulk", {"customers": []}, format="json")
    big = client.post(
        f"{CUSTOMERS}/bulk",
        {"customers": [{"email": f"x{n}@example.com"} for n in range(251)]},
        format="json",
    )

    assert (empty.status_code, big.status_code) == (400, 400)
    assert _fields(empty) == ["customers"] and _fields(big) == ["customers"]
    assert not Customer.objects.exists()
