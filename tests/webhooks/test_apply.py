"""Applying recorded deliveries: every Shopify example payload lands in the mirror exactly;
duplicates apply once; stale and out-of-order deliveries never regress data; the topics that are
not mirror data reach their services (uninstall, bulk finish, compliance, low stock)."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from catalog.models import Product, ProductTag, ProductVariant
from compliance.models import ComplianceRecord, DataSubjectRequest
from core.models import Event
from customers.models import Customer, CustomerAddress
from finance.models import Transaction
from inventory.models import InventoryLevel
from orders.models import Fulfillment, Order, OrderLineItem
from shopify import mirror
from shopify.mapping.rest import UNKNOWN_UPDATED_AT, items_for_webhook
from shopify.models import ShopifyConnection
from shopify.rows import MirrorRow
from shopify.sync.bulk import _finished_key as bulk_finished_key
from webhooks.intake import webhook_signature
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_delivery_apply
from webhooks.tasks import webhook_retry_failed_task

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
SECRET = "hush-webhook-secret"
SHOP_DOMAIN = "stockroom-test.myshopify.com"
JAN_1 = datetime(2022, 1, 1, tzinfo=UTC)  # the examples' "2021-12-31T19:00:00-05:00"


def _gid_ids(value: Any) -> Iterator[int]:
    if isinstance(value, dict):
        gid = value.get("admin_graphql_api_id")
        if isinstance(gid, str) and gid.startswith("gid://shopify/"):
            yield int(gid.rsplit("/", 1)[-1].split("?", 1)[0])
            tail = gid.split("inventory_item_id=", 1)
            if len(tail) == 2:
                yield int(tail[1])
        for item in value.values():
            yield from _gid_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _gid_ids(item)


def _exact_ids() -> dict[int, int]:
    """The fixtures' numeric ids were rounded to doubles by their scraper; their GIDs are exact:
    rounded id -> exact id."""
    exact: dict[int, int] = {}
    for path in FIXTURES.glob("*.json"):
        for value in _gid_ids(json.loads(path.read_text())):
            rounded = int(Decimal(repr(float(value))))
            if rounded != value:
                exact[rounded] = value
    return exact


EXACT_IDS = _exact_ids()


def _repair(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {name: _repair(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_repair(item, key) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and key.endswith("id"):
        return EXACT_IDS.get(value, value)
    if isinstance(value, int) and not isinstance(value, bool) and key.endswith("_ids"):
        return EXACT_IDS.get(value, value)
    return value


def fixture_payload(name: str) -> dict[str, Any]:
    """A fixture payload whose ids (and references) are the exact ones of its GIDs."""
    payload: dict[str, Any] = _repair(json.loads((FIXTURES / name).read_text()))
    return payload


def signed_headers(
    body: bytes, *, topic: str, webhook_id: str, triggered_at: str = ""
) -> dict[str, str]:
    headers = {
        "X-Shopify-Hmac-Sha256": webhook_signature(body=body, secret=SECRET.encode()),
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Shop-Domain": SHOP_DOMAIN,
        "X-Shopify-API-Version": "2025-10",
    }
    if triggered_at:
        headers["X-Shopify-Triggered-At"] = triggered_at
    return headers


Deliver = Callable[..., int]


def make_deliver(client: Client, settings: Any, capture_on_commit: Any) -> Deliver:
    """POST a signed delivery and run what it queued (the eager Celery task) after commit."""
    settings.SHOPIFY_API_SECRET = SECRET
    settings.SHOPIFY_API_SECRETS_PREVIOUS = []
    counter = iter(range(1, 1_000_000))

    def post(
        topic: str,
        payload: dict[str, Any],
        *,
        webhook_id: str | None = None,
        triggered_at: str = "",
    ) -> int:
        body = json.dumps(payload).encode()
        headers = signed_headers(
            body,
            topic=topic,
            webhook_id=webhook_id or f"hook-{next(counter)}",
            triggered_at=triggered_at,
        )
        with capture_on_commit(execute=True):
            response = client.post(
                "/webhooks/shopify/", data=body, content_type="application/json", headers=headers
            )
        return int(response.status_code)

    return post


@pytest.fixture
def deliver(client: Client, settings: Any, django_capture_on_commit_callbacks: Any) -> Deliver:
    return make_deliver(client, settings, django_capture_on_commit_callbacks)


pytestmark = pytest.mark.django_db

STORE_LOCATION = {
    **json.loads((FIXTURES / "rest_2025-07_locations.json").read_text())["locations"][1],
}


def statuses() -> list[tuple[str, str]]:
    return list(WebhookDelivery.objects.order_by("id").values_list("topic", "status"))


def only_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.get()


# --- every example payload ------------------------------------------------------------------------

MIRRORED_FIXTURES = [
    ("locations/create", None),  # the level's location (REST locations list)
    ("locations/update", "webhook_2025-10_locations_update.json"),
    ("inventory_items/update", "webhook_2025-10_inventory_items_update.json"),
    ("products/update", "webhook_2025-10_products_update.json"),
    ("customers/update", "webhook_2025-10_customers_update.json"),
    ("orders/create", "webhook_2025-10_orders_create.json"),
    ("fulfillments/create", "webhook_2025-10_fulfillments_create.json"),
    ("order_transactions/create", "webhook_2025-10_order_transactions_create.json"),
    ("refunds/create", "webhook_2025-10_refunds_create.json"),
    ("inventory_levels/update", "webhook_2024-04_inventory_levels_update.json"),
]


def mirrored_payloads() -> list[tuple[str, dict[str, Any]]]:
    return [
        (topic, fixture_payload(name) if name else dict(STORE_LOCATION))
        for topic, name in MIRRORED_FIXTURES
    ]


def test_every_example_payload_is_applied_and_the_mirror_holds_its_values(
    deliver: Deliver,
) -> None:
    payloads = mirrored_payloads()

    for topic, payload in payloads:
        assert deliver(topic, payload) == 200

    assert statuses() == [(topic, "processed") for topic, _ in payloads]
    assert WebhookDelivery.objects.filter(attempts=1, error="").count() == len(payloads)
    for topic, payload in payloads:
        # The customer embedded in the order (no updated_at) never overwrites the stored one.
        items = [
            item
            for item in items_for_webhook(topic, payload)
            if not (
                isinstance(item, MirrorRow)
                and item.fields.get("shopify_updated_at") == UNKNOWN_UPDATED_AT
            )
        ]
        assert mirror.diff(items) == [], topic


def test_a_product_holds_exactly_the_payload_values(deliver: Deliver) -> None:
    payload = fixture_payload("webhook_2025-10_products_update.json")

    assert deliver("products/update", payload) == 200

    product = Product.objects.get()
    assert {
        "shopify_id": product.shopify_id,
        "admin_graphql_api_id": product.admin_graphql_api_id,
        "title": product.title,
        "body_html": product.body_html,
        "handle": product.handle,
        "vendor": product.vendor,
        "product_type": product.product_type,
        "status": product.status,
        "published_at": product.published_at,
        "published_scope": product.published_scope,
        "template_suffix": product.template_suffix,
        "tags": product.tags,
        "shopify_updated_at": product.shopify_updated_at,
        "deleted_at": product.deleted_at,
    } == {
        "shopify_id": 788032119674292922,
        "admin_graphql_api_id": "gid://shopify/Product/788032119674292922",
        "title": "Example T-Shirt",
        "body_html": "An example T-Shirt",
        "handle": "example-t-shirt",
        "vendor": "Acme",
        "product_type": "Shirts",
        "status": "active",
        "published_at": JAN_1,
        "published_scope": "web",
        "template_suffix": "",
        "tags": "example, mens, t-shirt",
        "shopify_updated_at": JAN_1,
        "deleted_at": None,
    }
    assert sorted(ProductTag.objects.values_list("tag", flat=True)) == [
        "example",
        "mens",
        "t-shirt",
    ]
    assert list(
        ProductVariant.objects.order_by("position").values_list(
            "shopify_id",
            "title",
            "price",
            "compare_at_price",
            "sku",
            "barcode",
            "position",
            "option1",
            "option2",
            "option3",
            "taxable",
            "inventory_policy",
            "inventory_quantity",
            "old_inventory_quantity",
            "inventory_item_id",
            "image_id",
            "shopify_updated_at",
            "created_at",
        )
    ) == [
        (
            642667041472713922,
            "Small",
            Decimal("19.99"),
            Decimal("24.99"),
            "",
            "",
            1,
            "Small",
            "",
            "",
            True,
            "deny",
            75,
            75,
            None,
            None,
            datetime(2021, 12, 31, tzinfo=UTC),
            datetime(2021, 12, 30, tzinfo=UTC),
        ),
        (
            757650484644203962,
            "Medium",
            Decimal("19.99"),
            Decimal("24.99"),
            "",
            "",
            2,
            "Medium",
            "",
            "",
            True,
            "deny",
            50,
            50,
            None,
            None,
            JAN_1,
            datetime(2021, 12, 30, tzinfo=UTC),
        ),
    ]


def test_an_order_holds_exactly_the_payload_values(deliver: Deliver) -> None:
    assert (
        deliver("products/update", fixture_payload("webhook_2025-10_products_update.json")) == 200
    )

    assert deliver("orders/create", fixture_payload("webhook_2025-10_orders_create.json")) == 200

    order = Order.objects.select_related("customer").get()
    assert {
        "shopify_id": order.shopify_id,
        "name": order.name,
        "number": order.number,
        "order_number": order.order_number,
        "email": order.email,
        "status": order.status,
        "financial_status": order.financial_status,
        "fulfillment_status": order.fulfillment_status,
        "cancel_reason": order.cancel_reason,
        "cancelled_at": order.cancelled_at,
        "processed_at": order.processed_at,
        "confirmed": order.confirmed,
        "test": order.test,
        "currency": order.currency,
        "total_price": order.total_price,
        "subtotal_price": order.subtotal_price,
        "total_discounts": order.total_discounts,
        "total_line_items_price": order.total_line_items_price,
        "total_tax": order.total_tax,
        "tags": order.tags,
        "token": order.token,
        "payment_gateway_names": order.payment_gateway_names,
        "customer": order.customer.shopify_id if order.customer else None,
        "billing_city": order.billing_address["city"],
    } == {
        "shopify_id": 820982911946154508,
        "name": "#9999",
        "number": 234,
        "order_number": 1234,
        "email": "jon@example.com",
        "status": "cancelled",
        "financial_status": "voided",
        "fulfillment_status": "unfulfilled",
        "cancel_reason": "customer",
        "cancelled_at": JAN_1,
        "processed_at": JAN_1,
        "confirmed": False,
        "test": True,
        "currency": "USD",
        "total_price": Decimal("359.97"),
        "subtotal_price": Decimal("359.97"),
        "total_discounts": Decimal("20.00"),
        "total_line_items_price": Decimal("369.97"),
        "total_tax": Decimal("0.00"),
        "tags": "tag1, tag2",
        "token": "123456abcd",
        "payment_gateway_names": ["visa", "bogus"],
        "customer": 115310627314723954,
        "billing_city": "Shippington",
    }
    assert list(
        OrderLineItem.objects.order_by("price").values_list(
            "shopify_id", "title", "sku", "quantity", "price", "grams", "product__shopify_id"
        )
    ) == [
        (
            487817672276298554,
            "Aviator sunglasses",
            "SKU2006-001",
            1,
            Decimal("89.99"),
            100,
            788032119674292922,
        ),
        (
            315789986012684393,
            "Coffee table",
            "SKU2006-035",
            1,
            Decimal("119.99"),
            500,
            788032119674292922,
        ),
        (
            976318377106520349,
            "Mid-century lounger",
            "SKU2006-020",
            1,
            Decimal("159.99"),
            1000,
            788032119674292922,
        ),
    ]
    customer = Customer.objects.get()
    assert (customer.email, customer.first_name, customer.default_address.city) == (  # type: ignore[union-attr]
        "john@example.com",
        "John",
        "Ottawa",
    )


def test_a_customer_holds_exactly_the_payload_values(deliver: Deliver) -> None:
    assert (
        deliver("customers/update", fixture_payload("webhook_2025-10_customers_update.json")) == 200
    )

    customer = Customer.objects.get()
    assert {
        "shopify_id": customer.shopify_id,
        "email": customer.email,
        "phone": customer.phone,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "state": customer.state,
        "note": customer.note,
        "verified_email": customer.verified_email,
        "tax_exempt": customer.tax_exempt,
        "tax_exemptions": customer.tax_exemptions,
        "currency": customer.currency,
        "created_at": customer.created_at,
        "shopify_updated_at": customer.shopify_updated_at,
    } == {
        "shopify_id": 706405506930370084,
        "email": "bob@biller.com",
        "phone": "",
        "first_name": "Bob",
        "last_name": "Biller",
        "state": "disabled",
        "note": "This customer loves ice cream",
        "verified_email": True,
        "tax_exempt": False,
        "tax_exemptions": [],
        "currency": "USD",
        "created_at": JAN_1,
        "shopify_updated_at": JAN_1,
    }
    assert list(
        CustomerAddress.objects.values_list(
            "shopify_id",
            "address1",
            "city",
            "province",
            "country_code",
            "zip",
            "phone",
            "is_default",
        )
    ) == [(12321, "151 O'Connor Street", "Ottawa", "ON", "CA", "K2P 2L8", "555-555-5555", True)]
    assert customer.default_address_id == CustomerAddress.objects.get().pk


def test_an_inventory_level_holds_exactly_the_payload_values(deliver: Deliver) -> None:
    deliver("locations/create", dict(STORE_LOCATION))
    deliver(
        "inventory_items/update", fixture_payload("webhook_2025-10_inventory_items_update.json")
    )
    payload = fixture_payload("webhook_2024-04_inventory_levels_update.json")
    payload["available"] = 12

    assert deliver("inventory_levels/update", payload) == 200

    level = InventoryLevel.objects.select_related("inventory_item", "location").get()
    assert (
        level.inventory_item.shopify_id,
        level.location.shopify_id,
        level.available,
        level.shopify_updated_at,
        level.admin_graphql_api_id,
    ) == (
        271878346596884015,
        24826418,
        12,
        JAN_1,
        "gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015",
    )
    item = level.inventory_item
    assert (item.sku, item.tracked, item.requires_shipping, item.cost) == (
        "example-sku",
        True,
        True,
        None,
    )


# --- duplicates, stale and out-of-order deliveries ------------------------------------------------


def product_payload(version: int, *, product_id: int = 7001, variants: int = 2) -> dict[str, Any]:
    """products/update of one product at `version` (newer versions have later updated_at)."""
    payload = fixture_payload("webhook_2025-10_products_update.json")
    stamp = f"2026-01-01T00:{version:02d}:00Z"
    variant_template = payload["variants"][0]
    payload.update(
        id=product_id,
        admin_graphql_api_id=f"gid://shopify/Product/{product_id}",
        handle=f"product-{product_id}",
        title=f"Product {product_id} v{version}",
        updated_at=stamp,
        variants=[
            {
                **variant_template,
                "id": product_id * 10 + number,
                "admin_graphql_api_id": f"gid://shopify/ProductVariant/{product_id * 10 + number}",
                "product_id": product_id,
                "title": f"V{number}",
                "option1": f"V{number}",
                "position": number,
                "price": f"{version}.{number:02d}",
                "updated_at": stamp,
            }
            for number in range(1, variants + 1)
        ],
        variant_gids=[
            {
                "admin_graphql_api_id": f"gid://shopify/ProductVariant/{product_id * 10 + number}",
                "updated_at": stamp,
            }
            for number in range(1, variants + 1)
        ],
    )
    return payload


def test_a_redelivered_webhook_is_applied_once(deliver: Deliver) -> None:
    payload = product_payload(1)

    assert deliver("products/update", payload, webhook_id="same-id") == 200
    Product.objects.update(title="Changed here since")
    assert deliver("products/update", payload, webhook_id="same-id") == 200

    assert statuses() == [("products/update", "processed")]
    assert Product.objects.get().title == "Changed here since"


def test_a_stale_delivery_after_a_newer_one_changes_nothing(deliver: Deliver) -> None:
    deliver("products/update", product_payload(5, variants=3))
    before = list(ProductVariant.objects.order_by("pk").values_list("pk", "price", "deleted_at"))

    assert deliver("products/update", product_payload(4, variants=2)) == 200

    product = Product.objects.get()
    assert (product.title, product.shopify_updated_at) == (
        "Product 7001 v5",
        datetime(2026, 1, 1, 0, 5, tzinfo=UTC),
    )
    # The older payload's complete variant set (2) does not prune the newer third variant.
    assert list(ProductVariant.objects.order_by("pk").values_list("pk", "price", "deleted_at")) == (
        before
    )
    assert statuses() == [("products/update", "processed"), ("products/update", "ignored_stale")]


def test_a_deleted_product_is_not_resurrected_by_a_late_update(deliver: Deliver) -> None:
    deliver("products/update", product_payload(1))

    deliver("products/delete", {"id": 7001}, triggered_at="2026-01-01T00:10:00.000000Z")
    deliver("products/update", product_payload(9))  # updated 00:09, before the deletion

    product = Product.all_objects.get()
    assert product.deleted_at == datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
    assert product.title == "Product 7001 v1"
    assert ProductVariant.objects.count() == 0
    assert [status for _topic, status in statuses()] == ["processed", "processed", "ignored_stale"]


def test_a_thousand_shuffled_deliveries_with_duplicates_end_at_the_newest_state(
    deliver: Deliver,
) -> None:
    rng = random.Random(20260104)
    deliveries: list[tuple[str, str, dict[str, Any]]] = []
    newest: dict[int, int] = {}
    for number in range(800):
        product_id = 7000 + number % 80
        version = number // 80 + 1  # 10 versions of 80 products
        newest[product_id] = max(newest.get(product_id, 0), version)
        deliveries.append(
            (f"hook-{number}", "products/update", product_payload(version, product_id=product_id))
        )
    deliveries += rng.sample(deliveries, 200)  # 20% redelivered (same webhook id and body)
    rng.shuffle(deliveries)
    assert len(deliveries) == 1000

    for webhook_id, topic, payload in deliveries:
        assert deliver(topic, payload, webhook_id=webhook_id) == 200

    assert WebhookDelivery.objects.count() == 800
    assert WebhookDelivery.objects.filter(status="failed").count() == 0
    assert dict(Product.objects.values_list("shopify_id", "title")) == {
        product_id: f"Product {product_id} v{version}" for product_id, version in newest.items()
    }
    for product_id, version in newest.items():
        assert (
            mirror.diff(
                items_for_webhook(
                    "products/update", product_payload(version, product_id=product_id)
                )
            )
            == []
        )


# --- failures -------------------------------------------------------------------------------------


def test_a_payload_that_cannot_be_mapped_is_marked_failed_with_its_error(deliver: Deliver) -> None:
    assert deliver("fulfillments/create", {"id": 1, "status": "success"}) == 200

    delivery = only_delivery()
    assert (delivery.status, delivery.attempts, delivery.error, delivery.processed_at) == (
        "failed",
        1,
        "KeyError: 'order_id'",
        None,
    )
    assert Fulfillment.objects.count() == 0


def test_a_failed_delivery_is_applied_when_retried(deliver: Deliver) -> None:
    payload = fixture_payload("webhook_2025-10_order_transactions_create.json")
    deliver("order_transactions/create", payload)  # its order is not mirrored yet
    delivery = only_delivery()
    assert (delivery.status, delivery.attempts, delivery.error) == (
        "failed",
        1,
        "Not written yet (a record they point at is missing, or refused): transaction"
        " 120560818172775265 (order 820982911946154508)",
    )
    deliver("orders/create", fixture_payload("webhook_2025-10_orders_create.json"))

    outcome = webhook_delivery_apply(delivery_id=delivery.pk)

    assert outcome is not None and outcome.status == "processed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("processed", 2, "")
    assert Transaction.objects.get().amount == Decimal("374.97")
    assert webhook_delivery_apply(delivery_id=delivery.pk) is None  # done: never twice


# --- topics routed to other services --------------------------------------------------------------


def test_an_inventory_update_reaching_the_threshold_records_the_low_stock_event(
    deliver: Deliver,
) -> None:
    deliver("locations/create", dict(STORE_LOCATION))
    deliver(
        "inventory_items/update", fixture_payload("webhook_2025-10_inventory_items_update.json")
    )
    level = fixture_payload("webhook_2024-04_inventory_levels_update.json")
    deliver("inventory_levels/update", {**level, "available": 10})
    InventoryLevel.objects.update(low_stock_threshold=3)

    deliver(
        "inventory_levels/update", {**level, "available": 5, "updated_at": "2026-01-01T00:00:00Z"}
    )
    deliver(
        "inventory_levels/update", {**level, "available": 3, "updated_at": "2026-01-01T00:01:00Z"}
    )
    deliver(
        "inventory_levels/update", {**level, "available": 2, "updated_at": "2026-01-01T00:00:30Z"}
    )

    stored = InventoryLevel.objects.get()
    assert stored.available == 3  # the stale update (00:00:30) changed nothing
    events = list(Event.objects.filter(verb="low_stock").values("subject_id", "arguments"))
    assert events == [
        {
            "subject_id": stored.pk,
            "arguments": {
                "inventory_item_id": stored.inventory_item_id,
                "location_id": stored.location_id,
                "available": 3,
                "low_stock_threshold": 3,
            },
        }
    ]


def test_inventory_levels_disconnect_deletes_the_level(deliver: Deliver) -> None:
    deliver("locations/create", dict(STORE_LOCATION))
    deliver(
        "inventory_items/update", fixture_payload("webhook_2025-10_inventory_items_update.json")
    )
    deliver(
        "inventory_levels/update", fixture_payload("webhook_2024-04_inventory_levels_update.json")
    )
    assert InventoryLevel.objects.count() == 1

    disconnect = fixture_payload("webhook_2025-10_inventory_levels_disconnect.json")
    disconnect["location_id"] = 24826418
    assert deliver("inventory_levels/disconnect", disconnect) == 200

    assert InventoryLevel.objects.count() == 0
    assert statuses()[-1] == ("inventory_levels/disconnect", "processed")


def test_deletes_soft_delete_the_records(deliver: Deliver) -> None:
    deliver("customers/update", fixture_payload("webhook_2025-10_customers_update.json"))
    deliver("products/update", fixture_payload("webhook_2025-10_products_update.json"))

    deliver("customers/delete", fixture_payload("webhook_2025-10_customers_delete.json"))
    deliver("products/delete", fixture_payload("webhook_2025-10_products_delete.json"))

    assert Customer.objects.count() == 0
    assert Customer.all_objects.get().deleted_at is not None
    assert Product.objects.count() == 0
    assert ProductVariant.objects.count() == 0


def test_app_uninstalled_forgets_the_shops_token(deliver: Deliver) -> None:
    connection = ShopifyConnection.objects.create(
        shop_domain=SHOP_DOMAIN, access_token="shpat_secret", scopes="read_products"
    )

    assert (
        deliver("app/uninstalled", fixture_payload("webhook_2025-10_app_uninstalled.json")) == 200
    )

    connection.refresh_from_db()
    assert (connection.access_token, connection.scopes) == ("", "")
    assert connection.uninstalled_at is not None
    assert statuses() == [("app/uninstalled", "processed")]


def test_bulk_operations_finish_signals_the_waiting_sync(deliver: Deliver) -> None:
    payload = fixture_payload("webhook_2025-10_bulk_operations_finish.json")

    assert deliver("bulk_operations/finish", payload) == 200

    assert statuses() == [("bulk_operations/finish", "processed")]
    assert cache.get(bulk_finished_key("gid://shopify/BulkOperation/147595010")) is True


def test_compliance_webhooks_record_and_carry_out_the_requests(deliver: Deliver) -> None:
    data_request = fixture_payload("webhook_2025-10_customers_data_request.json")
    redact = fixture_payload("webhook_2025-10_customers_redact.json")
    shop_redact = fixture_payload("webhook_2025-10_shop_redact.json")

    deliver("customers/data_request", data_request)
    deliver("customers/data_request", data_request)  # a new webhook id, the same request
    deliver("customers/redact", redact)
    deliver("shop/redact", shop_redact)

    # The redaction rewrote the deliveries that named john@example.com (all three requests).
    assert [status for _topic, status in statuses()] == ["processed"] * 4
    assert [
        delivery.payload.get("redacted")
        for delivery in WebhookDelivery.objects.order_by("received_at", "id")
    ] == ["gdpr_erasure", "gdpr_erasure", "gdpr_erasure", None]
    digest = hashlib.sha256(b"john@example.com").hexdigest()
    assert list(
        DataSubjectRequest.objects.order_by("id").values_list(
            "request_type", "source", "shopify_request_id", "subject_email_digest", "status"
        )
    ) == [
        ("export", "shopify_webhook", 9999, digest, "completed"),
        ("erasure", "shopify_webhook", None, digest, "completed"),
    ]
    export, erasure = DataSubjectRequest.objects.order_by("id")
    # John has no customer row here: the export (made when the first delivery was applied)
    # holds the request and the delivery naming him, and the request's audit entries.
    assert export.evidence["tables"].pop("auditlog.LogEntry") >= 1
    assert export.evidence["tables"] == {
        "compliance.DataSubjectRequest": 1,
        "core.Event": 1,
        "webhooks.WebhookDelivery": 1,
    }
    assert export.evidence["orders_requested"] == [299938, 280263, 220458]
    assert export.evidence["export_file"] is None  # deleted by the erasure that followed
    assert erasure.evidence["orders_to_redact"] == [299938, 280263, 220458]
    assert erasure.evidence["tables"]["webhooks.WebhookDelivery"] == {"redacted": 3}
    for request in (export, erasure):
        assert "subject_email" not in request.evidence
        assert "john@example.com" not in json.dumps(request.evidence)
    record = ComplianceRecord.objects.get()
    assert (record.entity_type, record.entity_id, record.compliance_type, record.status) == (
        "Shop",
        954889,
        "gdpr",
        "compliant",
    )
    assert record.evidence["shopify_shop_domain"] == "{shop}.myshopify.com"
    assert (record.evidence["customers_erased"], record.evidence["guest_buyers_erased"]) == (0, 0)


def test_the_sweep_applies_failed_deliveries_whose_parent_has_arrived(deliver: Deliver) -> None:
    deliver(
        "order_transactions/create",
        fixture_payload("webhook_2025-10_order_transactions_create.json"),
    )
    deliver("orders/create", fixture_payload("webhook_2025-10_orders_create.json"))
    WebhookDelivery.objects.update(received_at=timezone.now() - timedelta(minutes=10))
    fresh_failure = fixture_payload("webhook_2025-10_fulfillments_create.json")
    fresh_failure["order_id"] = 1  # an order that never arrives
    deliver("fulfillments/create", fresh_failure)

    assert webhook_retry_failed_task.delay().get() == 1  # the fresh failure waits its turn

    assert statuses() == [
        ("order_transactions/create", "processed"),
        ("orders/create", "processed"),
        ("fulfillments/create", "failed"),
    ]
    assert Transaction.objects.get().order.shopify_id == 820982911946154508
