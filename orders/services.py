"""Writes of orders: create (pricing, discounts, tax, shipping, stock), update, cancel, fulfil,
capture/void, refund. Every write locks the order row first, runs in one transaction and writes
an Event; any refusal leaves nothing behind (no order, no code use, no stock moved).

Pricing rules (all Decimal, two places, ROUND_HALF_EVEN, rounded per line):
- A line costs the variant's price x quantity; prices sent by clients are never read.
- One discount code per order. percentage: each line loses round(line x value / 100);
  fixed_amount: min(amount, subtotal) is split across lines in proportion to their totals (the
  last line takes the rounding rest); shipping: the shipping line loses `amount` (free when the
  code has no amount). Refused: unknown, not active, before starts_at, from ends_at on, used up,
  already used by this customer (once_per_customer), subtotal under minimum_amount, a currency
  other than the order's, buy_x_get_y (not supported locally).
- Tax: no tax rates are modelled in Stockroom, so the order's `taxLines` input
  ([{title, rate}], 0 <= rate <= 1) is applied to every taxable line after its discount:
  tax = round(discounted line x rate), or, when taxes are included in prices,
  round(discounted line x rate / (1 + rate)). Shipping is not taxed.
- Shipping: the ShippingRate's price, when its zone covers the shipping address's countryCode
  (or "*"), the order weight (kg) is within weight_low..weight_high and the discounted subtotal
  within min/max_order_subtotal.
- subtotal = line items - line discounts; total = subtotal + shipping - shipping discount
  (+ tax unless included).

Financial status follows the successful transactions (see `financial_status_for`). Cancelling
voids open authorizations; it refunds captured money only when asked (`refund: true`), like
Shopify. Refund amounts without an explicit `amount` are computed from the lines (price x qty -
the line's discount share + its tax share, + shipping when asked) and capped at what is left to
refund; an explicit `amount` above that is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from core.errors import Conflict, ServiceError, ShopifyManaged
from core.models import ZERO
from core.selectors import shop_currency
from core.services import event_record
from customers import selectors as customer_selectors
from finance import services as finance_services
from finance.choices import DiscountType, TransactionKind, TransactionStatus
from finance.models import Transaction
from inventory.services import (
    inventory_release,
    inventory_reserve,
    inventory_restock,
    inventory_ship,
)

from .choices import (
    CancelReason,
    DiscountValueType,
    FinancialStatus,
    FulfillmentOrderStatus,
    FulfillmentStatus,
    LineItemFulfillmentStatus,
    OrderFulfillmentStatus,
    OrderStatus,
    RestockType,
)
from .models import (
    Fulfillment,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    Order,
    OrderDiscountApplication,
    OrderLineItem,
    Refund,
    RefundLineItem,
)
from .payments import financial_status_for, open_authorizations, refundable_captures
from .pricing import (
    applied_discount,
    invalid,
    money,
    money_set,
    order_location,
    priced_lines,
    refuse,
    shipping_price_for,
    tax_lines_for,
)


def _refuse_mirrored(order: Order) -> None:
    if order.shopify_id is not None:
        raise ShopifyManaged("This order is managed by Shopify; change it there.")


def _reference(order: Order) -> str:
    return f"gid://stockroom/Order/{order.pk}"


def _stock_call(
    function: Any, *, location_id: int, lines: list[tuple[int, int, int]], order: Order, actor: Any
) -> None:
    """Call an inventory primitive with (index, item, qty) lines; field paths keep the index the
    client used (`lineItems.<index>.quantity`)."""
    if not lines:
        return
    try:
        function(
            location_id=location_id,
            lines=[(item, quantity) for _, item, quantity in lines],
            reference=_reference(order),
            actor=actor,
        )
    except ServiceError as exc:
        for detail in exc.details:
            parts = detail.get("field", "").split(".")
            if len(parts) == 3 and parts[0] == "lineItems" and parts[1].isdigit():
                parts[1] = str(lines[int(parts[1])][0])
                detail["field"] = ".".join(parts)
        raise


def _inventory_item_id(item: OrderLineItem) -> int | None:
    return item.variant.inventory_item_id if item.variant is not None else None


def _refresh_financial_status(order: Order) -> list[Transaction]:
    rows = list(Transaction.objects.filter(order=order).order_by("created_at", "id"))
    order.financial_status = financial_status_for(total_price=order.total_price, transactions=rows)
    return rows


def _next_number() -> int:
    """The next order number from a sequence (concurrent orders never share one). When mirrored
    Shopify orders already hold higher numbers, the sequence jumps past them. SQLite has no
    sequences but serialises writers: there MAX + 1 is safe."""
    if connection.vendor != "postgresql":
        return (Order.all_objects.aggregate(m=Max("number"))["m"] or 0) + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN n >= m THEN n ELSE setval('orders_order_number_seq', m) END"
            " FROM (SELECT nextval('orders_order_number_seq') AS n,"
            " (SELECT COALESCE(MAX(number), 0) + 1 FROM orders_order) AS m) AS next_number"
        )
        row = cursor.fetchone()
        return int(row[0])


@transaction.atomic
def order_create(*, data: dict[str, Any], actor: Any = None) -> Order:
    currency = data.get("currency") or shop_currency()
    taxes_included = bool(data.get("taxes_included", False))
    customer_id = data.get("customer_id")
    email = data.get("email", "")
    if customer_id is not None:
        customer = customer_selectors.customer_get(customer_id=customer_id)
        if customer is None:
            raise invalid("customerId", f"Customer {customer_id} not found.")
        email = email or customer.email
    location = order_location(data.get("location_id"))
    if location is None:
        raise invalid("locationId", "No such location (or no active location to ship from).")
    lines = priced_lines(data, currency)
    line_items_price = sum((line.total for line in lines), ZERO)
    grams = sum(line.variant.grams * line.quantity for line in lines)
    codes = data.get("discount_codes") or []
    # One query finds the code and takes a use of it; any refusal below gives the use back.
    redeemed = finance_services.discount_code_redeem_by_code(code=codes[0]) if codes else None
    discount = applied_discount(data, lines, currency, customer_id, redeemed)
    subtotal = line_items_price - (discount.line_amount if discount else ZERO)
    rate, shipping_price = shipping_price_for(
        data, subtotal=subtotal, grams=grams, currency=currency
    )
    if discount is not None and discount.code.type == DiscountType.SHIPPING:
        if rate is None:
            raise invalid("discountCodes.0", "This code discounts shipping: choose a rate.")
        cap = discount.code.amount if discount.code.amount is not None else shipping_price
        discount.shipping_amount = min(cap, shipping_price)
    shipping_discount = discount.shipping_amount if discount else ZERO
    tax_lines = tax_lines_for(data, lines, taxes_included)
    total_tax = sum((Decimal(row["price"]) for row in tax_lines), ZERO)
    total_price = subtotal + shipping_price - shipping_discount
    if not taxes_included:
        total_price += total_tax
    payments = data.get("transactions") or []
    if sum((row["amount"] for row in payments), ZERO) > total_price:
        raise invalid("transactions", f"The transactions exceed the order total {total_price}.")

    number = _next_number()
    total_discounts = (discount.line_amount + shipping_discount) if discount else ZERO
    shipping_lines = []
    if rate is not None:
        shipping_lines.append(
            {
                "title": rate.name,
                "code": rate.name,
                "source": "stockroom",
                "shipping_rate_id": rate.pk,
                "price": str(shipping_price),
                "discounted_price": str(shipping_price - shipping_discount),
            }
        )
    code = discount.code if discount else None
    applications = []
    if code is not None:
        value_type = (
            DiscountValueType.PERCENTAGE
            if code.type == DiscountType.PERCENTAGE
            else DiscountValueType.FIXED_AMOUNT
        )
        applications.append(
            {
                "type": "discount_code",
                "code": code.code,
                "title": code.title,
                "value": str(code.value if value_type == "percentage" else code.amount or 0),
                "value_type": value_type,
                "allocation_method": "across",
                "target_selection": "all",
                "target_type": "shipping_line"
                if code.type == DiscountType.SHIPPING
                else "line_item",
            }
        )
    order = Order.objects.create(
        number=number,
        order_number=number + 1000,
        name=f"#{number + 1000}",
        customer_id=customer_id,
        user=actor if getattr(actor, "pk", None) else None,
        location=location,
        email=email,
        contact_email=email,
        phone=data.get("phone", ""),
        billing_address=data.get("billing_address") or {},
        shipping_address=data.get("shipping_address") or {},
        note=data.get("note", ""),
        note_attributes=data.get("note_attributes") or [],
        tags=data.get("tags", ""),
        source_name="stockroom",
        processed_at=timezone.now(),
        currency=currency,
        presentment_currency=currency,
        taxes_included=taxes_included,
        total_line_items_price=line_items_price,
        subtotal_price=subtotal,
        total_discounts=total_discounts,
        total_tax=total_tax,
        total_price=total_price,
        total_weight=grams,
        total_line_items_price_set=money_set(line_items_price, currency),
        subtotal_price_set=money_set(subtotal, currency),
        total_discounts_set=money_set(total_discounts, currency),
        total_tax_set=money_set(total_tax, currency),
        total_price_set=money_set(total_price, currency),
        total_shipping_price_set=money_set(shipping_price - shipping_discount, currency),
        tax_lines=tax_lines,
        shipping_lines=shipping_lines,
        discount_applications=applications,
        discount_codes=[
            {"code": code.code, "amount": str(total_discounts), "type": code.type}
            for code in ([code] if code is not None else [])
        ],
        gateway=payments[0]["gateway"] if payments else "",
        payment_gateway_names=sorted({row["gateway"] for row in payments}),
        financial_status=financial_status_for(total_price=total_price, transactions=[]),
    )
    line_items = OrderLineItem.objects.bulk_create(
        [
            OrderLineItem(
                order=order,
                variant=line.variant,
                product=line.variant.product,
                title=line.variant.product.title,
                variant_title=line.variant.title,
                name=f"{line.variant.product.title} - {line.variant.title}".strip(" -"),
                sku=line.variant.sku,
                vendor=line.variant.product.vendor,
                quantity=line.quantity,
                current_quantity=line.quantity,
                fulfillable_quantity=line.quantity,
                price=line.variant.price,
                total_discount=line.discount,
                price_set=money_set(line.variant.price, currency),
                total_discount_set=money_set(line.discount, currency),
                grams=line.variant.grams,
                fulfillment_service=line.variant.fulfillment_service or "manual",
                variant_inventory_management=line.variant.inventory_management,
                requires_shipping=line.variant.requires_shipping,
                taxable=line.variant.taxable,
                tax_lines=line.tax_lines,
                discount_allocations=(
                    [{"amount": str(line.discount), "discount_application_index": 0}]
                    if code is not None and line.discount
                    else []
                ),
            )
            for line in lines
        ]
    )
    discounts = []
    if code is not None:
        application = OrderDiscountApplication.objects.create(
            order=order,
            discount_code=code,
            position=0,
            code=code.code,
            title=code.title,
            value=code.value if code.type == DiscountType.PERCENTAGE else (code.amount or ZERO),
            value_type=applications[0]["value_type"],
            amount=total_discounts,
            target_type=applications[0]["target_type"],
        )
        discounts.append(application)
    _stock_call(
        inventory_reserve,
        location_id=location.pk,
        lines=[
            (line.index, line.variant.inventory_item_id, line.quantity)
            for line in lines
            if line.variant.inventory_item_id is not None
        ],
        order=order,
        actor=actor,
    )
    fulfillment_order = FulfillmentOrder.objects.create(
        order=order,
        assigned_location=location,
        destination=order.shipping_address,
        supported_actions=["create_fulfillment"],
    )
    FulfillmentOrderLineItem.objects.bulk_create(
        [
            FulfillmentOrderLineItem(
                fulfillment_order=fulfillment_order,
                line_item=item,
                total_quantity=item.quantity,
                remaining_quantity=item.quantity,
            )
            for item in line_items
        ]
    )
    if payments:
        now = timezone.now()
        rows = finance_services.transactions_create(
            order_id=order.pk,
            rows=[
                {
                    "kind": row["kind"],
                    "amount": row["amount"],
                    "currency": currency,
                    "gateway": row["gateway"],
                    "status": TransactionStatus.SUCCESS,
                    "processed_at": now,
                    "user": order.user,
                }
                for row in payments
            ],
        )
        order.financial_status = financial_status_for(total_price=total_price, transactions=rows)
        order.save(update_fields=["financial_status", "updated_at"])
    event_record(
        subject=order,
        verb="placed",
        actor=actor,
        message=f"Order {order.name} placed: {total_price} {currency}.",
        arguments={"total_price": str(total_price), "line_items": len(lines)},
    )
    # The caller usually shows the new order: hand it over with the children the order
    # serializer reads already in place (as selectors.order_list prefetches them), which saves
    # the API six queries per order. A new order has no fulfillments or refunds yet.
    order._prefetched_objects_cache = {
        "line_items": line_items,
        "discounts": discounts,
        "fulfillments": [],
        "refunds": [],
        "transactions": sorted(rows, key=lambda row: (row.created_at, row.pk)) if payments else [],
    }
    return order


# --- Update --------------------------------------------------------------------------------------

ORDER_UPDATABLE = ("note", "tags", "email", "phone", "shipping_address", "note_attributes")


@transaction.atomic
def order_update(*, order: Order, data: dict[str, Any], actor: Any = None) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _refuse_mirrored(order)
    changed = [name for name in ORDER_UPDATABLE if name in data]
    for name in changed:
        setattr(order, name, data[name])
    if changed:
        order.save(update_fields=[*changed, "updated_at"])
        event_record(subject=order, verb="update", actor=actor, arguments={"fields": changed})
    return order


# --- Cancel --------------------------------------------------------------------------------------


def _lock(order: Order) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    _refuse_mirrored(locked)
    return locked


def _refund_transactions(
    order: Order, rows: list[Transaction], amount: Decimal, refund: Refund, actor: Any
) -> list[Transaction]:
    new = []
    rest = amount
    for parent, left in refundable_captures(rows):
        if rest <= 0:
            break
        take = min(left, rest)
        rest -= take
        new.append(
            {
                "kind": TransactionKind.REFUND,
                "amount": take,
                "currency": parent.currency,
                "gateway": parent.gateway,
                "status": TransactionStatus.SUCCESS,
                "parent_id": parent.pk,
                "refund_id": refund.pk,
                "processed_at": timezone.now(),
                "user": actor if getattr(actor, "pk", None) else None,
            }
        )
    return finance_services.transactions_create(order_id=order.pk, rows=new)


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    reason: str = CancelReason.OTHER,
    restock: bool = True,
    refund: bool = False,
    email: bool = False,
    actor: Any = None,
) -> Order:
    order = _lock(order)
    if order.cancelled_at is not None:
        raise Conflict(
            "The order is already cancelled.",
            details=[{"field": "id", "message": "Already cancelled."}],
        )
    if order.fulfillment_status == OrderFulfillmentStatus.FULFILLED:
        raise Conflict(
            "A fulfilled order cannot be cancelled; refund it instead.",
            details=[{"field": "id", "message": "Already fulfilled."}],
        )
    items = list(OrderLineItem.objects.filter(order=order).select_related("variant"))
    if restock and order.location_id is not None:
        _stock_call(
            inventory_release,
            location_id=order.location_id,
            lines=[
                (index, item.variant.inventory_item_id, item.fulfillable_quantity)
                for index, item in enumerate(items)
                if item.variant is not None
                and item.variant.inventory_item_id is not None
                and item.fulfillable_quantity > 0
            ],
            order=order,
            actor=actor,
        )
    OrderLineItem.objects.filter(order=order).update(fulfillable_quantity=0)
    FulfillmentOrder.objects.filter(
        order=order,
        status__in=[FulfillmentOrderStatus.OPEN, FulfillmentOrderStatus.IN_PROGRESS],
    ).update(status=FulfillmentOrderStatus.CANCELLED, updated_at=timezone.now())
    rows = list(Transaction.objects.filter(order=order).order_by("created_at", "id"))
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    voids = [
        {
            "kind": TransactionKind.VOID,
            "amount": authorization.amount,
            "currency": authorization.currency,
            "gateway": authorization.gateway,
            "status": TransactionStatus.SUCCESS,
            "parent_id": authorization.pk,
            "processed_at": now,
            "user": user,
        }
        for authorization, uncaptured in open_authorizations(rows)
        if uncaptured == authorization.amount
    ]
    finance_services.transactions_create(order_id=order.pk, rows=voids)
    refunded = ZERO
    if refund:
        left = sum((amount for _, amount in refundable_captures(rows)), ZERO)
        if left > 0:
            cancel_refund = Refund.objects.create(
                order=order, user=user, note="Order cancelled", processed_at=now
            )
            _refund_transactions(order, rows, left, cancel_refund, actor)
            refunded = left
    order.cancelled_at = now
    order.cancel_reason = reason
    order.status = OrderStatus.CANCELLED
    _refresh_financial_status(order)
    order.save(
        update_fields=[
            "cancelled_at",
            "cancel_reason",
            "status",
            "financial_status",
            "updated_at",
        ]
    )
    event_record(
        subject=order,
        verb="cancelled",
        actor=actor,
        message=f"Order {order.name} cancelled ({reason}).",
        arguments={
            "reason": reason,
            "restock": restock,
            "refunded": str(refunded),
            "notify_customer": email,
        },
    )
    return order


# --- Fulfil --------------------------------------------------------------------------------------


def _fulfillment_status(items: list[OrderLineItem], fulfilled: dict[int, int]) -> str:
    shipped = any(fulfilled.get(item.pk, 0) > 0 for item in items)
    if not shipped:
        return OrderFulfillmentStatus.UNFULFILLED
    if all(item.fulfillable_quantity == 0 for item in items):
        return OrderFulfillmentStatus.FULFILLED
    return OrderFulfillmentStatus.PARTIAL


def _fulfilled_quantities(order: Order) -> dict[int, int]:
    rows = (
        FulfillmentLineItem.objects.filter(fulfillment__order=order)
        .exclude(
            fulfillment__status__in=[
                FulfillmentStatus.CANCELLED,
                FulfillmentStatus.ERROR,
                FulfillmentStatus.FAILURE,
            ]
        )
        .values("line_item_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["line_item_id"]: row["total"] for row in rows}


def _take_from_fulfillment_orders(order: Order, taken: dict[int, int]) -> None:
    """Lower the remaining quantities of the order's open fulfillment orders; close the ones
    with nothing left, mark the others in progress when some of them was taken."""
    if not taken:
        return
    fo_lines = list(
        FulfillmentOrderLineItem.objects.select_related("fulfillment_order")
        .filter(
            fulfillment_order__order=order,
            line_item_id__in=list(taken),
            remaining_quantity__gt=0,
        )
        .order_by("id")
    )
    left = dict(taken)
    touched = []
    for fo_line in fo_lines:
        take = min(left.get(fo_line.line_item_id, 0), fo_line.remaining_quantity)
        if take:
            fo_line.remaining_quantity -= take
            left[fo_line.line_item_id] -= take
            touched.append(fo_line)
    FulfillmentOrderLineItem.objects.bulk_update(touched, ["remaining_quantity"])
    for fo_id in {fo_line.fulfillment_order_id for fo_line in touched}:
        remaining = FulfillmentOrderLineItem.objects.filter(
            fulfillment_order_id=fo_id, remaining_quantity__gt=0
        ).exists()
        FulfillmentOrder.objects.filter(pk=fo_id).update(
            status=FulfillmentOrderStatus.IN_PROGRESS
            if remaining
            else FulfillmentOrderStatus.CLOSED,
            updated_at=timezone.now(),
        )


@transaction.atomic
def order_fulfill(*, order: Order, data: dict[str, Any], actor: Any = None) -> Fulfillment:
    order = _lock(order)
    if order.cancelled_at is not None:
        raise Conflict(
            "A cancelled order cannot be fulfilled.",
            details=[{"field": "id", "message": "The order is cancelled."}],
        )
    items = {
        item.pk: item
        for item in OrderLineItem.objects.filter(order=order).select_related("variant")
    }
    requested = data.get("line_items")
    if not requested:
        requested = [
            {"line_item_id": item.pk, "quantity": item.fulfillable_quantity}
            for item in items.values()
            if item.fulfillable_quantity > 0
        ]
        if not requested:
            raise Conflict(
                "Nothing is left to fulfil on this order.",
                details=[{"field": "lineItems", "message": "Every line is fulfilled."}],
            )
    details = []
    seen: set[int] = set()
    for index, row in enumerate(requested):
        item = items.get(row["line_item_id"])
        if item is None:
            details.append(
                {"field": f"lineItems.{index}.lineItemId", "message": "Not a line of this order."}
            )
        elif item.pk in seen:
            details.append({"field": f"lineItems.{index}.lineItemId", "message": "Listed twice."})
        elif row["quantity"] > item.fulfillable_quantity:
            details.append(
                {
                    "field": f"lineItems.{index}.quantity",
                    "message": f"Only {item.fulfillable_quantity} unit(s) left to fulfil.",
                }
            )
        seen.add(row["line_item_id"])
    refuse(details)
    location_id = data.get("location_id") or order.location_id
    if location_id is None or order_location(location_id) is None:
        raise invalid("locationId", "No such location.")
    _stock_call(
        inventory_ship,
        location_id=location_id,
        lines=[
            (index, item_id, row["quantity"])
            for index, row in enumerate(requested)
            if (item_id := _inventory_item_id(items[row["line_item_id"]])) is not None
        ],
        order=order,
        actor=actor,
    )
    count = Fulfillment.objects.filter(order=order).count()
    tracking_number = data.get("tracking_number", "")
    tracking_url = data.get("tracking_url", "")
    fulfillment = Fulfillment.objects.create(
        order=order,
        name=f"{order.name}.{count + 1}",
        status=FulfillmentStatus.SUCCESS,
        location_id=location_id,
        service="manual",
        tracking_company=data.get("tracking_company", ""),
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        tracking_numbers=[tracking_number] if tracking_number else [],
        tracking_urls=[tracking_url] if tracking_url else [],
        destination=order.shipping_address,
    )
    FulfillmentLineItem.objects.bulk_create(
        [
            FulfillmentLineItem(
                fulfillment=fulfillment, line_item_id=row["line_item_id"], quantity=row["quantity"]
            )
            for row in requested
        ]
    )
    fulfilled = _fulfilled_quantities(order)
    changed = []
    for row in requested:
        item = items[row["line_item_id"]]
        item.fulfillable_quantity -= row["quantity"]
        item.fulfillment_status = (
            LineItemFulfillmentStatus.FULFILLED
            if item.fulfillable_quantity == 0
            else LineItemFulfillmentStatus.PARTIAL
        )
        changed.append(item)
    OrderLineItem.objects.bulk_update(changed, ["fulfillable_quantity", "fulfillment_status"])
    _take_from_fulfillment_orders(
        order, {row["line_item_id"]: row["quantity"] for row in requested}
    )
    order.fulfillment_status = _fulfillment_status(list(items.values()), fulfilled)
    order.save(update_fields=["fulfillment_status", "updated_at"])
    verb = (
        "fulfilled"
        if order.fulfillment_status == OrderFulfillmentStatus.FULFILLED
        else "partially_fulfilled"
    )
    event_record(
        subject=order,
        verb=verb,
        actor=actor,
        subject_object=fulfillment,
        message=f"Order {order.name}: fulfillment {fulfillment.name} shipped.",
        arguments={"notify_customer": bool(data.get("notify_customer", False))},
    )
    return fulfillment


# --- Transactions (capture, void, manual payments) -----------------------------------------------


@transaction.atomic
def order_transaction_create(
    *, order: Order, data: dict[str, Any], actor: Any = None
) -> Transaction:
    """capture/void an authorization (parentId, or the only open one), or record a manual
    authorization/sale of the amount still unpaid."""
    order = _lock(order)
    if order.cancelled_at is not None:
        raise Conflict(
            "The order is cancelled.", details=[{"field": "id", "message": "Order cancelled."}]
        )
    rows = list(Transaction.objects.filter(order=order).order_by("created_at", "id"))
    kind = data["kind"]
    amount = data.get("amount")
    user = actor if getattr(actor, "pk", None) else None
    row: dict[str, Any] = {
        "kind": kind,
        "currency": order.currency,
        "status": TransactionStatus.SUCCESS,
        "processed_at": timezone.now(),
        "user": user,
    }
    if kind in (TransactionKind.CAPTURE, TransactionKind.VOID):
        open_ones = {auth.pk: (auth, left) for auth, left in open_authorizations(rows)}
        parent_id = data.get("parent_id")
        if parent_id is None:
            if len(open_ones) != 1:
                raise invalid("parentId", "Name the authorization to settle.")
            parent_id = next(iter(open_ones))
        if not any(r.pk == parent_id and r.kind == TransactionKind.AUTHORIZATION for r in rows):
            raise invalid("parentId", "Not an authorization of this order.")
        if parent_id not in open_ones:
            raise Conflict(
                "The authorization was voided.",
                details=[{"field": "parentId", "message": "Already voided."}],
            )
        parent, left = open_ones[parent_id]
        row.update(parent_id=parent.pk, gateway=parent.gateway)
        if kind == TransactionKind.CAPTURE:
            amount = left if amount is None else amount
            if amount <= 0 or amount > left:
                raise invalid("amount", f"Between 0.01 and {left} can be captured.")
        else:
            if left != parent.amount:
                raise Conflict(
                    "A captured authorization cannot be voided.",
                    details=[{"field": "parentId", "message": "Already captured."}],
                )
            amount = parent.amount
    else:
        paid = sum(
            (
                r.amount
                for r in rows
                if r.status == TransactionStatus.SUCCESS
                and r.kind in (TransactionKind.AUTHORIZATION, TransactionKind.SALE)
            ),
            ZERO,
        )
        left = order.total_price - paid
        amount = left if amount is None else amount
        if amount <= 0 or amount > left:
            raise invalid("amount", f"Between 0.01 and {left} is unpaid.")
        row["gateway"] = data.get("gateway", "manual")
    row["amount"] = amount
    created = finance_services.transactions_create(order_id=order.pk, rows=[row])[0]
    before = order.financial_status
    order.financial_status = financial_status_for(
        total_price=order.total_price, transactions=[*rows, created]
    )
    order.save(update_fields=["financial_status", "updated_at"])
    paid_now = order.financial_status == FinancialStatus.PAID and before != FinancialStatus.PAID
    event_record(
        subject=order,
        verb="paid" if paid_now else "update",
        actor=actor,
        subject_object=created,
        message=f"Order {order.name}: {kind} of {amount} {order.currency}.",
    )
    return created


# --- Refund --------------------------------------------------------------------------------------


def _line_refund_amounts(item: OrderLineItem, quantity: int) -> tuple[Decimal, Decimal]:
    """(subtotal, tax) of `quantity` units: price - the discount share, and the tax share."""
    share = Decimal(quantity) / Decimal(item.quantity)
    subtotal = money(item.price * quantity - item.total_discount * share)
    tax = money(sum((Decimal(row.get("price", "0")) for row in item.tax_lines), ZERO) * share)
    return subtotal, tax


@transaction.atomic
def refund_create(*, order: Order, data: dict[str, Any], actor: Any = None) -> Refund:
    order = _lock(order)
    items = {
        item.pk: item
        for item in OrderLineItem.objects.filter(order=order).select_related("variant")
    }
    refunded_units = {
        row["line_item_id"]: row["total"]
        for row in RefundLineItem.objects.filter(line_item__order=order)
        .values("line_item_id")
        .annotate(total=Sum("quantity"))
    }
    requested = data.get("line_items") or []
    location_id = data.get("location_id") or order.location_id
    details = []
    plan = []
    seen: set[int] = set()
    for index, row in enumerate(requested):
        item = items.get(row["line_item_id"])
        path = f"lineItems.{index}"
        if item is None or item.pk in seen:
            details.append({"field": f"{path}.lineItemId", "message": "Not a line of this order."})
            continue
        seen.add(item.pk)
        quantity = row["quantity"]
        left = item.quantity - refunded_units.get(item.pk, 0)
        restock_type = row.get("restock_type") or (
            (RestockType.CANCEL if quantity <= item.fulfillable_quantity else RestockType.RETURN)
            if row.get("restock", data.get("restock", False))
            else RestockType.NO_RESTOCK
        )
        shipped_left = left - item.fulfillable_quantity
        if quantity > left:
            details.append(
                {"field": f"{path}.quantity", "message": f"Only {left} unit(s) left to refund."}
            )
        elif restock_type == RestockType.CANCEL and quantity > item.fulfillable_quantity:
            details.append(
                {
                    "field": f"{path}.quantity",
                    "message": f"Only {item.fulfillable_quantity} unfulfilled unit(s) to cancel.",
                }
            )
        elif restock_type == RestockType.RETURN and quantity > shipped_left:
            details.append(
                {
                    "field": f"{path}.quantity",
                    "message": f"Only {shipped_left} shipped unit(s) to return.",
                }
            )
        else:
            plan.append((index, item, quantity, restock_type))
    refuse(details)
    # Cancelled units go back where they were reserved; returned units to the given location.
    restock_location = {RestockType.CANCEL: order.location_id, RestockType.RETURN: location_id}
    for kind in {step[3] for step in plan} - {RestockType.NO_RESTOCK}:
        where = restock_location[kind]
        if where is None or order_location(where) is None:
            raise invalid("locationId", "Restocking needs a location.")
    rows = list(Transaction.objects.filter(order=order).order_by("created_at", "id"))
    refundable = sum((left for _, left in refundable_captures(rows)), ZERO)
    computed = ZERO
    amounts = {}
    for index, item, quantity, _ in plan:
        subtotal, tax = _line_refund_amounts(item, quantity)
        amounts[index] = (subtotal, tax)
        computed += subtotal if order.taxes_included else subtotal + tax
    shipping = data.get("shipping") or {}
    shipping_amount = ZERO
    if shipping:
        shipping_paid = sum(
            (
                Decimal(line.get("discounted_price", line.get("price", "0")))
                for line in order.shipping_lines
            ),
            ZERO,
        )
        shipping_refunded = sum(
            (
                Decimal(line.get("amount", "0"))
                for previous in Refund.objects.filter(order=order)
                for line in previous.refund_shipping_lines
            ),
            ZERO,
        )
        shipping_left = shipping_paid - shipping_refunded
        shipping_amount = (
            shipping_left if shipping.get("full_refund") else shipping.get("amount", ZERO)
        )
        if shipping_amount > shipping_left:
            raise invalid("shipping.amount", f"Only {shipping_left} of shipping is left to refund.")
        computed += shipping_amount
    amount = data.get("amount")
    if amount is not None:
        if amount > refundable:
            raise invalid("amount", f"Only {refundable} is left to refund.")
    else:
        amount = min(computed, refundable)
    if not plan and amount <= 0:
        raise invalid("lineItems", "Nothing to refund: give line items, shipping or an amount.")
    user = actor if getattr(actor, "pk", None) else None
    refund = Refund.objects.create(
        order=order,
        user=user,
        note=data.get("note", ""),
        processed_at=timezone.now(),
        restock=any(step[3] != RestockType.NO_RESTOCK for step in plan),
        refund_shipping_lines=[{"amount": str(shipping_amount)}] if shipping_amount else [],
    )
    RefundLineItem.objects.bulk_create(
        [
            RefundLineItem(
                refund=refund,
                line_item=item,
                quantity=quantity,
                restock_type=restock_type,
                location_id=restock_location.get(restock_type),
                subtotal=amounts[index][0],
                total_tax=amounts[index][1],
                subtotal_set=money_set(amounts[index][0], order.currency),
                total_tax_set=money_set(amounts[index][1], order.currency),
            )
            for index, item, quantity, restock_type in plan
        ]
    )

    def stock(restock_type: str) -> list[tuple[int, int, int]]:
        return [
            (index, item.variant.inventory_item_id, quantity)
            for index, item, quantity, kind in plan
            if kind == restock_type
            and item.variant is not None
            and item.variant.inventory_item_id is not None
        ]

    for kind, function in (
        (RestockType.CANCEL, inventory_release),
        (RestockType.RETURN, inventory_restock),
    ):
        where = restock_location[kind]
        if where is not None:
            _stock_call(function, location_id=where, lines=stock(kind), order=order, actor=actor)
    taken = {}
    changed = []
    for _, item, quantity, restock_type in plan:
        # Returned units were shipped; cancelled and unrestocked units come off the unfulfilled.
        if restock_type == RestockType.RETURN:
            continue
        unfulfilled = min(quantity, item.fulfillable_quantity)
        if unfulfilled:
            item.fulfillable_quantity -= unfulfilled
            taken[item.pk] = unfulfilled
            changed.append(item)
    OrderLineItem.objects.bulk_update(changed, ["fulfillable_quantity"])
    _take_from_fulfillment_orders(order, taken)
    new = _refund_transactions(order, rows, amount, refund, actor) if amount > 0 else []
    order.financial_status = financial_status_for(
        total_price=order.total_price, transactions=[*rows, *new]
    )
    order.fulfillment_status = _fulfillment_status(
        list(items.values()), _fulfilled_quantities(order)
    )
    order.save(update_fields=["financial_status", "fulfillment_status", "updated_at"])
    event_record(
        subject=order,
        verb="refunded",
        actor=actor,
        subject_object=refund,
        message=f"Order {order.name}: refunded {amount} {order.currency}.",
        arguments={"amount": str(amount), "line_items": len(plan)},
    )
    return refund
