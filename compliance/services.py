"""Writes of the compliance app.

Shopify's three mandatory privacy webhooks are recorded here as the requests they are; what is
exported or erased for them is decided and done by the data-subject tooling (a later issue):
- customers/data_request -> an export DataSubjectRequest keyed by Shopify's data_request id;
- customers/redact -> an erasure DataSubjectRequest for the customer (and the orders listed);
- shop/redact -> the shop's GDPR ComplianceRecord, pending review, with the request as evidence.
The subject's email address is kept only as its digest (see DataSubjectRequest).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, ServiceError
from core.services import event_record

from .choices import (
    ComplianceStatus,
    ComplianceType,
    DataSubjectRequestSource,
    DataSubjectRequestStatus,
    DataSubjectRequestType,
)
from .models import ComplianceRecord, DataSubjectRequest


def _subject(payload: dict[str, Any]) -> tuple[Any, str, dict[str, Any]]:
    """The mirrored customer (if we hold it), the email digest and the evidence of a request."""
    from customers.models import Customer

    subject = payload.get("customer") or {}
    shopify_customer_id = subject.get("id")
    customer = (
        Customer.all_objects.filter(shopify_id=shopify_customer_id).first()
        if shopify_customer_id is not None
        else None
    )
    email = subject.get("email") or (customer.email if customer is not None else "")
    evidence = {
        "shopify_shop_id": payload.get("shop_id"),
        "shopify_shop_domain": payload.get("shop_domain"),
        "shopify_customer_id": shopify_customer_id,
    }
    return customer, DataSubjectRequest.digest_email(email), evidence


@transaction.atomic
def shopify_data_request_record(*, payload: dict[str, Any]) -> DataSubjectRequest:
    """customers/data_request: an export request, once per Shopify data_request id."""
    customer, digest, evidence = _subject(payload)
    evidence["orders_requested"] = list(payload.get("orders_requested") or [])
    request_id = (payload.get("data_request") or {}).get("id")
    fields = {
        "customer": customer,
        "subject_email_digest": digest,
        "request_type": DataSubjectRequestType.EXPORT,
        "source": DataSubjectRequestSource.SHOPIFY_WEBHOOK,
        "requested_at": timezone.now(),
        "evidence": evidence,
    }
    if request_id is None:
        request, created = DataSubjectRequest.objects.create(**fields), True
    else:
        request, created = DataSubjectRequest.objects.get_or_create(
            shopify_request_id=int(request_id), defaults=fields
        )
    if created:
        event_record(subject=request, verb="create", arguments={"source": "customers/data_request"})
    return request


@transaction.atomic
def shopify_customer_redact_record(*, payload: dict[str, Any]) -> DataSubjectRequest:
    """customers/redact: an erasure request for the customer and the orders Shopify lists."""
    customer, digest, evidence = _subject(payload)
    evidence["orders_to_redact"] = list(payload.get("orders_to_redact") or [])
    request = DataSubjectRequest.objects.create(
        customer=customer,
        subject_email_digest=digest,
        request_type=DataSubjectRequestType.ERASURE,
        source=DataSubjectRequestSource.SHOPIFY_WEBHOOK,
        requested_at=timezone.now(),
        evidence=evidence,
    )
    event_record(subject=request, verb="create", arguments={"source": "customers/redact"})
    return request


@transaction.atomic
def shopify_shop_redact_record(*, payload: dict[str, Any]) -> ComplianceRecord:
    """shop/redact: the shop's data is to be erased; its GDPR record goes to pending review."""
    shop_id = int(payload["shop_id"])
    evidence = {
        "shop_redact_requested_at": timezone.now().isoformat(),
        "shopify_shop_domain": payload.get("shop_domain"),
    }
    ComplianceRecord.objects.bulk_create(
        [
            ComplianceRecord(
                entity_type="Shop",
                entity_id=shop_id,
                compliance_type=ComplianceType.GDPR,
                status=ComplianceStatus.PENDING_REVIEW,
                evidence=evidence,
            )
        ],
        ignore_conflicts=True,
    )
    record = ComplianceRecord.objects.select_for_update().get(
        entity_type="Shop", entity_id=shop_id, compliance_type=ComplianceType.GDPR
    )
    record.status = ComplianceStatus.PENDING_REVIEW
    record.evidence = {**record.evidence, **evidence}
    record.save(update_fields=["status", "evidence", "updated_at"])
    event_record(subject=record, verb="update", arguments={"source": "shop/redact"})
    return record


SELF_SERVICE_REQUEST_TYPES = (DataSubjectRequestType.EXPORT, DataSubjectRequestType.ERASURE)
OPEN_STATUSES = (DataSubjectRequestStatus.RECEIVED, DataSubjectRequestStatus.IN_PROGRESS)


@transaction.atomic
def data_subject_request_submit(
    *, customer: Any, request_type: str, actor: Any = None
) -> DataSubjectRequest:
    """A customer's own GDPR request (export or erasure), recorded as received; the GDPR
    tooling does the export or erasure. One open request per type: a second is a conflict."""
    from customers.models import Customer

    if request_type not in SELF_SERVICE_REQUEST_TYPES:
        raise ServiceError(
            "Only export and erasure requests can be made here.",
            details=[{"field": "requestType", "message": "Use export or erasure."}],
        )
    # The customer row serialises concurrent submissions (no check-then-create race).
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if DataSubjectRequest.objects.filter(
        customer=customer, request_type=request_type, status__in=OPEN_STATUSES
    ).exists():
        raise Conflict(
            f"An {request_type} request is already open.",
            details=[{"field": "requestType", "message": "Already requested."}],
        )
    now = timezone.now()
    request = DataSubjectRequest.objects.create(
        customer=customer,
        subject_email_digest=DataSubjectRequest.digest_email(customer.email or str(customer.pk)),
        request_type=request_type,
        source=DataSubjectRequestSource.API,
        requested_at=now,
        requested_by=actor if getattr(actor, "pk", None) else None,
        evidence={"submitted_by": "customer self-service"},
    )
    event_record(subject=request, verb="create", actor=actor, arguments={"source": "me"})
    return request
