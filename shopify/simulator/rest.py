"""REST-shaped webhook payloads, like Shopify's (see tests/fixtures/shopify/webhook_*.json).

Timestamps are in the shop's time zone with an offset (`2026-01-01T07:00:00-05:00`), ids are
numbers, enums lower-case, money decimal strings, products carry at most 100 variants.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from shopify.simulator.resolvers import variant_inventory_quantity
from shopify.simulator.values import Record, amount, money_bag, parse_stamp

if TYPE_CHECKING:
    from shopify.simulator.simulator import Simulator

WEBHOOK_VARIANT_LIMIT = 100
SHOP_ZONE = ZoneInfo("America/New_York")

Payload = dict[str, Any]


def topic_enum(topic: str) -> str:
    """ "products/update" -> "PRODUCTS_UPDATE"."""
    return topic.replace("/", "_").upper()


@lru_cache(maxsize=65536)
def local(value: str | None) -> str | None:
    if value is None:
        return None
    return parse_stamp(value).astimezone(SHOP_ZONE).isoformat()


def _number(record: Record | None) -> int | None:
    return None if record is None else int(record["_id"])


def _money_set(bag: Record) -> Payload:
    return {
        "shop_money": {
            "amount": bag["shopMoney"]["amount"],
            "currency_code": bag["shopMoney"]["currencyCode"],
        },
        "presentment_money": {
            "amount": bag["presentmentMoney"]["amount"],
            "currency_code": bag["presentmentMoney"]["currencyCode"],
        },
    }


def _tags(tags: list[str]) -> str:
    return ", ".join(tags)


def _address(address: Record | None, customer_id: int | None = None) -> Payload | None:
    if address is None:
        return None
    payload: Payload = {
        "first_name": address["firstName"],
        "address1": address["address1"],
        "phone": address["phone"],
        "city": address["city"],
        "zip": address["zip"],
        "province": address["province"],
        "country": address["country"],
        "last_name": address["lastName"],
        "address2": address["address2"],
        "company": address["company"],
        "latitude": address["latitude"],
        "longitude": address["longitude"],
        "name": address["name"],
        "country_code": address["countryCodeV2"],
        "province_code": address["provinceCode"],
    }
    if customer_id is not None:
        payload = {"id": address["_id"], "customer_id": customer_id, **payload}
        payload["country_name"] = address["country"]
    return payload


# --- products ----------------------------------------------------------------------------------


def _variant(variant: Record, product: Record) -> Payload:
    options = [option["value"] for option in variant["selectedOptions"]] + [None, None, None]
    media = variant["media"]
    item = variant["inventoryItem"]
    return {
        "admin_graphql_api_id": variant["id"],
        "barcode": variant["barcode"],
        "compare_at_price": variant["compareAtPrice"],
        "created_at": local(variant["createdAt"]),
        "id": variant["_id"],
        "inventory_policy": variant["inventoryPolicy"].lower(),
        "position": variant["position"],
        "price": variant["price"],
        "product_id": product["_id"],
        "sku": variant["sku"],
        "taxable": variant["taxable"],
        "title": variant["title"],
        "updated_at": local(variant["updatedAt"]),
        "option1": options[0],
        "option2": options[1],
        "option3": options[2],
        "image_id": media[0]["_id"] if media else None,
        "inventory_item_id": item["_id"],
        "inventory_quantity": variant_inventory_quantity(variant),
        "old_inventory_quantity": variant_inventory_quantity(variant),
    }


def _image(media: Record, product: Record, position: int) -> Payload:
    return {
        "id": media["_id"],
        "product_id": product["_id"],
        "position": position,
        "created_at": local(media["createdAt"]),
        "updated_at": local(media["updatedAt"]),
        "alt": media["alt"],
        "width": media["image"]["width"],
        "height": media["image"]["height"],
        "src": media["image"]["url"],
        "variant_ids": [
            variant["_id"]
            for variant in product["variants"]
            if any(item is media for item in variant["media"])
        ],
        "admin_graphql_api_id": f"gid://shopify/ProductImage/{media['_id']}",
    }


def product_payload(simulator: Simulator, product: Record) -> Payload:
    images = [
        _image(media, product, position) for position, media in enumerate(product["media"], 1)
    ]
    variants = product["variants"][:WEBHOOK_VARIANT_LIMIT]
    return {
        "admin_graphql_api_id": product["id"],
        "body_html": product["descriptionHtml"],
        "created_at": local(product["createdAt"]),
        "handle": product["handle"],
        "id": product["_id"],
        "product_type": product["productType"],
        "published_at": local(product["publishedAt"]),
        "template_suffix": product["templateSuffix"],
        "title": product["title"],
        "updated_at": local(product["updatedAt"]),
        "vendor": product["vendor"],
        "status": product["status"].lower(),
        "published_scope": "web",
        "tags": _tags(product["tags"]),
        "variants": [_variant(variant, product) for variant in variants],
        "options": [
            {
                "name": option["name"],
                "id": option["_id"],
                "product_id": product["_id"],
                "position": option["position"],
                "values": list(option["values"]),
            }
            for option in product["options"]
        ],
        "images": images,
        "image": images[0] if images else None,
        "media": [
            {
                "id": media["_id"],
                "product_id": product["_id"],
                "position": position,
                "created_at": local(media["createdAt"]),
                "updated_at": local(media["updatedAt"]),
                "alt": media["alt"],
                "status": media["status"],
                "media_content_type": media["mediaContentType"],
                "preview_image": {
                    "width": media["image"]["width"],
                    "height": media["image"]["height"],
                    "src": media["image"]["url"],
                    "status": media["status"],
                },
                "variant_ids": [],
                "admin_graphql_api_id": media["id"],
            }
            for position, media in enumerate(product["media"], 1)
        ],
        "variant_gids": [
            {"admin_graphql_api_id": variant["id"], "updated_at": variant["updatedAt"]}
            for variant in sorted(product["variants"], key=lambda v: v["updatedAt"], reverse=True)
        ],
        "has_variants_that_requires_components": False,
        "category": None,
    }


# --- customers ---------------------------------------------------------------------------------


def _consent(contact: Record | None, **extra: Any) -> Payload | None:
    """REST's marketing consent of a customer's default email address or phone number."""
    if contact is None:
        return None
    level = contact["marketingOptInLevel"]
    return {
        "state": contact["marketingState"].lower(),
        "opt_in_level": None if level is None else level.lower(),
        "consent_updated_at": local(contact["marketingUpdatedAt"]),
        **extra,
    }


def customer_payload(simulator: Simulator, customer: Record) -> Payload:
    email = customer["defaultEmailAddress"]
    phone = customer["defaultPhoneNumber"]
    addresses = [_address(address, customer["_id"]) for address in customer["addressesV2"]]
    for position, address in enumerate(addresses):
        if address is not None:
            address["default"] = position == 0
    return {
        "id": customer["_id"],
        "created_at": local(customer["createdAt"]),
        "updated_at": local(customer["updatedAt"]),
        "first_name": customer["firstName"],
        "last_name": customer["lastName"],
        "state": customer["state"].lower(),
        "note": customer["note"],
        "verified_email": customer["verifiedEmail"],
        "multipass_identifier": customer["multipassIdentifier"],
        "tax_exempt": customer["taxExempt"],
        "email": None if email is None else email["emailAddress"],
        "phone": None if phone is None else phone["phoneNumber"],
        "currency": customer["amountSpent"]["currencyCode"],
        "addresses": addresses,
        "tax_exemptions": list(customer["taxExemptions"]),
        "admin_graphql_api_id": customer["id"],
        "default_address": addresses[0] if addresses else None,
        "tags": _tags(customer["tags"]),
        "orders_count": int(customer["numberOfOrders"]),
        "total_spent": customer["amountSpent"]["amount"],
        "last_order_id": _number(customer["lastOrder"]),
        "last_order_name": None if customer["lastOrder"] is None else customer["lastOrder"]["name"],
        "email_marketing_consent": _consent(email),
        "sms_marketing_consent": _consent(phone, consent_collected_from="OTHER"),
    }


# --- orders ------------------------------------------------------------------------------------


def _tax_lines(lines: list[Record]) -> list[Payload]:
    return [
        {
            "price": line["priceSet"]["shopMoney"]["amount"],
            "rate": line["rate"],
            "title": line["title"],
            "price_set": _money_set(line["priceSet"]),
            "channel_liable": False,
        }
        for line in lines
    ]


def _line_item(line: Record) -> Payload:
    variant, product = line["variant"], line["product"]
    return {
        "id": line["_id"],
        "admin_graphql_api_id": line["id"],
        "attributed_staffs": [],
        "current_quantity": line["currentQuantity"],
        "fulfillable_quantity": line["unfulfilledQuantity"],
        "fulfillment_service": "manual",
        "fulfillment_status": None if line["unfulfilledQuantity"] else "fulfilled",
        "gift_card": line["isGiftCard"],
        "grams": 0
        if variant is None
        else int(variant["inventoryItem"]["measurement"]["weight"]["value"]),
        "name": line["name"],
        "price": line["originalUnitPriceSet"]["shopMoney"]["amount"],
        "price_set": _money_set(line["originalUnitPriceSet"]),
        "product_exists": product is not None,
        "product_id": _number(product),
        "properties": [{"name": a["key"], "value": a["value"]} for a in line["customAttributes"]],
        "quantity": line["quantity"],
        "requires_shipping": line["requiresShipping"],
        "sales_line_item_group_id": None,
        "sku": line["sku"],
        "taxable": line["taxable"],
        "title": line["title"],
        "total_discount": line["totalDiscountSet"]["shopMoney"]["amount"],
        "total_discount_set": _money_set(line["totalDiscountSet"]),
        "variant_id": _number(variant),
        "variant_inventory_management": "shopify",
        "variant_title": line["variantTitle"],
        "vendor": line["vendor"],
        "tax_lines": _tax_lines(line["taxLines"]),
        "duties": [],
        "discount_allocations": [],
    }


def fulfillment_payload(order: Record, fulfillment: Record) -> Payload:
    tracking = fulfillment["trackingInfo"]
    return {
        "id": fulfillment["_id"],
        "admin_graphql_api_id": fulfillment["id"],
        "created_at": local(fulfillment["createdAt"]),
        "location_id": _number(fulfillment["location"]),
        "name": fulfillment["name"],
        "order_id": order["_id"],
        "origin_address": {},
        "email": order["email"],
        "destination": _address(order["shippingAddress"]),
        "receipt": {},
        "service": "manual",
        "shipment_status": fulfillment["displayStatus"].lower(),
        "status": fulfillment["status"].lower(),
        "tracking_company": tracking[0]["company"] if tracking else None,
        "tracking_number": tracking[0]["number"] if tracking else None,
        "tracking_numbers": [info["number"] for info in tracking],
        "tracking_url": tracking[0]["url"] if tracking else None,
        "tracking_urls": [info["url"] for info in tracking],
        "updated_at": local(fulfillment["updatedAt"]),
        "line_items": [
            {**_line_item(item["lineItem"]), "quantity": item["quantity"]}
            for item in fulfillment["fulfillmentLineItems"]
        ],
    }


def transaction_payload(order: Record, transaction: Record) -> Payload:
    details = transaction["paymentDetails"]
    return {
        "id": transaction["_id"],
        "order_id": order["_id"],
        "kind": transaction["kind"].lower(),
        "gateway": transaction["gateway"],
        "status": transaction["status"].lower(),
        "message": None,
        "created_at": local(transaction["createdAt"]),
        "test": transaction["test"],
        "authorization": transaction["authorizationCode"],
        "location_id": _number(transaction["location"]),
        "user_id": None,
        "parent_id": _number(transaction["parentTransaction"]),
        "processed_at": local(transaction["processedAt"]),
        "device_id": None,
        "error_code": transaction["errorCode"],
        "source_name": "web",
        "payment_details": None
        if details is None
        else {
            "credit_card_bin": details["bin"],
            "avs_result_code": None,
            "cvv_result_code": None,
            "credit_card_number": details["number"],
            "credit_card_company": details["company"],
            "buyer_action_info": None,
            "credit_card_name": details["name"],
            "credit_card_wallet": None,
            "credit_card_expiration_month": details["expirationMonth"],
            "credit_card_expiration_year": details["expirationYear"],
            "payment_method_name": details["company"].lower(),
        },
        "receipt": {},
        "amount": transaction["amountSet"]["shopMoney"]["amount"],
        "currency": transaction["amountSet"]["shopMoney"]["currencyCode"],
        "payment_id": f"c{order['_id']}.{transaction['_id']}",
        "total_unsettled_set": {
            "presentment_money": {
                "amount": transaction["amountSet"]["presentmentMoney"]["amount"],
                "currency": transaction["amountSet"]["presentmentMoney"]["currencyCode"],
            },
            "shop_money": {
                "amount": transaction["amountSet"]["shopMoney"]["amount"],
                "currency": transaction["amountSet"]["shopMoney"]["currencyCode"],
            },
        },
        "amount_rounding": None,
        "manual_payment_gateway": False,
        "admin_graphql_api_id": transaction["id"],
    }


def refund_payload(order: Record, refund: Record) -> Payload:
    refund_transactions = [
        transaction_payload(order, transaction)
        for transaction in order["transactions"]
        if transaction["kind"] == "REFUND" and transaction["processedAt"] == refund["processedAt"]
    ]
    return {
        "id": refund["_id"],
        "order_id": order["_id"],
        "created_at": local(refund["createdAt"]),
        "note": refund["note"],
        "user_id": None,
        "processed_at": local(refund["processedAt"]),
        "restock": True,
        "duties": [],
        "total_duties_set": _money_set(
            {
                "shopMoney": {"amount": "0.00", "currencyCode": "USD"},
                "presentmentMoney": {"amount": "0.00", "currencyCode": "USD"},
            }
        ),
        "return": None,
        "admin_graphql_api_id": refund["id"],
        "refund_line_items": [
            {
                "id": item["_id"],
                "quantity": item["quantity"],
                "line_item_id": item["lineItem"]["_id"],
                "location_id": _number(item["location"]),
                "restock_type": item["restockType"].lower(),
                "subtotal": item["subtotalSet"]["shopMoney"]["amount"],
                "total_tax": item["totalTaxSet"]["shopMoney"]["amount"],
                "subtotal_set": _money_set(item["subtotalSet"]),
                "total_tax_set": _money_set(item["totalTaxSet"]),
                "line_item": _line_item(item["lineItem"]),
            }
            for item in refund["refundLineItems"]
        ],
        "transactions": refund_transactions,
        "order_adjustments": [],
        "refund_shipping_lines": [],
    }


def _zero_set() -> Payload:
    zero = {"amount": "0.00", "currency_code": "USD"}
    return {"shop_money": zero, "presentment_money": dict(zero)}


def _set_of(value: Decimal) -> Payload:
    return _money_set(money_bag(amount(value)))


def order_payload(simulator: Simulator, order: Record) -> Payload:
    customer = order["customer"]
    shipping_lines = order["shippingLines"]
    refunded_subtotal = sum(
        (
            Decimal(item["subtotalSet"]["shopMoney"]["amount"])
            for refund in order["refunds"]
            for item in refund["refundLineItems"]
        ),
        Decimal(0),
    )
    refunded_tax = sum(
        (
            Decimal(item["totalTaxSet"]["shopMoney"]["amount"])
            for refund in order["refunds"]
            for item in refund["refundLineItems"]
        ),
        Decimal(0),
    )
    line_items_total = sum(
        (
            Decimal(line["originalUnitPriceSet"]["shopMoney"]["amount"]) * line["quantity"]
            for line in order["lineItems"]
        ),
        Decimal(0),
    )
    subtotal = Decimal(order["subtotalPriceSet"]["shopMoney"]["amount"])
    tax = Decimal(order["totalTaxSet"]["shopMoney"]["amount"])
    paid = sum(
        (
            Decimal(t["amountSet"]["shopMoney"]["amount"])
            for t in order["transactions"]
            if t["kind"] in {"SALE", "CAPTURE"} and t["status"] == "SUCCESS"
        ),
        Decimal(0),
    )
    outstanding = max(Decimal(order["totalPriceSet"]["shopMoney"]["amount"]) - paid, Decimal(0))
    if order["cancelledAt"] is not None:
        outstanding = Decimal(0)
    return {
        "checkout_id": None,
        "current_shipping_price_set": _money_set(order["totalShippingPriceSet"]),
        "current_subtotal_price": amount(subtotal - refunded_subtotal),
        "current_subtotal_price_set": _set_of(subtotal - refunded_subtotal),
        "current_total_additional_fees_set": None,
        "current_total_discounts": order["totalDiscountsSet"]["shopMoney"]["amount"],
        "current_total_discounts_set": _money_set(order["totalDiscountsSet"]),
        "current_total_duties_set": None,
        "current_total_tax": amount(tax - refunded_tax),
        "current_total_tax_set": _set_of(tax - refunded_tax),
        "device_id": None,
        "duties_included": False,
        "landing_site": None,
        "landing_site_ref": None,
        "location_id": None,
        "merchant_business_entity_id": "MTU0ODM4MDAwOQ",
        "merchant_of_record_app_id": None,
        "order_status_url": f"https://{simulator.shop_domain}/{simulator.store.shop['_id']}/orders/"
        f"{order['checkoutToken']}/authenticate?key={order['cartToken']}",
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "po_number": None,
        "reference": None,
        "referring_site": None,
        "source_url": None,
        "tax_exempt": False if customer is None else customer["taxExempt"],
        "token": order["checkoutToken"],
        "total_cash_rounding_payment_adjustment_set": _zero_set(),
        "total_cash_rounding_refund_adjustment_set": _zero_set(),
        "total_line_items_price": amount(line_items_total),
        "total_line_items_price_set": _set_of(line_items_total),
        "total_outstanding": amount(outstanding),
        "total_tip_received": "0.00",
        "user_id": None,
        "returns": [],
        "line_item_groups": [],
        "id": order["_id"],
        "admin_graphql_api_id": order["id"],
        "app_id": None,
        "browser_ip": order["clientIp"],
        "buyer_accepts_marketing": order["customerAcceptsMarketing"],
        "cancel_reason": None if order["cancelReason"] is None else order["cancelReason"].lower(),
        "cancelled_at": local(order["cancelledAt"]),
        "cart_token": order["cartToken"],
        "checkout_token": order["checkoutToken"],
        "client_details": None,
        "closed_at": local(order["closedAt"]),
        "confirmation_number": order["confirmationNumber"],
        "confirmed": order["confirmed"],
        "contact_email": order["email"],
        "created_at": local(order["createdAt"]),
        "currency": order["currencyCode"],
        "current_total_price": order["currentTotalPriceSet"]["shopMoney"]["amount"],
        "current_total_price_set": _money_set(order["currentTotalPriceSet"]),
        "customer_locale": order["customerLocale"],
        "discount_codes": [
            {
                "code": code,
                "amount": order["totalDiscountsSet"]["shopMoney"]["amount"],
                "type": "percentage",
            }
            for code in order["discountCodes"]
        ],
        "email": order["email"],
        "estimated_taxes": False,
        "financial_status": order["displayFinancialStatus"].lower(),
        "fulfillment_status": {
            "FULFILLED": "fulfilled",
            "PARTIALLY_FULFILLED": "partial",
        }.get(order["displayFulfillmentStatus"]),
        "name": order["name"],
        "note": order["note"],
        "note_attributes": [
            {"name": a["key"], "value": a["value"]} for a in order["customAttributes"]
        ],
        "number": order["number"] - 1000,
        "order_number": order["number"],
        "payment_gateway_names": list(order["paymentGatewayNames"]),
        "phone": order["phone"],
        "presentment_currency": order["presentmentCurrencyCode"],
        "processed_at": local(order["processedAt"]),
        "source_identifier": order["sourceIdentifier"],
        "source_name": order["sourceName"],
        "subtotal_price": order["subtotalPriceSet"]["shopMoney"]["amount"],
        "subtotal_price_set": _money_set(order["subtotalPriceSet"]),
        "tags": _tags(order["tags"]),
        "tax_lines": _tax_lines(order["taxLines"]),
        "taxes_included": order["taxesIncluded"],
        "test": order["test"],
        "total_discounts": order["totalDiscountsSet"]["shopMoney"]["amount"],
        "total_discounts_set": _money_set(order["totalDiscountsSet"]),
        "total_price": order["totalPriceSet"]["shopMoney"]["amount"],
        "total_price_set": _money_set(order["totalPriceSet"]),
        "total_shipping_price_set": _money_set(order["totalShippingPriceSet"]),
        "total_tax": order["totalTaxSet"]["shopMoney"]["amount"],
        "total_tax_set": _money_set(order["totalTaxSet"]),
        "total_weight": int(order["totalWeight"]),
        "updated_at": local(order["updatedAt"]),
        "billing_address": _address(order["billingAddress"]),
        "customer": None if customer is None else _order_customer(simulator, customer),
        "discount_applications": [],
        "fulfillments": [fulfillment_payload(order, item) for item in order["fulfillments"]],
        "line_items": [_line_item(line) for line in order["lineItems"]],
        "payment_terms": None,
        "refunds": [refund_payload(order, refund) for refund in order["refunds"]],
        "shipping_address": _address(order["shippingAddress"]),
        "shipping_lines": [
            {
                "id": line["_id"],
                "carrier_identifier": None,
                "code": line["code"],
                "current_discounted_price_set": _money_set(line["discountedPriceSet"]),
                "discounted_price": line["discountedPriceSet"]["shopMoney"]["amount"],
                "discounted_price_set": _money_set(line["discountedPriceSet"]),
                "is_removed": False,
                "phone": None,
                "price": line["originalPriceSet"]["shopMoney"]["amount"],
                "price_set": _money_set(line["originalPriceSet"]),
                "requested_fulfillment_service_id": None,
                "source": line["source"],
                "title": line["title"],
                "tax_lines": [],
                "discount_allocations": [],
            }
            for line in shipping_lines
        ],
    }


def _order_customer(simulator: Simulator, customer: Record) -> Payload:
    full = customer_payload(simulator, customer)
    keys = (
        "id",
        "email",
        "created_at",
        "updated_at",
        "first_name",
        "last_name",
        "state",
        "note",
        "verified_email",
        "multipass_identifier",
        "tax_exempt",
        "phone",
        "currency",
        "tax_exemptions",
        "admin_graphql_api_id",
        "default_address",
    )
    return {key: full[key] for key in keys}


# --- inventory, locations, collections, bulk -----------------------------------------------------


def inventory_level_payload(level: Record) -> Payload:
    return {
        "inventory_item_id": level["item"]["_id"],
        "location_id": level["location"]["_id"],
        "available": level["_quantities"]["available"],
        "updated_at": local(level["updatedAt"]),
        "admin_graphql_api_id": level["id"],
    }


def inventory_item_payload(item: Record) -> Payload:
    return {
        "id": item["_id"],
        "sku": item["sku"],
        "created_at": local(item["createdAt"]),
        "updated_at": local(item["updatedAt"]),
        "requires_shipping": item["requiresShipping"],
        "cost": None if item["unitCost"] is None else item["unitCost"]["amount"],
        "country_code_of_origin": item["countryCodeOfOrigin"],
        "province_code_of_origin": item["provinceCodeOfOrigin"],
        "harmonized_system_code": item["harmonizedSystemCode"],
        "tracked": item["tracked"],
        "country_harmonized_system_codes": [],
        "weight_value": item["measurement"]["weight"]["value"],
        "weight_unit": "g",
        "admin_graphql_api_id": item["id"],
    }


def location_payload(location: Record) -> Payload:
    address = location["address"]
    return {
        "id": location["_id"],
        "name": location["name"],
        "address1": address["address1"],
        "address2": address["address2"],
        "city": address["city"],
        "zip": address["zip"],
        "province": address["province"],
        "country": address["countryCode"],
        "phone": address["phone"],
        "created_at": local(location["createdAt"]),
        "updated_at": local(location["updatedAt"]),
        "country_code": address["countryCode"],
        "country_name": address["country"],
        "province_code": address["provinceCode"],
        "legacy": False,
        "active": location["isActive"],
        "admin_graphql_api_id": location["id"],
    }


def collection_payload(collection: Record) -> Payload:
    image = collection["image"]
    rule_set = collection["ruleSet"]
    payload: Payload = {
        "id": collection["_id"],
        "handle": collection["handle"],
        "title": collection["title"],
        "updated_at": local(collection["updatedAt"]),
        "body_html": collection["descriptionHtml"],
        "published_at": local(collection["updatedAt"]),
        "sort_order": collection["sortOrder"].lower().replace("_", "-"),
        "template_suffix": collection["templateSuffix"],
        "published_scope": "web",
        "admin_graphql_api_id": collection["id"],
        "image": None
        if image is None
        else {
            "alt": image["altText"],
            "width": image["width"],
            "height": image["height"],
            "src": image["url"],
            "created_at": local(collection["updatedAt"]),
        },
    }
    if rule_set is not None:
        payload["disjunctive"] = rule_set["appliedDisjunctively"]
        payload["rules"] = [
            {
                "column": rule["column"].lower(),
                "relation": rule["relation"].lower(),
                "condition": rule["condition"],
            }
            for rule in rule_set["rules"]
        ]
    return payload


def bulk_operation_payload(operation: Record) -> Payload:
    return {
        "admin_graphql_api_id": operation["id"],
        "completed_at": local(operation["completedAt"]),
        "created_at": local(operation["createdAt"]),
        "error_code": None if operation["errorCode"] is None else operation["errorCode"].lower(),
        "status": operation["status"].lower(),
        "type": operation["type"].lower(),
    }


def _order_child(simulator: Simulator, key: str, legacy_id: int) -> tuple[Record, Record]:
    for order in simulator.store.records("orders"):
        for child in order[key]:
            if child["_id"] == legacy_id:
                return order, child
    raise KeyError(f"no {key} child with id {legacy_id}")


def payload_for(simulator: Simulator, topic: str, legacy_id: int) -> Payload:
    resource, _, action = topic.partition("/")
    if action == "delete":
        return {"id": legacy_id}
    store = simulator.store
    if resource == "products":
        return product_payload(simulator, store.require("products", legacy_id))
    if resource == "customers":
        return customer_payload(simulator, store.require("customers", legacy_id))
    if resource == "orders":
        return order_payload(simulator, store.require("orders", legacy_id))
    if resource == "collections":
        return collection_payload(store.require("collections", legacy_id))
    if resource == "locations":
        return location_payload(store.require("locations", legacy_id))
    if resource == "inventory_items":
        return inventory_item_payload(store.require("inventory_items", legacy_id))
    if resource == "inventory_levels":
        return inventory_level_payload(
            store.require("inventory_items", legacy_id)["inventoryLevels"][0]
        )
    if resource == "fulfillments":
        return fulfillment_payload(*_order_child(simulator, "fulfillments", legacy_id))
    if resource == "refunds":
        return refund_payload(*_order_child(simulator, "refunds", legacy_id))
    if resource == "order_transactions":
        return transaction_payload(*_order_child(simulator, "transactions", legacy_id))
    if resource == "bulk_operations":
        return bulk_operation_payload(store.require("bulk_operations", legacy_id))
    raise ValueError(f"the simulator has no payload for topic {topic!r}")
