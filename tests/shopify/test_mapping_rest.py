"""REST webhook payloads -> mirror items: exact rows for Shopify's example payloads, and the
same stored values as the GraphQL mapper gives for the same record."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopify.mapping.graphql import items_from_line, lines_from_node
from shopify.mapping.rest import (
    UNKNOWN_UPDATED_AT,
    items_for_webhook,
    product_incomplete,
    tags,
)
from shopify.rows import MirrorChildren, MirrorDelete, MirrorItem, MirrorRow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
JAN_1 = datetime(2022, 1, 1, tzinfo=UTC)  # "2021-12-31T19:00:00-05:00"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def rows(items: list[MirrorItem], model: str) -> list[MirrorRow]:
    return [item for item in items if isinstance(item, MirrorRow) and item.model == model]


def only(items: list[MirrorItem], model: str) -> MirrorRow:
    (row,) = rows(items, model)
    return row


def graphql_items(node: dict[str, Any]) -> list[MirrorItem]:
    return [item for line in lines_from_node(node) for item in items_from_line(line)]


def assert_same_stored_values(rest: MirrorRow, graphql: MirrorRow) -> None:
    """Every field both mappers fill holds the same value, and the references agree."""
    assert (rest.model, rest.shopify_id) == (graphql.model, graphql.shopify_id)
    shared = sorted(set(rest.fields) & set(graphql.fields))
    assert {name: rest.fields[name] for name in shared} == {
        name: graphql.fields[name] for name in shared
    }
    assert rest.refs == graphql.refs


# --- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("example, mens, t-shirt", "example, mens, t-shirt"),
        (" a ,b,, c ", "a, b, c"),
        (["a", "b"], "a, b"),
        ("", ""),
        (None, ""),
    ],
)
def test_tags_are_stored_as_trimmed_comma_separated_text(given: Any, stored: str) -> None:
    assert tags(given) == stored


# --- products -------------------------------------------------------------------------------------


def test_products_update_fixture_maps_every_field() -> None:
    items = items_for_webhook("products/update", fixture("webhook_2025-10_products_update.json"))

    product = only(items, "product")
    assert product == MirrorRow(
        "product",
        788032119674292922,  # the GID's id: the fixture's numeric ids lost precision
        {
            "title": "Example T-Shirt",
            "body_html": "An example T-Shirt",
            "vendor": "Acme",
            "product_type": "Shirts",
            "handle": "example-t-shirt",
            "status": "active",
            "published_at": JAN_1,
            "published_scope": "web",
            "template_suffix": "",
            "tags": "example, mens, t-shirt",
            "shopify_updated_at": JAN_1,
            "admin_graphql_api_id": "gid://shopify/Product/788032119674292922",
        },
    )
    small, medium = rows(items, "product_variant")
    assert small == MirrorRow(
        "product_variant",
        642667041472713922,
        {
            "title": "Small",
            "price": Decimal("19.99"),
            "compare_at_price": Decimal("24.99"),
            "sku": "",
            "barcode": "",
            "position": 1,
            "option1": "Small",
            "option2": "",
            "option3": "",
            "taxable": True,
            "inventory_policy": "deny",
            "inventory_quantity": 75,
            "old_inventory_quantity": 75,
            "shopify_updated_at": datetime(2021, 12, 31, tzinfo=UTC),
            "admin_graphql_api_id": "gid://shopify/ProductVariant/642667041472713922",
            "created_at": datetime(2021, 12, 30, tzinfo=UTC),
            "image": None,
        },
        {"product": 788032119674292922},
    )
    assert (medium.shopify_id, medium.fields["option1"], medium.fields["position"]) == (
        757650484644203962,
        "Medium",
        2,
    )
    assert [item for item in items if isinstance(item, MirrorChildren)] == [
        MirrorChildren(
            "product",
            788032119674292922,
            "product_variant",
            frozenset({642667041472713922, 757650484644203962}),
        ),
        MirrorChildren("product", 788032119674292922, "product_option", frozenset()),
        MirrorChildren("product", 788032119674292922, "product_image", frozenset()),
    ]
    assert rows(items, "inventory_item") == []


def test_a_rest_product_with_options_images_and_inventory_items() -> None:
    payload = fixture("rest_2025-07_product_get.json")["product"]

    items = items_for_webhook("products/create", payload)

    (option,) = rows(items, "product_option")
    assert option == MirrorRow(
        "product_option",
        594680422,
        {
            "name": "Color",
            "position": 1,
            "values": ["Pink", "Red", "Green", "Black"],
            "shopify_updated_at": datetime(2025, 4, 2, 16, 29, 59, tzinfo=UTC),
            "admin_graphql_api_id": "gid://shopify/ProductOption/594680422",
        },
        {"product": 632910392},
    )
    images = rows(items, "product_image")
    assert [(image.shopify_id, image.fields["position"]) for image in images] == [
        (498048120, 1),  # keyed by the MediaImage id of the GID, as GraphQL gives it
        (1071517486, 2),
        (220090436, 3),
    ]
    assert images[1].fields["variant_ids"] == [808950810]
    pink = rows(items, "product_variant")[0]
    assert pink.refs == {"product": 632910392, "inventory_item": 808950810, "image": 1071517486}
    assert (pink.fields["grams"], pink.fields["weight"], pink.fields["weight_unit"]) == (
        567,
        Decimal("1.25"),
        "lb",
    )
    assert pink.fields["inventory_management"] == "shopify"
    # The inventory items are only known by id and SKU: insert-only placeholders.
    assert rows(items, "inventory_item")[0] == MirrorRow(
        "inventory_item",
        808950810,
        {
            "sku": "IPOD2008PINK",
            "requires_shipping": True,
            "shopify_updated_at": UNKNOWN_UPDATED_AT,
        },
    )
    assert [row.refs.get("image") for row in rows(items, "product_variant")] == [
        1071517486,
        None,
        None,
        None,
    ]


def test_a_product_with_more_variants_than_the_webhook_carries_is_incomplete() -> None:
    payload = fixture("webhook_2025-10_products_update.json")
    payload["variant_gids"] = [
        {"admin_graphql_api_id": f"gid://shopify/ProductVariant/{n}", "updated_at": None}
        for n in range(1, 151)
    ]

    items = items_for_webhook("products/update", payload)

    assert product_incomplete(payload) is True
    assert product_incomplete(fixture("webhook_2025-10_products_update.json")) is False
    (variants,) = [
        item
        for item in items
        if isinstance(item, MirrorChildren) and item.child_model == "product_variant"
    ]
    assert variants.shopify_ids == frozenset(range(1, 151))


def test_products_delete_is_a_delete() -> None:
    assert items_for_webhook("products/delete", {"id": 788032119674292900}) == [
        MirrorDelete("product", 788032119674292900)
    ]


def test_product_rows_match_the_graphql_mapper() -> None:
    rest_payload = {
        "id": 7001,
        "admin_graphql_api_id": "gid://shopify/Product/7001",
        "title": "Wool Socks",
        "body_html": "<p>Warm</p>",
        "vendor": "Stockroom",
        "product_type": "Socks",
        "handle": "wool-socks",
        "status": "draft",
        "tags": "winter,  wool",
        "template_suffix": None,
        "published_at": "2026-01-01T10:00:00-05:00",
        "created_at": "2025-12-01T00:00:00Z",
        "updated_at": "2026-01-02T03:04:05Z",
        "options": [{"id": 51, "product_id": 7001, "name": "Size", "position": 1, "values": ["M"]}],
        "variants": [
            {
                "id": 8001,
                "admin_graphql_api_id": "gid://shopify/ProductVariant/8001",
                "product_id": 7001,
                "title": "M",
                "price": "12.50",
                "compare_at_price": None,
                "sku": "SOCK-M",
                "barcode": None,
                "position": 1,
                "option1": "M",
                "option2": None,
                "option3": None,
                "taxable": True,
                "inventory_policy": "continue",
                "inventory_quantity": 4,
                "inventory_item_id": 4501,
                "image_id": None,
                "created_at": "2025-12-01T00:00:00Z",
                "updated_at": "2026-01-02T03:04:05Z",
            }
        ],
        "images": [],
    }
    graphql_node = {
        "id": "gid://shopify/Product/7001",
        "legacyResourceId": "7001",
        "title": "Wool Socks",
        "handle": "wool-socks",
        "descriptionHtml": "<p>Warm</p>",
        "vendor": "Stockroom",
        "productType": "Socks",
        "status": "DRAFT",
        "tags": ["winter", "wool"],
        "templateSuffix": None,
        "publishedAt": "2026-01-01T15:00:00Z",
        "createdAt": "2025-12-01T00:00:00Z",
        "updatedAt": "2026-01-02T03:04:05Z",
        "seo": {"title": None, "description": None},
        "options": [
            {
                "id": "gid://shopify/ProductOption/51",
                "name": "Size",
                "position": 1,
                "values": ["M"],
                "optionValues": [{"id": "gid://shopify/ProductOptionValue/61", "name": "M"}],
            }
        ],
        "variants": {
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "nodes": [
                {
                    "id": "gid://shopify/ProductVariant/8001",
                    "legacyResourceId": "8001",
                    "title": "M",
                    "sku": "SOCK-M",
                    "barcode": None,
                    "position": 1,
                    "price": "12.50",
                    "compareAtPrice": None,
                    "taxable": True,
                    "inventoryPolicy": "CONTINUE",
                    "inventoryQuantity": 4,
                    "createdAt": "2025-12-01T00:00:00Z",
                    "updatedAt": "2026-01-02T03:04:05Z",
                    "selectedOptions": [{"name": "Size", "value": "M"}],
                    "media": {"nodes": []},
                    "inventoryItem": {"id": "gid://shopify/InventoryItem/4501", "sku": "SOCK-M"},
                }
            ],
        },
    }

    rest = items_for_webhook("products/update", rest_payload)
    graphql = graphql_items(graphql_node)

    assert_same_stored_values(only(rest, "product"), only(graphql, "product"))
    assert_same_stored_values(only(rest, "product_option"), only(graphql, "product_option"))
    assert_same_stored_values(only(rest, "product_variant"), only(graphql, "product_variant"))


# --- customers ------------------------------------------------------------------------------------


def test_customers_update_fixture_maps_every_field() -> None:
    items = items_for_webhook("customers/update", fixture("webhook_2025-10_customers_update.json"))

    assert items == [
        MirrorRow(
            "customer",
            706405506930370084,
            {
                "email": "bob@biller.com",
                "phone": "",
                "first_name": "Bob",
                "last_name": "Biller",
                "state": "disabled",
                "verified_email": True,
                "multipass_identifier": "",
                "note": "This customer loves ice cream",
                "tax_exempt": False,
                "tax_exemptions": [],
                "shopify_updated_at": JAN_1,
                "admin_graphql_api_id": "gid://shopify/Customer/706405506930370084",
                "created_at": JAN_1,
                "currency": "USD",
            },
            {"default_address": 12321},
        ),
        MirrorRow(
            "customer_address",
            12321,
            {
                "first_name": "Bob",
                "last_name": "Biller",
                "name": "Bob Biller",
                "company": "",
                "address1": "151 O'Connor Street",
                "address2": "",
                "city": "Ottawa",
                "province": "ON",
                "province_code": "ON",
                "country": "CA",
                "country_code": "CA",
                "country_name": "CA",
                "zip": "K2P 2L8",
                "phone": "555-555-5555",
                "shopify_updated_at": JAN_1,
                "admin_graphql_api_id": "gid://shopify/MailingAddress/12321?model_name=CustomerAddress",
            },
            {"customer": 706405506930370084},
        ),
        MirrorChildren("customer", 706405506930370084, "customer_address", frozenset({12321})),
    ]


def test_customer_consent_and_counts_match_the_graphql_mapper() -> None:
    rest_payload = {
        "id": 3001,
        "admin_graphql_api_id": "gid://shopify/Customer/3001",
        "email": "ada@example.com",
        "phone": "+16135550100",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "state": "enabled",
        "note": None,
        "tags": "vip, newsletter",
        "verified_email": True,
        "tax_exempt": False,
        "tax_exemptions": [],
        "multipass_identifier": None,
        "orders_count": 3,
        "total_spent": "120.00",
        "currency": "CAD",
        "last_order_id": None,
        "last_order_name": None,
        "created_at": "2025-05-05T05:05:05Z",
        "updated_at": "2026-01-02T03:04:05-05:00",
        "email_marketing_consent": {
            "state": "subscribed",
            "opt_in_level": "single_opt_in",
            "consent_updated_at": "2025-06-01T12:00:00-04:00",
        },
        "sms_marketing_consent": {
            "state": "not_subscribed",
            "opt_in_level": "unknown",
            "consent_updated_at": None,
            "consent_collected_from": "OTHER",
        },
        "default_address": {"id": 77, "customer_id": 3001, "default": True, "city": "Ottawa"},
        "addresses": [{"id": 77, "customer_id": 3001, "default": True, "city": "Ottawa"}],
    }
    graphql_node = {
        "id": "gid://shopify/Customer/3001",
        "legacyResourceId": "3001",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "state": "ENABLED",
        "note": None,
        "tags": ["vip", "newsletter"],
        "verifiedEmail": True,
        "taxExempt": False,
        "taxExemptions": [],
        "multipassIdentifier": None,
        "numberOfOrders": "3",
        "createdAt": "2025-05-05T05:05:05Z",
        "updatedAt": "2026-01-02T08:04:05Z",
        "amountSpent": {"amount": "120.00", "currencyCode": "CAD"},
        "defaultEmailAddress": {
            "emailAddress": "ada@example.com",
            "marketingState": "SUBSCRIBED",
            "marketingOptInLevel": "SINGLE_OPT_IN",
            "marketingUpdatedAt": "2025-06-01T16:00:00Z",
        },
        "defaultPhoneNumber": {
            "phoneNumber": "+16135550100",
            "marketingState": "NOT_SUBSCRIBED",
            "marketingOptInLevel": "UNKNOWN",
            "marketingUpdatedAt": None,
        },
        "defaultAddress": {"id": "gid://shopify/MailingAddress/77"},
        "lastOrder": None,
    }

    rest = items_for_webhook("customers/update", rest_payload)
    graphql = graphql_items(graphql_node)

    rest_customer, graphql_customer = only(rest, "customer"), only(graphql, "customer")
    assert_same_stored_values(rest_customer, graphql_customer)
    assert set(graphql_customer.fields) - set(rest_customer.fields) == set()
    assert rest_customer.fields["email_marketing_consent"] == {
        "state": "subscribed",
        "opt_in_level": "single_opt_in",
        "consent_updated_at": "2025-06-01T16:00:00+00:00",
    }


# --- orders ---------------------------------------------------------------------------------------


def test_orders_create_fixture_maps_the_order_its_lines_and_its_customer() -> None:
    items = items_for_webhook("orders/create", fixture("webhook_2025-10_orders_create.json"))

    order = only(items, "order")
    assert order.shopify_id == 820982911946154508
    assert order.refs == {"customer": 115310627314723954}
    expected = {
        "number": 234,
        "order_number": 1234,
        "name": "#9999",
        "token": "123456abcd",
        "email": "jon@example.com",
        "contact_email": "jon@example.com",
        "status": "cancelled",
        "cancelled_at": JAN_1,
        "cancel_reason": "customer",
        "closed_at": None,
        "financial_status": "voided",
        "fulfillment_status": "unfulfilled",
        "confirmed": False,
        "test": True,
        "buyer_accepts_marketing": True,
        "currency": "USD",
        "presentment_currency": "USD",
        "total_price": Decimal("359.97"),
        "subtotal_price": Decimal("359.97"),
        "total_tax": Decimal("0.00"),
        "total_discounts": Decimal("20.00"),
        "total_line_items_price": Decimal("369.97"),
        "total_weight": 0,
        "tags": "tag1, tag2",
        "payment_gateway_names": ["visa", "bogus"],
        "gateway": "visa",
        "source_name": "web",
        "customer_locale": "en",
        "order_status_url": (
            "https://jsmith.myshopify.com/548380009/orders/123456abcd/authenticate?key=abcdefg"
        ),
        "browser_ip": None,
        "shopify_updated_at": JAN_1,
        "created_at": JAN_1,
    }
    assert {name: order.fields[name] for name in expected} == expected
    assert order.fields["total_shipping_price_set"] == {
        "shop_money": {"amount": "10.00", "currency_code": "USD"},
        "presentment_money": {"amount": "10.00", "currency_code": "USD"},
    }
    assert order.fields["shipping_address"] == {
        "first_name": "Steve",
        "last_name": "Shipper",
        "name": "Steve Shipper",
        "company": "Shipping Company",
        "address1": "123 Shipping Street",
        "address2": None,
        "city": "Shippington",
        "province": "Kentucky",
        "province_code": "KY",
        "country": "United States",
        "country_code": "US",
        "zip": "40003",
        "phone": "555-555-SHIP",
    }
    assert order.fields["shipping_lines"] == [
        {
            "title": "Generic Shipping",
            "code": None,
            "source": "shopify",
            "price": "10.00",
            "price_set": {
                "shop_money": {"amount": "10.00", "currency_code": "USD"},
                "presentment_money": {"amount": "10.00", "currency_code": "USD"},
            },
        }
    ]
    lines = rows(items, "order_line_item")
    assert [(line.shopify_id, line.fields["sku"], line.fields["price"]) for line in lines] == [
        (487817672276298554, "SKU2006-001", Decimal("89.99")),
        (976318377106520349, "SKU2006-020", Decimal("159.99")),
        (315789986012684393, "SKU2006-035", Decimal("119.99")),
    ]
    assert lines[0].refs == {"order": 820982911946154508, "product": 788032119674292900}
    assert lines[0].fields["variant"] is None
    customer = only(items, "customer")
    # Embedded without an updated_at: inserted when missing, never overwriting.
    assert customer.fields["shopify_updated_at"] == UNKNOWN_UPDATED_AT
    assert customer.refs == {"default_address": 715243470612851200}
    assert (
        MirrorChildren(
            "order",
            820982911946154508,
            "order_line_item",
            frozenset({487817672276298554, 976318377106520349, 315789986012684393}),
        )
        in items
    )


def test_order_rows_match_the_graphql_mapper() -> None:
    money = {
        "shop_money": {"amount": "25.00", "currency_code": "CAD"},
        "presentment_money": {"amount": "25.00", "currency_code": "CAD"},
    }
    zero = {
        "shop_money": {"amount": "0.00", "currency_code": "CAD"},
        "presentment_money": {"amount": "0.00", "currency_code": "CAD"},
    }
    rest_payload: dict[str, Any] = {
        "id": 5001,
        "admin_graphql_api_id": "gid://shopify/Order/5001",
        "name": "#1005",
        "number": 5,
        "order_number": 1005,
        "email": "ada@example.com",
        "contact_email": "ada@example.com",
        "phone": None,
        "note": "Leave at door",
        "tags": "rush",
        "test": False,
        "confirmed": True,
        "closed_at": None,
        "cancelled_at": None,
        "cancel_reason": None,
        "processed_at": "2026-01-02T03:00:00Z",
        "created_at": "2026-01-02T03:00:00Z",
        "updated_at": "2026-01-02T03:04:05Z",
        "currency": "CAD",
        "presentment_currency": "CAD",
        "taxes_included": False,
        "financial_status": "paid",
        "fulfillment_status": "partial",
        "payment_gateway_names": ["shopify_payments"],
        "discount_codes": [{"code": "WELCOME", "amount": "5.00", "type": "fixed_amount"}],
        "source_name": "web",
        "source_identifier": None,
        "customer_locale": "en-CA",
        "buyer_accepts_marketing": True,
        "cart_token": None,
        "checkout_token": "ck-1",
        "browser_ip": "203.0.113.7",
        "note_attributes": [{"name": "gift", "value": "yes"}],
        "customer": {"id": 3001, "admin_graphql_api_id": "gid://shopify/Customer/3001"},
        "billing_address": None,
        "shipping_address": {"first_name": "Ada", "city": "Ottawa", "latitude": 45.4},
        "subtotal_price": "25.00",
        "total_price": "25.00",
        "total_tax": "0.00",
        "total_discounts": "0.00",
        "subtotal_price_set": money,
        "total_price_set": money,
        "total_weight": 300,
        "tax_lines": [
            {
                "title": "HST",
                "rate": 0.13,
                "price": "25.00",
                "price_set": money,
                "channel_liable": False,
            }
        ],
        "shipping_lines": [
            {
                "title": "Post",
                "code": "POST",
                "source": "shopify",
                "price": "25.00",
                "price_set": money,
            }
        ],
        "line_items": [
            {
                "id": 6001,
                "admin_graphql_api_id": "gid://shopify/LineItem/6001",
                "name": "Wool Socks - M",
                "title": "Wool Socks",
                "variant_title": "M",
                "sku": "SOCK-M",
                "vendor": "Stockroom",
                "quantity": 2,
                "current_quantity": 2,
                "fulfillable_quantity": 1,
                "requires_shipping": True,
                "taxable": True,
                "gift_card": False,
                "product_id": 7001,
                "variant_id": 8001,
                "product_exists": True,
                "price": "12.50",
                "price_set": money,
                "total_discount": "0.00",
                "total_discount_set": zero,
                "fulfillment_status": "partial",
                "properties": [{"name": "engraving", "value": "A"}],
                "tax_lines": [],
            }
        ],
    }
    graphql_money = {
        "shopMoney": {"amount": "25.00", "currencyCode": "CAD"},
        "presentmentMoney": {"amount": "25.00", "currencyCode": "CAD"},
    }
    graphql_zero = {
        "shopMoney": {"amount": "0.00", "currencyCode": "CAD"},
        "presentmentMoney": {"amount": "0.00", "currencyCode": "CAD"},
    }
    graphql_node = {
        "id": "gid://shopify/Order/5001",
        "legacyResourceId": "5001",
        "name": "#1005",
        "number": 1005,
        "email": "ada@example.com",
        "phone": None,
        "note": "Leave at door",
        "tags": ["rush"],
        "test": False,
        "confirmed": True,
        "closed": False,
        "closedAt": None,
        "cancelledAt": None,
        "cancelReason": None,
        "processedAt": "2026-01-02T03:00:00Z",
        "createdAt": "2026-01-02T03:00:00Z",
        "updatedAt": "2026-01-02T03:04:05Z",
        "currencyCode": "CAD",
        "presentmentCurrencyCode": "CAD",
        "taxesIncluded": False,
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "PARTIALLY_FULFILLED",
        "paymentGatewayNames": ["shopify_payments"],
        "discountCodes": ["WELCOME"],
        "sourceName": "web",
        "sourceIdentifier": None,
        "customerLocale": "en-CA",
        "customerAcceptsMarketing": True,
        "cartToken": None,
        "checkoutToken": "ck-1",
        "clientIp": "203.0.113.7",
        "customer": {"id": "gid://shopify/Customer/3001"},
        "customAttributes": [{"key": "gift", "value": "yes"}],
        "billingAddress": None,
        "shippingAddress": {"firstName": "Ada", "city": "Ottawa"},
        "subtotalPriceSet": graphql_money,
        "totalPriceSet": graphql_money,
        "totalTaxSet": None,
        "totalDiscountsSet": None,
        "totalShippingPriceSet": None,
        "totalWeight": "300",
        "taxLines": [{"title": "HST", "rate": 0.13, "priceSet": graphql_money}],
        "shippingLines": {
            "nodes": [
                {
                    "title": "Post",
                    "code": "POST",
                    "source": "shopify",
                    "originalPriceSet": graphql_money,
                }
            ]
        },
        "fulfillments": [],
        "refunds": [],
        "transactions": [],
        "lineItems": {
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "nodes": [
                {
                    "id": "gid://shopify/LineItem/6001",
                    "name": "Wool Socks - M",
                    "title": "Wool Socks",
                    "variantTitle": "M",
                    "sku": "SOCK-M",
                    "vendor": "Stockroom",
                    "quantity": 2,
                    "currentQuantity": 2,
                    "unfulfilledQuantity": 1,
                    "requiresShipping": True,
                    "taxable": True,
                    "isGiftCard": False,
                    "product": {"id": "gid://shopify/Product/7001"},
                    "variant": {"id": "gid://shopify/ProductVariant/8001"},
                    "originalUnitPriceSet": {
                        "shopMoney": {"amount": "12.50", "currencyCode": "CAD"},
                        "presentmentMoney": {"amount": "12.50", "currencyCode": "CAD"},
                    },
                    "totalDiscountSet": graphql_zero,
                    "customAttributes": [{"key": "engraving", "value": "A"}],
                    "taxLines": [],
                }
            ],
        },
    }
    rest_payload["line_items"][0]["price_set"] = {
        "shop_money": {"amount": "12.50", "currency_code": "CAD"},
        "presentment_money": {"amount": "12.50", "currency_code": "CAD"},
    }

    rest = items_for_webhook("orders/paid", rest_payload)
    graphql = graphql_items(graphql_node)

    rest_order, graphql_order = only(rest, "order"), only(graphql, "order")
    shared = set(rest_order.fields) & set(graphql_order.fields) - {
        "total_tax_set",
        "total_discounts_set",
        "total_shipping_price_set",
        "total_tax",
        "total_discounts",
    }
    assert {name: rest_order.fields[name] for name in shared} == {
        name: graphql_order.fields[name] for name in shared
    }
    assert rest_order.refs == graphql_order.refs
    assert_same_stored_values(only(rest, "order_line_item"), only(graphql, "order_line_item"))


def test_refunds_create_fixture_maps_the_refund_its_lines_and_transactions() -> None:
    items = items_for_webhook("refunds/create", fixture("webhook_2025-10_refunds_create.json"))

    refund = only(items, "refund")
    assert refund.shopify_id == 890088186047892319
    assert refund.refs == {"order": 820982911946154500}
    # No updated_at in a refund payload: its created_at stands in.
    assert refund.fields["shopify_updated_at"] == JAN_1
    assert refund.fields["note"] == "Things were damaged"
    first = rows(items, "refund_line_item")[0]
    assert first.refs == {"refund": 890088186047892319, "line_item": 487817672276298560}
    assert (first.fields["quantity"], first.fields["subtotal"], first.fields["location"]) == (
        1,
        Decimal("89.99"),
        None,
    )
    transactions = rows(items, "transaction")
    assert [(t.shopify_id, t.fields["kind"], t.fields["amount"]) for t in transactions] == [
        (245135271310201194, "refund", Decimal("75.00")),
        (839212141605670573, "refund", Decimal("10.00")),
    ]
    assert transactions[0].refs == {"order": 820982911946154500, "refund": 890088186047892319}
    assert "currency" not in transactions[0].fields  # the payload says null: left alone


def test_order_transactions_create_keeps_only_masked_card_facts() -> None:
    payload = fixture("webhook_2025-10_order_transactions_create.json")

    (transaction,) = items_for_webhook("order_transactions/create", payload)

    assert isinstance(transaction, MirrorRow)
    assert transaction.fields["payment_details"] == {
        "credit_card_company": "Visa",
        "credit_card_number": "•••• •••• •••• 1234",
    }
    assert (transaction.fields["kind"], transaction.fields["currency"]) == ("authorization", "USD")
    # No order in the payload: the mirror takes the stored order's updated_at.
    assert transaction.fields["shopify_updated_at"] is None


def test_fulfillments_create_fixture_maps_the_fulfillment() -> None:
    payload = fixture("webhook_2025-10_fulfillments_create.json")

    (fulfillment,) = items_for_webhook("fulfillments/create", payload)

    assert isinstance(fulfillment, MirrorRow)
    assert fulfillment.shopify_id == 123456
    assert fulfillment.refs == {"order": 820982911946154500}
    assert {
        name: fulfillment.fields[name]
        for name in ("name", "status", "tracking_company", "tracking_number", "tracking_numbers")
    } == {
        "name": "#9999.1",
        "status": "pending",
        "tracking_company": "UPS",
        "tracking_number": "1z827wk74630",
        "tracking_numbers": ["1z827wk74630"],
    }


# --- inventory and locations ----------------------------------------------------------------------


def test_inventory_levels_update_is_keyed_by_item_and_location() -> None:
    payload = fixture("webhook_2024-04_inventory_levels_update.json")

    assert items_for_webhook("inventory_levels/update", payload) == [
        MirrorRow(
            "inventory_level",
            None,
            {
                "available": 0,  # Shopify's null for an untracked item
                "shopify_updated_at": JAN_1,
                "admin_graphql_api_id": (
                    "gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015"
                ),
            },
            {"inventory_item": 271878346596884000, "location": 24826418},
        )
    ]


def test_inventory_item_and_location_rows_match_the_graphql_mapper() -> None:
    item_payload = fixture("webhook_2025-10_inventory_items_update.json")
    item_node = {
        "id": "gid://shopify/InventoryItem/271878346596884015",
        "legacyResourceId": "271878346596884015",
        "sku": "example-sku",
        "requiresShipping": True,
        "tracked": True,
        "harmonizedSystemCode": None,
        "countryCodeOfOrigin": None,
        "provinceCodeOfOrigin": None,
        "createdAt": "2022-01-01T00:00:00Z",
        "updatedAt": "2022-01-01T00:00:00Z",
        "unitCost": None,
    }
    location_payload = fixture("webhook_2025-10_locations_update.json")
    location_node = {
        "id": "gid://shopify/Location/866550311766439020",
        "legacyResourceId": "866550311766439020",
        "name": "Example Shop",
        "isActive": True,
        "createdAt": "2022-01-01T00:00:00Z",
        "updatedAt": "2022-01-01T00:00:00Z",
        "address": {
            "address1": "34 Example Street",
            "address2": "Next to example",
            "city": "ottawa",
            "province": "ontario",
            "provinceCode": "ON",
            "country": "Canada",
            "countryCode": "CA",
            "zip": "k1n5t5",
            "phone": "555-555-5555",
        },
    }

    rest_item = only(items_for_webhook("inventory_items/update", item_payload), "inventory_item")
    rest_location = only(items_for_webhook("locations/update", location_payload), "location")

    assert_same_stored_values(rest_item, only(graphql_items(item_node), "inventory_item"))
    # REST's location `country` is the code ("CA"): the stored country is the name, as GraphQL's.
    assert (rest_location.fields["country"], rest_location.fields["country_code"]) == (
        "Canada",
        "CA",
    )
    assert_same_stored_values(rest_location, only(graphql_items(location_node), "location"))


def test_topics_without_mirrored_data_map_to_nothing() -> None:
    assert items_for_webhook("app/uninstalled", {"id": 1}) == []
    assert items_for_webhook("themes/publish", {"id": 1}) == []
