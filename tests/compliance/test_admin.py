"""The compliance back office: every page renders in a fixed number of queries, GDPR requests
are logged by email digest, and consent history cannot be edited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from compliance.models import ComplianceRecord, Consent, DataRetentionPolicy, DataSubjectRequest
from core import services as core_services

from .factories import (
    ComplianceRecordFactory,
    ConsentFactory,
    CustomerFactory,
    DataRetentionPolicyFactory,
    DataSubjectRequestFactory,
)

pytestmark = pytest.mark.django_db

MODELS: list[tuple[type[Model], Callable[..., Any]]] = [
    (ComplianceRecord, ComplianceRecordFactory),
    (DataRetentionPolicy, DataRetentionPolicyFactory),
    (DataSubjectRequest, DataSubjectRequestFactory),
    (Consent, ConsentFactory),
]
IDS = [model.__name__ for model, _ in MODELS]


@pytest.fixture
def staff(admin_user: User, verified_login: Any) -> Client:
    client = Client()
    verified_login(client, admin_user)
    return client


def url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:compliance_{model._meta.model_name}_{view}", args=args)


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("model", "factory"), MODELS, ids=IDS)
def test_changelist_costs_the_same_for_3_or_13_rows(
    staff: Client, model: type[Model], factory: Callable[..., Any], admin_user: User
) -> None:
    extra: dict[str, Any] = {"auditor": admin_user} if model is ComplianceRecord else {}
    if model is DataSubjectRequest:
        extra = {"customer": CustomerFactory.create()}
    for _ in range(3):
        factory(**extra)
    few = queries_for(staff, url(model, "changelist"))
    for _ in range(10):
        factory(**extra)
    many = queries_for(staff, url(model, "changelist"))
    assert many == few
    assert queries_for(staff, url(model, "changelist") + "?q=a") <= few + 1


@pytest.mark.parametrize(("model", "factory"), MODELS, ids=IDS)
def test_add_and_change_pages_render(
    staff: Client, model: type[Model], factory: Callable[..., Any]
) -> None:
    obj = factory()
    assert staff.get(url(model, "add")).status_code == 200
    assert staff.get(url(model, "change", obj.pk)).status_code == 200


def test_staff_log_a_request_by_email_and_only_its_digest_is_kept(
    staff: Client, admin_user: User
) -> None:
    # When staff log an erasure request for Jane
    response = staff.post(
        url(DataSubjectRequest, "add"),
        {
            "subject_email": "Jane@Example.com",
            "request_type": "erasure",
            "source": "admin",
            "requested_at_0": "2025-01-02",
            "requested_at_1": "10:00:00",
            "due_at_0": "2025-02-01",
            "due_at_1": "10:00:00",
            "notes": "",
        },
    )
    # Then the request is stored with the digest, by the staff member
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get()
    assert request.subject_email_digest == DataSubjectRequest.digest_email("jane@example.com")
    assert request.requested_by == admin_user
    assert "jane" not in str(DataSubjectRequest.objects.values().get()).lower()
    # ...and staff find it by typing the email address
    found = staff.get(url(DataSubjectRequest, "changelist") + "?q=JANE@example.com")
    assert list(found.context["cl"].result_list) == [request]


def test_a_request_without_email_is_refused(staff: Client) -> None:
    response = staff.post(
        url(DataSubjectRequest, "add"),
        {
            "request_type": "export",
            "source": "admin",
            "requested_at_0": "2025-01-02",
            "requested_at_1": "10:00:00",
            "due_at_0": "2025-02-01",
            "due_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "subject_email" in response.context["adminform"].form.errors
    assert not DataSubjectRequest.objects.exists()


def test_completing_without_a_completion_time_is_a_form_error(staff: Client) -> None:
    # Given a received request
    request = DataSubjectRequestFactory.create()
    # When staff mark it completed without saying when
    response = staff.post(
        url(DataSubjectRequest, "change", request.pk),
        {
            "status": "completed",
            "due_at_0": request.due_at.date().isoformat(),
            "due_at_1": request.due_at.time().strftime("%H:%M:%S"),
            "completed_at_0": "",
            "completed_at_1": "",
            "notes": "",
        },
    )
    # Then the form says so and nothing changed
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Completion time: required when completed, else empty."
    ]
    request.refresh_from_db()
    assert request.status == "received"


def test_consent_history_cannot_be_edited_or_deleted(staff: Client) -> None:
    consent = ConsentFactory.create()
    change = url(Consent, "change", consent.pk)
    assert staff.post(change, {"granted": "on"}).status_code == 403
    assert staff.post(url(Consent, "delete", consent.pk), {"post": "yes"}).status_code == 403
    consent.refresh_from_db()
    assert Consent.objects.count() == 1


def test_staff_record_a_new_consent_row(staff: Client) -> None:
    customer = CustomerFactory.create()
    response = staff.post(
        url(Consent, "add"),
        {
            "customer": customer.pk,
            "purpose": "sms_marketing",
            "granted": "on",
            "opt_in_level": "single_opt_in",
            "source": "admin",
            "recorded_at_0": "2025-05-01",
            "recorded_at_1": "12:00:00",
            "ip_address": "",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.customer, consent.purpose, consent.granted) == (customer, "sms_marketing", True)


def test_soft_deleted_policies_are_listed_on_demand(staff: Client) -> None:
    live, deleted = DataRetentionPolicyFactory.create(), DataRetentionPolicyFactory.create()
    core_services.soft_delete(instance=deleted)
    default = staff.get(url(DataRetentionPolicy, "changelist"))
    assert list(default.context["cl"].result_list) == [live]
    shown = staff.get(url(DataRetentionPolicy, "changelist") + "?deleted=yes")
    assert list(shown.context["cl"].result_list) == [deleted]


def test_a_second_active_policy_is_a_form_error_not_a_crash(staff: Client) -> None:
    # Given an active retention policy for orders
    DataRetentionPolicyFactory.create(entity_type="Order")
    # When staff add another active one
    response = staff.post(
        url(DataRetentionPolicy, "add"),
        {
            "entity_type": "Order",
            "retention_period_days": "2555",
            "deletion_policy": "anonymize",
            "archive_policy": "cold_storage",
            "is_active": "on",
            "legal_basis": "",
            "description": "",
        },
    )
    # Then the form refuses it (the constraint involves read-only deleted_at)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This entity type already has an active retention policy."
    ]
    assert DataRetentionPolicy.objects.filter(entity_type="Order").count() == 1


def test_an_audit_verdict_without_a_date_is_a_form_error(staff: Client) -> None:
    response = staff.post(
        url(ComplianceRecord, "add"),
        {
            "entity_type": "Order",
            "entity_id": "1001",
            "compliance_type": "pci_dss",
            "status": "compliant",
            "last_audit_date": "",
            "notes": "",
            "evidence": "{}",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "An audit verdict needs the date of the audit."
    ]
    assert not ComplianceRecord.objects.exists()
