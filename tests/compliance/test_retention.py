"""Data retention policies carried out by `manage.py retention_run` and the nightly beat task:
old abandoned checkouts deleted, inactive customers erased, old orders pseudonymised, old
webhook deliveries deleted (never pending ones), each run leaving an Event with the counts."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from compliance.models import DataSubjectRequest
from compliance.tasks import retention_run_task
from core.models import Event
from customers.models import Customer
from orders.models import AbandonedCheckout, Order, OrderLineItem
from tests.compliance.factories import DataRetentionPolicyFactory
from tests.customers.factories import CustomerFactory
from tests.orders.factories import AbandonedCheckoutFactory, OrderFactory, OrderLineItemFactory
from tests.webhooks.factories import WebhookDeliveryFactory
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def _age(model: Any, pk: int, days: int, column: str = "created_at") -> None:
    model._base_manager.filter(pk=pk).update(**{column: timezone.now() - timedelta(days=days)})


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("retention_run", *args, stdout=out)
    return out.getvalue().splitlines()


def test_old_abandoned_checkouts_are_deleted_and_the_run_is_recorded() -> None:
    policy = DataRetentionPolicyFactory.create(
        entity_type="AbandonedCheckout", retention_period_days=90, deletion_policy="hard_delete"
    )
    old, recent = AbandonedCheckoutFactory.create(), AbandonedCheckoutFactory.create()
    _age(AbandonedCheckout, old.pk, 91)
    _age(AbandonedCheckout, recent.pk, 89)

    dry = _run("--dry-run")
    assert dry[0].startswith("AbandonedCheckout (hard_delete, before ")
    assert dry[0].endswith("matched 1, would process 1")
    assert AbandonedCheckout.all_objects.count() == 2
    assert not Event.objects.filter(subject_type="DataRetentionPolicy").exists()

    lines = _run()

    assert lines[0].endswith("matched 1, processed 1")
    assert list(AbandonedCheckout.all_objects.values_list("pk", flat=True)) == [recent.pk]
    event = Event.objects.get(subject_type="DataRetentionPolicy", subject_id=policy.pk)
    assert event.verb == "destroy"
    assert (event.arguments["matched"], event.arguments["done"]) == (1, 1)
    assert event.arguments["tables"] == {"orders.AbandonedCheckout": {"deleted": 1}}


def test_inactive_customers_are_erased_through_the_erasure_service() -> None:
    DataRetentionPolicyFactory.create(
        entity_type="Customer", retention_period_days=3 * 365, deletion_policy="anonymize"
    )
    inactive = CustomerFactory.create(first_name="Sleepy", email="sleepy@example.com")
    recent_buyer = CustomerFactory.create(first_name="Busy")
    fresh = CustomerFactory.create(first_name="New")
    for customer in (inactive, recent_buyer):
        _age(Customer, customer.pk, 4 * 365, "updated_at")
    order = OrderFactory.create(customer=recent_buyer)
    _age(Order, order.pk, 30)

    _run()
    _run()  # an erased customer is not erased again

    assert Customer.all_objects.get(pk=inactive.pk).email == ""
    assert Customer.all_objects.get(pk=recent_buyer.pk).first_name == "Busy"
    assert Customer.all_objects.get(pk=fresh.pk).first_name == "New"
    (request,) = DataSubjectRequest.objects.all()
    assert (request.request_type, request.source, request.status, request.customer_id) == (
        "erasure",
        "retention",
        "completed",
        inactive.pk,
    )
    events = Event.objects.filter(subject_type="DataRetentionPolicy").order_by("id")
    assert [(e.verb, e.arguments["done"]) for e in events] == [("erased", 1), ("erased", 0)]


def test_orders_past_their_legal_period_are_pseudonymised_with_totals_kept() -> None:
    DataRetentionPolicyFactory.create(
        entity_type="Order", retention_period_days=2555, deletion_policy="anonymize"
    )
    old = OrderFactory.create(
        email="old.buyer@example.com", note="ring the bell", phone="+15550001"
    )
    line = OrderLineItemFactory.create(
        order=old, properties=[{"name": "Engraving", "value": "Ann"}]
    )
    recent = OrderFactory.create(email="new.buyer@example.com")
    _age(Order, old.pk, 2556)

    _run()

    old.refresh_from_db()
    line.refresh_from_db()
    assert (old.email, old.note, old.phone, old.total_price) == ("", "", "", Decimal("20.00"))
    assert line.properties == []
    assert (line.title, line.sku) == ("Linen shirt", OrderLineItem.objects.get(pk=line.pk).sku)
    assert Order.objects.get(pk=recent.pk).email == "new.buyer@example.com"


def test_old_webhook_deliveries_go_but_pending_ones_stay() -> None:
    DataRetentionPolicyFactory.create(
        entity_type="WebhookDelivery", retention_period_days=30, deletion_policy="hard_delete"
    )
    old_done = WebhookDeliveryFactory.create(status="ignored_topic")
    old_pending = WebhookDeliveryFactory.create(status="received")
    recent = WebhookDeliveryFactory.create(status="ignored_topic")
    for delivery in (old_done, old_pending):
        _age(WebhookDelivery, delivery.pk, 31, "received_at")

    _run()

    assert sorted(WebhookDelivery.objects.values_list("pk", flat=True)) == sorted(
        [old_pending.pk, recent.pk]
    )


def test_unknown_or_unsupported_policies_are_reported_not_fatal() -> None:
    DataRetentionPolicyFactory.create(entity_type="Nonexistent", deletion_policy="hard_delete")
    DataRetentionPolicyFactory.create(entity_type="Customer", deletion_policy="hard_delete")
    DataRetentionPolicyFactory.create(entity_type="WebhookDelivery", deletion_policy="soft_delete")

    lines = _run()

    assert lines[0].endswith("customers are only anonymised (their orders are kept)")
    assert lines[1].endswith("no such entity type")
    assert lines[2].endswith("the entity has no soft delete")


def test_expired_export_files_are_deleted(django_capture_on_commit_callbacks: Any) -> None:
    customer = CustomerFactory.create()
    call_command("gdpr_export", str(customer.pk), stdout=io.StringIO())
    call_command("gdpr_export", str(customer.pk), stdout=io.StringIO())
    old, recent = DataSubjectRequest.objects.order_by("pk")
    DataSubjectRequest.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - timedelta(days=40),
        due_at=timezone.now() - timedelta(days=20),
        completed_at=timezone.now() - timedelta(days=31),
    )
    directory = Path(settings.GDPR_EXPORT_DIR)

    assert _run("--dry-run")[-1] == "export files deleted: 1"
    assert len(list(directory.iterdir())) == 2
    assert retention_run_task.delay().get()[-1] == "export files deleted: 1"

    assert [path.name for path in directory.iterdir()] == [recent.evidence["export_file"]]
    old.refresh_from_db()
    assert old.evidence["export_file"] is None and "export_deleted_at" in old.evidence
    assert json.loads((directory / recent.evidence["export_file"]).read_text())["format"]


def test_the_nightly_task_is_on_the_beat_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["compliance-retention-nightly"]
    assert entry["task"] == "compliance.tasks.retention_run_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
