"""/api/v1/orders: create (pricing, discounts, tax, shipping, stock), read, update, cancel,
fulfil, transactions, refunds; fulfillment orders; abandoned checkouts. Real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.models import ProductVariant
from core.models import Event
from finance.choices import DiscountCodeStatus, DiscountType
from finance.models import DiscountCode, Transaction
from inventory.models import InventoryAdjustment, InventoryLevel, Location
from orders.models import (
    Fulfillment,
    FulfillmentOrder,
    Order,
    OrderLineItem,
    Refund,
    RefundLineItem,
)
from tests.catalog.factories import ProductFactory, ProductVariantFactory
from tests.core.factories import ShopFactory
from tests.customers.factories import CustomerFactory
from tests.finance.factories import DiscountCodeFactory
from tests.inventory.factories import LocationFactory
from tests.orders.factories import (
    AbandonedCheckoutFactory,
    AbandonedCheckoutLineItemFactory,
    OrderFactory,
    OrderLineItemFactory,
    stocked_variant,
)
from tests.shipping.factories import ShippingRateFactory, ShippingZoneFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders"
ADDRESS = {"firstName": "Ada", "address1": "1 Main St", "city": "Ottawa", "countryCode": "CA"}


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_orders"])[1])


@pytest.fixture(autouse=True)
def _audit_content_types_cached() -> None:
    """Audit entries name their model's content type, which Django caches per process; a test
    run alone would otherwise count the first lookups in its query budget."""
    from django.contrib.contenttypes.models import ContentType

    from core.audit import audited_models

    ContentType.objects.get_for_models(*audited_models())


@pytest.fixture
def location() -> Location:
    return LocationFactory.create(active=True)


def _snapshot() -> dict[str, Any]:
    return {
        "orders": Order.all_objects.count(),
        "lines": OrderLineItem.objects.count(),
        "levels": sorted(
            InventoryLevel.objects.values_list("pk", "available", "committed", "on_hand")
        ),
        "codes": sorted(DiscountCode.all_objects.values_list("pk", "used_count")),
        "transactions": Transaction.objects.count(),
        "fulfillments": Fulfillment.objects.count(),
        "refunds": Refund.objects.count(),
        "ledger": InventoryAdjustment.objects.count(),
        "events": Event.objects.count(),
    }


def _level(variant: Any) -> tuple[int, int, int]:
    level = InventoryLevel.objects.get(inventory_item_id=variant.inventory_item_id)
    return level.available, level.committed, level.on_hand


def _error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


def _place(client: APIClient, body: dict[str, Any]) -> Any:
    return client.post(
        ORDERS, {"currency": "USD", "email": "ada@example.com", **body}, format="json"
    )


# --- Create: pricing ---------------------------------------------------------------------------


def test_an_order_without_a_currency_is_in_the_shops_currency(
    client: APIClient, location: Location
) -> None:
    ShopFactory.create(currency="EUR")
    variant = stocked_variant(location=location, price="4.50")
    ProductVariant.objects.filter(pk=variant.pk).update(currency="EUR")

    response = client.post(
        ORDERS, {"lineItems": [{"variantId": variant.pk, "quantity": 2}]}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["currency"], response.json()["totalPrice"]) == ("EUR", "9.00")


def test_create_prices_lines_discount_tax_and_shipping_with_exact_decimals(
    client: APIClient, location: Location
) -> None:
    shirt = stocked_variant(location=location, available=10, price="19.99", grams=500)
    socks = stocked_variant(location=location, available=10, price="5.00", grams=500)
    code = DiscountCodeFactory.create(code="SAVE10", type=DiscountType.PERCENTAGE, value=10)
    rate = ShippingRateFactory.create(
        shipping_zone=ShippingZoneFactory.create(countries=[{"code": "CA"}]), price="5.00"
    )
    customer = CustomerFactory.create()

    response = _place(
        client,
        {
            "customerId": customer.pk,
            "lineItems": [
                {"variantId": shirt.pk, "quantity": 3, "price": "0.01"},
                {"variantId": socks.pk, "quantity": 2},
            ],
            "discountCodes": ["save10"],
            "shippingRateId": rate.pk,
            "shippingAddress": ADDRESS,
            "billingAddress": ADDRESS,
            "taxLines": [{"title": "HST", "rate": "0.13"}],
            "transactions": [{"kind": "authorization", "amount": "76.16", "gateway": "manual"}],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    # The new order is shown from the objects just written: exactly what a read gives.
    assert body == client.get(f"{ORDERS}/{body['id']}").json()
    # 3 x 19.99 = 59.97, less 10% = 5.997 -> 6.00; 2 x 5.00 = 10.00, less 1.00.
    assert body["totalLineItemsPrice"] == "69.97"
    assert body["totalDiscounts"] == "7.00"
    assert body["subtotalPrice"] == "62.97"
    # HST per line: 53.97 x 0.13 = 7.0161 -> 7.02; 9.00 x 0.13 = 1.17.
    assert body["totalTax"] == "8.19"
    assert body["taxLines"] == [{"title": "HST", "rate": "0.13000", "price": "8.19"}]
    assert body["shippingLines"][0]["price"] == "5.00"
    assert body["totalPrice"] == "76.16"
    assert body["financialStatus"] == "authorized"
    assert body["fulfillmentStatus"] == "unfulfilled"
    assert body["status"] == "open"
    assert body["customerId"] == customer.pk
    assert body["locationId"] == location.pk
    assert body["name"] == f"#{body['number'] + 1000}"
    assert body["totalWeight"] == 2500
    lines = body["lineItems"]
    assert [(li["price"], li["quantity"], li["totalDiscount"]) for li in lines] == [
        ("19.99", 3, "6.00"),
        ("5.00", 2, "1.00"),
    ]
    assert lines[0]["taxLines"] == [{"title": "HST", "rate": "0.13000", "price": "7.02"}]
    assert lines[0]["fulfillableQuantity"] == 3
    assert body["discounts"][0]["code"] == "SAVE10"
    assert body["discounts"][0]["amount"] == "7.00"
    assert body["discountCodes"] == [{"code": "SAVE10", "amount": "7.00", "type": "percentage"}]
    assert [(t["kind"], t["amount"], t["status"]) for t in body["transactions"]] == [
        ("authorization", "76.16", "success")
    ]
    code.refresh_from_db()
    assert code.used_count == 1
    assert _level(shirt) == (7, 3, 10)
    assert _level(socks) == (8, 2, 10)
    fulfillment_order = FulfillmentOrder.objects.get(order_id=body["id"])
    assert fulfillment_order.assigned_location_id == location.pk
    assert sorted(
        fulfillment_order.fulfillment_order_line_items.values_list(
            "total_quantity", "remaining_quantity"
        )
    ) == [(2, 2), (3, 3)]
    assert Event.objects.filter(subject_type="Order", subject_id=body["id"], verb="placed").exists()


def test_fixed_amount_discount_is_split_across_lines_and_taxes_included(
    client: APIClient, location: Location
) -> None:
    shirt = stocked_variant(location=location, price="59.97")
    socks = stocked_variant(location=location, price="10.00")
    DiscountCodeFactory.create(code="TENOFF", type=DiscountType.FIXED_AMOUNT, value=10, amount=10)

    response = _place(
        client,
        {
            "lineItems": [
                {"variantId": shirt.pk, "quantity": 1},
                {"variantId": socks.pk, "quantity": 1},
            ],
            "discountCodes": ["TENOFF"],
            "taxesIncluded": True,
            "taxLines": [{"title": "VAT", "rate": "0.2"}],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    # 10 x 59.97 / 69.97 = 8.5708 -> 8.57; the last line takes the rest, 1.43.
    assert [li["totalDiscount"] for li in body["lineItems"]] == ["8.57", "1.43"]
    assert body["subtotalPrice"] == "59.97"
    # Included VAT: 51.40 x 0.2 / 1.2 = 8.5666 -> 8.57; 8.57 x 0.2 / 1.2 = 1.4283 -> 1.43.
    assert body["totalTax"] == "10.00"
    assert body["totalPrice"] == "59.97"
    assert body["financialStatus"] == "pending"


def test_free_shipping_code_takes_the_shipping_off(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location, price="20.00")
    rate = ShippingRateFactory.create(price="7.50")
    DiscountCodeFactory.create(code="SHIPFREE", type=DiscountType.SHIPPING, value=0, amount=None)

    response = _place(
        client,
        {
            "lineItems": [{"variantId": variant.pk, "quantity": 1}],
            "discountCodes": ["SHIPFREE"],
            "shippingRateId": rate.pk,
            "shippingAddress": ADDRESS,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["totalDiscounts"] == "7.50"
    assert body["subtotalPrice"] == "20.00"
    assert body["totalPrice"] == "20.00"
    assert body["shippingLines"][0]["discountedPrice"] == "0.00"


def test_a_three_line_order_takes_a_bounded_number_of_queries(
    client: APIClient, location: Location, django_assert_max_num_queries: Any
) -> None:
    from orders.services import order_create

    variants = [stocked_variant(location=location) for _ in range(3)]
    code = DiscountCodeFactory.create(code="Q10", usage_limit=5)
    data = {
        "currency": "USD",
        "email": "ada@example.com",
        "line_items": [{"variant_id": v.pk, "quantity": 1} for v in variants],
        "discount_codes": [code.code],
    }
    with django_assert_max_num_queries(QUERY_BUDGET):
        order_create(data=data)
    assert Order.objects.count() == 1


def _queries_of_an_order(location: Location, lines: int) -> int:
    from orders.services import order_create

    variants = [stocked_variant(location=location) for _ in range(lines)]
    code = DiscountCodeFactory.create(usage_limit=5)
    data = {
        "currency": "USD",
        "email": "ada@example.com",
        "line_items": [{"variant_id": v.pk, "quantity": 2} for v in variants],
        "discount_codes": [code.code],
    }
    with CaptureQueriesContext(connection) as queries:
        order_create(data=data)
    return len(queries)


def test_the_queries_of_an_order_do_not_grow_with_its_lines(location: Location) -> None:
    one, ten = _queries_of_an_order(location, 1), _queries_of_an_order(location, 10)

    assert one == ten == QUERY_BUDGET
    assert Order.objects.count() == 2


def test_placing_an_order_over_http_stays_within_the_budget(
    client: APIClient, location: Location
) -> None:
    variants = [stocked_variant(location=location) for _ in range(3)]
    client.get(ORDERS)  # a key's first use records last_used_at
    lines = [{"variantId": v.pk, "quantity": 1} for v in variants]

    with CaptureQueriesContext(connection) as queries:
        response = _place(client, {"lineItems": lines, "locationId": location.pk})

    assert response.status_code == 201
    # The key and order_create's 13 without a code (QUERY_BUDGET less the code's two; its
    # savepoints stand for BEGIN/COMMIT), and no re-read: the response is made from the
    # objects just written. Without a code, two audit entries (order, fulfillment order).
    assert len(queries) == 14 + 2


# The budget: 15 queries per order, whatever its number of lines. Measured inside a
# transaction (the test's), so order_create's own atomic block is a savepoint pair; called from
# a view it is the outermost block and those two are BEGIN/COMMIT instead. The 15: savepoint,
# location, variants, discount code (found and its use taken in one UPDATE … RETURNING), order
# number, order, lines, discount application, inventory_reserve's three (level lock with the
# items' `tracked`, one UPDATE of every level, the ledger INSERT), fulfillment order + its lines,
# event, release savepoint. Plus the audit log (core.audit): one auditlog entry INSERT per row
# saved through the ORM (order, discount application, fulfillment order); rows written by
# bulk_create (lines) are covered by the event.
AUDIT_ENTRIES = 3
QUERY_BUDGET = 15 + AUDIT_ENTRIES


# --- Create: refusals leave nothing behind -----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"variantId": 999999, "quantity": 1}, "lineItems.0.variantId"),
        ({"variantId": None, "quantity": 0}, "lineItems.0.quantity"),
        ({"variantId": None, "quantity": -2}, "lineItems.0.quantity"),
    ],
)
def test_create_refuses_bad_lines_and_changes_nothing(
    client: APIClient, location: Location, line: dict[str, Any], field: str
) -> None:
    variant = stocked_variant(location=location)
    line = {**line, "variantId": line["variantId"] or variant.pk}
    before = _snapshot()

    response = _place(client, {"lineItems": [line]})

    assert response.status_code == 400
    assert _error(response)["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in _error(response)["details"]] == [field]
    assert _snapshot() == before


def test_create_refuses_a_draft_or_deleted_product(client: APIClient, location: Location) -> None:
    draft = ProductVariantFactory.create(product=ProductFactory.create(status="draft"))
    before = _snapshot()

    response = _place(client, {"lineItems": [{"variantId": draft.pk, "quantity": 1}]})

    assert response.status_code == 400
    assert _error(response)["details"] == [
        {"field": "lineItems.0.variantId", "message": "This product is not for sale."}
    ]
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("code_fields", "status", "error_code"),
    [
        ({"ends_at": timezone.now() - timedelta(days=1)}, 400, "VALIDATION_ERROR"),
        ({"starts_at": timezone.now() + timedelta(days=1)}, 400, "VALIDATION_ERROR"),
        ({"status": DiscountCodeStatus.DISABLED}, 400, "VALIDATION_ERROR"),
        ({"usage_limit": 2, "used_count": 2}, 409, "DISCOUNT_CODE_EXHAUSTED"),
        ({"minimum_amount": Decimal("100.00")}, 400, "VALIDATION_ERROR"),
    ],
)
def test_create_refuses_unusable_codes_and_changes_nothing(
    client: APIClient,
    location: Location,
    code_fields: dict[str, Any],
    status: int,
    error_code: str,
) -> None:
    variant = stocked_variant(location=location)
    DiscountCodeFactory.create(code="NOPE", **code_fields)
    before = _snapshot()

    response = _place(
        client,
        {"lineItems": [{"variantId": variant.pk, "quantity": 1}], "discountCodes": ["NOPE"]},
    )

    assert response.status_code == status
    assert _error(response)["code"] == error_code
    assert _error(response)["details"][0]["field"] == "discountCodes.0"
    assert _snapshot() == before


def test_create_refuses_an_unknown_code(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location)
    before = _snapshot()

    response = _place(
        client,
        {"lineItems": [{"variantId": variant.pk, "quantity": 1}], "discountCodes": ["GHOST"]},
    )

    assert response.status_code == 400
    assert _error(response)["details"] == [
        {"field": "discountCodes.0", "message": "Unknown discount code 'GHOST'."}
    ]
    assert _snapshot() == before


def test_once_per_customer_code_is_refused_the_second_time(
    client: APIClient, location: Location
) -> None:
    variant = stocked_variant(location=location)
    customer = CustomerFactory.create()
    DiscountCodeFactory.create(code="ONCE", once_per_customer=True)
    body = {
        "customerId": customer.pk,
        "lineItems": [{"variantId": variant.pk, "quantity": 1}],
        "discountCodes": ["ONCE"],
    }
    assert _place(client, body).status_code == 201
    before = _snapshot()

    response = _place(client, body)

    assert response.status_code == 400
    assert _error(response)["details"] == [
        {"field": "discountCodes.0", "message": "This customer has already used this code."}
    ]
    assert _snapshot() == before


def test_insufficient_stock_on_one_line_rolls_back_everything(
    client: APIClient, location: Location
) -> None:
    plenty = stocked_variant(location=location, available=10)
    scarce = stocked_variant(location=location, available=1)
    DiscountCodeFactory.create(code="LIMITED", usage_limit=3)
    before = _snapshot()

    response = _place(
        client,
        {
            "lineItems": [
                {"variantId": plenty.pk, "quantity": 2},
                {"variantId": scarce.pk, "quantity": 2},
            ],
            "discountCodes": ["LIMITED"],
        },
    )

    assert response.status_code == 409
    assert _error(response)["code"] == "INSUFFICIENT_INVENTORY"
    assert [d["field"] for d in _error(response)["details"]] == ["lineItems.1.quantity"]
    assert _snapshot() == before


def test_shipping_rate_must_cover_the_destination(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location)
    rate = ShippingRateFactory.create(
        shipping_zone=ShippingZoneFactory.create(countries=[{"code": "US"}])
    )
    before = _snapshot()

    response = _place(
        client,
        {
            "lineItems": [{"variantId": variant.pk, "quantity": 1}],
            "shippingRateId": rate.pk,
            "shippingAddress": ADDRESS,
        },
    )

    assert response.status_code == 400
    assert _error(response)["details"] == [
        {"field": "shippingRateId", "message": "This rate does not ship to CA."}
    ]
    assert _snapshot() == before


def test_shipping_rate_weight_range_is_checked(client: APIClient, location: Location) -> None:
    heavy = stocked_variant(location=location, grams=4000)
    rate = ShippingRateFactory.create(weight_low="0", weight_high="5")
    before = _snapshot()

    response = _place(
        client,
        {
            "lineItems": [{"variantId": heavy.pk, "quantity": 2}],
            "shippingRateId": rate.pk,
            "shippingAddress": ADDRESS,
        },
    )

    assert response.status_code == 400
    assert _error(response)["details"][0]["field"] == "shippingRateId"
    assert _snapshot() == before


def test_create_needs_the_write_scope() -> None:
    reader = APIClient(HTTP_X_API_KEY=api_key_create(name="r", scopes=["read_orders"])[1])
    response = reader.post(ORDERS, {}, format="json")
    assert response.status_code == 403
    assert reader.get(ORDERS).status_code == 200


# --- Read ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 20])
def test_list_has_a_bounded_query_count(
    client: APIClient, rows: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(rows):
        OrderLineItemFactory.create_batch(2, order=OrderFactory.create())
    with django_assert_max_num_queries(12):
        response = client.get(ORDERS, {"limit": 50})
    assert response.status_code == 200
    assert (
        len(response.json()["data"] if "data" in response.json() else response.json()["results"])
        == rows
    )


def test_list_filters_search_and_order(client: APIClient) -> None:
    customer = CustomerFactory.create()
    paid = OrderFactory.create(financial_status="paid", email="zed@example.com", customer=customer)
    pending = OrderFactory.create(financial_status="pending", email="amy@example.com")

    def ids(params: dict[str, Any]) -> list[int]:
        response = client.get(ORDERS, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in _rows(response)]

    assert ids({"financialStatus": "paid"}) == [paid.pk]
    assert ids({"customerId": customer.pk}) == [paid.pk]
    assert ids({"email": "AMY@example.com"}) == [pending.pk]
    assert ids({"q": "zed@"}) == [paid.pk]
    assert ids({"name": pending.name}) == [pending.pk]
    assert ids({"order": "number"}) == [paid.pk, pending.pk]
    assert ids({"order": "-number"}) == [pending.pk, paid.pk]
    assert ids({"createdAtMin": (timezone.now() + timedelta(hours=1)).isoformat()}) == []


def _rows(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    rows: list[dict[str, Any]] = body["data"] if "data" in body else body["results"]
    return rows


def test_detail_and_404(client: APIClient) -> None:
    order = OrderFactory.create()
    OrderLineItemFactory.create(order=order)
    response = client.get(f"{ORDERS}/{order.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == order.name
    assert len(response.json()["lineItems"]) == 1
    missing = client.get(f"{ORDERS}/999999")
    assert missing.status_code == 404


# --- Update --------------------------------------------------------------------------------------


def test_update_changes_only_the_editable_fields(client: APIClient) -> None:
    order = OrderFactory.create(note="old")
    response = client.patch(
        f"{ORDERS}/{order.pk}",
        {"note": "Leave at the door", "tags": "vip", "totalPrice": "0.01", "name": "#1"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["note"], body["tags"], body["totalPrice"], body["name"]) == (
        "Leave at the door",
        "vip",
        "20.00",
        order.name,
    )
    put = client.put(f"{ORDERS}/{order.pk}", {"email": "new@example.com"}, format="json")
    assert put.json()["email"] == "new@example.com"


def test_update_refuses_a_bad_email_and_mirrored_orders(client: APIClient) -> None:
    order = OrderFactory.create()
    response = client.patch(f"{ORDERS}/{order.pk}", {"email": "nope"}, format="json")
    assert response.status_code == 400
    assert _error(response)["details"][0]["field"] == "email"
    mirrored = OrderFactory.create(shopify_id=123)
    response = client.patch(f"{ORDERS}/{mirrored.pk}", {"note": "x"}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "SHOPIFY_MANAGED"


# --- Cancel, fulfil, transactions, refunds -------------------------------------------------------


def _order(client: APIClient, location: Location, **extra: Any) -> tuple[dict[str, Any], Any]:
    variant = stocked_variant(location=location, available=10, price="10.00")
    response = _place(client, {"lineItems": [{"variantId": variant.pk, "quantity": 4}], **extra})
    assert response.status_code == 201, response.json()
    return response.json(), variant


def test_cancel_releases_stock_voids_the_authorization_and_refuses_twice(
    client: APIClient, location: Location
) -> None:
    order, variant = _order(
        client,
        location,
        transactions=[{"kind": "authorization", "amount": "40.00", "gateway": "manual"}],
    )
    assert _level(variant) == (6, 4, 10)

    response = client.post(
        f"{ORDERS}/{order['id']}/cancel", {"reason": "customer", "restock": True}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["cancelReason"], body["financialStatus"]) == (
        "cancelled",
        "customer",
        "voided",
    )
    assert body["cancelledAt"] is not None
    assert [t["kind"] for t in body["transactions"]] == ["authorization", "void"]
    assert body["lineItems"][0]["fulfillableQuantity"] == 0
    assert _level(variant) == (10, 0, 10)
    assert FulfillmentOrder.objects.get(order_id=order["id"]).status == "cancelled"
    before = _snapshot()

    again = client.post(f"{ORDERS}/{order['id']}/cancel", {"reason": "customer"}, format="json")

    assert again.status_code == 409
    assert _error(again)["code"] == "CONFLICT"
    assert _snapshot() == before


def test_cancel_with_refund_returns_captured_money(client: APIClient, location: Location) -> None:
    order, _ = _order(
        client, location, transactions=[{"kind": "sale", "amount": "40.00", "gateway": "manual"}]
    )
    assert order["financialStatus"] == "paid"
    response = client.post(
        f"{ORDERS}/{order['id']}/cancel", {"reason": "fraud", "refund": True}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["financialStatus"] == "refunded"
    assert [(t["kind"], t["amount"]) for t in body["transactions"]] == [
        ("sale", "40.00"),
        ("refund", "40.00"),
    ]


def test_cancel_refuses_a_bad_reason(client: APIClient, location: Location) -> None:
    order, _ = _order(client, location)
    before = _snapshot()
    response = client.post(f"{ORDERS}/{order['id']}/cancel", {"reason": "bored"}, format="json")
    assert response.status_code == 400
    assert _error(response)["details"][0]["field"] == "reason"
    assert _snapshot() == before


def test_fulfil_partially_then_fully_ships_stock_and_closes_the_fulfillment_order(
    client: APIClient, location: Location
) -> None:
    order, variant = _order(client, location)
    line_id = order["lineItems"][0]["id"]

    first = client.post(
        f"{ORDERS}/{order['id']}/fulfill",
        {
            "lineItems": [{"lineItemId": line_id, "quantity": 1}],
            "trackingNumber": "1Z999AA10123456784",
            "trackingCompany": "UPS",
        },
        format="json",
    )

    assert first.status_code == 201, first.json()
    assert first.json()["name"] == f"{order['name']}.1"
    assert first.json()["lineItems"] == [
        {"id": first.json()["lineItems"][0]["id"], "lineItemId": line_id, "quantity": 1}
    ]
    assert first.json()["trackingNumbers"] == ["1Z999AA10123456784"]
    assert _level(variant) == (6, 3, 9)
    detail = client.get(f"{ORDERS}/{order['id']}").json()
    assert detail["fulfillmentStatus"] == "partial"
    assert detail["lineItems"][0]["fulfillableQuantity"] == 3
    assert detail["lineItems"][0]["fulfillmentStatus"] == "partial"
    assert FulfillmentOrder.objects.get(order_id=order["id"]).status == "in_progress"

    rest = client.post(f"{ORDERS}/{order['id']}/fulfill", {}, format="json")

    assert rest.status_code == 201
    assert rest.json()["lineItems"][0]["quantity"] == 3
    assert _level(variant) == (6, 0, 6)
    detail = client.get(f"{ORDERS}/{order['id']}").json()
    assert detail["fulfillmentStatus"] == "fulfilled"
    assert FulfillmentOrder.objects.get(order_id=order["id"]).status == "closed"
    listed = client.get(f"{ORDERS}/{order['id']}/fulfillments")
    assert [row["name"] for row in _rows(listed)] == [f"{order['name']}.1", f"{order['name']}.2"]
    # A fulfilled order cannot be cancelled.
    before = _snapshot()
    response = client.post(f"{ORDERS}/{order['id']}/cancel", {}, format="json")
    assert response.status_code == 409
    assert _snapshot() == before


def test_fulfil_refuses_over_fulfilment_and_cancelled_orders(
    client: APIClient, location: Location
) -> None:
    order, _ = _order(client, location)
    line_id = order["lineItems"][0]["id"]
    before = _snapshot()

    over = client.post(
        f"{ORDERS}/{order['id']}/fulfill",
        {"lineItems": [{"lineItemId": line_id, "quantity": 5}]},
        format="json",
    )
    foreign = client.post(
        f"{ORDERS}/{order['id']}/fulfill",
        {"lineItems": [{"lineItemId": 999999, "quantity": 1}]},
        format="json",
    )

    assert over.status_code == 400
    assert _error(over)["details"] == [
        {"field": "lineItems.0.quantity", "message": "Only 4 unit(s) left to fulfil."}
    ]
    assert foreign.status_code == 400
    assert _error(foreign)["details"][0]["field"] == "lineItems.0.lineItemId"
    assert _snapshot() == before
    client.post(f"{ORDERS}/{order['id']}/cancel", {}, format="json")
    before = _snapshot()
    cancelled = client.post(f"{ORDERS}/{order['id']}/fulfill", {}, format="json")
    assert cancelled.status_code == 409
    assert _snapshot() == before


def test_capture_and_void_move_the_financial_status(client: APIClient, location: Location) -> None:
    order, _ = _order(
        client,
        location,
        transactions=[{"kind": "authorization", "amount": "40.00", "gateway": "stripe"}],
    )
    url = f"{ORDERS}/{order['id']}/transactions"
    before = _snapshot()
    too_much = client.post(url, {"kind": "capture", "amount": "40.01"}, format="json")
    assert too_much.status_code == 400
    assert _error(too_much)["details"][0]["field"] == "amount"
    assert _snapshot() == before

    part = client.post(url, {"kind": "capture", "amount": "15.00"}, format="json")
    assert part.status_code == 201, part.json()
    assert (part.json()["kind"], part.json()["amount"], part.json()["gateway"]) == (
        "capture",
        "15.00",
        "stripe",
    )
    assert client.get(f"{ORDERS}/{order['id']}").json()["financialStatus"] == "partially_paid"
    void = client.post(url, {"kind": "void"}, format="json")
    assert void.status_code == 409
    rest = client.post(url, {"kind": "capture"}, format="json")
    assert rest.json()["amount"] == "25.00"
    assert client.get(f"{ORDERS}/{order['id']}").json()["financialStatus"] == "paid"
    listed = client.get(url)
    assert [(t["kind"], t["amount"]) for t in _rows(listed)] == [
        ("authorization", "40.00"),
        ("capture", "15.00"),
        ("capture", "25.00"),
    ]


def test_refund_lines_restocks_and_refuses_over_refunds(
    client: APIClient, location: Location
) -> None:
    order, variant = _order(
        client,
        location,
        transactions=[{"kind": "sale", "amount": "40.00", "gateway": "manual"}],
    )
    line_id = order["lineItems"][0]["id"]
    client.post(
        f"{ORDERS}/{order['id']}/fulfill",
        {"lineItems": [{"lineItemId": line_id, "quantity": 2}]},
        format="json",
    )
    assert _level(variant) == (6, 2, 8)
    url = f"{ORDERS}/{order['id']}/refunds"

    returned = client.post(
        url,
        {
            "lineItems": [{"lineItemId": line_id, "quantity": 1, "restockType": "return"}],
            "note": "Too small",
        },
        format="json",
    )

    assert returned.status_code == 201, returned.json()
    body = returned.json()
    assert body["refundLineItems"][0]["subtotal"] == "10.00"
    assert body["refundLineItems"][0]["restockType"] == "return"
    assert body["refundLineItems"][0]["locationId"] == location.pk
    assert [(t["kind"], t["amount"]) for t in body["transactions"]] == [("refund", "10.00")]
    assert _level(variant) == (7, 2, 9)
    detail = client.get(f"{ORDERS}/{order['id']}").json()
    assert detail["financialStatus"] == "partially_refunded"

    cancelled_units = client.post(
        url,
        {"lineItems": [{"lineItemId": line_id, "quantity": 2, "restockType": "cancel"}]},
        format="json",
    )
    assert cancelled_units.status_code == 201, cancelled_units.json()
    assert _level(variant) == (9, 0, 9)
    detail = client.get(f"{ORDERS}/{order['id']}").json()
    assert detail["lineItems"][0]["fulfillableQuantity"] == 0
    assert detail["fulfillmentStatus"] == "fulfilled"
    before = _snapshot()

    over_units = client.post(
        url, {"lineItems": [{"lineItemId": line_id, "quantity": 2}]}, format="json"
    )
    over_money = client.post(url, {"amount": "10.01"}, format="json")

    assert over_units.status_code == 400
    assert _error(over_units)["details"] == [
        {"field": "lineItems.0.quantity", "message": "Only 1 unit(s) left to refund."}
    ]
    assert over_money.status_code == 400
    assert _error(over_money)["details"] == [
        {"field": "amount", "message": "Only 10.00 is left to refund."}
    ]
    assert _snapshot() == before
    last = client.post(url, {"amount": "10.00"}, format="json")
    assert last.status_code == 201
    assert client.get(f"{ORDERS}/{order['id']}").json()["financialStatus"] == "refunded"
    assert RefundLineItem.objects.filter(refund__order_id=order["id"]).count() == 2
    listed = client.get(url)
    assert len(_rows(listed)) == 3


def test_refund_share_of_discount_and_tax(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location, price="10.00")
    DiscountCodeFactory.create(code="P10", type=DiscountType.PERCENTAGE, value=10)
    response = _place(
        client,
        {
            "lineItems": [{"variantId": variant.pk, "quantity": 3}],
            "discountCodes": ["P10"],
            "taxLines": [{"title": "GST", "rate": "0.05"}],
            "transactions": [{"kind": "sale", "amount": "28.35", "gateway": "manual"}],
        },
    )
    order = response.json()
    assert order["totalPrice"] == "28.35"
    refund = client.post(
        f"{ORDERS}/{order['id']}/refunds",
        {"lineItems": [{"lineItemId": order["lineItems"][0]["id"], "quantity": 1}]},
        format="json",
    )
    assert refund.status_code == 201, refund.json()
    # 10.00 - 3.00 / 3 = 9.00, tax 1.35 / 3 = 0.45.
    assert refund.json()["refundLineItems"][0]["subtotal"] == "9.00"
    assert refund.json()["refundLineItems"][0]["totalTax"] == "0.45"
    assert refund.json()["transactions"][0]["amount"] == "9.45"


def test_nested_lists_404_for_unknown_orders(client: APIClient) -> None:
    for suffix in ("transactions", "refunds", "fulfillments", "cancel", "fulfill"):
        method = client.post if suffix in ("cancel", "fulfill") else client.get
        assert method(f"{ORDERS}/999999/{suffix}").status_code == 404


# --- Fulfillment orders and abandoned checkouts --------------------------------------------------


def test_fulfillment_orders_list_filter_and_detail(client: APIClient, location: Location) -> None:
    order, _ = _order(client, location)
    other = LocationFactory.create()
    response = client.get("/api/v1/fulfillment-orders", {"orderId": order["id"]})
    rows = _rows(response)
    assert [(r["orderId"], r["status"], r["assignedLocationId"]) for r in rows] == [
        (order["id"], "open", location.pk)
    ]
    assert rows[0]["lineItems"][0]["remainingQuantity"] == 4
    assert _rows(client.get("/api/v1/fulfillment-orders", {"locationId": other.pk})) == []
    assert _rows(client.get("/api/v1/fulfillment-orders", {"status": "closed"})) == []
    detail = client.get(f"/api/v1/fulfillment-orders/{rows[0]['id']}")
    assert detail.status_code == 200
    assert client.get("/api/v1/fulfillment-orders/999999").status_code == 404


@pytest.mark.parametrize("rows", [2, 20])
def test_abandoned_checkouts_bounded_queries(
    client: APIClient, rows: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(rows):
        AbandonedCheckoutLineItemFactory.create(checkout=AbandonedCheckoutFactory.create())
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/abandoned-checkouts", {"limit": 50})
    assert len(_rows(response)) == rows


def test_abandoned_checkouts_filters_and_detail(client: APIClient) -> None:
    open_checkout = AbandonedCheckoutFactory.create(email="open@example.com")
    done = AbandonedCheckoutFactory.create(completed_at=timezone.now())
    url = "/api/v1/abandoned-checkouts"

    def ids(params: dict[str, Any]) -> list[int]:
        response = client.get(url, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in _rows(response)]

    assert ids({"status": "open"}) == [open_checkout.pk]
    assert ids({"status": "closed"}) == [done.pk]
    assert ids({"completed": "true"}) == [done.pk]
    assert ids({"email": "OPEN@example.com"}) == [open_checkout.pk]
    assert ids({"order": "createdAt"}) == [open_checkout.pk, done.pk]
    assert ids({"updatedAtMax": (timezone.now() - timedelta(days=1)).isoformat()}) == []
    detail = client.get(f"{url}/{done.pk}")
    assert detail.json()["token"] == done.token
    assert client.get(f"{url}/999999").status_code == 404


def test_read_keys_cannot_write_and_keys_without_orders_cannot_read(
    client: APIClient, location: Location
) -> None:
    order, _ = _order(client, location)
    reader = APIClient(HTTP_X_API_KEY=api_key_create(name="r2", scopes=["read_orders"])[1])
    stranger = APIClient(HTTP_X_API_KEY=api_key_create(name="p", scopes=["read_products"])[1])
    base = f"{ORDERS}/{order['id']}"
    before = _snapshot()
    for url in (f"{base}/cancel", f"{base}/fulfill", f"{base}/transactions", f"{base}/refunds"):
        assert reader.post(url, {}, format="json").status_code == 403
    assert reader.patch(base, {"note": "x"}, format="json").status_code == 403
    assert _snapshot() == before
    assert reader.get(f"{base}/refunds").status_code == 200
    for url in (base, "/api/v1/fulfillment-orders", "/api/v1/abandoned-checkouts"):
        assert stranger.get(url).status_code == 403


def test_refund_shipping_and_restock_flag(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location, price="10.00")
    rate = ShippingRateFactory.create(price="6.00")
    order = _place(
        client,
        {
            "lineItems": [{"variantId": variant.pk, "quantity": 2}],
            "shippingRateId": rate.pk,
            "shippingAddress": ADDRESS,
            "transactions": [{"kind": "sale", "amount": "26.00", "gateway": "manual"}],
        },
    ).json()
    assert order["totalPrice"] == "26.00"
    url = f"{ORDERS}/{order['id']}/refunds"

    response = client.post(
        url,
        {
            "lineItems": [{"lineItemId": order["lineItems"][0]["id"], "quantity": 1}],
            "restock": True,
            "shipping": {"fullRefund": True},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["refundLineItems"][0]["restockType"] == "cancel"
    assert body["refundShippingLines"] == [{"amount": "6.00"}]
    assert body["transactions"][0]["amount"] == "16.00"
    assert _level(variant) == (9, 1, 10)
    before = _snapshot()
    again = client.post(url, {"shipping": {"amount": "0.01"}}, format="json")
    assert again.status_code == 400
    assert _error(again)["details"][0]["field"] == "shipping.amount"
    assert _snapshot() == before


def test_update_shipping_address_and_404(client: APIClient) -> None:
    order = OrderFactory.create()
    response = client.put(
        f"{ORDERS}/{order.pk}",
        {"shippingAddress": {"city": "Paris", "countryCode": "FR"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["shippingAddress"] == {"city": "Paris", "countryCode": "FR"}
    assert client.patch(f"{ORDERS}/999999", {"note": "x"}, format="json").status_code == 404


def test_returned_units_restock_at_the_given_location(
    client: APIClient, location: Location
) -> None:
    order, variant = _order(
        client, location, transactions=[{"kind": "sale", "amount": "40.00", "gateway": "manual"}]
    )
    client.post(f"{ORDERS}/{order['id']}/fulfill", {}, format="json")
    store = LocationFactory.create(active=True)

    response = client.post(
        f"{ORDERS}/{order['id']}/refunds",
        {
            "lineItems": [
                {"lineItemId": order["lineItems"][0]["id"], "quantity": 2, "restockType": "return"}
            ],
            "locationId": store.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["refundLineItems"][0]["locationId"] == store.pk
    returned = InventoryLevel.objects.get(
        inventory_item_id=variant.inventory_item_id, location=store
    )
    assert (returned.available, returned.on_hand) == (2, 2)
    assert _level_at(variant, location) == (6, 0, 6)


def _level_at(variant: Any, location: Location) -> tuple[int, int, int]:
    level = InventoryLevel.objects.get(
        inventory_item_id=variant.inventory_item_id, location=location
    )
    return level.available, level.committed, level.on_hand


def test_a_shipping_code_needs_a_shipping_rate(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location)
    DiscountCodeFactory.create(code="SHIPIT", type=DiscountType.SHIPPING, value=0, amount=None)
    before = _snapshot()
    response = _place(
        client,
        {"lineItems": [{"variantId": variant.pk, "quantity": 1}], "discountCodes": ["SHIPIT"]},
    )
    assert response.status_code == 400
    assert _error(response)["details"][0]["field"] == "discountCodes.0"
    assert _snapshot() == before
