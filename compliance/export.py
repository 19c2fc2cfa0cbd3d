"""The GDPR export document (Art. 15/20): every row `compliance.personal_data` finds, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .personal_data import Holdings, content_type_reference_pks

EXPORT_FORMAT = "stockroom.gdpr-export/1"
# Columns left out of an export: other people's data (the staff who acted, their addresses).
EXPORT_EXCLUDED_COLUMNS: dict[str, frozenset[str]] = {
    "core.Event": frozenset({"author", "actor"}),
    "auditlog.LogEntry": frozenset(
        {"actor", "actor_email", "remote_addr", "remote_port", "cid", "additional_data"}
    ),
    "admin.LogEntry": frozenset({"user"}),
    "compliance.DataSubjectRequest": frozenset({"requested_by"}),
}


def _user_model_label() -> str:
    return str(settings.AUTH_USER_MODEL)


def _exported_fields(model: type[models.Model], label: str) -> list[Any]:
    excluded = EXPORT_EXCLUDED_COLUMNS.get(label, frozenset())
    fields = []
    for field in model._meta.concrete_fields:
        if field.name in excluded:
            continue
        related = field.related_model
        if (
            related is not None
            and not isinstance(related, str)
            and related._meta.label == _user_model_label()
        ):
            continue  # a staff member's identity is not the subject's data
        fields.append(field)
    return fields


def _row(row: models.Model, fields: list[Any]) -> dict[str, Any]:
    return {field.attname: getattr(row, field.attname) for field in fields}


def holdings_document(holdings: Holdings, *, request_id: int | None = None) -> dict[str, Any]:
    """The export: every table that holds the subject's data, every row, every column (less
    other people's data), as JSON-ready values. The audit entries are those about every row
    held, also the rows reached through generic references (metafields, compliance records)."""
    for label, pks in content_type_reference_pks(holdings).items():
        holdings.pks.setdefault(label, set()).update(pks)
    tables: dict[str, list[dict[str, Any]]] = {}
    for label in holdings.labels():
        model = apps.get_model(label)
        fields = _exported_fields(model, label)
        tables[label] = [_row(row, fields) for row in holdings.queryset(label).order_by("pk")]
    document = {
        "format": EXPORT_FORMAT,
        "generatedAt": timezone.now(),
        "dataSubjectRequest": request_id,
        "subject": {
            "customerIds": holdings.subject.customer_ids,
            "emails": holdings.subject.emails,
        },
        "counts": {label: len(rows) for label, rows in tables.items()},
        "tables": tables,
    }
    result: dict[str, Any] = json.loads(json.dumps(document, cls=DjangoJSONEncoder))
    return result
