"""Orders across their whole lifecycle (pending, authorized, paid, partially fulfilled,
fulfilled, refunded, cancelled) with line items, discounts, transactions, payments,
fulfillments, fulfillment orders and refunds; abandoned checkouts; customer totals."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from core.bulk import new
from core.models import Event
from finance.models import DiscountCode, Payment, Transaction
from orders.models import (
    AbandonedCheckout,
    AbandonedCheckoutLineItem,
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

from .context import DemoContext, money, money_bag
from .words import CARRIERS

BATCH = 5_000
TAX_RATE = Decimal("0.08")
# lifecycle, weight
LIFECYCLES = [
    ("pending", 4),
    ("authorized", 5),
    ("paid", 30),
    ("partially_fulfilled", 10),
    ("fulfilled", 33),
    ("partially_refunded", 5),
    ("refunded", 5),
    ("cancelled", 8),
]
CHILD_MODELS = (  # parents before children: foreign keys are checked as rows arrive
    Order,
    OrderLineItem,
    OrderDiscountApplication,
    Payment,
    Refund,
    RefundLineItem,
    Transaction,
    Fulfillment,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    Event,
)


def build_orders(ctx: DemoContext) -> None:
    names = [name for name, _ in LIFECYCLES]
    weights = [weight for _, weight in LIFECYCLES]
    for start in range(0, ctx.sizes.orders, BATCH):
        count = min(BATCH, ctx.sizes.orders - start)
        rows: dict[type, list[Any]] = defaultdict(list)
        first = ctx.ids(Order, count)
        for offset in range(count):
            lifecycle = ctx.rng.choices(names, weights)[0]
            _order(ctx, rows, first + offset, start + offset, lifecycle)
        for model in CHILD_MODELS:
            ctx.load(model, rows[model])
    _customer_totals()
    _discount_usage()


def _order(
    ctx: DemoContext, rows: dict[type, list[Any]], order_id: int, index: int, lifecycle: str
) -> None:
    rng = ctx.rng
    # Newer orders have higher numbers: spread the history over two years.
    created = ctx.ago(730 * (1 - (index + 1) / (ctx.sizes.orders + 1)) + rng.random() / 24)
    customer_id = rng.choice(ctx.customer_ids) if rng.random() < 0.92 else None
    email = (
        ctx.customer_emails.get(customer_id, "") if customer_id else (f"guest{index}@example.net")
    )
    address = ctx.customer_addresses.get(customer_id, {}) if customer_id else {}
    location_id = rng.choice(ctx.location_ids)
    number = index + 1
    lines: list[OrderLineItem] = []
    line_first = ctx.ids(OrderLineItem, 4)
    subtotal = Decimal(0)
    grams_total = 0
    line_count = rng.randint(2 if lifecycle == "partially_fulfilled" else 1, 4)
    for n, variant in enumerate(rng.sample(ctx.variants, line_count)):
        variant_id, product_id, title, variant_title, sku, price, grams, vendor, _ = variant
        quantity = rng.choice([1, 1, 1, 2, 2, 3])
        subtotal += price * quantity
        grams_total += grams * quantity
        lines.append(
            new(
                OrderLineItem,
                id=line_first + n,
                order_id=order_id,
                variant_id=variant_id,
                product_id=product_id,
                title=title,
                variant_title=variant_title,
                name=f"{title} - {variant_title}",
                sku=sku,
                vendor=vendor,
                quantity=quantity,
                current_quantity=quantity,
                fulfillable_quantity=quantity,
                price=price,
                price_set=money_bag(price),
                total_discount=Decimal(0),
                total_discount_set=money_bag(Decimal(0)),
                grams=grams,
                fulfillment_service="manual",
                variant_inventory_management="shopify",
                requires_shipping=True,
                taxable=True,
                product_exists=True,
                tax_lines=[
                    {
                        "title": "Sales tax",
                        "rate": 0.08,
                        "price": f"{money(price * quantity * TAX_RATE):.2f}",
                    }
                ],
                created_at=created,
                updated_at=created,
            )
        )
    discount = Decimal(0)
    discount_codes: list[dict[str, Any]] = []
    if rng.random() < 0.15:
        discount = money(subtotal * Decimal("0.10"))
        discount_codes = [{"code": "WELCOME10", "amount": f"{discount:.2f}", "type": "percentage"}]
        rows[OrderDiscountApplication].append(
            new(
                OrderDiscountApplication,
                order_id=order_id,
                discount_code_id=ctx.discount_code_ids["WELCOME10"],
                position=0,
                code="WELCOME10",
                title="10% off a first order",
                type="discount_code",
                value=Decimal("10.00"),
                value_type="percentage",
                amount=discount,
                target_type="line_item",
                target_selection="all",
                allocation_method="across",
                created_at=created,
                updated_at=created,
            )
        )
    shipping = Decimal("0.00") if subtotal - discount >= 100 else Decimal("5.99")
    net = subtotal - discount
    tax = money(net * TAX_RATE)
    total = net + shipping + tax
    cancelled = lifecycle == "cancelled"
    paid = lifecycle not in ("pending", "authorized") and not (cancelled and number % 2)
    financial = {
        "pending": "pending",
        "authorized": "authorized",
        "paid": "paid",
        "partially_fulfilled": "paid",
        "fulfilled": "paid",
        "partially_refunded": "partially_refunded",
        "refunded": "refunded",
        "cancelled": "refunded" if paid else "voided",
    }[lifecycle]
    fulfilled_lines = {
        "fulfilled": len(lines),
        "partially_refunded": len(lines),
        "partially_fulfilled": len(lines) - 1,
    }.get(lifecycle, 0)
    fulfillment_status = (
        "fulfilled"
        if fulfilled_lines == len(lines)
        else "partial"
        if fulfilled_lines
        else "unfulfilled"
    )
    closed_at = cancelled_at = None
    status = "open"
    if cancelled:
        status, cancelled_at = "cancelled", created + timedelta(hours=rng.randint(1, 48))
    elif fulfillment_status == "fulfilled" and paid and created < ctx.ago(30):
        status, closed_at = "closed", created + timedelta(days=rng.randint(3, 10))
    name = f"#{1000 + number}"
    rows[Order].append(
        new(
            Order,
            id=order_id,
            number=number,
            order_number=1000 + number,
            name=name,
            token=f"tok{order_id:016x}",
            cart_token=f"cart{order_id:012x}",
            checkout_token=f"chk{order_id:012x}",
            customer_id=customer_id,
            location_id=location_id,
            market_id=ctx.market_ids[0],
            email=email,
            contact_email=email,
            phone=address.get("phone", ""),
            customer_locale="en",
            buyer_accepts_marketing=number % 3 == 0,
            billing_address=address,
            shipping_address=address,
            status=status,
            financial_status=financial,
            fulfillment_status=fulfillment_status,
            confirmed=True,
            test=False,
            processed_at=created,
            closed_at=closed_at,
            cancelled_at=cancelled_at,
            cancel_reason=rng.choice(["customer", "inventory", "fraud"]) if cancelled else None,
            processing_method="direct",
            gateway="stockroom_payments",
            payment_gateway_names=["stockroom_payments"],
            currency="USD",
            presentment_currency="USD",
            taxes_included=False,
            total_price=total,
            subtotal_price=net,
            total_tax=tax,
            total_discounts=discount,
            total_line_items_price=subtotal,
            total_price_usd=total,
            total_weight=grams_total,
            total_line_items_price_set=money_bag(subtotal),
            total_discounts_set=money_bag(discount),
            total_shipping_price_set=money_bag(shipping),
            subtotal_price_set=money_bag(net),
            total_price_set=money_bag(total),
            total_tax_set=money_bag(tax),
            tax_lines=[{"title": "Sales tax", "rate": 0.08, "price": f"{tax:.2f}"}],
            discount_codes=discount_codes,
            shipping_lines=[{"title": "Standard", "price": f"{shipping:.2f}", "code": "standard"}],
            source_name="web",
            tags="wholesale" if number % 40 == 0 else "",
            landing_site="/",
            referring_site="https://www.google.com/",
            browser_ip=f"203.0.113.{number % 250 + 1}",
            order_status_url=f"https://demo.stockroom.local/orders/{order_id}/status",
            created_at=created,
            updated_at=closed_at or cancelled_at or created,
        )
    )
    rows[Event].append(
        new(
            Event,
            subject_id=order_id,
            subject_type="Order",
            verb="placed",
            message=f"Order {name} was placed.",
            author="system",
            created_at=created,
        )
    )
    _money_trail(ctx, rows, order_id, created, total, lifecycle, paid)
    _fulfilment_trail(
        ctx, rows, order_id, name, created, lines, fulfilled_lines, location_id, lifecycle, address
    )
    rows[OrderLineItem].extend(lines)
    if lifecycle in ("refunded", "partially_refunded") or (cancelled and paid):
        _refund(ctx, rows, order_id, created, lines, location_id, total, lifecycle)
    if cancelled:
        rows[Event].append(
            new(
                Event,
                subject_id=order_id,
                subject_type="Order",
                verb="cancelled",
                message=f"Order {name} was cancelled.",
                author="system",
                created_at=cancelled_at or created,
            )
        )


def _money_trail(
    ctx: DemoContext,
    rows: dict[type, list[Any]],
    order_id: int,
    created: Any,
    total: Decimal,
    lifecycle: str,
    paid: bool,
) -> None:
    details = {
        "credit_card_bin": "424242",
        "credit_card_company": "Visa",
        "credit_card_number": "•••• •••• •••• 4242",
        "avs_result_code": "Y",
    }
    first = ctx.ids(Transaction, 2)
    common = {
        "order_id": order_id,
        "amount": total,
        "currency": "USD",
        "gateway": "stockroom_payments",
        "source_name": "web",
        "test": False,
        "payment_details": details,
    }
    if lifecycle == "pending":
        return
    payment_id = ctx.ids(Payment, 1)
    if not paid:  # authorized, or cancelled before capture (voided)
        voided = lifecycle == "cancelled"
        rows[Payment].append(
            new(
                Payment,
                id=payment_id,
                order_id=order_id,
                amount=total,
                currency="USD",
                gateway="stockroom_payments",
                status="voided" if voided else "authorized",
                processed_at=created,
                reference=f"pay_{order_id}",
                authorization_code=f"A{order_id}",
                voided_at=created + timedelta(hours=2) if voided else None,
                refunded_amount=Decimal(0),
                created_at=created,
                updated_at=created,
            )
        )
        rows[Transaction].append(
            new(
                Transaction,
                id=first,
                kind="authorization",
                status="success",
                authorization=f"A{order_id}",
                processed_at=created,
                payment_id=payment_id,
                created_at=created,
                **common,
            )
        )
        if voided:
            rows[Transaction].append(
                new(
                    Transaction,
                    id=first + 1,
                    kind="void",
                    status="success",
                    parent_id=first,
                    processed_at=created + timedelta(hours=2),
                    payment_id=payment_id,
                    created_at=created + timedelta(hours=2),
                    **common,
                )
            )
        return
    refunded = {"refunded": total, "cancelled": total}.get(lifecycle, Decimal(0))
    if lifecycle == "partially_refunded":
        refunded = money(total / 3)
    rows[Payment].append(
        new(
            Payment,
            id=payment_id,
            order_id=order_id,
            amount=total,
            currency="USD",
            gateway="stockroom_payments",
            status="refunded" if refunded == total else "captured",
            processed_at=created,
            reference=f"pay_{order_id}",
            authorization_code=f"A{order_id}",
            captured_at=created,
            refunded_amount=refunded,
            created_at=created,
            updated_at=created,
        )
    )
    if order_id % 3:
        rows[Transaction].append(
            new(
                Transaction,
                id=first,
                kind="sale",
                status="success",
                processed_at=created,
                payment_id=payment_id,
                created_at=created,
                **common,
            )
        )
    else:
        rows[Transaction].append(
            new(
                Transaction,
                id=first,
                kind="authorization",
                status="success",
                authorization=f"A{order_id}",
                processed_at=created,
                payment_id=payment_id,
                created_at=created,
                **common,
            )
        )
        rows[Transaction].append(
            new(
                Transaction,
                id=first + 1,
                kind="capture",
                status="success",
                parent_id=first,
                processed_at=created + timedelta(hours=1),
                payment_id=payment_id,
                created_at=created + timedelta(hours=1),
                **common,
            )
        )


def _fulfilment_trail(
    ctx: DemoContext,
    rows: dict[type, list[Any]],
    order_id: int,
    name: str,
    created: Any,
    lines: list[OrderLineItem],
    fulfilled_lines: int,
    location_id: int,
    lifecycle: str,
    address: dict[str, Any],
) -> None:
    rng = ctx.rng
    fo_id = ctx.ids(FulfillmentOrder, 1)
    fo_status = (
        "cancelled"
        if lifecycle == "cancelled"
        else "closed"
        if fulfilled_lines == len(lines)
        else "in_progress"
        if fulfilled_lines
        else "open"
    )
    rows[FulfillmentOrder].append(
        new(
            FulfillmentOrder,
            id=fo_id,
            order_id=order_id,
            assigned_location_id=location_id,
            status=fo_status,
            request_status="unsubmitted",
            supported_actions=[]
            if fo_status in ("closed", "cancelled")
            else ["create_fulfillment", "hold"],
            destination=address,
            line_items=[],
            merchant_requests=[],
            created_at=created,
            updated_at=created,
        )
    )
    fulfilled_qty: dict[int, int] = {}
    if fulfilled_lines:
        fulfillment_id = ctx.ids(Fulfillment, 1)
        shipped = created + timedelta(days=rng.randint(1, 3))
        tracking = f"1Z{order_id:012d}"
        carrier = rng.choice(CARRIERS)
        rows[Fulfillment].append(
            new(
                Fulfillment,
                id=fulfillment_id,
                order_id=order_id,
                name=f"{name}.1",
                status="success",
                shipment_status="delivered" if shipped < ctx.ago(7) else "in_transit",
                location_id=location_id,
                service="manual",
                tracking_company=carrier,
                tracking_number=tracking,
                tracking_numbers=[tracking],
                tracking_url=f"https://track.example.com/{tracking}",
                tracking_urls=[f"https://track.example.com/{tracking}"],
                receipt={},
                origin_address={},
                destination=address,
                created_at=shipped,
                updated_at=shipped,
            )
        )
        for line in lines[:fulfilled_lines]:
            quantity = line.quantity
            fulfilled_qty[line.id] = quantity
            rows[FulfillmentLineItem].append(
                new(
                    FulfillmentLineItem,
                    fulfillment_id=fulfillment_id,
                    line_item_id=line.id,
                    quantity=quantity,
                    created_at=shipped,
                    updated_at=shipped,
                )
            )
        rows[Event].append(
            new(
                Event,
                subject_id=order_id,
                subject_type="Order",
                verb="fulfilled" if fulfilled_lines == len(lines) else "partially_fulfilled",
                message=f"{carrier} shipment {tracking}",
                author="system",
                created_at=shipped,
            )
        )
    for line in lines:
        done = fulfilled_qty.get(line.id, 0)
        remaining = 0 if lifecycle == "cancelled" else line.quantity - done
        line.fulfillable_quantity = remaining
        line.fulfillment_status = (
            "fulfilled" if done == line.quantity else "partial" if done else None
        )
        rows[FulfillmentOrderLineItem].append(
            new(
                FulfillmentOrderLineItem,
                fulfillment_order_id=fo_id,
                line_item_id=line.id,
                total_quantity=line.quantity,
                remaining_quantity=remaining,
                created_at=created,
                updated_at=created,
            )
        )


def _refund(
    ctx: DemoContext,
    rows: dict[type, list[Any]],
    order_id: int,
    created: Any,
    lines: list[OrderLineItem],
    location_id: int,
    total: Decimal,
    lifecycle: str,
) -> None:
    refund_id = ctx.ids(Refund, 1)
    when = created + timedelta(days=ctx.rng.randint(2, 20))
    partial = lifecycle == "partially_refunded"
    rows[Refund].append(
        new(
            Refund,
            id=refund_id,
            order_id=order_id,
            user_id=ctx.staff_ids[1],
            note="Customer returned an item" if partial else "Full refund",
            processed_at=when,
            restock=True,
            duties=[],
            additional_fees=[],
            order_adjustments=[],
            created_at=when,
            updated_at=when,
        )
    )
    for line in lines[:1] if partial else lines:
        quantity = 1 if partial else line.quantity
        subtotal = line.price * quantity
        rows[RefundLineItem].append(
            new(
                RefundLineItem,
                refund_id=refund_id,
                line_item_id=line.id,
                quantity=quantity,
                restock_type="cancel" if lifecycle == "cancelled" else "return",
                location_id=location_id,
                subtotal=subtotal,
                total_tax=money(subtotal * TAX_RATE),
                subtotal_set=money_bag(subtotal),
                total_tax_set=money_bag(money(subtotal * TAX_RATE)),
                created_at=when,
                updated_at=when,
            )
        )
    amount = money(total / 3) if partial else total
    rows[Transaction].append(
        new(
            Transaction,
            id=ctx.ids(Transaction, 1),
            order_id=order_id,
            refund_id=refund_id,
            kind="refund",
            status="success",
            amount=amount,
            currency="USD",
            gateway="stockroom_payments",
            processed_at=when,
            source_name="admin",
            user_id=ctx.staff_ids[1],
            payment_details={},
            created_at=when,
        )
    )
    rows[Event].append(
        new(
            Event,
            subject_id=order_id,
            subject_type="Order",
            verb="refunded",
            message=f"Refunded {amount:.2f} USD",
            author="system",
            created_at=when,
        )
    )


CUSTOMER_TOTALS_SQL = """
UPDATE customers_customer SET orders_count = totals.orders_count,
       total_spent = totals.total_spent, last_order_id = totals.last_order_id,
       last_order_name = last_order.name
FROM (SELECT customer_id, COUNT(*) AS orders_count, SUM(total_price) AS total_spent,
             MAX(id) AS last_order_id
      FROM orders_order WHERE customer_id IS NOT NULL AND status <> 'cancelled'
      GROUP BY customer_id) AS totals
JOIN orders_order AS last_order ON last_order.id = totals.last_order_id
WHERE customers_customer.id = totals.customer_id
"""


def _customer_totals() -> None:
    """One set-based UPDATE (correlated subqueries per customer took minutes at 100k)."""
    with connection.cursor() as cursor:
        cursor.execute(CUSTOMER_TOTALS_SQL)


def _discount_usage() -> None:
    for code in DiscountCode.objects.all():
        used = code.order_discount_applications.count()
        DiscountCode.objects.filter(pk=code.pk).update(used_count=used)


def build_abandoned_checkouts(ctx: DemoContext, count: int) -> None:
    first = ctx.ids(AbandonedCheckout, count)
    checkouts, lines = [], []
    for i in range(count):
        rng = ctx.rng
        customer_id = rng.choice(ctx.customer_ids)
        created = ctx.random_past(120)
        chosen = rng.sample(ctx.variants, rng.randint(1, 3))
        subtotal = sum((v[5] for v in chosen), Decimal(0))
        tax = money(subtotal * TAX_RATE)
        completed = created + timedelta(days=1) if i % 5 == 0 else None
        token = f"ac{first + i:030x}"
        checkouts.append(
            new(
                AbandonedCheckout,
                id=first + i,
                token=token,
                cart_token=f"cart-ac-{first + i}",
                name=f"#C{first + i}",
                customer_id=customer_id,
                email=ctx.customer_emails[customer_id],
                currency="USD",
                presentment_currency="USD",
                subtotal_price=subtotal,
                total_line_items_price=subtotal,
                total_tax=tax,
                total_price=subtotal + tax,
                total_weight=sum(v[6] for v in chosen),
                shipping_address=ctx.customer_addresses.get(customer_id, {}),
                billing_address=ctx.customer_addresses.get(customer_id, {}),
                line_items=[
                    {"sku": v[4], "title": v[2], "quantity": 1, "price": f"{v[5]:.2f}"}
                    for v in chosen
                ],
                abandoned_checkout_url=f"https://demo.stockroom.local/checkouts/{token}/recover",
                completed_at=completed,
                source_name="web",
                customer_locale="en",
                created_at=created,
                updated_at=completed or created,
            )
        )
        for n, v in enumerate(chosen):
            lines.append(
                new(
                    AbandonedCheckoutLineItem,
                    checkout_id=first + i,
                    variant_id=v[0],
                    product_id=v[1],
                    key=f"{v[0]}:{n}",
                    title=v[2],
                    variant_title=v[3],
                    sku=v[4],
                    vendor=v[7],
                    quantity=1,
                    price=v[5],
                    grams=v[6],
                    created_at=created,
                    updated_at=created,
                )
            )
    ctx.load(AbandonedCheckout, checkouts)
    ctx.load(AbandonedCheckoutLineItem, lines)
