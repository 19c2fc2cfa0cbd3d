"""The back office's GDPR tools: consents are added through the consent service (history row,
derived marketing state, who recorded it), retention policies name a known entity type, and
staff carry out export and erasure requests with an admin action."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from compliance.models import Consent, DataRetentionPolicy, DataSubjectRequest
from customers.models import Customer
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user: User, verified_login: Any) -> Client:
    client = Client()
    verified_login(client, admin_user)
    return client


def test_adding_a_consent_in_the_admin_records_history_and_the_marketing_state(
    staff: Client, admin_user: User
) -> None:
    customer = CustomerFactory.create()

    response = staff.post(
        reverse("admin:compliance_consent_add"),
        {
            "customer": customer.pk,
            "purpose": "email_marketing",
            "granted": "on",
            "opt_in_level": "single_opt_in",
            "source": "admin",
            "ip_address": "",
        },
    )

    assert response.status_code == 302, response.content
    consent = Consent.objects.get()
    assert (consent.granted, consent.source, consent.recorded_by_id) == (
        True,
        "admin",
        admin_user.pk,
    )
    customer.refresh_from_db()
    assert customer.accepts_marketing is True
    assert customer.marketing_opt_in_level == "single_opt_in"


def test_a_retention_policy_names_an_entity_type_the_run_knows(staff: Client) -> None:
    add = reverse("admin:compliance_dataretentionpolicy_add")
    form = {
        "retention_period_days": 90,
        "deletion_policy": "hard_delete",
        "archive_policy": "none",
        "is_active": "on",
        "legal_basis": "Cart recovery",
        "description": "",
    }

    refused = staff.post(add, {**form, "entity_type": "Checkouts"})
    accepted = staff.post(add, {**form, "entity_type": "AbandonedCheckout"})

    assert refused.status_code == 200
    assert "Unknown entity type" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(DataRetentionPolicy.objects.values_list("entity_type", flat=True)) == [
        "AbandonedCheckout"
    ]


def test_staff_carry_out_requests_with_the_admin_action(staff: Client) -> None:
    customer = CustomerFactory.create(email="admin.erase@example.com", first_name="Adminerased")
    erasure = DataSubjectRequest.objects.create(
        customer=customer,
        subject_email_digest=DataSubjectRequest.digest_email(customer.email),
        request_type="erasure",
        source="admin",
    )

    response = staff.post(
        reverse("admin:compliance_datasubjectrequest_changelist"),
        {"action": "carry_out", "_selected_action": [erasure.pk]},
    )

    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == "completed"
    assert Customer.all_objects.get(pk=customer.pk).first_name == ""
