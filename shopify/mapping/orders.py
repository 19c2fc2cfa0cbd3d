"""GraphQL lines of orders (fulfillments, refunds, transactions, shipping lines inline or as bulk
lines) and their line items -> mirror rows."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from orders.choices import OrderStatus
from shopify.mapping import values as v
from shopify.mapping.values import JSON
from shopify.rows import MirrorChildren, MirrorItem, MirrorRow, legacy_id

_ORDER_FULFILLMENT = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}


_SHIPMENT_STATUSES = frozenset(
    {
        "label_printed",
        "label_purchased",
        "attempted_delivery",
        "ready_for_pickup",
        "confirmed",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "failure",
        "carrier_picked_up",
        "picked_up",
        "delayed",
    }
)


_CARD_KEYS = (
    ("company", "credit_card_company"),
    ("number", "credit_card_number"),
    ("bin", "credit_card_bin"),
    ("name", "credit_card_name"),
)


def _order_number(number: int) -> tuple[int, int]:
    """Shopify's order number (1001) -> (number, order_number): REST's `number` counts from 1."""
    return (number - 1000 if number > 1000 else number), number


def order(line: JSON, position: int | None) -> list[MirrorItem]:
    order_id = legacy_id(line["id"])
    updated_at = v.timestamp(line.get("updatedAt"))
    items: list[MirrorItem] = []
    if "name" in line:
        items.append(_order_row(line, order_id))
    for fulfillment in line.get("fulfillments") or ():
        items.extend(_fulfillment(fulfillment, order_id, updated_at))
    for refund in line.get("refunds") or ():
        items.extend(_refund(refund, order_id, updated_at))
    for transaction in line.get("transactions") or ():
        items.append(_transaction(transaction, order_id, updated_at))
    return items


def _order_row(line: JSON, order_id: int) -> MirrorRow:
    number, order_number = _order_number(int(line.get("number") or 0))
    cancelled_at = v.timestamp(line.get("cancelledAt"))
    closed_at = v.timestamp(line.get("closedAt"))
    gateways = list(line.get("paymentGatewayNames") or ())
    shipping = line.get("shippingLines")
    shipping_nodes = (v.connection_nodes(shipping) if isinstance(shipping, dict) else None) or []
    fields = v.identity(line)
    fields.update(
        name=line["name"],
        number=number,
        order_number=order_number,
        email=v.text(line.get("email")),
        contact_email=v.text(line.get("email")),
        phone=v.text(line.get("phone")),
        note=v.text(line.get("note")),
        tags=v.tags(line.get("tags")),
        test=bool(line.get("test")),
        confirmed=bool(line.get("confirmed", True)),
        closed_at=closed_at,
        cancelled_at=cancelled_at,
        cancel_reason=v.optional_lower(line.get("cancelReason")),
        status=(
            OrderStatus.CANCELLED
            if cancelled_at
            else OrderStatus.CLOSED
            if closed_at
            else OrderStatus.OPEN
        ).value,
        processed_at=v.timestamp(line.get("processedAt")),
        currency=line.get("currencyCode") or "USD",
        presentment_currency=line.get("presentmentCurrencyCode")
        or line.get("currencyCode")
        or "USD",
        taxes_included=bool(line.get("taxesIncluded")),
        financial_status=v.lower(line.get("displayFinancialStatus")) or "pending",
        fulfillment_status=_ORDER_FULFILLMENT.get(
            line.get("displayFulfillmentStatus") or "", "unfulfilled"
        ),
        payment_gateway_names=gateways,
        gateway=gateways[0] if gateways else "",
        discount_codes=[{"code": code} for code in line.get("discountCodes") or ()],
        source_name=v.text(line.get("sourceName")),
        source_identifier=v.text(line.get("sourceIdentifier")),
        customer_locale=v.text(line.get("customerLocale")),
        buyer_accepts_marketing=bool(line.get("customerAcceptsMarketing")),
        cart_token=v.text(line.get("cartToken")),
        checkout_token=v.text(line.get("checkoutToken")),
        browser_ip=line.get("clientIp") or None,
        note_attributes=v.attributes(line.get("customAttributes")),
        billing_address=v.address(line.get("billingAddress")),
        shipping_address=v.address(line.get("shippingAddress")),
        subtotal_price=v.shop_amount(line.get("subtotalPriceSet")),
        total_price=v.shop_amount(line.get("totalPriceSet")),
        total_tax=v.shop_amount(line.get("totalTaxSet")),
        total_discounts=v.shop_amount(line.get("totalDiscountsSet")),
        subtotal_price_set=v.money_set(line.get("subtotalPriceSet")),
        total_price_set=v.money_set(line.get("totalPriceSet")),
        total_tax_set=v.money_set(line.get("totalTaxSet")),
        total_discounts_set=v.money_set(line.get("totalDiscountsSet")),
        total_shipping_price_set=v.money_set(line.get("totalShippingPriceSet")),
        total_weight=v.integer(line.get("totalWeight")),
        tax_lines=v.tax_lines(line.get("taxLines")),
        shipping_lines=[
            {
                "title": node.get("title"),
                "code": node.get("code"),
                "source": node.get("source"),
                "price": v.amount_text(node.get("originalPriceSet")),
                "price_set": v.money_set(node.get("originalPriceSet")),
            }
            for node in shipping_nodes
        ],
    )
    refs: dict[str, int] = {}
    customer = v.ref_id(line.get("customer"))
    if customer is not None:
        refs["customer"] = customer
    elif "customer" in line:
        fields["customer"] = None
    return MirrorRow("order", order_id, fields, refs)


def _fulfillment(value: JSON, order_id: int, updated_at: datetime | None) -> list[MirrorItem]:
    fulfillment_id = legacy_id(value["id"])
    items: list[MirrorItem] = []
    if "status" in value:
        tracking = value.get("trackingInfo") or []
        first = tracking[0] if tracking else {}
        display = v.lower(value.get("displayStatus"))
        service = value.get("service")
        fields = v.identity(value)
        fields["shopify_updated_at"] = v.timestamp(value.get("updatedAt")) or updated_at
        fields.update(
            name=v.text(value.get("name")),
            status=v.lower(value.get("status")) or "pending",
            shipment_status=display if display in _SHIPMENT_STATUSES else None,
            service=v.lower(service.get("serviceName")) if isinstance(service, dict) else "",
            tracking_company=v.text(first.get("company")),
            tracking_number=v.text(first.get("number")),
            tracking_url=v.text(first.get("url")),
            tracking_numbers=[entry.get("number") for entry in tracking if entry.get("number")],
            tracking_urls=[entry.get("url") for entry in tracking if entry.get("url")],
        )
        refs = {"order": order_id}
        location = v.ref_id(value.get("location"))
        if location is not None:
            refs["location"] = location
        items.append(MirrorRow("fulfillment", fulfillment_id, fields, refs))
    connection = value.get("fulfillmentLineItems")
    if isinstance(connection, dict):
        nodes = v.connection_nodes(connection) or []
        for node in nodes:
            line_item = v.ref_id(node.get("lineItem"))
            if line_item is None:
                continue
            items.append(
                MirrorRow(
                    "fulfillment_line_item",
                    legacy_id(node["id"]),
                    {
                        "shopify_updated_at": updated_at,
                        "admin_graphql_api_id": node["id"],
                        "quantity": v.integer(node.get("quantity")),
                    },
                    {"fulfillment": fulfillment_id, "line_item": line_item},
                )
            )
        if not (connection.get("pageInfo") or {}).get("hasNextPage"):
            ids = frozenset(legacy_id(node["id"]) for node in nodes)
            items.append(
                MirrorChildren("fulfillment", fulfillment_id, "fulfillment_line_item", ids)
            )
    return items


def _refund(value: JSON, order_id: int, updated_at: datetime | None) -> list[MirrorItem]:
    refund_id = legacy_id(value["id"])
    items: list[MirrorItem] = []
    if "createdAt" in value:
        fields = v.identity(value)
        fields["shopify_updated_at"] = v.timestamp(value.get("updatedAt")) or updated_at
        fields.update(
            note=v.text(value.get("note")), processed_at=v.timestamp(value.get("processedAt"))
        )
        items.append(MirrorRow("refund", refund_id, fields, {"order": order_id}))
    connection = value.get("refundLineItems")
    if isinstance(connection, dict):
        nodes = v.connection_nodes(connection) or []
        for node in nodes:
            line_item = v.ref_id(node.get("lineItem"))
            if line_item is None:
                continue
            refs = {"refund": refund_id, "line_item": line_item}
            location = v.ref_id(node.get("location"))
            fields = {
                "shopify_updated_at": updated_at,
                "admin_graphql_api_id": node["id"],
                "quantity": v.integer(node.get("quantity")),
                "restock_type": v.lower(node.get("restockType")) or "no_restock",
                "subtotal": v.shop_amount(node.get("subtotalSet")),
                "total_tax": v.shop_amount(node.get("totalTaxSet")),
                "subtotal_set": v.money_set(node.get("subtotalSet")),
                "total_tax_set": v.money_set(node.get("totalTaxSet")),
            }
            if location is not None:
                refs["location"] = location
            else:
                fields["location"] = None
            items.append(MirrorRow("refund_line_item", legacy_id(node["id"]), fields, refs))
        if not (connection.get("pageInfo") or {}).get("hasNextPage"):
            ids = frozenset(legacy_id(node["id"]) for node in nodes)
            items.append(MirrorChildren("refund", refund_id, "refund_line_item", ids))
    return items


def _transaction(value: JSON, order_id: int, updated_at: datetime | None) -> MirrorRow:
    amount = value.get("amountSet")
    receipt = value.get("receiptJson")
    if isinstance(receipt, str):
        try:
            receipt = json.loads(receipt)
        except ValueError:
            receipt = {"raw": receipt}
    details = value.get("paymentDetails")
    payment_details = (
        {ours: details[theirs] for theirs, ours in _CARD_KEYS if details.get(theirs) is not None}
        if isinstance(details, dict)
        else {}
    )
    fields = v.identity(value)
    fields["shopify_updated_at"] = updated_at
    fields.update(
        kind=v.lower(value.get("kind")),
        status=v.lower(value.get("status")) or "pending",
        gateway=v.text(value.get("gateway")),
        test=bool(value.get("test")),
        error_code=v.lower(value.get("errorCode")),
        authorization=v.text(value.get("authorizationCode")),
        processed_at=v.timestamp(value.get("processedAt")),
        amount=v.shop_amount(amount),
        currency=v.shop_currency(amount) or "USD",
        receipt=receipt if isinstance(receipt, dict) else {},
        payment_details=payment_details,
    )
    refs = {"order": order_id}
    for name, key in (("parent", "parentTransaction"), ("location", "location")):
        target = v.ref_id(value.get(key))
        if target is not None:
            refs[name] = target
        else:
            fields[name] = None
    return MirrorRow("transaction", legacy_id(value["id"]), fields, refs)


def _line_fulfillment(line: JSON) -> str | None:
    """REST's line `fulfillment_status`: null while nothing is fulfilled, then partial/fulfilled
    (a line refunded or removed after its fulfillment stays fulfilled)."""
    quantity = v.integer(line.get("quantity"))
    unfulfilled = v.integer(line.get("unfulfilledQuantity"))
    if quantity <= 0 or unfulfilled >= quantity:
        return None
    return "fulfilled" if unfulfilled == 0 else "partial"


def line_item(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = v.parent_of(line)
    if parent is None or parent[0] != "Order" or "quantity" not in line:
        return []
    price_set = line.get("originalUnitPriceSet")
    discount_set = line.get("totalDiscountSet")
    fields: JSON = {
        "shopify_updated_at": v.updated_at(line),
        "admin_graphql_api_id": line["id"],
        "title": v.text(line.get("title")),
        "name": v.text(line.get("name")),
        "variant_title": v.text(line.get("variantTitle")),
        "sku": v.text(line.get("sku")),
        "vendor": v.text(line.get("vendor")),
        "quantity": v.integer(line.get("quantity")),
        "current_quantity": line.get("currentQuantity"),
        "fulfillable_quantity": v.integer(line.get("unfulfilledQuantity")),
        "fulfillment_status": _line_fulfillment(line),
        "requires_shipping": bool(line.get("requiresShipping", True)),
        "taxable": bool(line.get("taxable", True)),
        "gift_card": bool(line.get("isGiftCard")),
        "price": v.shop_amount(price_set),
        "price_set": v.money_set(price_set),
        "total_discount": v.shop_amount(discount_set),
        "total_discount_set": v.money_set(discount_set),
        "properties": v.attributes(line.get("customAttributes")),
        "tax_lines": v.tax_lines(line.get("taxLines")),
        "product_exists": line.get("product") is not None,
    }
    refs = {"order": parent[1]}
    for name in ("product", "variant"):
        target = v.ref_id(line.get(name))
        if target is not None:
            refs[name] = target
        else:
            fields[name] = None
    return [MirrorRow("order_line_item", legacy_id(line["id"]), fields, refs)]


def shipping_line(node: JSON) -> JSON:
    return {
        "title": node.get("title"),
        "code": node.get("code"),
        "source": node.get("source"),
        "price": v.amount_text(node.get("originalPriceSet")),
        "price_set": v.money_set(node.get("originalPriceSet")),
    }


def shipping_lines_row(parent_id: str, lines: list[JSON], updated_at: Any) -> MirrorRow:
    """A bulk order's shipping lines arrive as lines of their own (no id): a row setting them."""
    return MirrorRow(
        "order",
        legacy_id(parent_id),
        {"shopify_updated_at": v.timestamp(updated_at), "shipping_lines": lines},
    )
