"""Hand-written GraphQL-shaped nodes, as the documents of shopify.queries return them."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


def money_bag(amount: str, currency: str = "USD") -> JSON:
    return {
        "shopMoney": {"amount": amount, "currencyCode": currency},
        "presentmentMoney": {"amount": amount, "currencyCode": currency},
    }


def page(nodes: list[JSON], *, has_next: bool = False) -> JSON:
    return {
        "pageInfo": {"hasNextPage": has_next, "endCursor": "c1" if nodes else None},
        "nodes": nodes,
    }


def location_node(
    legacy: int = 9001, *, name: str = "Ottawa Store", updated: str = "2026-01-02T03:04:05Z"
) -> JSON:
    return {
        "id": f"gid://shopify/Location/{legacy}",
        "legacyResourceId": str(legacy),
        "name": name,
        "isActive": True,
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": updated,
        "address": {
            "address1": "126 York St",
            "address2": None,
            "city": "Ottawa",
            "province": "Ontario",
            "provinceCode": "ON",
            "country": "Canada",
            "countryCode": "CA",
            "zip": "K1N 5T5",
            "phone": "+16135550123",
        },
    }


def inventory_item_node(
    legacy: int, *, sku: str = "SKU-1", updated: str = "2026-01-02T03:04:05Z"
) -> JSON:
    return {
        "id": f"gid://shopify/InventoryItem/{legacy}",
        "legacyResourceId": str(legacy),
        "sku": sku,
        "requiresShipping": True,
        "tracked": True,
        "harmonizedSystemCode": "610910",
        "countryCodeOfOrigin": "CA",
        "provinceCodeOfOrigin": "ON",
        "createdAt": "2025-06-01T10:00:00Z",
        "updatedAt": updated,
        "unitCost": {"amount": "4.5", "currencyCode": "USD"},
        "measurement": {"weight": {"unit": "KILOGRAMS", "value": 0.25}},
    }


def variant_node(
    legacy: int,
    *,
    position: int = 1,
    sku: str = "SKU-1",
    price: str = "19.99",
    options: tuple[str, ...] = ("Small", "Red"),
    image: int | None = 3001,
    updated: str = "2026-01-02T03:04:05Z",
) -> JSON:
    names = ("Size", "Color", "Material")
    return {
        "id": f"gid://shopify/ProductVariant/{legacy}",
        "legacyResourceId": str(legacy),
        "title": " / ".join(options),
        "sku": sku,
        "barcode": None,
        "position": position,
        "price": price,
        "compareAtPrice": "24.99",
        "taxable": True,
        "inventoryPolicy": "DENY",
        "inventoryQuantity": 7,
        "createdAt": "2025-06-01T10:00:00Z",
        "updatedAt": updated,
        "selectedOptions": [
            {"name": names[index], "value": value} for index, value in enumerate(options)
        ],
        "media": {"nodes": [{"id": f"gid://shopify/MediaImage/{image}"}] if image else []},
        "inventoryItem": inventory_item_node(legacy + 100000, sku=sku, updated=updated),
    }


def product_node(
    legacy: int = 7001,
    *,
    title: str = "Cotton T-shirt",
    tags: list[str] | None = None,
    variants: list[JSON] | None = None,
    updated: str = "2026-01-02T03:04:05Z",
) -> JSON:
    return {
        "id": f"gid://shopify/Product/{legacy}",
        "legacyResourceId": str(legacy),
        "title": title,
        "handle": f"cotton-t-shirt-{legacy}",
        "descriptionHtml": "<p>Soft.</p>",
        "vendor": "Acme",
        "productType": "Shirts",
        "status": "ACTIVE",
        "tags": ["Summer", "cotton", "summer"] if tags is None else tags,
        "templateSuffix": None,
        "publishedAt": "2025-06-02T00:00:00Z",
        "createdAt": "2025-06-01T10:00:00Z",
        "updatedAt": updated,
        "seo": {"title": "T-shirt", "description": None},
        "options": [
            {
                "id": f"gid://shopify/ProductOption/{legacy}1",
                "name": "Size",
                "position": 1,
                "values": ["Small", "Large"],
                "optionValues": [
                    {"id": f"gid://shopify/ProductOptionValue/{legacy}11", "name": "Small"},
                    {"id": f"gid://shopify/ProductOptionValue/{legacy}12", "name": "Large"},
                ],
            },
            {
                "id": f"gid://shopify/ProductOption/{legacy}2",
                "name": "Color",
                "position": 2,
                "values": ["Red"],
                "optionValues": [
                    {"id": f"gid://shopify/ProductOptionValue/{legacy}21", "name": "Red"}
                ],
            },
        ],
        "variants": page(
            variants
            if variants is not None
            else [
                variant_node(legacy * 10 + 1, sku="TS-S", updated=updated),
                variant_node(
                    legacy * 10 + 2,
                    position=2,
                    sku="TS-L",
                    options=("Large", "Red"),
                    image=None,
                    updated=updated,
                ),
            ]
        ),
        "media": page(
            [
                {
                    "id": "gid://shopify/MediaImage/3001",
                    "alt": "Front",
                    "createdAt": "2025-06-01T10:00:00Z",
                    "updatedAt": updated,
                    "image": {
                        "url": "https://cdn.shopify.com/front.jpg",
                        "width": 800,
                        "height": 600,
                    },
                },
                {"id": "gid://shopify/Video/3002"},
            ]
        ),
        "metafields": page(
            [
                {
                    "id": "gid://shopify/Metafield/5001",
                    "legacyResourceId": "5001",
                    "namespace": "custom",
                    "key": "fabric",
                    "value": "cotton",
                    "type": "single_line_text_field",
                    "createdAt": "2025-06-01T10:00:00Z",
                    "updatedAt": updated,
                }
            ]
        ),
    }


def address_node(legacy: int, *, city: str = "Ottawa") -> JSON:
    return {
        "id": f"gid://shopify/MailingAddress/{legacy}?model_name=CustomerAddress",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "name": "Ada Lovelace",
        "company": None,
        "address1": "1 Main St",
        "address2": "",
        "city": city,
        "province": "Ontario",
        "provinceCode": "ON",
        "country": "Canada",
        "countryCodeV2": "CA",
        "zip": "K1A 0A1",
        "phone": None,
    }


def customer_node(
    legacy: int = 8001,
    *,
    default_address: int | None = 6002,
    addresses: list[JSON] | None = None,
    updated: str = "2026-01-02T03:04:05Z",
    email: str = "ada@example.com",
) -> JSON:
    return {
        "id": f"gid://shopify/Customer/{legacy}",
        "legacyResourceId": str(legacy),
        "firstName": "Ada",
        "lastName": "Lovelace",
        "state": "ENABLED",
        "note": None,
        "tags": ["VIP", " wholesale"],
        "verifiedEmail": True,
        "taxExempt": False,
        "taxExemptions": [],
        "multipassIdentifier": None,
        "numberOfOrders": "3",
        "createdAt": "2025-03-01T00:00:00Z",
        "updatedAt": updated,
        "amountSpent": {"amount": "120.50", "currencyCode": "CAD"},
        "defaultEmailAddress": {
            "emailAddress": email,
            "marketingState": "SUBSCRIBED",
            "marketingOptInLevel": "SINGLE_OPT_IN",
            "marketingUpdatedAt": "2025-03-02T00:00:00Z",
        },
        "defaultPhoneNumber": {
            "phoneNumber": "+16135550199",
            "marketingState": "NOT_SUBSCRIBED",
            "marketingOptInLevel": None,
            "marketingUpdatedAt": None,
        },
        "defaultAddress": (
            {"id": f"gid://shopify/MailingAddress/{default_address}?model_name=CustomerAddress"}
            if default_address
            else None
        ),
        "lastOrder": {"id": "gid://shopify/Order/4001", "name": "#1001"},
        "addressesV2": page(
            addresses
            if addresses is not None
            else [address_node(6001, city="Toronto"), address_node(6002)]
        ),
    }


def order_node(
    legacy: int = 4001,
    *,
    customer: int | None = 8001,
    updated: str = "2026-01-03T00:00:00Z",
    variant: int = 70011,
) -> JSON:
    return {
        "id": f"gid://shopify/Order/{legacy}",
        "legacyResourceId": str(legacy),
        "name": "#1001",
        "number": 1001,
        "email": "ada@example.com",
        "phone": None,
        "note": "Leave at the door",
        "tags": ["web"],
        "test": False,
        "confirmed": True,
        "closed": False,
        "closedAt": None,
        "cancelledAt": None,
        "cancelReason": None,
        "processedAt": "2026-01-01T12:00:00Z",
        "createdAt": "2026-01-01T12:00:00Z",
        "updatedAt": updated,
        "currencyCode": "USD",
        "presentmentCurrencyCode": "USD",
        "taxesIncluded": False,
        "displayFinancialStatus": "PARTIALLY_REFUNDED",
        "displayFulfillmentStatus": "FULFILLED",
        "paymentGatewayNames": ["bogus"],
        "discountCodes": ["SUMMER"],
        "sourceName": "web",
        "sourceIdentifier": None,
        "customerLocale": "en",
        "customerAcceptsMarketing": True,
        "cartToken": None,
        "checkoutToken": "abc",
        "confirmationNumber": "XKCD1",
        "clientIp": "127.0.0.1",
        "customer": {"id": f"gid://shopify/Customer/{customer}"} if customer else None,
        "customAttributes": [{"key": "gift", "value": "yes"}],
        "billingAddress": address_node(6002),
        "shippingAddress": address_node(6002),
        "subtotalPriceSet": money_bag("39.98"),
        "totalPriceSet": money_bag("45.98"),
        "totalTaxSet": money_bag("2.00"),
        "totalDiscountsSet": money_bag("1.00"),
        "totalShippingPriceSet": money_bag("5.00"),
        "currentTotalPriceSet": money_bag("25.99"),
        "totalWeight": "500",
        "taxLines": [{"title": "HST", "rate": 0.05, "priceSet": money_bag("2.00")}],
        "shippingLines": {
            "nodes": [
                {
                    "title": "Standard",
                    "code": "STD",
                    "source": "shopify",
                    "originalPriceSet": money_bag("5.00"),
                }
            ]
        },
        "fulfillments": [
            {
                "id": "gid://shopify/Fulfillment/4101",
                "legacyResourceId": "4101",
                "name": "#1001.1",
                "status": "SUCCESS",
                "displayStatus": "DELIVERED",
                "createdAt": "2026-01-02T00:00:00Z",
                "updatedAt": "2026-01-02T06:00:00Z",
                "location": {"id": "gid://shopify/Location/9001"},
                "service": {"serviceName": "Manual"},
                "trackingInfo": [
                    {"company": "UPS", "number": "1Z999", "url": "https://ups.com/1Z999"}
                ],
            }
        ],
        "refunds": [
            {
                "id": "gid://shopify/Refund/4201",
                "legacyResourceId": "4201",
                "note": "Too small",
                "createdAt": "2026-01-02T08:00:00Z",
                "updatedAt": "2026-01-02T08:00:00Z",
                "processedAt": "2026-01-02T08:00:00Z",
                "totalRefundedSet": money_bag("19.99"),
            }
        ],
        "transactions": [
            {
                "id": "gid://shopify/OrderTransaction/4301",
                "kind": "SALE",
                "status": "SUCCESS",
                "gateway": "bogus",
                "test": True,
                "errorCode": None,
                "authorizationCode": "auth-1",
                "processedAt": "2026-01-01T12:00:00Z",
                "createdAt": "2026-01-01T12:00:00Z",
                "amountSet": money_bag("45.98"),
                "parentTransaction": None,
                "location": None,
                "receiptJson": '{"paid_amount": "45.98"}',
                "paymentDetails": {
                    "company": "Visa",
                    "number": "•••• •••• •••• 4242",
                    "bin": "424242",
                    "name": "Ada",
                },
            },
            {
                "id": "gid://shopify/OrderTransaction/4302",
                "kind": "REFUND",
                "status": "SUCCESS",
                "gateway": "bogus",
                "test": True,
                "errorCode": None,
                "authorizationCode": None,
                "processedAt": "2026-01-02T08:00:00Z",
                "createdAt": "2026-01-02T08:00:00Z",
                "amountSet": money_bag("19.99"),
                "parentTransaction": {"id": "gid://shopify/OrderTransaction/4301"},
                "location": None,
                "receiptJson": None,
                "paymentDetails": None,
            },
        ],
        "lineItems": page(
            [
                {
                    "id": "gid://shopify/LineItem/4401",
                    "name": "Cotton T-shirt - Small / Red",
                    "title": "Cotton T-shirt",
                    "variantTitle": "Small / Red",
                    "sku": "TS-S",
                    "vendor": "Acme",
                    "quantity": 2,
                    "currentQuantity": 1,
                    "unfulfilledQuantity": 0,
                    "requiresShipping": True,
                    "taxable": True,
                    "isGiftCard": False,
                    "product": {"id": "gid://shopify/Product/7001"},
                    "variant": {"id": f"gid://shopify/ProductVariant/{variant}"},
                    "originalUnitPriceSet": money_bag("19.99"),
                    "totalDiscountSet": money_bag("1.00"),
                    "customAttributes": [],
                    "taxLines": [{"title": "HST", "rate": 0.05, "priceSet": money_bag("2.00")}],
                }
            ]
        ),
    }


def order_children_node(legacy: int = 4001, *, updated: str = "2026-01-03T00:00:00Z") -> JSON:
    return {
        "id": f"gid://shopify/Order/{legacy}",
        "updatedAt": updated,
        "fulfillments": [
            {
                "id": "gid://shopify/Fulfillment/4101",
                "fulfillmentLineItems": page(
                    [
                        {
                            "id": "gid://shopify/FulfillmentLineItem/4501",
                            "quantity": 2,
                            "lineItem": {"id": "gid://shopify/LineItem/4401"},
                        }
                    ]
                ),
            }
        ],
        "refunds": [
            {
                "id": "gid://shopify/Refund/4201",
                "refundLineItems": page(
                    [
                        {
                            "id": "gid://shopify/RefundLineItem/4601",
                            "quantity": 1,
                            "restockType": "RETURN",
                            "restocked": True,
                            "lineItem": {"id": "gid://shopify/LineItem/4401"},
                            "location": {"id": "gid://shopify/Location/9001"},
                            "subtotalSet": money_bag("19.99"),
                            "totalTaxSet": money_bag("1.00"),
                        }
                    ]
                ),
            }
        ],
    }


def collection_node(
    legacy: int = 2001,
    *,
    smart: bool = False,
    products: tuple[int, ...] = (7001,),
    updated: str = "2026-01-02T03:04:05Z",
) -> JSON:
    return {
        "id": f"gid://shopify/Collection/{legacy}",
        "legacyResourceId": str(legacy),
        "title": "Summer",
        "handle": f"summer-{legacy}",
        "descriptionHtml": "",
        "sortOrder": "ALPHA_ASC",
        "templateSuffix": None,
        "updatedAt": updated,
        "seo": {"title": None, "description": None},
        "image": {
            "url": "https://cdn.shopify.com/summer.png",
            "altText": "Sun",
            "width": 10,
            "height": 20,
        },
        "ruleSet": (
            {
                "appliedDisjunctively": True,
                "rules": [{"column": "TAG", "relation": "EQUALS", "condition": "summer"}],
            }
            if smart
            else None
        ),
        "products": page([{"id": f"gid://shopify/Product/{product}"} for product in products]),
    }


def inventory_page_node(
    item: int = 170011,
    *,
    location: int = 9001,
    available: int = 5,
    updated: str = "2026-01-04T00:00:00Z",
) -> JSON:
    node = inventory_item_node(item, sku="TS-S", updated=updated)
    del node["measurement"]
    node["inventoryLevels"] = page(
        [
            {
                "id": f"gid://shopify/InventoryLevel/{location}77?inventory_item_id={item}",
                "updatedAt": updated,
                "item": {"id": f"gid://shopify/InventoryItem/{item}"},
                "location": {"id": f"gid://shopify/Location/{location}"},
                "quantities": [
                    {"name": "available", "quantity": available},
                    {"name": "on_hand", "quantity": available + 2},
                    {"name": "committed", "quantity": 2},
                    {"name": "incoming", "quantity": 0},
                    {"name": "reserved", "quantity": 0},
                ],
            }
        ]
    )
    return node
