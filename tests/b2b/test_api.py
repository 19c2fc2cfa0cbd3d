"""/api/v1/payment-terms and /api/v1/companies (+ locations, contacts) through HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from b2b.choices import PaymentTermsType
from b2b.models import Company, CompanyContact, CompanyLocation, PaymentTerms
from core.models import Event
from tests.b2b.factories import (
    CompanyContactFactory,
    CompanyFactory,
    CompanyLocationFactory,
    PaymentTermsFactory,
)
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TERMS = "/api/v1/payment-terms"
COMPANIES = "/api/v1/companies"


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_b2b"])[1])


def _snapshot() -> tuple[int, ...]:
    return (
        PaymentTerms.all_objects.count(),
        Company.all_objects.count(),
        CompanyLocation.objects.count(),
        CompanyContact.objects.count(),
        Event.objects.count(),
    )


def _fields(response: Any) -> list[str]:
    return [detail["field"] for detail in response.json()["error"]["details"]]


# Payment terms.


def test_net_terms_are_created_read_updated_and_soft_deleted(client: APIClient) -> None:
    created = client.post(
        TERMS,
        {
            "name": "Net 30",
            "paymentTermsType": "net",
            "netDays": 30,
            "discountPercentage": "2.5",
            "creditLimit": "5000",
            "paymentMethodPreferences": ["bank_transfer", "card"],
        },
        format="json",
    )
    terms_id = created.json()["id"]
    updated = client.patch(
        f"{TERMS}/{terms_id}",
        {"paymentTermsType": "fixed", "paymentDueDate": "2030-01-31T00:00:00Z"},
        format="json",
    )
    deleted = client.delete(f"{TERMS}/{terms_id}")

    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["paymentTermsType"], body["netDays"], body["companyId"]) == (
        "Net 30",
        "net",
        30,
        None,
    )
    assert (body["discountPercentage"], body["creditLimit"], body["currency"]) == (
        "2.50",
        "5000.00",
        "USD",
    )
    assert body["paymentMethodPreferences"] == ["bank_transfer", "card"]
    assert updated.status_code == 200
    assert (updated.json()["paymentTermsType"], updated.json()["netDays"]) == ("fixed", None)
    assert updated.json()["paymentDueDate"] == "2030-01-31T00:00:00Z"
    assert deleted.status_code == 204
    assert client.get(f"{TERMS}/{terms_id}").status_code == 404
    assert PaymentTerms.all_objects.get(pk=terms_id).deleted_at is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Net", "paymentTermsType": "net"}, "netDays"),
        ({"name": "Net", "paymentTermsType": "net", "netDays": 0}, "netDays"),
        ({"name": "Net", "paymentTermsType": "net", "netDays": 400}, "netDays"),
        ({"name": "Now", "paymentTermsType": "receipt", "netDays": 30}, "netDays"),
        ({"name": "Fixed", "paymentTermsType": "fixed"}, "paymentDueDate"),
        (
            {
                "name": "Ship",
                "paymentTermsType": "fulfillment",
                "paymentDueDate": "2030-01-01T00:00:00Z",
            },
            "paymentDueDate",
        ),
        (
            {"name": "N", "paymentTermsType": "net", "netDays": 7, "discountPercentage": "101"},
            "discountPercentage",
        ),
        (
            {"name": "N", "paymentTermsType": "net", "netDays": 7, "creditLimit": "-1"},
            "creditLimit",
        ),
        (
            {
                "name": "N",
                "paymentTermsType": "net",
                "netDays": 7,
                "paymentMethodPreferences": ["card", "Card"],
            },
            "paymentMethodPreferences",
        ),
        ({"name": "N", "paymentTermsType": "later"}, "paymentTermsType"),
        ({"name": "N", "paymentTermsType": "receipt", "companyId": 999999}, "companyId"),
        ({"paymentTermsType": "receipt"}, "name"),
    ],
)
def test_bad_terms_are_a_400_and_change_nothing(
    client: APIClient, body: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(TERMS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in _fields(response)
    assert _snapshot() == before


def test_terms_in_use_are_not_deleted(client: APIClient) -> None:
    terms = PaymentTermsFactory.create()
    CompanyFactory.create(payment_terms=terms, credit_limit=Decimal("100"))

    response = client.delete(f"{TERMS}/{terms.pk}")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert PaymentTerms.objects.filter(pk=terms.pk).exists()


def test_terms_filters_order_and_mirrored_rows(client: APIClient) -> None:
    company = CompanyFactory.create()
    template = PaymentTermsFactory.create()
    own = PaymentTermsFactory.create(
        company=company,
        payment_terms_type=PaymentTermsType.FIXED,
        net_days=None,
        payment_due_date="2031-06-01T00:00:00Z",
    )
    mirrored = PaymentTermsFactory.create(shopify_id=99, name="Shopify terms")

    def ids(query: str) -> list[int]:
        return [t["id"] for t in client.get(f"{TERMS}?{query}").json()["results"]]

    assert ids(f"companyId={company.pk}") == [own.pk]
    assert ids("template=true&order=createdAt") == [template.pk, mirrored.pk]
    assert ids("paymentTermsType=fixed") == [own.pk]
    assert ids("paymentDueDateMin=2031-01-01T00:00:00Z") == [own.pk]
    refused = client.patch(f"{TERMS}/{mirrored.pk}", {"name": "Changed"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert client.get(f"{TERMS}/999999").status_code == 404


# Companies.


def test_company_create_with_template_terms_update_and_soft_delete(client: APIClient) -> None:
    terms = PaymentTermsFactory.create(credit_limit=Decimal("5000.00"))

    created = client.post(
        COMPANIES,
        {
            "name": "Acme GmbH",
            "taxId": "DE123456789",
            "externalId": "ERP-1",
            "creditLimit": "2500.00",
            "paymentTermsId": terms.pk,
            "billingAddress": {"address1": "1 Dock Road", "city": "Hamburg", "countryCode": "de"},
        },
        format="json",
    )
    company_id = created.json()["id"]
    updated = client.put(f"{COMPANIES}/{company_id}", {"note": "Key account"}, format="json")
    deleted = client.delete(f"{COMPANIES}/{company_id}")

    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["taxId"], body["externalId"], body["creditLimit"]) == (
        "Acme GmbH",
        "DE123456789",
        "ERP-1",
        "2500.00",
    )
    assert body["paymentTerms"]["id"] == terms.pk
    assert body["billingAddress"] == {
        "address1": "1 Dock Road",
        "city": "Hamburg",
        "countryCode": "DE",
    }
    assert body["mainContactId"] is None
    assert updated.json()["note"] == "Key account"
    assert deleted.status_code == 204
    assert client.get(f"{COMPANIES}/{company_id}").status_code == 404
    assert Company.all_objects.get(pk=company_id).deleted_at is not None


def test_company_rules_are_400s_and_change_nothing(client: APIClient) -> None:
    terms = PaymentTermsFactory.create(credit_limit=Decimal("1000.00"), currency="USD")
    foreign = PaymentTermsFactory.create(company=CompanyFactory.create())
    before = _snapshot()

    over_limit = client.post(
        COMPANIES,
        {"name": "A", "creditLimit": "1500.00", "paymentTermsId": terms.pk},
        format="json",
    )
    other_currency = client.post(
        COMPANIES,
        {"name": "A", "currency": "EUR", "paymentTermsId": terms.pk},
        format="json",
    )
    foreign_terms = client.post(
        COMPANIES, {"name": "A", "paymentTermsId": foreign.pk}, format="json"
    )
    bad_country = client.post(
        COMPANIES,
        {"name": "A", "billingAddress": {"address1": "x", "countryCode": "XX"}},
        format="json",
    )
    negative = client.post(COMPANIES, {"name": "A", "creditLimit": "-1"}, format="json")
    blank = client.post(COMPANIES, {"name": ""}, format="json")

    assert [
        (r.status_code, _fields(r))
        for r in (over_limit, other_currency, foreign_terms, bad_country, negative, blank)
    ] == [
        (400, ["creditLimit"]),
        (400, ["paymentTermsId"]),
        (400, ["paymentTermsId"]),
        (400, ["billingAddress.countryCode"]),
        (400, ["creditLimit"]),
        (400, ["name"]),
    ]
    assert _snapshot() == before


def test_external_ids_are_unique_with_a_409(client: APIClient) -> None:
    CompanyFactory.create(external_id="ERP-1")
    before = _snapshot()

    response = client.post(COMPANIES, {"name": "B", "externalId": "ERP-1"}, format="json")

    assert response.status_code == 409
    assert _fields(response) == ["externalId"]
    assert _snapshot() == before


def test_company_filters_search_and_order(client: APIClient) -> None:
    beta = CompanyFactory.create(name="Beta Ltd", tax_id="GB1")
    alpha = CompanyFactory.create(name="Alpha Inc", tax_id="US2", external_id="X-9")

    def ids(query: str) -> list[int]:
        return [c["id"] for c in client.get(f"{COMPANIES}?{query}").json()["results"]]

    assert ids("order=name") == [alpha.pk, beta.pk]
    assert ids("order=-createdAt") == [alpha.pk, beta.pk]
    assert ids("taxId=GB1") == [beta.pk]
    assert ids("externalId=X-9") == [alpha.pk]
    assert ids("name=beta ltd") == [beta.pk]
    assert ids("q=alpha") == [alpha.pk]
    assert ids("createdAtMax=2000-01-01T00:00:00Z") == []


def test_mirrored_companies_refuse_writes_and_unknown_ones_404(client: APIClient) -> None:
    mirrored = CompanyFactory.create(shopify_id=123, name="Shopify Co")

    update = client.patch(f"{COMPANIES}/{mirrored.pk}", {"name": "X"}, format="json")
    delete = client.delete(f"{COMPANIES}/{mirrored.pk}")

    assert (update.status_code, delete.status_code) == (409, 409)
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    mirrored.refresh_from_db()
    assert (mirrored.name, mirrored.deleted_at) == ("Shopify Co", None)
    assert client.get(f"{COMPANIES}/999999").status_code == 404
    assert client.get(f"{COMPANIES}/999999/locations").status_code == 404


def test_scopes_are_enforced() -> None:
    reader = APIClient(HTTP_X_API_KEY=api_key_create(name="r", scopes=["read_b2b"])[1])
    stranger = APIClient(HTTP_X_API_KEY=api_key_create(name="s", scopes=["write_customers"])[1])
    company = CompanyFactory.create()

    assert reader.get(COMPANIES).status_code == 200
    assert reader.post(COMPANIES, {"name": "X"}, format="json").status_code == 403
    assert reader.post(f"{COMPANIES}/{company.pk}/locations", {"name": "X"}).status_code == 403
    assert stranger.get(TERMS).status_code == 403
    assert stranger.get(f"{COMPANIES}/{company.pk}/contacts").status_code == 403
    assert Company.objects.count() == 1


@pytest.mark.parametrize("rows", [2, 20])
def test_list_query_counts_are_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    company = CompanyFactory.create(payment_terms=PaymentTermsFactory.create(credit_limit=0))
    for _ in range(rows):
        CompanyFactory.create(payment_terms=PaymentTermsFactory.create(credit_limit=0))
        location = CompanyLocationFactory.create(company=company)
        contact = CompanyContactFactory.create(company=company)
        contact.locations.add(location)

    with django_assert_max_num_queries(4):
        companies = client.get(f"{COMPANIES}?limit=50")
    with django_assert_max_num_queries(5):
        locations = client.get(f"{COMPANIES}/{company.pk}/locations?limit=50")
    with django_assert_max_num_queries(6):
        contacts = client.get(f"{COMPANIES}/{company.pk}/contacts?limit=50")
    with django_assert_max_num_queries(4):
        terms = client.get(f"{TERMS}?limit=50")

    assert len(companies.json()["results"]) == rows + 1
    assert len(locations.json()["results"]) == rows
    assert all(len(c["locationIds"]) == 1 for c in contacts.json()["results"])
    assert len(terms.json()["results"]) == rows + 1


# Locations.


def test_locations_crud_with_terms_falling_back_to_the_company(client: APIClient) -> None:
    company_terms = PaymentTermsFactory.create()
    company = CompanyFactory.create(payment_terms=company_terms, credit_limit=Decimal("100"))
    own_terms = PaymentTermsFactory.create(company=company)
    url = f"{COMPANIES}/{company.pk}/locations"

    created = client.post(
        url,
        {
            "name": "Hamburg depot",
            "externalId": "LOC-1",
            "locale": "de",
            "shippingAddress": {"address1": "1 Dock Road", "countryCode": "DE"},
            "taxExemptions": ["EU_REVERSE_CHARGE_EXEMPTION_RULE"],
        },
        format="json",
    )
    location_id = created.json()["id"]
    updated = client.patch(f"{url}/{location_id}", {"paymentTermsId": own_terms.pk}, format="json")
    fetched = client.get(f"{url}/{location_id}")
    deleted = client.delete(f"{url}/{location_id}")

    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["companyId"], body["paymentTermsId"]) == (
        "Hamburg depot",
        company.pk,
        None,
    )
    assert body["effectivePaymentTermsId"] == company_terms.pk
    assert body["taxExemptions"] == ["EU_REVERSE_CHARGE_EXEMPTION_RULE"]
    assert body["shippingAddress"] == {"address1": "1 Dock Road", "countryCode": "DE"}
    assert updated.json()["effectivePaymentTermsId"] == own_terms.pk
    assert fetched.json()["paymentTermsId"] == own_terms.pk
    assert deleted.status_code == 204
    assert not CompanyLocation.objects.exists()


def test_location_rules(client: APIClient) -> None:
    company = CompanyFactory.create()
    other = CompanyFactory.create()
    foreign_terms = PaymentTermsFactory.create(company=other)
    CompanyLocationFactory.create(company=other, external_id="LOC-1")
    foreign_location = CompanyLocationFactory.create(company=other)
    url = f"{COMPANIES}/{company.pk}/locations"
    before = _snapshot()

    responses = [
        client.post(url, {"name": "A", "paymentTermsId": foreign_terms.pk}, format="json"),
        client.post(url, {"name": "A", "locale": "German"}, format="json"),
        client.post(url, {"name": "A", "taxExemptions": ["lower case"]}, format="json"),
        client.post(url, {"name": "A", "shippingAddress": {"countryCode": "DE"}}, format="json"),
        client.post(url, {"name": "A", "externalId": "LOC-1"}, format="json"),
        client.get(f"{url}/{foreign_location.pk}"),
    ]

    assert [(r.status_code, _fields(r) if r.status_code != 404 else []) for r in responses] == [
        (400, ["paymentTermsId"]),
        (400, ["locale"]),
        (400, ["taxExemptions.0"]),
        (400, ["shippingAddress.address1"]),
        (409, ["externalId"]),
        (404, []),
    ]
    assert _snapshot() == before


# Contacts.


def test_contacts_link_customers_with_one_main_contact(client: APIClient) -> None:
    company = CompanyFactory.create()
    location = CompanyLocationFactory.create(company=company)
    first_customer, second_customer = CustomerFactory.create_batch(2)
    url = f"{COMPANIES}/{company.pk}/contacts"

    first = client.post(
        url,
        {"customerId": first_customer.pk, "title": "Buyer", "locationIds": [location.pk]},
        format="json",
    )
    second = client.post(
        url, {"customerId": second_customer.pk, "role": "location_admin"}, format="json"
    )
    switched = client.patch(
        f"{url}/{second.json()['id']}", {"isMainContact": True, "title": "CFO"}, format="json"
    )
    listed = client.get(url)

    assert (first.status_code, second.status_code, switched.status_code) == (201, 201, 200)
    body = first.json()
    assert body["customer"] == {
        "id": first_customer.pk,
        "email": first_customer.email,
        "firstName": first_customer.first_name,
        "lastName": first_customer.last_name,
    }
    assert (body["title"], body["role"], body["isMainContact"], body["locationIds"]) == (
        "Buyer",
        "ordering_only",
        True,
        [location.pk],
    )
    assert (second.json()["isMainContact"], second.json()["role"]) == (False, "location_admin")
    assert (switched.json()["isMainContact"], switched.json()["title"]) == (True, "CFO")
    assert [c["isMainContact"] for c in listed.json()["results"]] == [False, True]
    company.refresh_from_db()
    assert company.main_contact_id == second.json()["id"]


def test_contact_rules(client: APIClient) -> None:
    company = CompanyFactory.create()
    existing = CompanyContactFactory.create(company=company)
    deleted_customer = CustomerFactory.create()
    deleted_customer.deleted_at = deleted_customer.created_at
    deleted_customer.save()
    foreign_location = CompanyLocationFactory.create()
    customer = CustomerFactory.create()
    url = f"{COMPANIES}/{company.pk}/contacts"
    before = _snapshot()

    responses = [
        client.post(url, {"customerId": existing.customer_id}, format="json"),
        client.post(url, {"customerId": 999999}, format="json"),
        client.post(url, {"customerId": deleted_customer.pk}, format="json"),
        client.post(
            url, {"customerId": customer.pk, "locationIds": [foreign_location.pk]}, format="json"
        ),
        client.post(url, {"customerId": customer.pk, "role": "owner"}, format="json"),
        client.post(url, {}, format="json"),
    ]

    assert [(r.status_code, _fields(r)) for r in responses] == [
        (409, ["customerId"]),
        (400, ["customerId"]),
        (400, ["customerId"]),
        (400, ["locationIds.0"]),
        (400, ["role"]),
        (400, ["customerId"]),
    ]
    assert _snapshot() == before


def test_the_main_contact_is_deleted_last(client: APIClient) -> None:
    company = CompanyFactory.create()
    url = f"{COMPANIES}/{company.pk}/contacts"
    main = client.post(url, {"customerId": CustomerFactory.create().pk}, format="json").json()
    other = client.post(url, {"customerId": CustomerFactory.create().pk}, format="json").json()

    refused = client.delete(f"{url}/{main['id']}")
    other_deleted = client.delete(f"{url}/{other['id']}")
    main_deleted = client.delete(f"{url}/{main['id']}")

    assert refused.status_code == 409
    assert _fields(refused) == ["isMainContact"]
    assert (other_deleted.status_code, main_deleted.status_code) == (204, 204)
    company.refresh_from_db()
    assert company.main_contact_id is None


def test_the_company_main_contact_can_be_set_on_the_company(client: APIClient) -> None:
    company = CompanyFactory.create()
    first = CompanyContactFactory.create(company=company, is_main_contact=True)
    company.main_contact = first
    company.save()
    second = CompanyContactFactory.create(company=company)
    stranger = CompanyContactFactory.create()

    response = client.patch(
        f"{COMPANIES}/{company.pk}", {"mainContactId": second.pk}, format="json"
    )
    refused = client.patch(
        f"{COMPANIES}/{company.pk}", {"mainContactId": stranger.pk}, format="json"
    )

    assert response.json()["mainContactId"] == second.pk
    assert (refused.status_code, _fields(refused)) == (400, ["mainContactId"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_main_contact, second.is_main_contact) == (False, True)


def test_due_dates_follow_the_terms_type() -> None:
    from datetime import UTC, datetime

    from b2b.services import payment_terms_due_date

    issued = datetime(2030, 1, 1, tzinfo=UTC)
    net = PaymentTermsFactory.create(net_days=45)
    fixed = PaymentTermsFactory.create(
        payment_terms_type=PaymentTermsType.FIXED,
        net_days=None,
        payment_due_date=datetime(2030, 3, 1, tzinfo=UTC),
    )
    receipt = PaymentTermsFactory.create(payment_terms_type=PaymentTermsType.RECEIPT, net_days=None)

    assert payment_terms_due_date(terms=net, issued_at=issued) == datetime(2030, 2, 15, tzinfo=UTC)
    assert payment_terms_due_date(terms=fixed, issued_at=issued) == datetime(2030, 3, 1, tzinfo=UTC)
    assert payment_terms_due_date(terms=receipt, issued_at=issued) is None
