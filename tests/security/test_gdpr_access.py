"""Who may order or read a GDPR export or erasure: only credentials with write_compliance (or
all). Every other single scope, no credential, a forged key, a customer-less staff user, and
sloppy confirmations of an erasure are tried; none may get through, and a refused request
changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.scopes import SCOPES
from accounts.services import api_key_create
from compliance.models import DataSubjectRequest
from core.models import Event
from customers.models import Customer
from tests.accounts.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.security.report import AttackReport

pytestmark = pytest.mark.django_db
ALLOWED = {"write_compliance", "all"}


def _state() -> tuple[int, int, int]:
    return (
        DataSubjectRequest.objects.count(),
        Event.objects.count(),
        Customer.objects.filter(email="").count(),
    )


def _calls(client: APIClient, customer_id: int, request_id: int) -> list[tuple[str, Any]]:
    return [
        ("POST gdpr-export", client.post(f"/api/v1/customers/{customer_id}/gdpr-export")),
        ("GET gdpr-export", client.get(f"/api/v1/customers/{customer_id}/gdpr-export")),
        (
            "POST gdpr-erase",
            client.post(
                f"/api/v1/customers/{customer_id}/gdpr-erase", {"confirm": True}, format="json"
            ),
        ),
        ("GET request", client.get(f"/api/v1/data-subject-requests/{request_id}")),
        ("GET request export", client.get(f"/api/v1/data-subject-requests/{request_id}/export")),
    ]


def test_only_write_compliance_reaches_the_gdpr_endpoints() -> None:
    customer = CustomerFactory.create()
    request = DataSubjectRequest.objects.create(
        customer=customer,
        subject_email_digest=DataSubjectRequest.digest_email(customer.email),
        request_type="export",
        source="api",
    )
    report = AttackReport("gdpr-api-access")
    before = _state()
    identities: list[tuple[str, APIClient]] = [("anonymous", APIClient())]
    identities.append(("forged key", APIClient(HTTP_X_API_KEY="sk_live_" + "A" * 40)))
    identities.append(("bearer garbage", APIClient(HTTP_AUTHORIZATION="Bearer not.a.jwt")))
    staff = APIClient()
    staff.force_authenticate(UserFactory.create(is_staff=True))
    identities.append(("staff without permissions", staff))
    outsider = APIClient()
    outsider.force_authenticate(UserFactory.create(is_staff=False))
    identities.append(("non-staff user", outsider))
    for scope in SCOPES:
        if scope not in ALLOWED:
            key = api_key_create(name=f"k-{scope}", scopes=[scope])[1]
            identities.append((f"key {scope}", APIClient(HTTP_X_API_KEY=key)))
    for name, client in identities:
        for call, response in _calls(client, customer.pk, request.pk):
            report.tried(
                f"{name}: {call}",
                got_through=response.status_code not in (401, 403),
                status=response.status_code,
            )
    report.tried("state changed by refused requests", got_through=_state() != before)
    report.assert_none_got_through()


@pytest.mark.parametrize("scope", sorted(ALLOWED))
def test_write_compliance_and_all_do_reach_them(scope: str) -> None:
    customer = CustomerFactory.create()
    client = APIClient(HTTP_X_API_KEY=api_key_create(name="k", scopes=[scope])[1])

    response = client.post(f"/api/v1/customers/{customer.pk}/gdpr-export")

    assert response.status_code == 202


def test_an_erasure_is_confirmed_by_the_json_literal_true_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = CustomerFactory.create(first_name="Keepme")
    client = APIClient(HTTP_X_API_KEY=api_key_create(name="k", scopes=["write_compliance"])[1])
    url = f"/api/v1/customers/{customer.pk}/gdpr-erase"
    report = AttackReport("gdpr-erase-confirmation")
    before = _state()
    sloppy: list[Any] = [
        None,
        False,
        0,
        1,
        "1",
        "true",
        "True",
        "yes",
        "on",
        "y",
        [],
        [True],
        {},
        {"confirm": True},
        "erase",
        1.0,
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for value in sloppy:
            response = client.post(url, {"confirm": value}, format="json")
            report.tried(f"confirm={value!r}", got_through=response.status_code != 400)
        for body in ({}, {"Confirm": True}, {"confirmed": True}, {"confirm ": True}):
            response = client.post(url, body, format="json")
            report.tried(f"body={body!r}", got_through=response.status_code != 400)
        # Form-encoded and multipart bodies are not even parsed (JSON API): 415.
        for encoding in ("multipart", None):
            form = client.post(url, {"confirm": "true"}, format=encoding)
            report.tried(
                f"{encoding or 'form'}-encoded confirm", got_through=form.status_code != 415
            )
    report.tried("state changed", got_through=_state() != before)
    report.tried(
        "customer erased",
        got_through=Customer.all_objects.get(pk=customer.pk).first_name != "Keepme",
    )
    report.assert_none_got_through()
