"""The global audit log: every model of our apps is audited with actor, request id, source
address and UTC time; personal data is masked; the mirror's bulk writes leave coarse entries."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.audit import NOT_AUDITED, mask_value, pii_fields
from core.models import Event
from core.services import restore, soft_delete
from customers.models import Customer, CustomerGroup
from shopify import mirror
from tests.customers.factories import CustomerFactory
from tests.shopify.test_mapping_graphql_nodes import customer_node
from tests.shopify.test_mirror import mapped

pytestmark = pytest.mark.django_db

NEW_CUSTOMER = {
    "email": "grace.hopper@example.com",
    "phone": "+15142546011",
    "firstName": "Grace",
    "lastName": "Hopper",
    "note": "Prefers calls after 5pm",
    "addresses": [{"address1": "12 Navy Yard Rd", "city": "Arlington", "countryCode": "us"}],
}
PLAINTEXT = ("grace.hopper", "5142546011", "Grace", "Hopper", "Prefers calls", "Navy Yard")


def entries_for(model: type[Any], pk: Any) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(model)
    return list(
        LogEntry.objects.filter(content_type=content_type, object_pk=str(pk)).order_by("pk")
    )


def raw_entry_text(entry: LogEntry) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(e)::text FROM auditlog_logentry e WHERE id = %s", [entry.pk]
        )
        return str(cursor.fetchone()[0])


def test_every_concrete_model_of_our_apps_is_audited_but_the_justified_few() -> None:
    checked = 0
    for label in settings.LOCAL_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.auto_created or not model._meta.managed:  # m2m through tables
                continue
            checked += 1
            assert auditlog.contains(model) is (model._meta.label not in NOT_AUDITED), (
                model._meta.label
            )
    assert checked > 50
    assert set(NOT_AUDITED) == {
        "accounts.IssuedRefreshToken",
        "shopify.SyncLedgerEntry",
        "core.Event",
        "core.IdempotencyKey",
        "shopify.SyncCheckpoint",
        "shopify.SyncRun",
        "webhooks.WebhookDelivery",
    }


def test_personal_fields_are_masked_in_every_model_that_has_them() -> None:
    assert set(pii_fields(Customer)) >= {"email", "phone", "first_name", "last_name", "note"}
    from accounts.models import User
    from customers.models import CustomerAddress
    from orders.models import Order
    from shopify.models import ShopifyConnection

    assert {"password", "email", "first_name", "last_name", "phone"} <= set(pii_fields(User))
    assert {"name", "address1", "phone", "zip", "city"} <= set(pii_fields(CustomerAddress))
    assert {"email", "billing_address", "shipping_address", "browser_ip", "token"} <= set(
        pii_fields(Order)
    )
    assert {"access_token", "refresh_token"} <= set(pii_fields(ShopifyConnection))
    assert mask_value("grace@example.com").startswith("[masked ")
    assert mask_value("grace@example.com") == mask_value("grace@example.com")
    assert mask_value("grace@example.com") != mask_value("ada@example.com")
    assert mask_value("") == "" and mask_value("None") == "None"


def test_an_api_write_is_audited_with_request_id_address_key_and_utc_time() -> None:
    api = APIClient(HTTP_X_API_KEY=api_key_create(name="crm", scopes=["write_customers"])[1])

    response = api.post(
        "/api/v1/customers",
        NEW_CUSTOMER,
        format="json",
        HTTP_X_REQUEST_ID="req-7f3a-0001",
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.66",  # no proxy is trusted: ignored
    )

    assert response.status_code == 201, response.json()
    assert response["X-Request-ID"] == "req-7f3a-0001"
    customer = Customer.objects.get(pk=response.json()["id"])
    entries = entries_for(Customer, customer.pk)
    assert entries[0].action == LogEntry.Action.CREATE
    for entry in entries:  # the create, and the service's follow-up save of the default address
        assert (entry.cid, entry.remote_addr) == ("req-7f3a-0001", "203.0.113.7")
        assert entry.actor_id is None and entry.actor_email == "api-key:crm"
        assert entry.additional_data["request_id"] == "req-7f3a-0001"
        assert entry.additional_data["method"] == "POST"
        assert entry.additional_data["path"] == "/api/v1/customers"
        assert entry.additional_data["api_key_id"] is not None
        assert entry.timestamp.utcoffset() == UTC.utcoffset(None)
    # The business event carries the same request id and address.
    event = Event.objects.get(subject_type="Customer", subject_id=customer.pk, verb="create")
    assert (event.request_id, event.remote_addr) == ("req-7f3a-0001", "203.0.113.7")
    assert event.author == "api-key:crm"


def test_audit_entries_hold_no_plaintext_personal_data() -> None:
    api = APIClient(HTTP_X_API_KEY=api_key_create(name="crm", scopes=["write_customers"])[1])
    created = api.post("/api/v1/customers", NEW_CUSTOMER, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    updated = api.patch(
        f"/api/v1/customers/{pk}",
        {"email": "g.hopper@example.org", "note": "Call +1 514 254 6012"},
        format="json",
    )
    assert updated.status_code == 200, updated.json()

    entries = entries_for(Customer, pk)
    assert entries[0].action == LogEntry.Action.CREATE
    update = entries[-1]
    assert update.action == LogEntry.Action.UPDATE
    assert set(update.changes) >= {"email", "note"}
    assert update.changes["email"] == [
        mask_value("grace.hopper@example.com"),
        mask_value("g.hopper@example.org"),
    ]
    assert update.object_repr == f"customer {pk}"
    every_entry = LogEntry.objects.all()
    assert every_entry.count() >= 3
    for entry in every_entry:
        text = raw_entry_text(entry)
        for plaintext in (*PLAINTEXT, "g.hopper", "514 254 6012"):
            assert plaintext not in text, (plaintext, text)


def test_an_admin_change_records_the_staff_user_and_address(
    admin_user: Any, verified_login: Any
) -> None:
    client = Client(REMOTE_ADDR="192.0.2.10")
    verified_login(client, admin_user)

    response = client.post(
        "/admin/customers/customergroup/add/",
        {"name": "Big spenders", "query": "amount_spent > 1000"},
        HTTP_X_REQUEST_ID="admin-req-1",
    )

    assert response.status_code == 302
    group = CustomerGroup.objects.get(name="Big spenders")
    [entry] = entries_for(CustomerGroup, group.pk)
    assert (entry.actor_id, entry.actor_email) == (admin_user.pk, admin_user.email)
    assert (entry.cid, entry.remote_addr) == ("admin-req-1", "192.0.2.10")
    assert entry.changes["name"] == ["None", "Big spenders"]


def test_the_trusted_proxy_hop_is_recorded_and_spoofed_hops_are_not(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api = APIClient(HTTP_X_API_KEY=api_key_create(name="crm", scopes=["write_customers"])[1])

    response = api.post(
        "/api/v1/customers",
        NEW_CUSTOMER,
        format="json",
        REMOTE_ADDR="10.0.0.2",  # the load balancer
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.99",  # spoofed hop, then what the LB saw
    )

    assert response.status_code == 201
    entries = entries_for(Customer, response.json()["id"])
    assert {entry.remote_addr for entry in entries} == {"203.0.113.99"}


@pytest.mark.parametrize(
    "given",
    ["", "a" * 65, "bad id", "x\r\nSet-Cookie: a=b", "<script>", "ü-unicode"],
)
def test_an_unusable_request_id_is_replaced_by_a_generated_one(given: str) -> None:
    response = Client().get("/health", HTTP_X_REQUEST_ID=given)
    rid = response["X-Request-ID"]
    assert rid != given and len(rid) == 32 and int(rid, 16) >= 0


def test_a_request_without_an_id_gets_a_fresh_one_each_time() -> None:
    first, second = Client().get("/health"), Client().get("/health")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_soft_delete_and_restore_are_audited() -> None:
    customer = CustomerFactory.create()

    soft_delete(instance=customer)
    restore(instance=customer)

    actions = [
        (entry.action, sorted(entry.changes)) for entry in entries_for(Customer, customer.pk)
    ]
    assert actions == [
        (LogEntry.Action.CREATE, actions[0][1]),
        (LogEntry.Action.UPDATE, ["deleted_at"]),
        (LogEntry.Action.UPDATE, ["deleted_at"]),
    ]


def test_the_mirror_bulk_write_leaves_one_coarse_entry_per_model_and_batch() -> None:
    before = LogEntry.objects.count()
    items = mapped(customer_node())

    mirror.apply(items)
    mirror.apply(items)  # nothing changes: no entry

    batch = list(LogEntry.objects.filter(object_pk="*").order_by("pk"))
    assert LogEntry.objects.count() - before == len(batch) == 2
    summary = {entry.content_type.model: entry.changes for entry in batch}
    assert summary == {
        "customer": {"created": [None, 1], "updated": [None, 0], "deleted": [None, 0]},
        "customeraddress": {"created": [None, 2], "updated": [None, 0], "deleted": [None, 0]},
    }
    assert all(entry.additional_data["source"] == "shopify-mirror" for entry in batch)
    assert "ada@example.com" not in json.dumps([raw_entry_text(entry) for entry in batch])
