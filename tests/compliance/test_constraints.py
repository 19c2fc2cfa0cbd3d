"""PostgreSQL enforces the compliance app's rules: each test names the constraint it expects."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.choices import (
    ComplianceStatus,
    ComplianceType,
    ConsentOptInLevel,
    DataSubjectRequestStatus,
)
from compliance.models import (
    LONGEST_EXTENDED_RESPONSE_PERIOD,
    ComplianceRecord,
    Consent,
    DataRetentionPolicy,
    DataSubjectRequest,
)
from core import services as core_services

from .factories import (
    ComplianceRecordFactory,
    ConsentFactory,
    CustomerFactory,
    DataRetentionPolicyFactory,
    DataSubjectRequestFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def assert_refused(create: Callable[..., Any], constraint: str, **fields: Any) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        create(**fields)
    assert constraint in str(refused.value)


# --- ComplianceRecord -------------------------------------------------------------------------


def test_one_live_record_per_entity_and_regime() -> None:
    # Given a GDPR record for customer 7
    ComplianceRecordFactory.create(entity_type="Customer", entity_id=7, compliance_type="gdpr")
    # When a second one is written, then it is refused
    assert_refused(
        ComplianceRecordFactory,
        "compliance_record_entity_type_unique",
        entity_type="Customer",
        entity_id=7,
        compliance_type="gdpr",
    )
    # ...while another regime for the same customer is accepted
    ComplianceRecordFactory.create(entity_type="Customer", entity_id=7, compliance_type="ccpa")
    assert ComplianceRecord.objects.filter(entity_id=7).count() == 2


def test_a_soft_deleted_record_frees_its_slot() -> None:
    # Given a soft-deleted GDPR record for customer 7
    old = ComplianceRecordFactory.create(
        entity_type="Customer", entity_id=7, compliance_type="gdpr"
    )
    core_services.soft_delete(instance=old)
    # When a new one is written, then it is accepted
    new = ComplianceRecordFactory.create(
        entity_type="Customer", entity_id=7, compliance_type="gdpr"
    )
    assert list(ComplianceRecord.objects.filter(entity_id=7)) == [new]
    assert ComplianceRecord.all_objects.filter(entity_id=7).count() == 2


@pytest.mark.parametrize("entity_type", ["", "customer", "customers.customer", "Order Item"])
def test_entity_type_is_a_model_name(entity_type: str) -> None:
    assert_refused(
        ComplianceRecordFactory, "compliance_record_entity_type_valid", entity_type=entity_type
    )


@pytest.mark.parametrize("entity_id", [0, -1])
def test_entity_id_is_positive(entity_id: int) -> None:
    assert_refused(
        ComplianceRecordFactory, "compliance_record_entity_id_positive", entity_id=entity_id
    )


def test_compliance_type_is_a_known_regime() -> None:
    assert_refused(
        ComplianceRecordFactory,
        "compliance_record_compliance_type_valid",
        compliance_type="hipaa",
    )


def test_status_is_a_known_status() -> None:
    assert_refused(ComplianceRecordFactory, "compliance_record_status_valid", status="approved")


@pytest.mark.parametrize(
    "status",
    [
        ComplianceStatus.COMPLIANT,
        ComplianceStatus.NON_COMPLIANT,
        ComplianceStatus.REMEDIATION_REQUIRED,
    ],
)
def test_an_audit_verdict_needs_the_audit_date(status: str) -> None:
    assert_refused(
        ComplianceRecordFactory,
        "compliance_record_audited_has_date",
        status=status,
        last_audit_date=None,
    )


@pytest.mark.parametrize("status", [ComplianceStatus.PENDING_REVIEW, ComplianceStatus.EXEMPT])
def test_pending_and_exempt_records_need_no_audit_date(status: str) -> None:
    record = ComplianceRecordFactory.create(status=status, last_audit_date=None)
    record.refresh_from_db()
    assert record.status == status
    assert record.last_audit_date is None


# --- DataRetentionPolicy ----------------------------------------------------------------------


def test_one_active_policy_per_entity_type() -> None:
    # Given an active policy for orders
    DataRetentionPolicyFactory.create(entity_type="Order")
    # When a second active one is written, then it is refused
    assert_refused(
        DataRetentionPolicyFactory,
        "compliance_retention_active_entity_unique",
        entity_type="Order",
    )
    # ...while inactive drafts are accepted
    DataRetentionPolicyFactory.create(entity_type="Order", is_active=False)
    DataRetentionPolicyFactory.create(entity_type="Order", is_active=False)
    assert DataRetentionPolicy.objects.filter(entity_type="Order").count() == 3


def test_a_soft_deleted_policy_does_not_block_a_new_active_one() -> None:
    old = DataRetentionPolicyFactory.create(entity_type="Order")
    core_services.soft_delete(instance=old)
    new = DataRetentionPolicyFactory.create(entity_type="Order")
    assert list(DataRetentionPolicy.objects.filter(entity_type="Order")) == [new]


def test_retention_policy_entity_type_is_a_model_name() -> None:
    assert_refused(
        DataRetentionPolicyFactory, "compliance_retention_entity_type_valid", entity_type="order"
    )


def test_retention_period_is_positive() -> None:
    assert_refused(
        DataRetentionPolicyFactory, "compliance_retention_period_gt_0", retention_period_days=0
    )
    policy = DataRetentionPolicyFactory.create(retention_period_days=1)
    assert policy.retention_period_days == 1


def test_deletion_policy_is_known() -> None:
    assert_refused(
        DataRetentionPolicyFactory, "compliance_retention_deletion_valid", deletion_policy="shred"
    )


def test_archive_policy_is_known() -> None:
    assert_refused(
        DataRetentionPolicyFactory, "compliance_retention_archive_valid", archive_policy="tape"
    )


# --- DataSubjectRequest -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "digest",
    ["jane@example.com", "", "A" * 64, "0" * 63, "g" * 64],
    ids=["email", "blank", "upper-case", "too-short", "not-hex"],
)
def test_the_subject_is_kept_only_as_a_sha256_digest(digest: str) -> None:
    assert_refused(
        DataSubjectRequestFactory, "compliance_dsr_digest_sha256", subject_email_digest=digest
    )


def test_email_digest_ignores_case_and_surrounding_spaces() -> None:
    expected = "8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"
    assert DataSubjectRequest.digest_email(" Jane@Example.COM ") == expected
    assert DataSubjectRequest.digest_email("jane@example.com") == expected


def test_request_type_is_known() -> None:
    assert_refused(DataSubjectRequestFactory, "compliance_dsr_type_valid", request_type="delete")


def test_request_status_is_known() -> None:
    assert_refused(DataSubjectRequestFactory, "compliance_dsr_status_valid", status="done")


def test_request_source_is_known() -> None:
    assert_refused(DataSubjectRequestFactory, "compliance_dsr_source_valid", source="email")


def test_a_completed_request_has_its_completion_time() -> None:
    assert_refused(
        DataSubjectRequestFactory,
        "compliance_dsr_completed_at_iff_done",
        status=DataSubjectRequestStatus.COMPLETED,
        completed_at=None,
    )


@pytest.mark.parametrize(
    "status",
    [
        DataSubjectRequestStatus.RECEIVED,
        DataSubjectRequestStatus.IN_PROGRESS,
        DataSubjectRequestStatus.REJECTED,
    ],
)
def test_only_a_completed_request_has_a_completion_time(status: str) -> None:
    assert_refused(
        DataSubjectRequestFactory,
        "compliance_dsr_completed_at_iff_done",
        status=status,
        requested_at=NOW,
        completed_at=NOW + datetime.timedelta(days=1),
        notes="Identity could not be verified.",
    )


def test_a_completed_request_is_accepted() -> None:
    request = DataSubjectRequestFactory.create(
        requested_at=NOW,
        status=DataSubjectRequestStatus.COMPLETED,
        completed_at=NOW + datetime.timedelta(days=2),
        evidence={"exported": {"customers": 1, "orders": 3}},
    )
    request.refresh_from_db()
    assert request.status == DataSubjectRequestStatus.COMPLETED
    assert request.completed_at == NOW + datetime.timedelta(days=2)


def test_a_request_cannot_complete_before_it_was_made() -> None:
    assert_refused(
        DataSubjectRequestFactory,
        "compliance_dsr_completed_after_request",
        requested_at=NOW,
        status=DataSubjectRequestStatus.COMPLETED,
        completed_at=NOW - datetime.timedelta(seconds=1),
    )


@pytest.mark.parametrize(
    "due_after_request",
    [
        datetime.timedelta(0),
        datetime.timedelta(days=-1),
        LONGEST_EXTENDED_RESPONSE_PERIOD + datetime.timedelta(seconds=1),
    ],
)
def test_due_date_is_after_the_request_and_within_the_extended_period(
    due_after_request: datetime.timedelta,
) -> None:
    assert_refused(
        DataSubjectRequestFactory,
        "compliance_dsr_due_within_90_days",
        requested_at=NOW,
        due_at=NOW + due_after_request,
    )


def test_due_date_defaults_to_thirty_days_and_may_be_extended_to_ninety() -> None:
    # Given a request made now with the default due date
    request = DataSubjectRequest.objects.create(
        subject_email_digest=DataSubjectRequest.digest_email("jane@example.com"),
        request_type="erasure",
        source="api",
    )
    # Then it is due in 30 days
    assert datetime.timedelta(days=30) <= request.due_at - request.requested_at
    assert request.due_at - request.requested_at < datetime.timedelta(days=30, seconds=1)
    # When the deadline is extended by two months (GDPR Art. 12(3)), then it is accepted
    request.due_at = request.requested_at + LONGEST_EXTENDED_RESPONSE_PERIOD
    request.save(update_fields=["due_at"])
    request.refresh_from_db()
    assert request.due_at - request.requested_at == datetime.timedelta(days=90)


def test_a_rejection_states_its_reason() -> None:
    assert_refused(
        DataSubjectRequestFactory,
        "compliance_dsr_rejection_has_reason",
        status=DataSubjectRequestStatus.REJECTED,
        notes="",
    )
    rejected = DataSubjectRequestFactory.create(
        status=DataSubjectRequestStatus.REJECTED, notes="Manifestly unfounded (Art. 12(5))."
    )
    assert rejected.notes == "Manifestly unfounded (Art. 12(5))."


def test_a_shopify_data_request_is_recorded_once() -> None:
    DataSubjectRequestFactory.create(shopify_request_id=9999)
    assert_refused(DataSubjectRequestFactory, "shopify_request_id", shopify_request_id=9999)
    DataSubjectRequestFactory.create(shopify_request_id=None)
    DataSubjectRequestFactory.create(shopify_request_id=None)
    assert DataSubjectRequest.objects.filter(shopify_request_id__isnull=True).count() == 2


def test_the_request_outlives_the_erased_customer() -> None:
    # Given an erasure request of a customer
    customer = CustomerFactory.create()
    digest = DataSubjectRequest.digest_email("jane@example.com")
    request = DataSubjectRequestFactory.create(
        customer=customer, subject_email_digest=digest, request_type="erasure"
    )
    # When the customer row is removed
    customer.delete()
    # Then the request remains, known by the digest only
    request.refresh_from_db()
    assert request.customer is None
    assert request.subject_email_digest == digest


# --- Consent ----------------------------------------------------------------------------------


def test_consent_purpose_is_known() -> None:
    assert_refused(ConsentFactory, "compliance_consent_purpose_valid", purpose="profiling")


def test_consent_source_is_known() -> None:
    assert_refused(ConsentFactory, "compliance_consent_source_valid", source="phone")


def test_consent_opt_in_level_is_known_or_blank() -> None:
    assert_refused(
        ConsentFactory, "compliance_consent_opt_in_level_valid", opt_in_level="double_opt_in"
    )
    blank = ConsentFactory.create(opt_in_level="")
    confirmed = ConsentFactory.create(opt_in_level=ConsentOptInLevel.CONFIRMED_OPT_IN)
    assert (blank.opt_in_level, confirmed.opt_in_level) == ("", "confirmed_opt_in")


def test_a_withdrawal_row_does_not_grant() -> None:
    assert_refused(
        ConsentFactory,
        "compliance_consent_withdrawal_not_granted",
        granted=True,
        withdrawn_at=NOW,
    )


def test_consent_history_is_append_only_rows_latest_first() -> None:
    # Given a grant and, a day later, its withdrawal
    customer = CustomerFactory.create()
    grant = ConsentFactory.create(customer=customer, granted=True, recorded_at=NOW)
    later = NOW + datetime.timedelta(days=1)
    withdrawal = ConsentFactory.create(
        customer=customer, granted=False, withdrawn_at=later, recorded_at=later
    )
    # Then both rows are kept and the latest is the current state
    history = list(Consent.objects.filter(customer=customer, purpose="email_marketing"))
    assert history == [withdrawal, grant]
    assert str(withdrawal) == f"Customer {customer.pk} withdrew email_marketing"


def test_consents_go_with_the_customer() -> None:
    customer = CustomerFactory.create()
    ConsentFactory.create(customer=customer)
    customer.delete()
    assert Consent.objects.count() == 0


def test_compliance_type_enum_holds_the_seed_regimes() -> None:
    assert {"gdpr", "pci_dss", "ccpa", "soc2", "iso27001"} <= set(ComplianceType.values)
