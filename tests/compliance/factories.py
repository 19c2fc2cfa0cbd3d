"""factory_boy factories for the compliance app. Customers come from the customers app's
factory; nullable keys to other apps stay empty."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from compliance.choices import (
    ArchivePolicy,
    ComplianceStatus,
    ComplianceType,
    ConsentPurpose,
    ConsentSource,
    DataSubjectRequestSource,
    DataSubjectRequestType,
    DeletionPolicy,
)
from compliance.models import (
    RESPONSE_PERIOD,
    ComplianceRecord,
    Consent,
    DataRetentionPolicy,
    DataSubjectRequest,
)
from tests.customers.factories import CustomerFactory


class ComplianceRecordFactory(DjangoModelFactory[ComplianceRecord]):
    class Meta:
        model = ComplianceRecord

    entity_type = "Customer"
    entity_id = factory.Sequence(lambda n: n + 1)
    compliance_type = ComplianceType.GDPR
    status = ComplianceStatus.COMPLIANT
    last_audit_date = datetime.date(2025, 3, 31)


class DataRetentionPolicyFactory(DjangoModelFactory[DataRetentionPolicy]):
    class Meta:
        model = DataRetentionPolicy

    entity_type = factory.Sequence(lambda n: f"Entity{n}")
    retention_period_days = 365
    deletion_policy = DeletionPolicy.ANONYMIZE
    archive_policy = ArchivePolicy.NONE
    legal_basis = "GDPR Art. 5(1)(e) storage limitation"


class DataSubjectRequestFactory(DjangoModelFactory[DataSubjectRequest]):
    class Meta:
        model = DataSubjectRequest

    subject_email_digest = factory.Sequence(
        lambda n: DataSubjectRequest.digest_email(f"subject{n}@example.com")
    )
    request_type = DataSubjectRequestType.EXPORT
    source = DataSubjectRequestSource.API
    requested_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda request: request.requested_at + RESPONSE_PERIOD)


class ConsentFactory(DjangoModelFactory[Consent]):
    class Meta:
        model = Consent

    customer = factory.SubFactory(CustomerFactory)
    purpose = ConsentPurpose.EMAIL_MARKETING
    granted = True
    source = ConsentSource.CHECKOUT
    ip_address = "203.0.113.7"
