"""/api/v2/orders: the v1 orders API with money as {"amount", "currencyCode"} objects, in the
order's currency (not the shop's)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event, Shop
from finance.models import Transaction
from inventory.models import Location
from orders.models import Order, Refund
from tests.finance.factories import DiscountCodeFactory
from tests.inventory.factories import LocationFactory
from tests.orders.factories import stocked_variant
from tests.shipping.factories import ShippingRateFactory, ShippingZoneFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"firstName": "Ada", "address1": "1 Main St", "city": "Ottawa", "countryCode": "CA"}


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currencyCode": "USD"}


@pytest.fixture
def client() -> APIClient:
    # The shop counts in EUR: v2 must still show an order's money in the order's currency.
    Shop.objects.create(name="Shop", domain="shop.example", currency="EUR")
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=["write_orders"])[1])


@pytest.fixture
def location() -> Location:
    return LocationFactory.create(active=True)


def _amounts(data: Any) -> Any:
    """The v1 shape of a v2 body: every money object back to its amount (but in money sets,
    which are made of money objects in v1 too)."""
    if isinstance(data, list):
        return [_amounts(item) for item in data]
    if not isinstance(data, dict):
        return data
    if data.keys() == {"amount", "currencyCode"} and isinstance(data["amount"], str):
        return data["amount"]
    return {key: value if key.endswith("Set") else _amounts(value) for key, value in data.items()}


def _placed(client: APIClient, location: Location) -> dict[str, Any]:
    """A USD order with every kind of money: a code, tax, shipping, a payment and a refund."""
    shirt = stocked_variant(location=location, price="19.99")
    socks = stocked_variant(location=location, price="5.00")
    DiscountCodeFactory.create(code="SAVE10", value=10)
    rate = ShippingRateFactory.create(
        shipping_zone=ShippingZoneFactory.create(countries=[{"code": "CA"}]), price="5.00"
    )
    created = client.post(
        "/api/v1/orders",
        {
            "currency": "USD",
            "email": "ada@example.com",
            "lineItems": [
                {"variantId": shirt.pk, "quantity": 3},
                {"variantId": socks.pk, "quantity": 2},
            ],
            "discountCodes": ["SAVE10"],
            "shippingRateId": rate.pk,
            "shippingAddress": ADDRESS,
            "taxLines": [{"title": "HST", "rate": "0.13"}],
            "transactions": [{"kind": "sale", "amount": "76.16", "gateway": "manual"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    order: dict[str, Any] = created.json()
    refund = client.post(
        f"/api/v1/orders/{order['id']}/refunds",
        {"lineItems": [{"lineItemId": order["lineItems"][1]["id"], "quantity": 1}]},
        format="json",
    )
    assert refund.status_code == 201, refund.json()
    return order


def test_v2_order_detail_shows_every_money_field_as_an_object(
    client: APIClient, location: Location
) -> None:
    order_id = _placed(client, location)["id"]

    v1 = client.get(f"/api/v1/orders/{order_id}").json()
    v2 = client.get(f"/api/v2/orders/{order_id}").json()

    for field in ("totalLineItemsPrice", "subtotalPrice", "totalDiscounts", "totalTax"):
        assert v2[field] == usd(v1[field])
    assert v2["totalPrice"] == usd("76.16")
    assert [(li["price"], li["totalDiscount"]) for li in v2["lineItems"]] == [
        (usd("19.99"), usd("6.00")),
        (usd("5.00"), usd("1.00")),
    ]
    assert v2["lineItems"][0]["taxLines"] == [
        {"title": "HST", "rate": "0.13000", "price": usd("7.02")}
    ]
    assert v2["lineItems"][0]["discountAllocations"] == [
        {"amount": usd("6.00"), "discountApplicationIndex": 0}
    ]
    assert v2["taxLines"] == [{"title": "HST", "rate": "0.13000", "price": usd("8.19")}]
    shipping = v2["shippingLines"][0]
    assert (shipping["price"], shipping["discountedPrice"]) == (usd("5.00"), usd("5.00"))
    assert v2["discountCodes"] == [{"code": "SAVE10", "amount": usd("7.00"), "type": "percentage"}]
    assert v2["discounts"][0]["amount"] == usd("7.00")
    assert [t["amount"] for t in v2["transactions"]] == [usd("76.16"), usd("5.08")]
    refund = v2["refunds"][0]
    # 1 of 2 socks: 5.00 - half the 1.00 discount; its tax share 1.17 / 2 = 0.585 -> 0.58.
    line = refund["refundLineItems"][0]
    assert (line["subtotal"], line["totalTax"]) == (usd("4.50"), usd("0.58"))
    assert refund["transactions"][0]["amount"] == usd("5.08")
    # A money set is made of money objects already: shown as it is.
    assert v2["totalShippingPriceSet"] == v1["totalShippingPriceSet"]
    assert v2["totalShippingPriceSet"]["shopMoney"] == usd("5.00")
    # Nothing else differs, and v1 is unchanged.
    assert v1["totalPrice"] == "76.16"
    assert _amounts(v2) == v1


def test_v2_order_list_shows_money_objects(client: APIClient, location: Location) -> None:
    order_id = _placed(client, location)["id"]

    listed = client.get("/api/v2/orders").json()

    assert [row["id"] for row in listed["results"]] == [order_id]
    assert listed["results"][0]["totalPrice"] == usd("76.16")
    assert listed["results"][0]["lineItems"][0]["price"] == usd("19.99")


def test_v2_create_takes_money_objects(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location, price="10.00")

    response = client.post(
        "/api/v2/orders",
        {
            "currency": "USD",
            "lineItems": [{"variantId": variant.pk, "quantity": 2}],
            "transactions": [{"kind": "sale", "amount": usd("20.00"), "gateway": "manual"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["totalPrice"] == usd("20.00")
    assert body["lineItems"][0]["price"] == usd("10.00")
    assert body["financialStatus"] == "paid"
    order = Order.objects.get(pk=body["id"])
    assert order.total_price == Decimal("20.00")
    assert Transaction.objects.get(order=order).amount == Decimal("20.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("20.00", 'A money object {"amount", "currencyCode"} is required.'),
        ({"amount": "20.00", "currencyCode": "EUR"}, "The currency must be USD, not EUR."),
    ],
)
def test_v2_create_refuses_plain_or_foreign_amounts_and_writes_nothing(
    client: APIClient, location: Location, amount: Any, message: str
) -> None:
    variant = stocked_variant(location=location, price="10.00")

    response = client.post(
        "/api/v2/orders",
        {
            "currency": "USD",
            "lineItems": [{"variantId": variant.pk, "quantity": 2}],
            "transactions": [{"kind": "sale", "amount": amount, "gateway": "manual"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "transactions.0.amount", "message": message}
    ]
    assert Order.objects.count() == 0
    assert Transaction.objects.count() == 0


def test_v2_refunds_and_transactions_take_the_orders_currency(
    client: APIClient, location: Location
) -> None:
    variant = stocked_variant(location=location, price="10.00")
    created = client.post(
        "/api/v2/orders",
        {
            "currency": "USD",
            "lineItems": [{"variantId": variant.pk, "quantity": 1}],
            "transactions": [{"kind": "authorization", "amount": usd("10.00"), "gateway": "x"}],
        },
        format="json",
    )
    order_id = created.json()["id"]
    transactions = f"/api/v2/orders/{order_id}/transactions"
    refunds = f"/api/v2/orders/{order_id}/refunds"

    # The shop's currency (EUR) is not the order's: refused, nothing written.
    in_eur = {"amount": "4.00", "currencyCode": "EUR"}
    refused = client.post(transactions, {"kind": "capture", "amount": in_eur}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == [
        {"field": "amount", "message": "The currency must be USD, not EUR."}
    ]
    assert Transaction.objects.filter(order_id=order_id).count() == 1

    captured = client.post(transactions, {"kind": "capture", "amount": usd("10.00")}, format="json")
    refund = client.post(refunds, {"amount": usd("4.00"), "note": "late"}, format="json")

    assert captured.status_code == 201, captured.json()
    assert captured.json()["amount"] == usd("10.00")
    assert refund.status_code == 201, refund.json()
    assert refund.json()["transactions"][0]["amount"] == usd("4.00")
    assert Refund.objects.get(order_id=order_id).note == "late"
    listed = client.get(refunds).json()
    assert listed["results"][0]["transactions"][0]["amount"] == usd("4.00")
    shown = client.get(f"{refunds}/{refund.json()['id']}").json()
    assert shown["transactions"][0]["amount"] == usd("4.00")
    unknown = client.post("/api/v2/orders/999999/refunds", {"amount": usd("1.00")}, format="json")
    assert unknown.status_code == 404


def test_v2_order_actions_answer_like_v1(client: APIClient, location: Location) -> None:
    variant = stocked_variant(location=location, price="10.00")
    created = client.post(
        "/api/v2/orders",
        {"currency": "USD", "lineItems": [{"variantId": variant.pk, "quantity": 2}]},
        format="json",
    )
    order = created.json()
    url = f"/api/v2/orders/{order['id']}"

    updated = client.patch(url, {"note": "gift"}, format="json")
    fulfilled = client.post(
        f"{url}/fulfill",
        {"lineItems": [{"lineItemId": order["lineItems"][0]["id"], "quantity": 1}]},
        format="json",
    )
    fulfillments = client.get(f"{url}/fulfillments").json()
    cancelled = client.post(f"{url}/cancel", {"reason": "customer"}, format="json")

    assert updated.status_code == 200
    assert updated.json()["note"] == "gift"
    assert updated.json()["totalPrice"] == usd("20.00")
    assert fulfilled.status_code == 201, fulfilled.json()
    assert [f["id"] for f in fulfillments["results"]] == [fulfilled.json()["id"]]
    assert client.get(f"{url}/fulfillments/{fulfilled.json()['id']}").status_code == 200
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["cancelReason"] == "customer"
    assert cancelled.json()["totalPrice"] == usd("20.00")
    assert Event.objects.filter(subject_id=order["id"], verb="cancelled").exists()


def test_the_schema_documents_v2_order_money_as_objects(tmp_path: Any) -> None:
    out = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))
    schema = json.loads(out.read_text())
    components = schema["components"]["schemas"]
    money = {"$ref": "#/components/schemas/Money"}

    for name, field in [
        ("OrderOutputV2", "totalPrice"),
        ("OrderOutputV2", "totalLineItemsPrice"),
        ("OrderLineItemOutputV2", "price"),
        ("OrderLineItemOutputV2", "totalDiscount"),
        ("OrderDiscountApplicationOutputV2", "amount"),
        ("OrderTransactionOutputV2", "amount"),
        ("OrderRefundLineItemOutputV2", "subtotal"),
        ("OrderRefundLineItemOutputV2", "totalTax"),
        ("OrderPaymentInputV2", "amount"),
        ("OrderRefundInputV2", "amount"),
    ]:
        assert components[name]["properties"][field] == money, (name, field)
    assert components["OrderOutput"]["properties"]["totalPrice"]["type"] == "string"
    detail = schema["paths"]["/api/v2/orders/{id}"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderOutputV2"
    }
    for path in (
        "/api/v2/orders",
        "/api/v2/orders/{id}/cancel",
        "/api/v2/orders/{id}/fulfill",
        "/api/v2/orders/{order_pk}/refunds",
        "/api/v2/orders/{order_pk}/transactions",
    ):
        assert path in schema["paths"]
