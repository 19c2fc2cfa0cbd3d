"""GDPR Art. 17 erasure: the subject's personal data removed or irreversibly anonymised wherever
`compliance.personal_data` finds it. Called by compliance.services only (it owns the request).

Per table, one of three treatments:
- **deleted**: rows that only exist because of the person (addresses, tags, segment memberships,
  abandoned checkouts, company contacts, metafields, many-to-many link rows);
- **pseudonymised**: rows kept for the legal retention period or for the business's books
  (the customer row as a soft-deleted tombstone, orders with their lines, fulfillments, refunds,
  transactions, payments, gift cards, consents, requests, events): every text and JSON column is
  blanked except the non-personal ones named in `KEPT_COLUMNS` (names of orders, money, taxes,
  SKUs …), kept JSON is cleared of personal keys, addresses keep only country and province;
- **redacted**: audit entries keep who changed which field when, not the values; received
  webhook payloads are replaced by a redaction marker (pending ones are never applied).
A table not listed is pseudonymised with every free-text column blanked: new tables are erased
by default. Rows are written with bulk updates (no model signals, no audit entries with old
values); the audit entries about the subject's rows are redacted last, in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from core.audit import audit_redaction

from .personal_data import (
    CONTENT_TYPE_REFERENCES,
    PAYLOAD_LOGS,
    SUBJECT_MODEL,
    Holdings,
    content_type_reference_pks,
)

ERASED = "[erased]"
BATCH = 500
# Mirrored rows that were erased carry this Shopify timestamp: the mirror's stale guard (a row
# is only overwritten by one at least as new) then never writes Shopify's copy of the person
# back over them, from webhooks, syncs or reconciliation repairs.
ERASED_SHOPIFY_UPDATED_AT = datetime(9999, 12, 31, tzinfo=UTC)
DELETED_MODELS = frozenset(
    {
        "customers.CustomerAddress",
        "customers.CustomerTag",
        "customers.CustomerGroupMembership",
        "orders.AbandonedCheckout",
        "orders.AbandonedCheckoutLineItem",
        "b2b.CompanyContact",
        "catalog.Metafield",
    }
)
# Text/JSON columns kept on pseudonymised rows (enums, numbers, dates and keys are always kept).
ALWAYS_KEPT = frozenset({"admin_graphql_api_id", "currency", "presentment_currency"})
MONEY_SETS = frozenset(
    {
        "total_line_items_price_set",
        "total_discounts_set",
        "total_shipping_price_set",
        "subtotal_price_set",
        "total_price_set",
        "total_tax_set",
    }
)
KEPT_COLUMNS: dict[str, frozenset[str]] = {
    "customers.Customer": frozenset({"last_order_name"}),
    "orders.Order": frozenset(
        {
            "name",
            "reference",
            "customer_locale",
            "gateway",
            "payment_gateway_names",
            "tax_lines",
            "discount_applications",
            "discount_codes",
            "shipping_lines",
            "source_name",
            *MONEY_SETS,
        }
    ),
    "orders.OrderLineItem": frozenset(
        {
            "title",
            "variant_title",
            "name",
            "sku",
            "vendor",
            "price_set",
            "total_discount_set",
            "fulfillment_service",
            "variant_inventory_management",
            "tax_lines",
            "applied_discounts",
            "discount_allocations",
            "origin_location",
        }
    ),
    "orders.OrderDiscountApplication": frozenset({"code", "title", "description"}),
    "orders.Fulfillment": frozenset(
        {"name", "service", "variant_inventory_management", "tracking_company", "origin_address"}
    ),
    "orders.FulfillmentOrder": frozenset({"supported_actions", "line_items"}),
    "orders.Refund": frozenset(
        {
            "duties",
            "total_duties_set",
            "additional_fees",
            "total_additional_fees_set",
            "order_adjustments",
            "refund_shipping_lines",
        }
    ),
    "orders.RefundLineItem": frozenset({"subtotal_set", "total_tax_set"}),
    "finance.Transaction": frozenset(
        {"gateway", "authorization", "error_code", "source_name", "currency_exchange_adjustment"}
    ),
    "finance.Payment": frozenset({"gateway", "reference", "authorization_code"}),
    "finance.GiftCard": frozenset({"code_digest", "last_characters", "template_suffix"}),
    "compliance.DataSubjectRequest": frozenset({"subject_email_digest", "evidence"}),
    "compliance.ComplianceRecord": frozenset({"entity_type", "evidence"}),
    "core.Event": frozenset({"subject_type", "object_type", "author"}),
}
# Other values set on pseudonymised rows.
EXTRA_VALUES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "customers.Customer": lambda row: {
        "deleted_at": row.deleted_at or timezone.now(),
        "accepts_marketing": False,
        "verified_email": False,
        "marketing_opt_in_level": None,
        "default_address": None,
    },
    "orders.Order": lambda row: {"buyer_accepts_marketing": False, "device_id": None},
    # A rejection keeps a reason (a database rule); its words may name the person.
    "compliance.DataSubjectRequest": lambda row: {"notes": ERASED if row.notes else ""},
    "core.Event": lambda row: {"message": f"{row.subject_type} {row.subject_id} {row.verb}"},
}
# Personal keys removed from the JSON columns that are kept (tax lines, shipping lines …).
PERSONAL_JSON_KEYS = frozenset(
    {
        "email",
        "contact_email",
        "phone",
        "first_name",
        "last_name",
        "address1",
        "address2",
        "city",
        "zip",
        "company",
        "latitude",
        "longitude",
        "customer",
        "billing_address",
        "shipping_address",
        "destination",
        "note",
        "browser_ip",
        "subject_email",
    }
)
# Addresses keep what tax needs and nobody can be found by.
ADDRESS_KEPT_KEYS = ("country", "country_code", "province", "province_code")
ADDRESS_COLUMNS = frozenset(
    {
        "billing_address",
        "shipping_address",
        "destination",
        "destination_location",
    }
)


def _is_text(field: models.Field[Any, Any]) -> bool:
    return isinstance(
        field, models.CharField | models.TextField | models.JSONField | models.GenericIPAddressField
    )


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _scrub_json(item) for key, item in value.items() if key not in PERSONAL_JSON_KEYS
        }
    if isinstance(value, list):
        return [_scrub_json(item) for item in value]
    return value


def _reduced_address(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: value[key] for key in ADDRESS_KEPT_KEYS if key in value}
    if isinstance(value, list):
        return [_reduced_address(item) for item in value]
    return None


def _erased_value(field: models.Field[Any, Any], row: models.Model) -> Any:
    if field.name in ADDRESS_COLUMNS and isinstance(field, models.JSONField):
        return _reduced_address(getattr(row, field.attname))
    if isinstance(field, models.JSONField):
        return field.get_default()
    if field.null:
        return None
    if field.unique:
        return f"erased-{row.pk}"
    return ""


def _personal_columns(model: type[models.Model], label: str) -> tuple[list[Any], list[Any]]:
    """(columns blanked, JSON columns kept but cleared of personal keys)."""
    kept = KEPT_COLUMNS.get(label, frozenset()) | ALWAYS_KEPT
    erased, scrubbed = [], []
    for field in model._meta.concrete_fields:
        if not _is_text(field) or field.primary_key or field.is_relation:
            continue
        if field.choices and field.name not in ADDRESS_COLUMNS:
            continue  # an enum value says nothing about a person
        if field.name in kept:
            if isinstance(field, models.JSONField):
                scrubbed.append(field)
            continue
        erased.append(field)
    return erased, scrubbed


def _pseudonymise(label: str, queryset: models.QuerySet[Any]) -> int:
    model = queryset.model
    erased, scrubbed = _personal_columns(model, label)
    extra = EXTRA_VALUES.get(label)
    mirrored = any(field.name == "shopify_updated_at" for field in model._meta.concrete_fields)
    if not (erased or scrubbed or extra):
        return 0  # no personal column: kept as it is
    changed_names: set[str] = set()
    count = 0
    batch: list[models.Model] = []
    for row in queryset.order_by("pk").iterator(chunk_size=BATCH):
        values: dict[str, Any] = {field.name: _erased_value(field, row) for field in erased}
        for field in scrubbed:
            values[field.name] = _scrub_json(getattr(row, field.attname))
        if extra is not None:
            values.update(extra(row))
        if mirrored and getattr(row, "shopify_id", None) is not None:
            values["shopify_updated_at"] = ERASED_SHOPIFY_UPDATED_AT
        for name, value in values.items():
            setattr(row, name, value)
        changed_names.update(values)
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            model._base_manager.bulk_update(batch, sorted(changed_names))
            batch = []
    if batch:
        model._base_manager.bulk_update(batch, sorted(changed_names))
    return count


def _redact_log_entries(label: str, pks: set[Any], *, emails: list[str]) -> int:
    model = apps.get_model(label)
    count = 0
    rows = model._base_manager.filter(pk__in=sorted(pks)).order_by("pk")
    batch: list[Any] = []
    names: list[str] = []
    for row in rows.iterator(chunk_size=BATCH):
        if label == "auditlog.LogEntry":
            changes = row.changes if isinstance(row.changes, dict) else {}
            row.changes = {name: [ERASED, ERASED] for name in changes}
            row.changes_text = ""
            row.serialized_data = None
            row.additional_data = None
            row.object_repr = f"{row.content_type.model} {row.object_pk} ({ERASED})"
            if (row.actor_email or "").lower() in emails:  # the person acted themselves
                row.actor_email = ""
            names = [
                "changes",
                "changes_text",
                "serialized_data",
                "additional_data",
                "object_repr",
                "actor_email",
            ]
        else:  # django.contrib.admin's LogEntry: field names only in change_message
            row.object_repr = f"{row.content_type.model} {row.object_id} ({ERASED})"
            names = ["object_repr"]
        batch.append(row)
        count += 1
    if batch:
        model._base_manager.bulk_update(batch, names, batch_size=BATCH)
    return count


def redaction_marker(*, request_id: int) -> dict[str, Any]:
    return {"redacted": "gdpr_erasure", "data_subject_request": request_id}


def _redact_payloads(label: str, queryset: models.QuerySet[Any], *, request_id: int) -> int:
    from webhooks.choices import WebhookDeliveryStatus

    pending = (WebhookDeliveryStatus.RECEIVED, WebhookDeliveryStatus.FAILED)
    column = PAYLOAD_LOGS[label]
    marker = redaction_marker(request_id=request_id)
    digest = hashlib.sha256(json.dumps(marker, sort_keys=True).encode()).hexdigest()
    queryset.filter(status__in=pending).update(status=WebhookDeliveryStatus.IGNORED_REDACTED)
    return int(queryset.update(**{column: marker, "payload_digest": digest, "error": ""}))


def holdings_erase(holdings: Holdings, *, request_id: int) -> dict[str, dict[str, int]]:
    """Erase everything held; returns {table label: {"deleted"|"pseudonymised"|"redacted": n}}.
    Run inside the caller's transaction. Audit rows (auditlog entries, events) are append-only
    in the database; erasure is the one sanctioned rewrite of them (core.audit.audit_redaction)."""
    with audit_redaction():
        return _holdings_erase(holdings, request_id=request_id)


def _holdings_erase(holdings: Holdings, *, request_id: int) -> dict[str, dict[str, int]]:
    done: dict[str, dict[str, int]] = {}

    def record(label: str, how: str, count: int) -> None:
        if count:
            done.setdefault(label, {})
            done[label][how] = done[label].get(how, 0) + count

    labels = list(holdings.labels())
    log_labels = set(CONTENT_TYPE_REFERENCES)
    # Deletions first, children before parents (the reverse of discovery order).
    for label in reversed(labels):
        model = apps.get_model(label)
        if label in DELETED_MODELS or model._meta.auto_created:
            _count, per_model = holdings.queryset(label).delete()
            for deleted_label, deleted in per_model.items():
                record(deleted_label, "deleted", deleted)
    for label in labels:
        model = apps.get_model(label)
        if label in DELETED_MODELS or model._meta.auto_created or label in log_labels:
            continue
        if label in PAYLOAD_LOGS:
            redacted = _redact_payloads(label, holdings.queryset(label), request_id=request_id)
            record(label, "redacted", redacted)
            continue
        pseudonymised = _pseudonymise(label, holdings.queryset(label))
        record(label, "pseudonymised", pseudonymised)
        record(label, "kept", len(holdings.pks[label]) - pseudonymised)
    customer_ids = sorted(holdings.pks.get(SUBJECT_MODEL, ()))
    # >>> CRYPTO-SHREDDING POINT (field-level encryption): destroy the data key of every
    # customer in `customer_ids` here, after their rows are rewritten and before the audit
    # entries are redacted, and record it, e.g. record("<data key model>", "shredded", n).
    # Everything still encrypted under those keys (old backups included) becomes unreadable.
    del customer_ids
    # Audit entries last: they include the entries written by the deletions above.
    for label, pks in content_type_reference_pks(holdings).items():
        redacted = _redact_log_entries(label, pks, emails=holdings.subject.emails)
        record(label, "redacted", redacted)
    return done
