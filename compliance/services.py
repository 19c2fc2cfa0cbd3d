"""Writes of the compliance app: GDPR requests (export, erasure) and their execution, consent
changes, and Shopify's privacy webhooks.

Every GDPR request is a DataSubjectRequest (`data_subject_request_create`); export and erasure
requests are carried out by `data_subject_request_execute`, queued after commit as the Celery
task `compliance.tasks.data_subject_request_execute_task` (or run inline by the commands).
Shopify's three mandatory privacy webhooks run the same path:
- customers/data_request -> an export request keyed by Shopify's data_request id, executed;
- customers/redact -> an erasure request for the customer (and their orders), executed;
- shop/redact -> the shop's GDPR ComplianceRecord; every mirrored customer and guest buyer of the
  shop is erased (`compliance.tasks.shop_redact_execute_task`), and the record says how many.
The subject's email address is kept only as its digest (see DataSubjectRequest); a request for a
person without a customer row holds the address in its evidence until it is carried out.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record

from .choices import (
    ComplianceStatus,
    ComplianceType,
    ConsentOptInLevel,
    ConsentPurpose,
    ConsentSource,
    DataSubjectRequestSource,
    DataSubjectRequestStatus,
    DataSubjectRequestType,
)
from .erasure import holdings_erase
from .export import holdings_document
from .models import ComplianceRecord, Consent, DataSubjectRequest
from .personal_data import SUBJECT_MODEL, Holdings, holdings_collect, subject_for_request

EXECUTED_TYPES = (DataSubjectRequestType.EXPORT, DataSubjectRequestType.ERASURE)
# The allowed status changes of a request.
REQUEST_TRANSITIONS: dict[str, tuple[str, ...]] = {
    DataSubjectRequestStatus.RECEIVED: (
        DataSubjectRequestStatus.IN_PROGRESS,
        DataSubjectRequestStatus.REJECTED,
    ),
    DataSubjectRequestStatus.IN_PROGRESS: (
        DataSubjectRequestStatus.COMPLETED,
        DataSubjectRequestStatus.REJECTED,
    ),
    DataSubjectRequestStatus.COMPLETED: (),
    DataSubjectRequestStatus.REJECTED: (),
}
MARKETING_PURPOSES = (ConsentPurpose.EMAIL_MARKETING, ConsentPurpose.SMS_MARKETING)


def _on_commit_delay(task_path: str, *args: Any) -> None:
    """Queue a Celery task once the transaction commits. Services sit below tasks in the layering
    contract, so the task is looked up by its dotted path instead of imported."""
    module_name, _, name = task_path.rpartition(".")

    def send() -> None:
        getattr(importlib.import_module(module_name), name).delay(*args)

    transaction.on_commit(send)


def _transition(request: DataSubjectRequest, to: str) -> None:
    if to not in REQUEST_TRANSITIONS[request.status]:
        raise ServiceError(
            f"A {request.status} request cannot become {to}.",
            code="INVALID_TRANSITION",
            status_code=409,
            details=[{"field": "status", "message": f"{request.status} -> {to} is not allowed."}],
        )
    request.status = to


@transaction.atomic
def data_subject_request_create(
    *,
    request_type: str,
    source: str,
    customer: Any = None,
    email: str = "",
    actor: Any = None,
    notes: str = "",
    evidence: dict[str, Any] | None = None,
    execute: bool = True,
) -> DataSubjectRequest:
    """Record a GDPR request of a customer (or of a guest known by email) and, for exports and
    erasures, queue its execution after commit (`execute=False`: the caller runs
    `data_subject_request_execute` itself, as the commands do)."""
    if request_type not in DataSubjectRequestType.values:
        raise ServiceError(
            "Unknown request type.", details=[{"field": "requestType", "message": "Unknown."}]
        )
    email = email.strip()
    if customer is None and not email:
        raise ServiceError(
            "A request names a customer or an email address.",
            details=[{"field": "email", "message": "Give the customer or their email address."}],
        )
    evidence = dict(evidence or {})
    if customer is None or (email and email.lower() != (customer.email or "").lower()):
        evidence["subject_email"] = email.lower()  # dropped when the request is carried out
    request = DataSubjectRequest.objects.create(
        customer=customer,
        subject_email_digest=DataSubjectRequest.digest_email(
            email or getattr(customer, "email", "") or ""
        ),
        request_type=request_type,
        source=source,
        requested_at=timezone.now(),
        evidence=evidence,
        notes=notes,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    event_record(subject=request, verb="create", actor=actor, arguments={"type": request_type})
    if execute and request_type in EXECUTED_TYPES:
        _on_commit_delay("compliance.tasks.data_subject_request_execute_task", request.pk)
    return request


def _export_dir() -> Path:
    directory = Path(settings.GDPR_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _export_write(document: dict[str, Any], *, request: DataSubjectRequest) -> dict[str, Any]:
    """Write the export to GDPR_EXPORT_DIR, readable by this process's user only."""
    body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, sort_keys=True).encode()
    name = f"dsr-{request.pk}-{secrets.token_hex(8)}.json"
    path = _export_dir() / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(body)
    return {
        "export_file": name,
        "export_sha256": hashlib.sha256(body).hexdigest(),
        "export_bytes": len(body),
    }


def export_files_delete(*, requests: list[DataSubjectRequest]) -> int:
    """Delete the export files of these requests (their evidence keeps that they existed)."""
    deleted = 0
    for request in requests:
        name = request.evidence.get("export_file")
        if not name:
            continue
        path = Path(settings.GDPR_EXPORT_DIR) / Path(name).name
        if path.is_file():
            path.unlink()
            deleted += 1
        request.evidence = {
            **request.evidence,
            "export_file": None,
            "export_deleted_at": timezone.now().isoformat(),
        }
        request.save(update_fields=["evidence", "updated_at"])
    return deleted


def _subject_requests(holdings: Holdings) -> list[DataSubjectRequest]:
    pks = holdings.pks.get("compliance.DataSubjectRequest", set())
    return list(DataSubjectRequest.objects.filter(pk__in=sorted(pks)).order_by("pk"))


def _complete(request: DataSubjectRequest, evidence: dict[str, Any]) -> None:
    _transition(request, DataSubjectRequestStatus.COMPLETED)
    evidence.pop("subject_email", None)
    request.evidence = evidence
    request.completed_at = timezone.now()
    request.save(update_fields=["status", "evidence", "completed_at", "updated_at"])


def _execute_export(request: DataSubjectRequest, actor: Any) -> None:
    holdings = holdings_collect(subject_for_request(request))
    document = holdings_document(holdings, request_id=request.pk)
    evidence = {**request.evidence, **_export_write(document, request=request)}
    evidence["tables"] = document["counts"]
    evidence["exported_at"] = document["generatedAt"]
    _complete(request, evidence)
    event_record(
        subject=request, verb="exported", actor=actor, arguments={"tables": document["counts"]}
    )


def _execute_erasure(request: DataSubjectRequest, actor: Any) -> None:
    started = timezone.now()
    holdings = holdings_collect(subject_for_request(request))
    customer_ids = sorted(holdings.pks.get(SUBJECT_MODEL, ()))
    # Exports already made for this person hold their data: they go first.
    files_deleted = export_files_delete(requests=_subject_requests(holdings))
    request.refresh_from_db()
    tables = holdings_erase(holdings, request_id=request.pk)
    request.refresh_from_db()
    evidence = {
        **request.evidence,
        "erasure_started_at": started.isoformat(),
        "erased_at": timezone.now().isoformat(),
        "customer_ids": customer_ids,
        "tables": tables,
        # Rows changed or removed ("kept": rows held that had no personal column to change).
        "rows": sum(
            count for counts in tables.values() for how, count in counts.items() if how != "kept"
        ),
        "export_files_deleted": files_deleted,
    }
    _complete(request, evidence)
    event_record(subject=request, verb="erased", actor=actor, arguments={"rows": evidence["rows"]})


@transaction.atomic
def data_subject_request_execute(*, request_id: int, actor: Any = None) -> DataSubjectRequest:
    """Carry out an export or erasure request, once: a completed or rejected request is left as
    it is (the task is safe to run twice). An erasure runs in this one transaction."""
    request = DataSubjectRequest.objects.select_for_update().get(pk=request_id)
    if request.status in (DataSubjectRequestStatus.COMPLETED, DataSubjectRequestStatus.REJECTED):
        return request
    if request.request_type not in EXECUTED_TYPES:
        raise ServiceError(
            "Only export and erasure requests are carried out automatically.",
            details=[{"field": "requestType", "message": "Handle it in the admin."}],
        )
    if request.status == DataSubjectRequestStatus.RECEIVED:
        _transition(request, DataSubjectRequestStatus.IN_PROGRESS)
        request.save(update_fields=["status", "updated_at"])
    if request.request_type == DataSubjectRequestType.EXPORT:
        _execute_export(request, actor)
    else:
        _execute_erasure(request, actor)
    return request


@transaction.atomic
def data_subject_request_reject(
    *, request: DataSubjectRequest, reason: str, actor: Any = None
) -> DataSubjectRequest:
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not reason.strip():
        raise ServiceError(
            "A rejection states its reason.", details=[{"field": "notes", "message": "Required."}]
        )
    _transition(request, DataSubjectRequestStatus.REJECTED)
    request.notes = reason.strip()
    request.evidence.pop("subject_email", None)
    request.save(update_fields=["status", "notes", "evidence", "updated_at"])
    event_record(subject=request, verb="update", actor=actor, arguments={"status": "rejected"})
    return request


# Consent -------------------------------------------------------------------------------------


def _marketing_state(consent: Consent | None) -> dict[str, Any]:
    if consent is None:
        return {}
    return {
        "state": "subscribed" if consent.granted else "unsubscribed",
        "opt_in_level": consent.opt_in_level or ConsentOptInLevel.UNKNOWN,
        "consent_updated_at": consent.recorded_at.isoformat(),
        "consent_collected_from": consent.source.upper(),
    }


@transaction.atomic
def consent_record(
    *,
    customer: Any,
    purpose: str,
    granted: bool,
    source: str,
    actor: Any = None,
    ip_address: str | None = None,
    opt_in_level: str = "",
) -> Consent:
    """A consent change: a new Consent row (the history is append-only); for marketing purposes
    the customer's current marketing state is derived from it. Mirrored customers' consent is
    Shopify's (SHOPIFY_MANAGED)."""
    customer_model = apps.get_model(SUBJECT_MODEL)
    customer = customer_model._base_manager.select_for_update().get(pk=customer.pk)
    if customer.shopify_id is not None:
        raise ShopifyManaged("This customer's consent is managed in Shopify.")
    if customer.deleted_at is not None:
        raise ServiceError("The customer is deleted.", status_code=409, code="CONFLICT", details=[])
    if purpose not in ConsentPurpose.values or source not in ConsentSource.values:
        raise ServiceError(
            "Unknown purpose or source.", details=[{"field": "purpose", "message": "Unknown."}]
        )
    previous = (
        Consent.objects.filter(customer=customer, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .first()
    )
    now = timezone.now()
    consent = Consent.objects.create(
        customer=customer,
        purpose=purpose,
        granted=granted,
        source=source,
        recorded_at=now,
        ip_address=ip_address or None,
        opt_in_level=opt_in_level if granted else "",
        withdrawn_at=now if (not granted and previous is not None and previous.granted) else None,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if purpose in MARKETING_PURPOSES:
        _customer_marketing_derive(customer, consent)
    event_record(
        subject=customer,
        verb="update",
        actor=actor,
        arguments={"consent": purpose, "granted": granted, "source": source},
        subject_object=consent,
    )
    return consent


def _customer_marketing_derive(customer: Any, consent: Consent) -> None:
    """The customer's marketing fields, as Shopify names them, from their latest consents."""
    state = _marketing_state(consent)
    if consent.purpose == ConsentPurpose.EMAIL_MARKETING:
        customer.email_marketing_consent = {
            key: value for key, value in state.items() if key != "consent_collected_from"
        }
        customer.accepts_marketing = consent.granted
        customer.accepts_marketing_updated_at = consent.recorded_at
        customer.marketing_opt_in_level = state["opt_in_level"] if consent.granted else None
        fields = [
            "email_marketing_consent",
            "accepts_marketing",
            "accepts_marketing_updated_at",
            "marketing_opt_in_level",
        ]
    else:
        customer.sms_marketing_consent = state
        fields = ["sms_marketing_consent"]
    customer.save(update_fields=[*fields, "updated_at"])


# Shopify's privacy webhooks -------------------------------------------------------------------


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
    if email and (customer is None or customer.email.lower() != email.strip().lower()):
        evidence["subject_email"] = email.strip().lower()  # dropped once carried out
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
        _on_commit_delay("compliance.tasks.data_subject_request_execute_task", request.pk)
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
    _on_commit_delay("compliance.tasks.data_subject_request_execute_task", request.pk)
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
    _on_commit_delay("compliance.tasks.shop_redact_execute_task", record.pk)
    return record


def shop_redact_execute(*, record_id: int) -> ComplianceRecord:
    """shop/redact: erase every mirrored customer of the shop and every guest buyer of its
    mirrored orders and checkouts, one erasure request each (each its own transaction, so a
    large shop is erased in steps and a rerun continues); then the shop's GDPR record is
    compliant, with the counts as evidence."""
    customer_model = apps.get_model(SUBJECT_MODEL)
    customers = customer_model._base_manager.exclude(shopify_id=None).exclude(
        data_subject_requests__request_type=DataSubjectRequestType.ERASURE,
        data_subject_requests__status=DataSubjectRequestStatus.COMPLETED,
    )
    erased_customers = 0
    for customer in customers.order_by("pk").iterator(chunk_size=200):
        request = data_subject_request_create(
            request_type=DataSubjectRequestType.ERASURE,
            source=DataSubjectRequestSource.SHOPIFY_WEBHOOK,
            customer=customer,
            evidence={"shop_redact_record": record_id},
            execute=False,
        )
        data_subject_request_execute(request_id=request.pk)
        erased_customers += 1
    erased_guests = 0
    for label in ("orders.Order", "orders.AbandonedCheckout"):
        model = apps.get_model(label)
        emails = (
            model._base_manager.exclude(shopify_id=None)
            .filter(customer=None)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        for email in sorted(set(emails)):
            request = data_subject_request_create(
                request_type=DataSubjectRequestType.ERASURE,
                source=DataSubjectRequestSource.SHOPIFY_WEBHOOK,
                email=email,
                evidence={"shop_redact_record": record_id},
                execute=False,
            )
            data_subject_request_execute(request_id=request.pk)
            erased_guests += 1
    with transaction.atomic():
        record = ComplianceRecord.objects.select_for_update().get(pk=record_id)
        record.status = ComplianceStatus.COMPLIANT
        record.last_audit_date = timezone.now().date()
        record.evidence = {
            **record.evidence,
            "shop_redact_completed_at": timezone.now().isoformat(),
            "customers_erased": erased_customers,
            "guest_buyers_erased": erased_guests,
        }
        record.save(update_fields=["status", "last_audit_date", "evidence", "updated_at"])
        event_record(subject=record, verb="erased", arguments={"customers": erased_customers})
    return record


SELF_SERVICE_REQUEST_TYPES = (DataSubjectRequestType.EXPORT, DataSubjectRequestType.ERASURE)
OPEN_STATUSES = (DataSubjectRequestStatus.RECEIVED, DataSubjectRequestStatus.IN_PROGRESS)


@transaction.atomic
def data_subject_request_submit(
    *, customer: Any, request_type: str, actor: Any = None
) -> DataSubjectRequest:
    """A customer's own GDPR request (export or erasure) from /api/v1/me/. One open request per
    type: a second is a conflict. An export is carried out at once (the person is signed in);
    an erasure waits for staff to confirm it (the admin's "Carry out" action), because it
    cannot be undone."""
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
    return data_subject_request_create(
        request_type=request_type,
        source=DataSubjectRequestSource.API,
        customer=customer,
        actor=actor,
        evidence={"submitted_by": "customer self-service"},
        execute=request_type == DataSubjectRequestType.EXPORT,
    )
