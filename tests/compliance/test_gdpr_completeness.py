"""GDPR export completeness (Art. 15/20): a person with data in every table that can hold it is
exported from every one of those tables. The tables are enumerated from the database catalog
(foreign-key paths to the customer table, email columns, generic references, payload logs),
not from the application's data map, so a new table holding a buyer's data fails this test
until the export covers it (or the table is added, with its reason, to NOT_BUYER_DATA)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from compliance.models import DataSubjectRequest
from tests.compliance.people import audit_entries_about, plant_person
from tests.compliance.schema_walk import buyer_tables, canary_hits

pytestmark = pytest.mark.django_db

# Exactly what the planted person has (two orders: one linked, one a guest order by email).
EXPECTED_COUNTS = {
    "customers.Customer": 1,
    "customers.CustomerAddress": 1,
    "customers.CustomerTag": 1,
    "customers.CustomerGroupMembership": 1,
    "orders.Order": 2,
    "orders.OrderLineItem": 2,
    "orders.OrderDiscountApplication": 2,
    "orders.Fulfillment": 2,
    "orders.FulfillmentLineItem": 2,
    "orders.FulfillmentOrder": 2,
    "orders.FulfillmentOrderLineItem": 2,
    "orders.Refund": 2,
    "orders.RefundLineItem": 2,
    "orders.AbandonedCheckout": 1,
    "orders.AbandonedCheckoutLineItem": 1,
    "finance.Transaction": 2,
    "finance.Payment": 2,
    "finance.GiftCard": 1,
    "compliance.Consent": 1,
    # the planted request, and the one this export is
    "compliance.DataSubjectRequest": 2,
    "compliance.ComplianceRecord": 1,
    "b2b.CompanyContact": 1,
    "b2b.CompanyContact_locations": 1,
    "catalog.Metafield": 2,
    # the event about them, the one naming their email, and the export request's own
    "core.Event": 3,
    "webhooks.WebhookDelivery": 2,
    "admin.LogEntry": 1,
}


def _table_of(label: str) -> str:
    return str(apps.get_model(label)._meta.db_table)


def _export(tmp_path: Path, subject: str) -> dict[str, Any]:
    output = tmp_path / "export.json"
    call_command("gdpr_export", subject, output=str(output), stdout=io.StringIO())
    document: dict[str, Any] = json.loads(output.read_text())
    return document


def test_the_export_covers_every_table_that_can_hold_a_buyers_data(tmp_path: Path) -> None:
    person = plant_person("Alpha", 101)
    plant_person("Bravo", 202)  # someone else, in the same tables

    document = _export(tmp_path, person.canaries.email)

    exported_tables = {_table_of(label) for label, rows in document["tables"].items() if rows}
    enumerated = buyer_tables()
    missing = sorted(enumerated - exported_tables)
    assert missing == [], f"tables holding the person's data but not exported: {missing}"
    audit_entries = audit_entries_about(document["tables"], until=document["generatedAt"])
    assert audit_entries > len(EXPECTED_COUNTS)  # every model is audited: each row has entries
    assert document["counts"] == {**EXPECTED_COUNTS, "auditlog.LogEntry": audit_entries}
    assert sorted(exported_tables) == sorted(enumerated)


def test_the_export_holds_the_persons_values_and_nobody_elses(tmp_path: Path) -> None:
    person = plant_person("Charlie", 303)
    other = plant_person("Delta", 404)

    document = _export(tmp_path, str(person.customer.pk))
    text = json.dumps(document).lower()

    for name, value in person.canaries.values().items():
        assert value.lower() in text, name
    for name, value in other.canaries.values().items():
        assert value.lower() not in text, name
    # Other people's data stays out: the staff member of the admin log entry is not named.
    assert "staff" not in text
    (customer,) = document["tables"]["customers.Customer"]
    assert (customer["email"], customer["first_name"], customer["note"]) == (
        person.canaries.email,
        person.canaries.first_name,
        person.canaries.note,
    )
    orders = document["tables"]["orders.Order"]
    assert sorted(order["id"] for order in orders) == sorted(o.pk for o in person.orders)
    assert {order["total_price"] for order in orders} == {"84.50"}


def test_the_export_is_a_completed_request_with_its_file_recorded(tmp_path: Path) -> None:
    person = plant_person("Echo", 505)

    document = _export(tmp_path, person.canaries.email)

    request = DataSubjectRequest.objects.get(pk=document["dataSubjectRequest"])
    assert (request.request_type, request.status, request.source) == (
        "export",
        "completed",
        "command",
    )
    assert request.customer_id == person.customer.pk
    assert request.evidence["tables"] == document["counts"]
    assert "subject_email" not in request.evidence
    stored = Path(request.evidence["export_file"])
    from django.conf import settings

    path = Path(settings.GDPR_EXPORT_DIR) / stored.name
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["counts"] == document["counts"]


def test_a_guest_buyer_is_exported_by_email_alone(tmp_path: Path) -> None:
    person = plant_person("Foxtrot", 606)
    guest = person.orders[1]
    hits_before = canary_hits([person.canaries.street])

    document = _export(tmp_path, "GUEST.only@privacy-test.example")
    assert document["counts"] == {
        "compliance.DataSubjectRequest": 1,
        "core.Event": 1,
        "auditlog.LogEntry": audit_entries_about(document["tables"], until=document["generatedAt"]),
    }

    from orders.models import Order

    Order.objects.filter(pk=guest.pk).update(email="guest.only@privacy-test.example")
    document = _export(tmp_path, "guest.only@privacy-test.example")
    assert [order["id"] for order in document["tables"]["orders.Order"]] == [guest.pk]
    assert document["counts"]["orders.OrderLineItem"] == 1
    assert canary_hits([person.canaries.street]) == hits_before  # an export changes nothing
