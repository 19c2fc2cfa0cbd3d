"""Data retention: the active DataRetentionPolicy rows carried out (nightly from beat, or
`manage.py retention_run [--dry-run]`).

A policy names an entity type (a model's class name), a period and what happens after it:
- `Customer` (anonymize): customers inactive for the period (no change, order or checkout
  since) are erased through the GDPR erasure, one request each (source `retention`);
- any other entity type: its rows older than the period (`received_at`, `recorded_at` or
  `created_at`) are hard-deleted, soft-deleted (`deleted_at`, where the model has it) or
  anonymised (the erasure's pseudonymisation of the rows and of what hangs off them: an order's
  lines, fulfillments, refunds, events …). Webhook deliveries still waiting to be applied are
  never touched.
Each policy run leaves an Event on the policy with the cutoff and the counts. Export files older
than GDPR_EXPORT_RETENTION_DAYS are deleted on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from core.services import event_record

from .choices import (
    DataSubjectRequestSource,
    DataSubjectRequestStatus,
    DataSubjectRequestType,
    DeletionPolicy,
)
from .erasure import holdings_erase
from .models import DataRetentionPolicy, DataSubjectRequest
from .personal_data import SUBJECT_MODEL, Subject, concrete_models, holdings_collect
from .services import data_subject_request_create, data_subject_request_execute, export_files_delete

AGE_COLUMNS = ("received_at", "recorded_at", "created_at")
# Rows that must not be removed by age alone (still waiting to be applied).
PROTECTED: dict[str, Q] = {
    "webhooks.WebhookDelivery": Q(status__in=("received", "processing", "failed")),
}


@dataclass
class PolicyOutcome:
    policy_id: int
    entity_type: str
    deletion_policy: str
    cutoff: datetime
    matched: int = 0
    done: int = 0
    error: str = ""
    tables: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy_id,
            "entity_type": self.entity_type,
            "deletion_policy": self.deletion_policy,
            "cutoff": self.cutoff.isoformat(),
            "matched": self.matched,
            "done": self.done,
            "error": self.error,
            "tables": self.tables,
        }


@dataclass
class RetentionReport:
    dry_run: bool
    outcomes: list[PolicyOutcome] = field(default_factory=list)
    export_files_deleted: int = 0

    def lines(self) -> list[str]:
        verb = "would process" if self.dry_run else "processed"
        lines = [
            f"{o.entity_type} ({o.deletion_policy}, before {o.cutoff:%Y-%m-%d}): "
            f"matched {o.matched}, {verb} {o.done if not self.dry_run else o.matched}"
            + (f" - {o.error}" if o.error else "")
            for o in self.outcomes
        ]
        lines.append(f"export files deleted: {self.export_files_deleted}")
        return lines


def model_for_entity_type(entity_type: str) -> type[models.Model] | None:
    """The model a policy's entity type names (its class name), if exactly one has it."""
    found = [model for model in concrete_models() if model.__name__ == entity_type]
    return found[0] if len(found) == 1 else None


def retention_entity_types() -> list[str]:
    """Entity types a policy can name: models with an age column."""
    names = {
        model.__name__
        for model in concrete_models()
        if not model._meta.auto_created
        and any(f.name in AGE_COLUMNS for f in model._meta.concrete_fields)
    }
    counts: dict[str, int] = {}
    for model in concrete_models():
        counts[model.__name__] = counts.get(model.__name__, 0) + 1
    return sorted(name for name in names if counts[name] == 1)


def _age_column(model: type[models.Model]) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((column for column in AGE_COLUMNS if column in names), None)


def _inactive_customers(cutoff: datetime) -> models.QuerySet[Any]:
    customer_model = apps.get_model(SUBJECT_MODEL)
    erased = DataSubjectRequest.objects.filter(
        request_type=DataSubjectRequestType.ERASURE, status=DataSubjectRequestStatus.COMPLETED
    ).values("customer_id")
    return (
        customer_model._base_manager.filter(updated_at__lt=cutoff)
        .exclude(orders__created_at__gte=cutoff)
        .exclude(abandoned_checkouts__created_at__gte=cutoff)
        .exclude(pk__in=erased)
        .order_by("pk")
    )


def _customers_anonymise(outcome: PolicyOutcome, *, dry_run: bool) -> None:
    customers = _inactive_customers(outcome.cutoff)
    ids = list(customers.values_list("pk", flat=True))
    outcome.matched = len(ids)
    if dry_run:
        return
    customer_model = apps.get_model(SUBJECT_MODEL)
    for customer_id in ids:
        customer = customer_model._base_manager.get(pk=customer_id)
        with transaction.atomic():
            request = data_subject_request_create(
                request_type=DataSubjectRequestType.ERASURE,
                source=DataSubjectRequestSource.RETENTION,
                customer=customer,
                evidence={"retention_policy": outcome.policy_id},
                execute=False,
            )
            request = data_subject_request_execute(request_id=request.pk)
        for label, counts in request.evidence.get("tables", {}).items():
            merged = outcome.tables.setdefault(label, {})
            for how, count in counts.items():
                merged[how] = merged.get(how, 0) + count
        outcome.done += 1


def _rows_process(
    outcome: PolicyOutcome, model: type[models.Model], *, dry_run: bool, batch: int
) -> None:
    label = model._meta.label
    column = _age_column(model)
    if column is None:
        outcome.error = "the entity has no age column"
        return
    rows = model._base_manager.filter(**{f"{column}__lt": outcome.cutoff})
    if label in PROTECTED:
        rows = rows.exclude(PROTECTED[label])
    has_soft_delete = any(f.name == "deleted_at" for f in model._meta.concrete_fields)
    if outcome.deletion_policy == DeletionPolicy.SOFT_DELETE:
        if not has_soft_delete:
            outcome.error = "the entity has no soft delete"
            return
        rows = rows.filter(deleted_at=None)
    outcome.matched = rows.count()
    if dry_run or not outcome.matched:
        return
    pks = list(rows.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        chunk = pks[start : start + batch]
        with transaction.atomic():
            queryset = model._base_manager.filter(pk__in=chunk)
            if outcome.deletion_policy == DeletionPolicy.HARD_DELETE:
                _count, per_model = queryset.delete()
                for deleted_label, deleted in per_model.items():
                    merged = outcome.tables.setdefault(deleted_label, {})
                    merged["deleted"] = merged.get("deleted", 0) + deleted
            elif outcome.deletion_policy == DeletionPolicy.SOFT_DELETE:
                updated = queryset.update(deleted_at=timezone.now())
                merged = outcome.tables.setdefault(label, {})
                merged["soft_deleted"] = merged.get("soft_deleted", 0) + updated
            else:
                holdings = holdings_collect(Subject(), seeds={label: chunk})
                for erased_label, counts in holdings_erase(holdings, request_id=0).items():
                    merged = outcome.tables.setdefault(erased_label, {})
                    for how, count in counts.items():
                        merged[how] = merged.get(how, 0) + count
        outcome.done += len(chunk)


def _export_files_expire(*, dry_run: bool) -> int:
    cutoff = timezone.now() - timedelta(days=settings.GDPR_EXPORT_RETENTION_DAYS)
    requests = list(
        DataSubjectRequest.objects.filter(
            request_type=DataSubjectRequestType.EXPORT, completed_at__lt=cutoff
        )
        .exclude(evidence__export_file=None)
        .exclude(evidence__export_file="")
        .filter(evidence__has_key="export_file")
    )
    if dry_run:
        return len(requests)
    with transaction.atomic():
        return export_files_delete(requests=requests)


def retention_run(*, dry_run: bool = False, now: datetime | None = None) -> RetentionReport:
    """Carry out every active policy; `dry_run` counts what would go and writes nothing."""
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    batch = max(1, int(settings.RETENTION_BATCH_SIZE))
    for policy in DataRetentionPolicy.objects.filter(is_active=True).order_by("entity_type"):
        outcome = PolicyOutcome(
            policy_id=policy.pk,
            entity_type=policy.entity_type,
            deletion_policy=policy.deletion_policy,
            cutoff=now - timedelta(days=policy.retention_period_days),
        )
        report.outcomes.append(outcome)
        model = model_for_entity_type(policy.entity_type)
        if model is None:
            outcome.error = "no such entity type"
        elif model._meta.label == SUBJECT_MODEL:
            if policy.deletion_policy != DeletionPolicy.ANONYMIZE:
                outcome.error = "customers are only anonymised (their orders are kept)"
            else:
                _customers_anonymise(outcome, dry_run=dry_run)
        else:
            _rows_process(outcome, model, dry_run=dry_run, batch=batch)
        if not dry_run:
            event_record(
                subject=policy,
                verb="erased" if policy.deletion_policy == DeletionPolicy.ANONYMIZE else "destroy",
                message=f"Retention run: {policy.entity_type}, {outcome.done} rows",
                arguments=outcome.as_dict(),
            )
    report.export_files_deleted = _export_files_expire(dry_run=dry_run)
    return report
