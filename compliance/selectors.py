"""Reads of the compliance app: the GDPR export document (Art. 15/20), requests, consents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet

from .choices import ConsentPurpose, DataSubjectRequestType
from .export import holdings_document
from .models import Consent, DataSubjectRequest
from .personal_data import SUBJECT_MODEL, Subject, holdings_collect, subject_for_customers


def personal_data_export(*, subject: Subject, request_id: int | None = None) -> dict[str, Any]:
    return holdings_document(holdings_collect(subject), request_id=request_id)


def subject_resolve(*, identifier: str) -> Subject:
    """A subject from a customer id or an email address: every customer row with that id or
    address (soft-deleted ones too), and the address itself (a guest has only that)."""
    customer_model = apps.get_model(SUBJECT_MODEL)
    identifier = identifier.strip()
    if identifier.isdigit():
        customers = list(customer_model._base_manager.filter(pk=int(identifier)))
        return subject_for_customers(customers)
    customers = list(customer_model._base_manager.filter(email__iexact=identifier).order_by("pk"))
    return subject_for_customers(customers, emails=[identifier] if "@" in identifier else [])


def data_subject_request_list(*, customer_id: int | None = None) -> QuerySet[DataSubjectRequest]:
    requests = DataSubjectRequest.objects.order_by("-requested_at", "-id")
    if customer_id is not None:
        requests = requests.filter(customer_id=customer_id)
    return requests


def data_subject_request_get(*, request_id: int) -> DataSubjectRequest | None:
    return DataSubjectRequest.objects.filter(pk=request_id).first()


def latest_export_request(*, customer_id: int) -> DataSubjectRequest | None:
    return (
        data_subject_request_list(customer_id=customer_id)
        .filter(request_type=DataSubjectRequestType.EXPORT)
        .first()
    )


def export_file_read(*, request: DataSubjectRequest) -> dict[str, Any] | None:
    """The export document a completed export request wrote, or None (not ready, or deleted)."""
    name = request.evidence.get("export_file")
    if not name:
        return None
    path = Path(settings.GDPR_EXPORT_DIR) / Path(name).name
    if not path.is_file():
        return None
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def consent_history(*, customer_id: int, purpose: str | None = None) -> QuerySet[Consent]:
    consents = Consent.objects.filter(customer_id=customer_id).order_by("-recorded_at", "-id")
    if purpose:
        consents = consents.filter(purpose=purpose)
    return consents


def consent_current(*, customer_id: int) -> dict[str, Consent | None]:
    """The latest consent row per purpose (None: never asked)."""
    current: dict[str, Consent | None] = dict.fromkeys(ConsentPurpose.values)
    for consent in Consent.objects.filter(customer_id=customer_id).order_by(
        "purpose", "-recorded_at", "-id"
    ):
        if current[consent.purpose] is None:
            current[consent.purpose] = consent
    return current


def request_target_resolve(*, identifier: str) -> tuple[Any, str]:
    """(customer row or None, email address) for a request named by a customer id or an email
    address; ValueError when neither names anyone."""
    identifier = identifier.strip()
    customer_model = apps.get_model(SUBJECT_MODEL)
    if identifier.isdigit():
        customer = customer_model._base_manager.filter(pk=int(identifier)).first()
        if customer is None:
            raise ValueError(f"No customer has the id {identifier}.")
        return customer, ""
    if "@" not in identifier:
        raise ValueError("Give a customer id or an email address.")
    customer = (
        customer_model._base_manager.filter(email__iexact=identifier)
        .order_by("deleted_at", "pk")
        .first()
    )
    return customer, identifier


def subject_holdings_counts(*, customer: Any, email: str) -> dict[str, int]:
    """Rows held per table for a person about to be erased (what the command shows first)."""
    customers = [customer] if customer is not None else []
    subject = subject_for_customers(customers, emails=[email] if email else [])
    holdings = holdings_collect(subject)
    return {label: len(pks) for label, pks in holdings.pks.items()}


def customer_for_request(*, customer_id: int) -> Any:
    """A live customer a request or consent change may name, or None."""
    customer_model = apps.get_model(SUBJECT_MODEL)
    return customer_model.objects.filter(pk=customer_id).first()
