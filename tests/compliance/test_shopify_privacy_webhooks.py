"""Shopify's mandatory privacy webhooks run the same services as the commands and the API:
customers/data_request exports, customers/redact erases, shop/redact erases every buyer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from compliance.models import ComplianceRecord, DataSubjectRequest
from customers.models import Customer
from orders.models import Order
from tests.compliance.people import plant_person
from tests.compliance.schema_walk import canary_hits
from tests.webhooks.test_apply import Deliver, make_deliver

pytestmark = pytest.mark.django_db
SHOPIFY_BASE = 6_200_000_000_000


@pytest.fixture
def deliver(client: Client, settings: Any, django_capture_on_commit_callbacks: Any) -> Deliver:
    return make_deliver(client, settings, django_capture_on_commit_callbacks)


def _payload(**extra: Any) -> dict[str, Any]:
    return {"shop_id": 954889, "shop_domain": "stockroom-test.myshopify.com", **extra}


def test_customers_data_request_exports_the_mirrored_customer(deliver: Deliver) -> None:
    person = plant_person("Papa", 2101, shopify_base=SHOPIFY_BASE)

    status = deliver(
        "customers/data_request",
        _payload(
            customer={"id": SHOPIFY_BASE + 1, "email": person.canaries.email},
            orders_requested=[SHOPIFY_BASE + 10],
            data_request={"id": 4242},
        ),
    )

    assert status == 200
    request = DataSubjectRequest.objects.get(shopify_request_id=4242)
    assert (request.status, request.customer_id) == ("completed", person.customer.pk)
    assert request.evidence["tables"]["orders.Order"] == 2
    assert request.evidence["tables"]["customers.Customer"] == 1
    assert request.evidence["export_file"].startswith(f"dsr-{request.pk}-")


def test_customers_redact_erases_the_customer_and_the_orders_named(deliver: Deliver) -> None:
    person = plant_person("Quebec", 2202, shopify_base=SHOPIFY_BASE)
    # An order Shopify names whose email was changed: found by its Shopify id alone.
    other_order = person.orders[1]
    Order.objects.filter(pk=other_order.pk).update(email="someone.else@example.com")
    canaries = list(person.canaries.values().values())

    deliver(
        "customers/redact",
        _payload(
            customer={"id": SHOPIFY_BASE + 1, "email": person.canaries.email, "phone": ""},
            orders_to_redact=[SHOPIFY_BASE + 10, SHOPIFY_BASE + 11],
        ),
    )

    request = DataSubjectRequest.objects.get(request_type="erasure")
    assert (request.status, request.source) == ("completed", "shopify_webhook")
    assert request.evidence["tables"]["orders.Order"] == {"pseudonymised": 2}
    assert Order.all_objects.get(pk=other_order.pk).email == ""
    assert all(count == 0 for count in canary_hits(canaries).values())
    assert Customer.all_objects.get(pk=person.customer.pk).email == ""


def test_shop_redact_erases_every_mirrored_buyer_and_leaves_local_ones(deliver: Deliver) -> None:
    first = plant_person("Romeo", 2303, shopify_base=SHOPIFY_BASE)
    second = plant_person("Sierra", 2404, shopify_base=SHOPIFY_BASE + 1000)
    local = plant_person("Tango", 2505)
    # A mirrored guest order of someone with no customer row.
    guest = local.orders[1]
    Order.objects.filter(pk=guest.pk).update(
        shopify_id=SHOPIFY_BASE + 5000, email="walk-in@privacy-test.example", contact_email=""
    )
    mirrored = [*first.canaries.values().values(), *second.canaries.values().values()]

    deliver("shop/redact", _payload())

    assert all(count == 0 for count in canary_hits(mirrored).values())
    record = ComplianceRecord.objects.get(entity_type="Shop")
    assert record.status == "compliant"
    assert record.evidence["customers_erased"] == 2
    assert record.evidence["guest_buyers_erased"] == 1
    assert Order.all_objects.get(pk=guest.pk).email == ""
    # The local customer and their own order are not the shop's mirrored data.
    local_customer = Customer.all_objects.get(pk=local.customer.pk)
    assert (local_customer.first_name, local_customer.deleted_at) == (
        local.canaries.first_name,
        None,
    )
    assert Order.all_objects.get(pk=local.orders[0].pk).email == local.canaries.email
    for person in (first, second):
        for order in person.orders:
            assert Order.all_objects.get(pk=order.pk).total_price == Decimal("84.50")


def test_shopify_updates_after_a_local_erasure_never_bring_the_person_back(
    deliver: Deliver,
) -> None:
    import io

    from django.core.management import call_command

    from tests.webhooks.test_apply import fixture_payload

    person = plant_person("Victor", 2606, shopify_base=SHOPIFY_BASE)
    call_command("gdpr_erase", person.canaries.email, yes=True, stdout=io.StringIO())
    update = fixture_payload("webhook_2025-10_customers_update.json")
    update.update(
        id=SHOPIFY_BASE + 1,
        email=person.canaries.email,
        first_name=person.canaries.first_name,
        last_name=person.canaries.last_name,
        updated_at="2030-01-01T00:00:00-05:00",
    )

    assert deliver("customers/update", update) == 200

    tombstone = Customer.all_objects.get(pk=person.customer.pk)
    assert (tombstone.email, tombstone.first_name, tombstone.deleted_at is not None) == (
        "",
        "",
        True,
    )
    assert tombstone.shopify_updated_at is not None
    assert tombstone.shopify_updated_at.year == 9999
