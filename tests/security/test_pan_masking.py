"""PCI: no card number reaches the database in full, whatever door it comes through.

Card numbers of every scheme and layout are planted through the API (create, update, nested,
bulk), model saves (what the admin's forms call), signed Shopify webhooks and the mirror's COPY
writer; then every stored text is read back with raw SQL. Digit runs that are not card numbers
(order names, phone numbers, Shopify ids and GIDs, tracking numbers, non-Luhn runs) are left
exactly as they were.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.pci import luhn_valid, mask_pans
from customers.models import Customer, CustomerGroup
from shopify import mirror
from tests.customers.factories import CustomerFactory
from tests.finance.factories import TransactionFactory
from tests.security.report import AttackReport
from tests.shopify.test_mapping_graphql_nodes import customer_node
from tests.shopify.test_mirror import mapped
from webhooks.intake import webhook_signature
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

# (card number as written, its digits): test numbers of every major scheme.
CARDS: list[str] = [
    "4111111111111111",  # Visa 16
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "4222222222222",  # Visa 13
    "4012888888881881",
    "4000056655665556",  # Visa debit
    "5555555555554444",  # Mastercard
    "5105 1051 0510 5100",
    "2223003122003222",  # Mastercard 2-series
    "2223-0031-2200-3222",
    "378282246310005",  # Amex 15
    "3782 822463 10005",  # Amex 4-6-5
    "371449635398431",
    "6011111111111117",  # Discover
    "6011 0009 9013 9424",
    "3530111333300000",  # JCB
    "3566002020360505",
    "30569309025904",  # Diners 14
    "3056 9309 0259 04",
    "6200000000000005",  # UnionPay
    "6205500000000000004",  # UnionPay 19
    "6759649826438453",  # Maestro
    "4111111111111111110",  # Visa 19 (Luhn-valid)
]
CONTEXTS = [
    "{card}",
    "card {card} exp 12/30",
    "Please charge my card: {card}, thanks!",
    "pan={card}&cvv=123",
    "cc#{card}",
    "({card})",
    "line1\n{card}\nline3",
]
# Digit runs that are not card numbers: they must come back unchanged.
NOT_CARDS = [
    "#1001",
    "Order 1234567",
    "+1 613 555 0100",
    "+4915123456789",
    "(613) 555-0100",
    "gid://shopify/Order/4111111111111111",
    "https://shop.example.com/orders/5555555555554444",
    "9400 1000 0000 0000 0000 00",  # USPS tracking, 22 digits
    "1Z999AA10123456784",  # UPS
    "4111111111111112",  # not Luhn-valid
    "4111 1111 1111 1112",
    "1234567890123456",  # starts like no card scheme
    "8888888888888888",
    "2026-12-04 18:02:28",
    "order 4111111111111111.50 total",  # a decimal amount
    "12345678901234567890123",  # too long
    "SKU 411111",
    "bulk edit 6000000000004",  # a Luhn-valid 13-digit Shopify id: no scheme issues 13 digits at 6
    "edited after page 5500000000005",
]


def digits(text: str) -> str:
    return text.replace(" ", "").replace("-", "")


def leaked(stored: Any, card: str) -> bool:
    text = json.dumps(stored) if not isinstance(stored, str) else stored
    flat = text.replace(" ", "").replace("-", "").replace("\\n", "")
    return digits(card) in flat


def raw(table: str, column: str, pk: int) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}"::text FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def test_every_card_number_is_masked_and_nothing_else_is() -> None:
    report = AttackReport("pci-pan-masking-unit")
    for card in CARDS:
        assert luhn_valid(digits(card)), card
        for context in CONTEXTS:
            text = context.format(card=card)
            masked = mask_pans(text)
            kept = digits(card)[:6] + "*" * (len(digits(card)) - 10) + digits(card)[-4:]
            report.tried(
                f"text:{context}",
                got_through=leaked(masked, card) or kept not in masked,
                card=card,
                masked=masked,
            )
            nested = {"a": [{"b": text}], "c": {"d": {"e": [text, 7]}}}
            report.tried("nested-json", got_through=leaked(mask_pans(nested), card), card=card)
    report.assert_none_got_through()
    for text in NOT_CARDS:
        assert mask_pans(text) == text, text
    untouched = {"id": "4111111111111111", "order_id": "4111111111111111", "n": 4111111111111111}
    assert mask_pans(untouched) is untouched
    # Identifiers are not free text: a SKU, barcode or GID may pass the Luhn check.
    identifiers = {
        "sku": "4111111111111111",
        "barcode": "4006381333931",
        "admin_graphql_api_id": "gid://shopify/InventoryLevel/1?inventory_item_id=4111111111111111",
        "variantSku": "5555555555554444",
        "tracking_numbers": ["4111111111111111"],
    }
    assert mask_pans(identifiers) is identifiers
    assert mask_pans("4111111111111111", key="sku") == "4111111111111111"
    assert mask_pans("4111 1111 1111 1111") == "411111******1111"
    assert mask_pans("378282246310005") == "378282*****0005"


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_customers"])[1])


def test_card_numbers_sent_to_the_api_are_masked_in_the_database(api: APIClient) -> None:
    report = AttackReport("pci-pan-masking-api")
    for index, card in enumerate(CARDS):
        note = f"Customer read out card {card} on the phone"
        created = api.post(
            "/api/v1/customers",
            {
                "email": f"pan{index}@example.com",
                "firstName": "Pan",
                "lastName": "Tester",
                "note": note,
                "tags": f"card {card}",
                "addresses": [
                    {"address1": f"{card} Main St", "city": "Ottawa", "countryCode": "ca"}
                ],
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        pk = created.json()["id"]
        customer = Customer.objects.get(pk=pk)
        address = customer.addresses.get()
        for where, stored in (
            ("api-create:note", raw("customers_customer", "note", pk)),
            ("api-create:tags", raw("customers_customer", "tags", pk)),
            ("api-create:nested-address", raw("customers_customeraddress", "address1", address.pk)),
            ("api-create:response", created.content.decode()),
        ):
            report.tried(where, got_through=leaked(stored, card), card=card)
        updated = api.patch(f"/api/v1/customers/{pk}", {"note": f"new card {card}"}, format="json")
        assert updated.status_code == 200, updated.json()
        report.tried(
            "api-update:note",
            got_through=leaked(raw("customers_customer", "note", pk), card),
            card=card,
        )
    report.assert_none_got_through()
    # The masked form is what is stored: first six, last four.
    assert Customer.objects.filter(note__contains="411111******1111").exists()


def test_card_numbers_saved_through_models_and_admin_are_masked(
    admin_user: Any, verified_login: Any
) -> None:
    report = AttackReport("pci-pan-masking-models-admin")
    admin = Client()
    verified_login(admin, admin_user)
    order = TransactionFactory.create().order
    for index, card in enumerate(CARDS):
        customer = CustomerFactory.create(note=f"card {card}")
        report.tried(
            "model-save:text",
            got_through=leaked(raw("customers_customer", "note", customer.pk), card),
            card=card,
        )
        transaction = TransactionFactory.create(
            order=order,
            receipt={"gateway": {"echo": f"card {card}", "lines": [card]}},
            message=f"Declined {card}",
        )
        for column in ("receipt", "message"):
            report.tried(
                f"model-save:{column}",
                got_through=leaked(raw("finance_transaction", column, transaction.pk), card),
                card=card,
            )
        response = admin.post(
            "/admin/customers/customergroup/add/",
            {"name": f"Group {index} {card}", "query": f"note:{card}"},
        )
        assert response.status_code == 302, response.content[:2000]
        group = CustomerGroup.objects.order_by("-pk").first()
        assert group is not None
        for column in ("name", "query"):
            report.tried(
                f"admin-form:{column}",
                got_through=leaked(raw("customers_customergroup", column, group.pk), card),
                card=card,
            )
    report.assert_none_got_through()


def test_card_numbers_in_signed_webhooks_are_masked_after_the_signature_check(
    settings: Any,
) -> None:
    settings.SHOPIFY_API_SECRET = "hush"
    report = AttackReport("pci-pan-masking-webhooks")
    client = Client()
    for index, card in enumerate(CARDS):
        payload = {
            "id": 820982911946154500 + index,
            "note": f"card {card}",
            "note_attributes": [{"name": "card", "value": card}],
            "admin_graphql_api_id": f"gid://shopify/Customer/{820982911946154500 + index}",
        }
        body = json.dumps(payload).encode()
        response = client.post(
            "/webhooks/shopify/",
            data=body,
            content_type="application/json",
            headers={
                "X-Shopify-Hmac-Sha256": webhook_signature(body=body, secret=b"hush"),
                "X-Shopify-Topic": "customers/update",
                "X-Shopify-Webhook-Id": f"pan-{index}",
                "X-Shopify-Shop-Domain": "stockroom-test.myshopify.com",
            },
        )
        assert response.status_code == 200, response.content
        delivery = WebhookDelivery.objects.get(webhook_id=f"pan-{index}")
        report.tried(
            "webhook-payload",
            got_through=leaked(raw("webhooks_webhookdelivery", "payload", delivery.pk), card),
            card=card,
        )
        # Nothing else in the payload changed.
        assert delivery.payload["id"] == payload["id"]
        assert delivery.payload["admin_graphql_api_id"] == payload["admin_graphql_api_id"]
    report.assert_none_got_through()


def test_card_numbers_in_mirrored_rows_are_masked_by_the_copy_writer() -> None:
    report = AttackReport("pci-pan-masking-mirror")
    for index, card in enumerate(CARDS):
        node = customer_node(
            9100 + index, default_address=None, addresses=[], email=f"m{index}@example.com"
        )
        node["note"] = f"card {card} on file"
        node["firstName"] = card
        result = mirror.apply(mapped(node))
        assert result.created.get("customer") == 1 or result.updated.get("customer") == 1
        customer = Customer.objects.get(shopify_id=9100 + index)
        for column in ("note", "first_name"):
            report.tried(
                f"mirror:{column}",
                got_through=leaked(raw("customers_customer", column, customer.pk), card),
                card=card,
            )
    report.assert_none_got_through()
