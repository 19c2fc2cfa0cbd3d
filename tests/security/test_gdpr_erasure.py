"""Erasure leaves no plaintext PII anywhere (GDPR Art. 17).

Three people get unique canary values (names, email, phone, street, note) in every table that
can hold a buyer's data: one is erased with `manage.py gdpr_erase`, one (mirrored from Shopify)
through the API, one is a bystander. Then EVERY text and JSON column of EVERY table in the
database (information_schema) is searched for the erased people's canaries: each (table,
column, canary) is an attempt, and any hit got through. Their orders still exist, with totals;
the bystander's data is untouched; erasing again is harmless."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry as AuditLogEntry
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.services import api_key_create
from compliance.erasure import ERASED
from compliance.models import DataSubjectRequest
from customers.models import Customer
from orders.models import Order, OrderLineItem
from tests.compliance.people import plant_person
from tests.compliance.schema_walk import canary_hits
from tests.security.report import AttackReport

pytestmark = pytest.mark.django_db

# Tables the canaries are planted in, found there before the erasure (the scan can fail).
PLANTED_TABLES = {
    "customers_customer",
    "customers_customeraddress",
    "customers_customertag",
    "orders_order",
    "orders_orderlineitem",
    "orders_fulfillment",
    "orders_fulfillmentorder",
    "orders_refund",
    "orders_abandonedcheckout",
    "finance_transaction",
    "finance_giftcard",
    "b2b_companycontact",
    "catalog_metafield",
    "core_event",
    "compliance_compliancerecord",
    "webhooks_webhookdelivery",
    "auditlog_logentry",
    "django_admin_log",
}


def _tables_with(hits: dict[tuple[str, str, str], int]) -> set[str]:
    return {table for (table, _column, _canary), count in hits.items() if count}


def test_erasure_leaves_no_canary_in_any_column_of_any_table(
    django_capture_on_commit_callbacks: Any,
) -> None:
    local = plant_person("Kilo", 1101)
    mirrored = plant_person("Lima", 1202, shopify_base=820982911946154000)
    bystander = plant_person("Mike", 1303)
    erased = [*local.canaries.values().values(), *mirrored.canaries.values().values()]
    kept = list(bystander.canaries.values().values())
    before = canary_hits(erased)
    bystander_before = canary_hits(kept)
    assert _tables_with(before) == PLANTED_TABLES
    # An export made before the erasure holds the person's data: it goes with them.
    call_command("gdpr_export", local.canaries.email, stdout=io.StringIO())
    (export_file,) = Path(settings.GDPR_EXPORT_DIR).iterdir()

    call_command("gdpr_erase", local.canaries.email, yes=True, stdout=io.StringIO())
    client = APIClient(HTTP_X_API_KEY=api_key_create(name="dpo", scopes=["write_compliance"])[1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/customers/{mirrored.customer.pk}/gdpr-erase", {"confirm": True}, format="json"
        )
    assert response.status_code == 202, response.content

    report = AttackReport("gdpr-erasure-canaries")
    after = canary_hits(erased)
    for (table, column, canary), count in sorted(after.items()):
        report.tried(
            f"canary in {table}.{column}", got_through=count > 0, canary=canary, rows=count
        )
    assert not export_file.exists()
    report.tried("export file survives erasure", got_through=export_file.exists())
    report.assert_none_got_through()

    assert canary_hits(kept) == bystander_before
    for person in (local, mirrored):
        for order in person.orders:
            kept_order = Order.all_objects.get(pk=order.pk)
            assert kept_order.total_price == Decimal("84.50")
            assert (kept_order.subtotal_price, kept_order.total_tax) == (
                Decimal("80.00"),
                Decimal("4.50"),
            )
            assert (kept_order.email, kept_order.phone, kept_order.note) == ("", "", "")
            assert kept_order.shipping_address == {
                "country": "Germany",
                "country_code": "DE",
                "province": "Berlin",
                "province_code": "BE",
            }
            assert OrderLineItem.objects.filter(order=order).count() == 1
        tombstone = Customer.all_objects.get(pk=person.customer.pk)
        assert tombstone.deleted_at is not None
        assert (tombstone.email, tombstone.first_name, tombstone.last_name) == ("", "", "")
    assert Customer.all_objects.get(pk=mirrored.customer.pk).shopify_id == 820982911946154001


def test_the_erasure_request_records_what_was_done_and_a_second_run_changes_nothing() -> None:
    person = plant_person("November", 1404)

    call_command("gdpr_erase", str(person.customer.pk), yes=True, stdout=io.StringIO())
    # Every model is audited: the entries about the person's rows, the deletions included.
    redacted_entries = AuditLogEntry.objects.filter(object_repr__endswith=f"({ERASED})").count()
    assert redacted_entries > 2
    call_command("gdpr_erase", str(person.customer.pk), yes=True, stdout=io.StringIO())

    first, second = DataSubjectRequest.objects.filter(request_type="erasure").order_by("pk")
    assert (first.status, first.source, first.customer_id) == (
        "completed",
        "command",
        person.customer.pk,
    )
    assert first.evidence["customer_ids"] == [person.customer.pk]
    tables = first.evidence["tables"]
    assert tables["customers.Customer"] == {"pseudonymised": 1}
    assert tables["orders.Order"] == {"pseudonymised": 2}
    assert tables["customers.CustomerAddress"] == {"deleted": 1}
    assert tables["orders.AbandonedCheckout"] == {"deleted": 1}
    assert tables["orders.AbandonedCheckoutLineItem"] == {"deleted": 1}
    assert tables["b2b.CompanyContact_locations"] == {"deleted": 1}
    assert tables["catalog.Metafield"] == {"deleted": 2}
    assert tables["webhooks.WebhookDelivery"] == {"redacted": 2}
    assert tables["auditlog.LogEntry"] == {"redacted": redacted_entries}
    assert tables["orders.FulfillmentLineItem"] == {"kept": 2}
    assert first.evidence["rows"] == sum(
        count for done in tables.values() for how, count in done.items() if how != "kept"
    )
    assert first.completed_at is not None and "erased_at" in first.evidence
    # The second run finds only what is kept pseudonymised, and writes the same values again.
    assert second.status == "completed"
    assert "orders.AbandonedCheckout" not in second.evidence["tables"]
    assert canary_hits(list(person.canaries.values().values())) == {
        key: 0 for key in canary_hits(list(person.canaries.values().values()))
    }
    assert json.dumps(second.evidence).lower().count(person.canaries.email) == 0


def test_a_pending_webhook_delivery_naming_an_erased_person_is_never_applied() -> None:
    from webhooks.models import WebhookDelivery
    from webhooks.services import webhook_delivery_apply

    person = plant_person("Oscar", 1505)
    pending = WebhookDelivery.objects.get(topic="orders/updated", status="received")

    call_command("gdpr_erase", person.canaries.email, yes=True, stdout=io.StringIO())

    pending.refresh_from_db()
    assert pending.status == "ignored_redacted"
    request = DataSubjectRequest.objects.get(request_type="erasure")
    assert pending.payload == {"redacted": "gdpr_erasure", "data_subject_request": request.pk}
    assert webhook_delivery_apply(delivery_id=pending.pk) is None
