"""Regulatory compliance tracking, data retention, GDPR data-subject requests and consent
(the seeds' ComplianceData and DataRetentionPolicies, plus the GDPR tooling of the design)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.models import SoftDeleteModel, TimestampedModel, choices_constraint

from .choices import (
    AUDITED_STATUSES,
    ArchivePolicy,
    ComplianceStatus,
    ComplianceType,
    ConsentOptInLevel,
    ConsentPurpose,
    ConsentSource,
    DataSubjectRequestSource,
    DataSubjectRequestStatus,
    DataSubjectRequestType,
    DeletionPolicy,
)

ALIVE = Q(deleted_at__isnull=True)
# Entity types are model class names, as in Event.subject_type ("Customer", "Order").
ENTITY_TYPE_REGEX = r"^[A-Z][A-Za-z0-9]*$"
SHA256_HEX_REGEX = r"^[0-9a-f]{64}$"
# GDPR Art. 12(3): answer within one month, extendable by two further months.
RESPONSE_PERIOD = timedelta(days=30)
LONGEST_EXTENDED_RESPONSE_PERIOD = timedelta(days=90)


def _entity_type_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(entity_type__regex=ENTITY_TYPE_REGEX), name=name)


class ComplianceRecord(SoftDeleteModel, TimestampedModel):
    """The compliance status of one record (a customer, order, payment …) under one regime.

    One live row per (entity, regime) holds the current status; its history is the activity
    trail (Events) and the audit log."""

    entity_type = models.CharField(max_length=64, help_text="Model name, e.g. Customer.")
    entity_id = models.BigIntegerField()
    compliance_type = models.CharField(max_length=16, choices=ComplianceType.choices)
    status = models.CharField(
        max_length=32, choices=ComplianceStatus.choices, default=ComplianceStatus.PENDING_REVIEW
    )
    last_audit_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compliance_audits",
    )

    class Meta(SoftDeleteModel.Meta):
        ordering = ["-last_audit_date"]
        indexes = [
            models.Index(fields=["entity_type"], name="compliance_rec_entity_type_idx"),
            models.Index(fields=["entity_id"], name="compliance_rec_entity_id_idx"),
            models.Index(fields=["compliance_type"], name="compliance_rec_type_idx"),
            models.Index(fields=["last_audit_date"], name="compliance_rec_audit_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "entity_id", "compliance_type"],
                condition=ALIVE,
                name="compliance_record_entity_type_unique",
                violation_error_message="This record already has a status under this regime.",
            ),
            _entity_type_constraint("compliance_record_entity_type_valid"),
            models.CheckConstraint(
                condition=Q(entity_id__gt=0), name="compliance_record_entity_id_positive"
            ),
            choices_constraint(
                "compliance_type", ComplianceType, "compliance_record_compliance_type_valid"
            ),
            choices_constraint("status", ComplianceStatus, "compliance_record_status_valid"),
            # Compliance status validation: an audit's verdict carries the audit's date.
            models.CheckConstraint(
                condition=~Q(status__in=AUDITED_STATUSES) | Q(last_audit_date__isnull=False),
                name="compliance_record_audited_has_date",
                violation_error_message="An audit verdict needs the date of the audit.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.entity_id}: {self.compliance_type} {self.status}"


class DataRetentionPolicy(SoftDeleteModel, TimestampedModel):
    """How long records of one entity type are kept, and how they are removed afterwards."""

    entity_type = models.CharField(max_length=64, help_text="Model name, e.g. Customer.")
    retention_period_days = models.PositiveIntegerField()
    deletion_policy = models.CharField(max_length=16, choices=DeletionPolicy.choices)
    archive_policy = models.CharField(
        max_length=32, choices=ArchivePolicy.choices, default=ArchivePolicy.NONE
    )
    is_active = models.BooleanField(default=True)
    legal_basis = models.CharField(
        max_length=255, blank=True, help_text="The law or contract that sets the period."
    )
    description = models.TextField(blank=True)

    class Meta(SoftDeleteModel.Meta):
        verbose_name_plural = "data retention policies"
        ordering = ["entity_type"]
        indexes = [
            models.Index(fields=["entity_type"], name="compliance_ret_entity_type_idx"),
            models.Index(fields=["retention_period_days"], name="compliance_ret_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type"],
                condition=ALIVE & Q(is_active=True),
                name="compliance_retention_active_entity_unique",
                violation_error_message="This entity type already has an active retention policy.",
            ),
            _entity_type_constraint("compliance_retention_entity_type_valid"),
            models.CheckConstraint(
                condition=Q(retention_period_days__gt=0),
                name="compliance_retention_period_gt_0",
                violation_error_message="The retention period is at least one day.",
            ),
            choices_constraint(
                "deletion_policy", DeletionPolicy, "compliance_retention_deletion_valid"
            ),
            choices_constraint(
                "archive_policy", ArchivePolicy, "compliance_retention_archive_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_type}: {self.retention_period_days} days, {self.deletion_policy}"


def default_due_at() -> datetime:
    return timezone.now() + RESPONSE_PERIOD


class DataSubjectRequest(TimestampedModel):
    """A GDPR request of a data subject: export (Art. 15/20), erasure (Art. 17), rectification
    (Art. 16) or restriction (Art. 18), with the evidence of what was done.

    The subject is known by a SHA-256 digest of the email address, which survives erasure of
    the customer (the foreign key is then cleared); the address itself is never stored here."""

    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_subject_requests",
    )
    subject_email_digest = models.CharField(
        max_length=64, help_text="SHA-256 (hex) of the subject's lower-cased email address."
    )
    request_type = models.CharField(max_length=16, choices=DataSubjectRequestType.choices)
    status = models.CharField(
        max_length=16,
        choices=DataSubjectRequestStatus.choices,
        default=DataSubjectRequestStatus.RECEIVED,
    )
    source = models.CharField(max_length=16, choices=DataSubjectRequestSource.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=default_due_at)
    completed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(
        default=dict, blank=True, help_text="What was exported, erased or changed."
    )
    notes = models.TextField(blank=True, help_text="Required when a request is rejected.")
    shopify_request_id = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="Shopify's data_request id."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-due_at"]
        indexes = [
            models.Index(fields=["status"], name="compliance_dsr_status_idx"),
            models.Index(fields=["request_type"], name="compliance_dsr_type_idx"),
            models.Index(fields=["due_at"], name="compliance_dsr_due_at_idx"),
            models.Index(fields=["subject_email_digest"], name="compliance_dsr_digest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_email_digest__regex=SHA256_HEX_REGEX),
                name="compliance_dsr_digest_sha256",
            ),
            choices_constraint("request_type", DataSubjectRequestType, "compliance_dsr_type_valid"),
            choices_constraint("status", DataSubjectRequestStatus, "compliance_dsr_status_valid"),
            choices_constraint("source", DataSubjectRequestSource, "compliance_dsr_source_valid"),
            models.CheckConstraint(
                condition=(
                    Q(status=DataSubjectRequestStatus.COMPLETED, completed_at__isnull=False)
                    | (~Q(status=DataSubjectRequestStatus.COMPLETED) & Q(completed_at__isnull=True))
                ),
                name="compliance_dsr_completed_at_iff_done",
                violation_error_message="Completion time: required when completed, else empty.",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("requested_at")),
                name="compliance_dsr_completed_after_request",
                violation_error_message="A request cannot be completed before it was made.",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=F("requested_at"))
                & Q(due_at__lte=F("requested_at") + LONGEST_EXTENDED_RESPONSE_PERIOD),
                name="compliance_dsr_due_within_90_days",
                violation_error_message="The due date is after the request, at most 90 days later.",
            ),
            models.CheckConstraint(
                condition=~Q(status=DataSubjectRequestStatus.REJECTED) | ~Q(notes=""),
                name="compliance_dsr_rejection_has_reason",
                violation_error_message="A rejection states its reason in the notes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_request_type_display()} request {self.pk} ({self.status})"

    @staticmethod
    def digest_email(email: str) -> str:
        """The digest stored for an email address (trimmed and lower-cased first)."""
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Consent(models.Model):
    """One change of a customer's consent to a purpose. Append-only: every grant, refusal or
    withdrawal is a new row, and the latest row per (customer, purpose) is the current state."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    source = models.CharField(max_length=16, choices=ConsentSource.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    opt_in_level = models.CharField(max_length=16, choices=ConsentOptInLevel.choices, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Set on the row that withdraws an earlier grant."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who recorded the change (empty: the customer or a system).",
    )

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(
                fields=["customer", "purpose", "-recorded_at"], name="compliance_consent_latest_idx"
            ),
            models.Index(fields=["recorded_at"], name="compliance_consent_rec_at_idx"),
        ]
        constraints = [
            choices_constraint("purpose", ConsentPurpose, "compliance_consent_purpose_valid"),
            choices_constraint("source", ConsentSource, "compliance_consent_source_valid"),
            choices_constraint(
                "opt_in_level",
                ConsentOptInLevel,
                "compliance_consent_opt_in_level_valid",
                nullable=True,
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(granted=False),
                name="compliance_consent_withdrawal_not_granted",
                violation_error_message="A withdrawal row does not grant consent.",
            ),
        ]

    def __str__(self) -> str:
        verb = "granted" if self.granted else "withdrew" if self.withdrawn_at else "refused"
        return f"Customer {self.customer_id} {verb} {self.purpose}"
