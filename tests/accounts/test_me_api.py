"""/api/v1/me/: a customer's own profile, addresses, orders and GDPR requests."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import customer_account_create
from compliance.models import DataSubjectRequest
from core.errors import Conflict, ServiceError
from customers.models import Customer, CustomerAddress
from tests.accounts.factories import UserFactory
from tests.b2b.factories import CompanyContactFactory, CompanyLocationFactory
from tests.customers.factories import CustomerAddressFactory, CustomerFactory
from tests.orders.factories import OrderFactory
from tests.security.world import bearer

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-42"


def login(customer: Customer) -> tuple[User, APIClient]:
    user = customer_account_create(customer=customer, password=PASSWORD)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(user))
    return user, client


def test_a_customer_signs_in_with_the_token_endpoint_and_reads_their_profile() -> None:
    customer = CustomerFactory.create(
        email="ada@example.com", first_name="Ada", note="VIP, staff only"
    )
    customer_account_create(customer=customer, password=PASSWORD)
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token", {"email": "ada@example.com", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['access']}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == customer.pk
    assert body["email"] == "ada@example.com"
    assert body["firstName"] == "Ada"
    assert "note" not in body and "tags" not in body and "state" not in body


def test_profile_patch_changes_only_the_self_service_fields() -> None:
    customer = CustomerFactory.create(email="bo@example.com", first_name="Bo", phone="+16135550100")
    user, client = login(customer)
    response = client.patch(
        "/api/v1/me/",
        {
            "firstName": "Bob",
            "phone": "+16135550199",
            "email": "other@example.com",
            "note": "planted",
            "state": "enabled",
            "taxExempt": True,
            "isStaff": True,
        },
        format="json",
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.first_name, customer.phone) == ("Bob", "+16135550199")
    assert (customer.email, customer.note, customer.tax_exempt) == ("bo@example.com", "", False)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)
    refused = client.patch("/api/v1/me/", {"phone": "0613"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0]["field"] == "phone"
    customer.refresh_from_db()
    assert customer.phone == "+16135550199"


def test_addresses_crud_on_own_addresses() -> None:
    customer = CustomerFactory.create()
    _user, client = login(customer)
    created = client.post(
        "/api/v1/me/addresses",
        {"address1": "1 Main St", "city": "Ottawa", "countryCode": "CA"},
        format="json",
    )
    assert created.status_code == 201
    address_id = created.json()["id"]
    assert created.json()["customerId"] == customer.pk
    assert created.json()["default"] is True
    second = client.post(
        "/api/v1/me/addresses",
        {"address1": "2 Side St", "city": "Ottawa", "countryCode": "CA"},
        format="json",
    ).json()["id"]
    listed = client.get("/api/v1/me/addresses").json()["results"]
    assert [row["id"] for row in listed] == [address_id, second]
    patched = client.patch(f"/api/v1/me/addresses/{second}", {"city": "Hull"}, format="json")
    assert patched.json()["city"] == "Hull"
    made_default = client.post(f"/api/v1/me/addresses/{second}/default")
    assert made_default.json()["default"] is True
    assert client.delete(f"/api/v1/me/addresses/{address_id}").status_code == 204
    assert list(CustomerAddress.objects.filter(customer=customer).values_list("pk", flat=True)) == [
        second
    ]


def test_orders_are_the_customers_own_and_their_companys() -> None:
    customer, stranger = CustomerFactory.create(), CustomerFactory.create()
    contact = CompanyContactFactory.create(customer=customer)
    mine = OrderFactory.create(customer=customer)
    company_order = OrderFactory.create(customer=stranger, company=contact.company)
    OrderFactory.create(customer=stranger)
    location = CompanyLocationFactory.create(company=contact.company)
    CompanyLocationFactory.create()
    _user, client = login(customer)
    listed = client.get("/api/v1/me/orders").json()["results"]
    assert sorted(row["id"] for row in listed) == sorted([mine.pk, company_order.pk])
    assert "note" not in listed[0] and "tags" not in listed[0]
    locations = client.get("/api/v1/me/company-locations").json()["results"]
    assert [row["id"] for row in locations] == [location.pk]


def test_gdpr_requests_are_recorded_once_per_open_type() -> None:
    customer = CustomerFactory.create(email="gdpr@example.com")
    user, client = login(customer)
    created = client.post("/api/v1/me/gdpr-requests", {"requestType": "export"}, format="json")
    assert created.status_code == 201
    assert created.json()["requestType"] == "export"
    assert created.json()["status"] == "received"
    row = DataSubjectRequest.objects.get()
    assert (row.customer_id, row.source, row.requested_by_id) == (customer.pk, "api", user.pk)
    assert row.subject_email_digest == DataSubjectRequest.digest_email("gdpr@example.com")
    again = client.post("/api/v1/me/gdpr-requests", {"requestType": "export"}, format="json")
    assert again.status_code == 409
    assert (
        client.post(
            "/api/v1/me/gdpr-requests", {"requestType": "erasure"}, format="json"
        ).status_code
        == 201
    )
    refused = client.post(
        "/api/v1/me/gdpr-requests", {"requestType": "rectification"}, format="json"
    )
    assert refused.status_code == 400
    assert DataSubjectRequest.objects.count() == 2
    listed = client.get("/api/v1/me/gdpr-requests").json()["results"]
    assert sorted(row["requestType"] for row in listed) == ["erasure", "export"]


def test_staff_api_keys_and_deleted_customers_have_no_self_service() -> None:
    staff = UserFactory.create()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(staff))
    assert client.get("/api/v1/me/").status_code == 403
    customer = CustomerFactory.create()
    CustomerAddressFactory.create(customer=customer)
    _user, customer_client = login(customer)
    Customer.objects.filter(pk=customer.pk).update(deleted_at="2026-01-01T00:00:00Z")
    assert customer_client.get("/api/v1/me/").status_code == 404
    assert customer_client.get("/api/v1/me/addresses").status_code == 404
    assert APIClient().get("/api/v1/me/").status_code == 401


def test_customer_logins_are_never_staff_and_unique_per_customer() -> None:
    customer = CustomerFactory.create(email="once@example.com")
    user = customer_account_create(customer=customer, password=PASSWORD)
    assert (user.is_staff, user.customer_id, user.email) == (False, customer.pk, "once@example.com")
    with pytest.raises(Conflict):
        customer_account_create(customer=customer, password=PASSWORD)
    with pytest.raises(ServiceError):
        customer_account_create(customer=CustomerFactory.create(email=""), password=PASSWORD)
    with pytest.raises(ServiceError):
        customer_account_create(customer=CustomerFactory.create(), password="short")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_staff=True)
    assert User.objects.filter(customer__isnull=False).count() == 1


def test_company_access_follows_the_contacts_made_and_removed_through_the_services() -> None:
    from b2b.services import contact_create, contact_delete
    from tests.b2b.factories import CompanyFactory

    customer = CustomerFactory.create()
    user, client = login(customer)
    company = CompanyFactory.create()
    location = CompanyLocationFactory.create(company=company)
    assert client.get("/api/v1/me/company-locations").json()["results"] == []
    contact = contact_create(company=company, data={"customer_id": customer.pk})
    assert user.has_perm("b2b.view_company", company)
    listed = client.get("/api/v1/me/company-locations").json()["results"]
    assert [row["id"] for row in listed] == [location.pk]
    contact_delete(contact=contact)
    assert client.get("/api/v1/me/company-locations").json()["results"] == []
    assert client.get(f"/api/v1/me/company-locations/{location.pk}").status_code == 404
