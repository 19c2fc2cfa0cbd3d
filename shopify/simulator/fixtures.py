"""Seeding from Shopify's own REST example payloads (vendored in `fixtures/`, see NOTICE.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopify.simulator import records as build
from shopify.simulator.generator import Ids
from shopify.simulator.store import Store
from shopify.simulator.values import Record, amount, gid, money, money_bag, stamp

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES_DIR / name).read_text())
    return loaded


def _stamp(text: str | None) -> str | None:
    return None if text is None else stamp(datetime.fromisoformat(text).astimezone(UTC))


def _tags(text: str | None) -> list[str]:
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


def _location(data: dict[str, Any]) -> Record:
    return build.location_record(
        legacy_id=int(data["id"]),
        name=data["name"],
        address={
            "address1": data.get("address1"),
            "address2": data.get("address2"),
            "city": data.get("city"),
            "province": data.get("province"),
            "provinceCode": data.get("province_code"),
            "country": data.get("country_name"),
            "countryCode": data.get("country_code"),
            "zip": data.get("zip"),
            "phone": data.get("phone"),
        },
        is_active=bool(data.get("active", True)),
        created_at=_stamp(data["created_at"]) or "",
        updated_at=_stamp(data["updated_at"]) or "",
    )


def _product(data: dict[str, Any], ids: Ids, locations: list[Record]) -> Record:
    created_at = _stamp(data["created_at"]) or ""
    updated_at = _stamp(data["updated_at"]) or ""
    product = build.product_record(
        legacy_id=int(data["id"]),
        title=data["title"],
        handle=data["handle"],
        description_html=data.get("body_html") or "",
        vendor=data.get("vendor") or "",
        product_type=data.get("product_type") or "",
        status=str(data.get("status") or "active").upper(),
        tags=_tags(data.get("tags")),
        template_suffix=data.get("template_suffix"),
        published_at=_stamp(data.get("published_at")),
        created_at=created_at,
        updated_at=updated_at,
    )
    variants = data.get("variants") or []
    options = sorted(data.get("options") or [], key=lambda option: option["position"])
    for option in options:
        values = list(option["values"])
        for variant in variants:
            value = variant.get(f"option{option['position']}")
            if value is not None and value not in values:
                values.append(value)
        product["options"].append(
            build.option_record(
                legacy_id=int(option["id"]),
                name=option["name"],
                position=int(option["position"]),
                values=[(ids("ProductOptionValue"), value) for value in values],
            )
        )
    media_by_image: dict[int, Record] = {}
    for image in data.get("images") or []:
        media = build.media_record(
            legacy_id=int(image["id"]),
            alt=image.get("alt") or "",
            url=image["src"],
            width=int(image.get("width") or 0),
            height=int(image.get("height") or 0),
            created_at=_stamp(image.get("created_at")) or created_at,
        )
        media_by_image[int(image["id"])] = media
        product["media"].append(media)
    for variant_data in variants:
        item = build.inventory_item_record(
            legacy_id=int(variant_data["inventory_item_id"]),
            sku=variant_data.get("sku"),
            requires_shipping=bool(variant_data.get("requires_shipping", True)),
            tracked=variant_data.get("inventory_management") == "shopify",
            unit_cost=None,
            weight_grams=int(variant_data.get("grams") or 0),
            harmonized_system_code=None,
            country_code_of_origin=None,
            created_at=_stamp(variant_data["created_at"]) or created_at,
            updated_at=_stamp(variant_data["updated_at"]) or updated_at,
        )
        compare_at = variant_data.get("compare_at_price")
        variant = build.variant_record(
            product=product,
            legacy_id=int(variant_data["id"]),
            title=variant_data["title"],
            sku=variant_data.get("sku"),
            barcode=variant_data.get("barcode"),
            position=int(variant_data["position"]),
            price=amount(variant_data["price"]),
            compare_at_price=None if compare_at is None else amount(compare_at),
            taxable=bool(variant_data.get("taxable", True)),
            inventory_policy=str(variant_data.get("inventory_policy") or "deny").upper(),
            created_at=item["createdAt"],
            updated_at=item["updatedAt"],
            selected_options=[
                (option["name"], variant_data[f"option{option['position']}"])
                for option in options
                if variant_data.get(f"option{option['position']}") is not None
            ],
            inventory_item=item,
        )
        image_id = variant_data.get("image_id")
        if image_id in media_by_image:
            variant["media"] = [media_by_image[image_id]]
        quantity = int(variant_data.get("inventory_quantity") or 0)
        for position, location in enumerate(locations):
            available = quantity if position == 0 else 0
            item["inventoryLevels"].append(
                build.inventory_level_record(
                    item=item,
                    location=location,
                    quantities={
                        "available": available,
                        "on_hand": available,
                        "committed": 0,
                        "incoming": 0,
                        "reserved": 0,
                    },
                    updated_at=item["updatedAt"],
                )
            )
        product["variants"].append(variant)
    return product


def _customer(data: dict[str, Any]) -> Record:
    default_id = (data.get("default_address") or {}).get("id")
    addresses = [
        build.address_record(
            legacy_id=int(address["id"]),
            model="CustomerAddress",
            fields={
                "firstName": address.get("first_name"),
                "lastName": address.get("last_name"),
                "company": address.get("company"),
                "address1": address.get("address1"),
                "address2": address.get("address2"),
                "city": address.get("city"),
                "province": address.get("province"),
                "provinceCode": address.get("province_code"),
                "country": address.get("country_name") or address.get("country"),
                "countryCodeV2": address.get("country_code"),
                "zip": address.get("zip"),
                "phone": address.get("phone"),
            },
        )
        for address in sorted(data.get("addresses") or [], key=lambda a: a["id"] != default_id)
    ]
    email_consent = data.get("email_marketing_consent") or {}
    sms_consent = data.get("sms_marketing_consent") or {}
    customer = build.customer_record(
        legacy_id=int(data["id"]),
        first_name=data.get("first_name"),
        last_name=data.get("last_name"),
        email=data.get("email"),
        phone=data.get("phone"),
        state=str(data.get("state") or "disabled").upper(),
        note=data.get("note"),
        tags=_tags(data.get("tags")),
        verified_email=bool(data.get("verified_email")),
        tax_exempt=bool(data.get("tax_exempt")),
        email_marketing=(
            str(email_consent.get("state") or "not_subscribed").upper(),
            None
            if not email_consent.get("opt_in_level")
            else email_consent["opt_in_level"].upper(),
            _stamp(email_consent.get("consent_updated_at")),
        ),
        sms_marketing=(
            str(sms_consent.get("state") or "not_subscribed").upper(),
            None if not sms_consent.get("opt_in_level") else sms_consent["opt_in_level"].upper(),
            _stamp(sms_consent.get("consent_updated_at")),
        ),
        created_at=_stamp(data["created_at"]) or "",
        updated_at=_stamp(data["updated_at"]) or "",
        addresses=addresses,
    )
    customer["amountSpent"] = money(amount(data.get("total_spent") or "0"))
    customer["numberOfOrders"] = str(int(data.get("orders_count") or 0))
    customer["taxExemptions"] = list(data.get("tax_exemptions") or [])
    return customer


def _bag(data: dict[str, Any] | None) -> Record:
    shop = (data or {}).get("shop_money") or {"amount": "0.00", "currency_code": "USD"}
    return money_bag(amount(shop["amount"]), shop["currency_code"])


def _order_address(data: dict[str, Any] | None, ids: Ids) -> Record | None:
    if data is None:
        return None
    return build.address_record(
        legacy_id=ids("MailingAddress"),
        model="Address",
        fields={
            "firstName": data.get("first_name"),
            "lastName": data.get("last_name"),
            "company": data.get("company"),
            "address1": data.get("address1"),
            "address2": data.get("address2"),
            "city": data.get("city"),
            "province": data.get("province"),
            "provinceCode": data.get("province_code"),
            "country": data.get("country"),
            "countryCodeV2": data.get("country_code"),
            "zip": data.get("zip"),
            "phone": data.get("phone"),
        },
    )


def _tax_lines(lines: list[dict[str, Any]]) -> list[Record]:
    return [
        build.tax_line(line["title"], float(line["rate"]), amount(line["price"])) for line in lines
    ]


def _order(
    data: dict[str, Any], transactions: list[dict[str, Any]], store: Store, ids: Ids
) -> Record:
    """Order #1001 of Shopify's examples, on the example iPod variants and customer Bob."""
    order_id = int(data["id"])
    created_at = _stamp(data["created_at"]) or ""
    lines: dict[int, Record] = {}
    for line in data["line_items"]:
        variant = store.get("variants", int(line["variant_id"])) if line.get("variant_id") else None
        quantity, current = int(line["quantity"]), int(line["current_quantity"])
        discount = sum(Decimal(d["amount"]) for d in line.get("discount_allocations") or [])
        lines[int(line["id"])] = {
            "__typename": "LineItem",
            "_id": int(line["id"]),
            "id": gid("LineItem", int(line["id"])),
            "name": line["name"],
            "title": line["title"],
            "variantTitle": line.get("variant_title"),
            "sku": line.get("sku"),
            "vendor": line.get("vendor"),
            "quantity": quantity,
            "currentQuantity": current,
            "unfulfilledQuantity": int(line.get("fulfillable_quantity") or 0),
            "requiresShipping": bool(line.get("requires_shipping")),
            "taxable": bool(line.get("taxable")),
            "isGiftCard": bool(line.get("gift_card")),
            "product": store.get("products", int(line["product_id"]))
            if line.get("product_id")
            else None,
            "variant": variant,
            "originalUnitPriceSet": money_bag(amount(line["price"])),
            "totalDiscountSet": money_bag(amount(discount)),
            "customAttributes": [
                {"key": item["name"], "value": item["value"]}
                for item in line.get("properties") or []
            ],
            "taxLines": _tax_lines(line.get("tax_lines") or []),
        }
    fulfillments = [
        {
            "__typename": "Fulfillment",
            "_id": int(item["id"]),
            "id": gid("Fulfillment", int(item["id"])),
            "legacyResourceId": str(item["id"]),
            "name": item["name"],
            "status": str(item["status"]).upper(),
            "displayStatus": "FAILURE" if item["status"] == "failure" else "FULFILLED",
            "createdAt": _stamp(item["created_at"]),
            "updatedAt": _stamp(item["updated_at"]),
            "location": store.get("locations", int(item["location_id"]))
            if item.get("location_id")
            else None,
            "service": {"serviceName": "Manual", "handle": item.get("service") or "manual"},
            "trackingInfo": [
                {"company": item.get("tracking_company"), "number": number, "url": url}
                for number, url in zip(item["tracking_numbers"], item["tracking_urls"], strict=True)
            ],
            "fulfillmentLineItems": [
                {
                    "__typename": "FulfillmentLineItem",
                    "_id": ids("FulfillmentLineItem"),
                    "quantity": int(line["quantity"]),
                    "lineItem": lines[int(line["id"])],
                }
                for line in item["line_items"]
            ],
        }
        for item in data.get("fulfillments") or []
    ]
    for fulfillment in fulfillments:
        for item in fulfillment["fulfillmentLineItems"]:
            item["id"] = gid("FulfillmentLineItem", item["_id"])
    refunds = [
        {
            "__typename": "Refund",
            "_id": int(refund["id"]),
            "id": gid("Refund", int(refund["id"])),
            "legacyResourceId": str(refund["id"]),
            "note": refund.get("note"),
            "createdAt": _stamp(refund["created_at"]),
            "updatedAt": _stamp(refund["created_at"]),
            "processedAt": _stamp(refund["processed_at"]),
            "totalRefundedSet": money_bag(
                amount(
                    sum(
                        (Decimal(t["amount"]) for t in refund.get("transactions") or []), Decimal(0)
                    )
                )
            ),
            "refundLineItems": [
                {
                    "__typename": "RefundLineItem",
                    "_id": int(item["id"]),
                    "id": gid("RefundLineItem", int(item["id"])),
                    "quantity": int(item["quantity"]),
                    "restockType": str(item["restock_type"]).upper(),
                    "restocked": item["restock_type"] != "no_restock",
                    "lineItem": lines[int(item["line_item_id"])],
                    "location": store.get("locations", int(item["location_id"])),
                    "subtotalSet": _bag(item["subtotal_set"]),
                    "totalTaxSet": _bag(item["total_tax_set"]),
                }
                for item in refund.get("refund_line_items") or []
            ],
        }
        for refund in data.get("refunds") or []
    ]
    by_id: dict[int, Record] = {}
    for item in sorted(transactions, key=lambda t: t["created_at"]):
        details = item.get("payment_details")
        by_id[int(item["id"])] = {
            "__typename": "OrderTransaction",
            "_id": int(item["id"]),
            "id": gid("OrderTransaction", int(item["id"])),
            "kind": str(item["kind"]).upper(),
            "status": str(item["status"]).upper(),
            "gateway": item["gateway"],
            "test": bool(item["test"]),
            "errorCode": item.get("error_code"),
            "authorizationCode": item.get("authorization"),
            "processedAt": _stamp(item["processed_at"]),
            "createdAt": _stamp(item["created_at"]),
            "amountSet": money_bag(amount(item["amount"]), item.get("currency") or "USD"),
            "parentTransaction": None,
            "location": None,
            "receiptJson": json.dumps(item.get("receipt") or {}),
            "paymentDetails": None
            if not details
            else {
                "__typename": "CardPaymentDetails",
                "company": details.get("credit_card_company"),
                "number": details.get("credit_card_number"),
                "bin": details.get("credit_card_bin"),
                "name": details.get("credit_card_name"),
                "expirationMonth": details.get("credit_card_expiration_month"),
                "expirationYear": details.get("credit_card_expiration_year"),
            },
            "_parent": item.get("parent_id"),
        }
    for transaction in by_id.values():
        parent = transaction.pop("_parent")
        transaction["parentTransaction"] = by_id.get(int(parent)) if parent else None
    customer = store.get("customers", int(data["customer"]["id"])) if data.get("customer") else None
    order: Record = {
        "__typename": "Order",
        "_id": order_id,
        "id": gid("Order", order_id),
        "legacyResourceId": str(order_id),
        "name": data["name"],
        "number": int(data["order_number"]),  # GraphQL: the number in the name
        "email": data.get("email"),
        "phone": data.get("phone"),
        "note": data.get("note"),
        "tags": _tags(data.get("tags")),
        "test": bool(data.get("test")),
        "confirmed": bool(data.get("confirmed")),
        "closed": data.get("closed_at") is not None,
        "closedAt": _stamp(data.get("closed_at")),
        "cancelledAt": _stamp(data.get("cancelled_at")),
        "cancelReason": None if not data.get("cancel_reason") else data["cancel_reason"].upper(),
        "processedAt": _stamp(data["processed_at"]),
        "createdAt": created_at,
        "updatedAt": _stamp(data["updated_at"]),
        "currencyCode": data["currency"],
        "presentmentCurrencyCode": data["presentment_currency"],
        "taxesIncluded": bool(data.get("taxes_included")),
        "displayFinancialStatus": str(data["financial_status"]).upper(),
        "displayFulfillmentStatus": {
            "fulfilled": "FULFILLED",
            "partial": "PARTIALLY_FULFILLED",
        }.get(data.get("fulfillment_status") or "", "UNFULFILLED"),
        "paymentGatewayNames": list(data.get("payment_gateway_names") or []),
        "discountCodes": [code["code"] for code in data.get("discount_codes") or []],
        "sourceName": data.get("source_name"),
        "sourceIdentifier": data.get("source_identifier"),
        "customerLocale": data.get("customer_locale"),
        "customerAcceptsMarketing": bool(data.get("buyer_accepts_marketing")),
        "cartToken": data.get("cart_token"),
        "checkoutToken": data.get("checkout_token"),
        "confirmationNumber": data.get("confirmation_number"),
        "clientIp": data.get("browser_ip"),
        "customer": customer,
        "customAttributes": [
            {"key": item["name"], "value": item["value"]}
            for item in data.get("note_attributes") or []
        ],
        "billingAddress": _order_address(data.get("billing_address"), ids),
        "shippingAddress": _order_address(data.get("shipping_address"), ids),
        "subtotalPriceSet": _bag(data["subtotal_price_set"]),
        "totalPriceSet": _bag(data["total_price_set"]),
        "totalTaxSet": _bag(data["total_tax_set"]),
        "totalDiscountsSet": _bag(data["total_discounts_set"]),
        "totalShippingPriceSet": _bag(data["total_shipping_price_set"]),
        "currentTotalPriceSet": _bag(data["current_total_price_set"]),
        "totalWeight": str(data.get("total_weight") or 0),
        "taxLines": _tax_lines(data.get("tax_lines") or []),
        "shippingLines": [
            {
                "__typename": "ShippingLine",
                "_id": int(line["id"]),
                "id": gid("ShippingLine", int(line["id"])),
                "title": line["title"],
                "code": line.get("code"),
                "source": line.get("source"),
                "originalPriceSet": _bag(line["price_set"]),
                "discountedPriceSet": _bag(line["discounted_price_set"]),
            }
            for line in data.get("shipping_lines") or []
        ],
        "fulfillments": fulfillments,
        "refunds": refunds,
        "transactions": list(by_id.values()),
        "lineItems": list(lines.values()),
    }
    if customer is not None:
        customer["lastOrder"] = order
    return order


def load_fixtures(store: Store, ids: Ids) -> None:
    """Shopify's example locations, products (with variants and images), customers, and order
    #1001 (with its fulfillment, refund and transactions) on those products and customers."""
    locations = [_location(data) for data in _load("rest_2025-07_locations.json")["locations"]]
    for location in locations:
        store.add("locations", location)
    for data in _load("rest_2025-07_products_list.json")["products"]:
        product = _product(data, ids, locations)
        store.add("products", product)
        for variant in product["variants"]:
            store.tables["variants"][variant["_id"]] = variant
            store.tables["inventory_items"][variant["inventoryItem"]["_id"]] = variant[
                "inventoryItem"
            ]
    for data in _load("rest_2025-07_customers_list.json")["customers"]:
        store.add("customers", _customer(data))
    transactions = _load("rest_2025-07_order_transactions.json")["transactions"]
    store.add(
        "orders", _order(_load("rest_2025-07_order_get.json")["order"], transactions, store, ids)
    )
