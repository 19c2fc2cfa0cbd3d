"""Reads of orders, as optimised querysets (a list's query count does not grow with rows)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from finance.models import Transaction

from .models import (
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


def _transactions() -> QuerySet[Transaction]:
    return Transaction.objects.order_by("created_at", "id")


def _fulfillments() -> QuerySet[Fulfillment]:
    return Fulfillment.objects.prefetch_related(
        Prefetch("fulfillment_line_items", queryset=FulfillmentLineItem.objects.order_by("id"))
    ).order_by("id")


def _refunds() -> QuerySet[Refund]:
    return Refund.objects.prefetch_related(
        Prefetch("refund_line_items", queryset=RefundLineItem.objects.order_by("id")),
        Prefetch("transactions", queryset=_transactions()),
    ).order_by("id")


def order_list(*, search: str | None = None) -> QuerySet[Order]:
    """Orders with everything the order serializer shows, in a fixed number of queries."""
    orders = Order.objects.prefetch_related(
        Prefetch("line_items", queryset=OrderLineItem.objects.order_by("id")),
        Prefetch("discounts", queryset=OrderDiscountApplication.objects.order_by("position")),
        Prefetch("fulfillments", queryset=_fulfillments()),
        Prefetch("refunds", queryset=_refunds()),
        Prefetch("transactions", queryset=_transactions()),
    )
    if search:
        orders = orders.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return orders


def order_get(*, order_id: int) -> Order:
    return order_list().get(pk=order_id)


def order_currency(*, order_id: int) -> str | None:
    """The currency of a live order, None when there is no such order."""
    return Order.objects.filter(pk=order_id).values_list("currency", flat=True).first()


def order_transactions(*, order: Order) -> QuerySet[Transaction]:
    return _transactions().filter(order=order)


def order_fulfillments(*, order: Order) -> QuerySet[Fulfillment]:
    return _fulfillments().filter(order=order)


def order_refunds(*, order: Order) -> QuerySet[Refund]:
    return _refunds().filter(order=order)


def fulfillment_order_list() -> QuerySet[FulfillmentOrder]:
    return FulfillmentOrder.objects.prefetch_related(
        Prefetch(
            "fulfillment_order_line_items",
            queryset=FulfillmentOrderLineItem.objects.order_by("id"),
        )
    )


def abandoned_checkout_list(*, search: str | None = None) -> QuerySet[AbandonedCheckout]:
    checkouts = AbandonedCheckout.objects.prefetch_related(
        Prefetch("checkout_line_items", queryset=AbandonedCheckoutLineItem.objects.order_by("id"))
    )
    if search:
        checkouts = checkouts.filter(Q(email__icontains=search) | Q(name__icontains=search))
    return checkouts
