"""GDPR requests and consents over HTTP: /api/v1/customers/{id}/gdpr-export, gdpr-erase,
consents and /api/v1/data-subject-requests/{id} (+ /export)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from compliance.models import Consent, DataSubjectRequest
from core.models import Event
from customers.models import Customer
from tests.compliance.people import plant_person
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _client(*scopes: str) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=list(scopes))[1])


def _snapshot() -> tuple[int, int, int]:
    return (DataSubjectRequest.objects.count(), Consent.objects.count(), Event.objects.count())


def test_an_export_is_accepted_then_carried_out_and_fetched(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = plant_person("Uniform", 3101)
    client = _client("write_compliance")
    url = f"/api/v1/customers/{person.customer.pk}/gdpr-export"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    assert response.status_code == 202
    body = response.json()
    assert (body["requestType"], body["status"], body["source"]) == ("export", "received", "api")
    assert response["Location"] == f"/api/v1/data-subject-requests/{body['id']}"
    pending = client.get(url).json()
    assert (pending["status"], pending["export"]) == ("received", None)
    not_ready = client.get(f"/api/v1/data-subject-requests/{body['id']}/export")
    assert (not_ready.status_code, not_ready.json()["error"]["code"]) == (409, "NOT_READY")

    for callback in callbacks:  # the worker runs the queued task
        callback()

    done = client.get(url).json()
    assert done["status"] == "completed"
    assert done["export"]["tables"]["customers.Customer"][0]["email"] == person.canaries.email
    document = client.get(f"/api/v1/data-subject-requests/{body['id']}/export").json()
    assert document["counts"] == done["evidence"]["tables"]
    assert client.get(f"/api/v1/data-subject-requests/{body['id']}").json()["status"] == (
        "completed"
    )


def test_an_erasure_needs_confirmation_and_then_erases(
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = CustomerFactory.create(email="erase.me@example.com", first_name="Erika")
    client = _client("write_compliance")
    url = f"/api/v1/customers/{customer.pk}/gdpr-erase"
    before = _snapshot()

    for body in ({}, {"confirm": False}, {"confirm": "maybe"}):
        refused = client.post(url, body, format="json")
        assert refused.status_code == 400
        assert refused.json()["error"]["details"][0]["field"] == "confirm"
    assert _snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": True}, format="json")

    assert response.status_code == 202
    request = DataSubjectRequest.objects.get(pk=response.json()["id"])
    assert (request.request_type, request.status) == ("erasure", "completed")
    erased = Customer.all_objects.get(pk=customer.pk)
    assert (erased.email, erased.first_name, erased.deleted_at is not None) == ("", "", True)
    # The erased customer is gone from the API.
    assert client.post(url, {"confirm": True}, format="json").status_code == 404


@pytest.mark.parametrize(
    "scopes",
    [
        [],
        ["read_customers"],
        ["write_customers"],
        ["read_compliance"],
        ["write_orders", "write_products"],
    ],
)
def test_gdpr_endpoints_need_write_compliance(scopes: list[str]) -> None:
    customer = CustomerFactory.create()
    request = DataSubjectRequest.objects.create(
        customer=customer,
        subject_email_digest=DataSubjectRequest.digest_email(customer.email),
        request_type="export",
        source="api",
    )
    client = _client(*scopes) if scopes else APIClient()
    before = _snapshot()

    calls = [
        client.post(f"/api/v1/customers/{customer.pk}/gdpr-export"),
        client.get(f"/api/v1/customers/{customer.pk}/gdpr-export"),
        client.post(f"/api/v1/customers/{customer.pk}/gdpr-erase", {"confirm": True}),
        client.get(f"/api/v1/data-subject-requests/{request.pk}"),
        client.get(f"/api/v1/data-subject-requests/{request.pk}/export"),
    ]

    assert [call.status_code for call in calls] == [401 if not scopes else 403] * 5
    assert _snapshot() == before


def test_unknown_customers_and_requests_are_404() -> None:
    client = _client("write_compliance")
    assert client.post("/api/v1/customers/999999/gdpr-export").status_code == 404
    assert client.get("/api/v1/customers/999999/gdpr-export").status_code == 404
    assert client.get("/api/v1/data-subject-requests/999999").status_code == 404
    customer = CustomerFactory.create()
    missing = client.get(f"/api/v1/customers/{customer.pk}/gdpr-export")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_consents_are_a_history_and_derive_the_marketing_state() -> None:
    customer = CustomerFactory.create()
    client = _client("write_customers")
    url = f"/api/v1/customers/{customer.pk}/consents"

    granted = client.post(
        url,
        {
            "purpose": "email_marketing",
            "granted": True,
            "optInLevel": "confirmed_opt_in",
            "ipAddress": "203.0.113.9",
        },
        format="json",
    )
    withdrawn = client.post(url, {"purpose": "email_marketing", "granted": False}, format="json")
    sms = client.post(
        url, {"purpose": "sms_marketing", "granted": True, "source": "checkout"}, format="json"
    )

    assert [r.status_code for r in (granted, withdrawn, sms)] == [201, 201, 201]
    assert granted.json()["withdrawnAt"] is None
    assert withdrawn.json()["withdrawnAt"] is not None
    listing = client.get(url).json()
    assert [(c["purpose"], c["granted"]) for c in listing["history"]] == [
        ("sms_marketing", True),
        ("email_marketing", False),
        ("email_marketing", True),
    ]
    current = {c["purpose"]: c["granted"] for c in listing["current"]}
    assert current == {
        "email_marketing": False,
        "sms_marketing": True,
        "analytics": None,
        "personalization": None,
        "third_party_sharing": None,
    }
    customer.refresh_from_db()
    assert customer.accepts_marketing is False
    assert customer.email_marketing_consent["state"] == "unsubscribed"
    assert customer.sms_marketing_consent["state"] == "subscribed"
    assert customer.sms_marketing_consent["consent_collected_from"] == "CHECKOUT"
    assert Consent.objects.filter(customer=customer).count() == 3


def test_consent_writes_are_refused_for_bad_input_mirrored_customers_and_read_scopes() -> None:
    customer = CustomerFactory.create()
    mirrored = CustomerFactory.create(shopify_id=123456789)
    writer = _client("write_customers")
    before = (_snapshot(), customer.accepts_marketing)

    bad = [
        writer.post(f"/api/v1/customers/{customer.pk}/consents", body, format="json")
        for body in (
            {},
            {"purpose": "telepathy", "granted": True},
            {"purpose": "email_marketing"},
            {"purpose": "email_marketing", "granted": True, "source": "carrier_pigeon"},
            {"purpose": "email_marketing", "granted": True, "ipAddress": "not-an-ip"},
        )
    ]
    managed = writer.post(
        f"/api/v1/customers/{mirrored.pk}/consents",
        {"purpose": "email_marketing", "granted": True},
        format="json",
    )
    reader = _client("read_customers").post(
        f"/api/v1/customers/{customer.pk}/consents",
        {"purpose": "email_marketing", "granted": True},
        format="json",
    )

    assert [r.status_code for r in bad] == [400] * 5
    assert (managed.status_code, managed.json()["error"]["code"]) == (409, "SHOPIFY_MANAGED")
    assert reader.status_code == 403
    customer.refresh_from_db()
    assert (_snapshot(), customer.accepts_marketing) == before
    assert (
        _client("read_customers").get(f"/api/v1/customers/{customer.pk}/consents").status_code
        == 200
    )
