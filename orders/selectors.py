"""Reads of orders, as optimised querysets (a list's query count does not grow with rows)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.rows import RowAccess
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


# How an order is tied to the row scopes of a grant: its creator, its location, its company.
ORDER_ROWS = {"own": "user", "location": "location", "company": "company"}


def order_list(
    *,
    search: str | None = None,
    access: RowAccess | None = None,
    customer_id: int | None = None,
) -> QuerySet[Order]:
    """Orders with everything the order serializer shows, in a fixed number of queries;
    only the rows `access` permits (all when None) and, with `customer_id`, that customer's."""
    orders = Order.objects.prefetch_related(
        Prefetch("line_items", queryset=OrderLineItem.objects.order_by("id")),
        Prefetch("discounts", queryset=OrderDiscountApplication.objects.order_by("position")),
        Prefetch("fulfillments", queryset=_fulfillments()),
        Prefetch("refunds", queryset=_refunds()),
        Prefetch("transactions", queryset=_transactions()),
    )
    if search:
        orders = orders.filter(Q(name__icontains=search) | Q(email__icontains=search))
    if customer_id is not None:
        orders = orders.filter(customer_id=customer_id)
    if access is not None:
        orders = access.apply(orders, **ORDER_ROWS)
    return orders


def order_rows(*, access: RowAccess) -> QuerySet[Order]:
    """Plain order rows (no prefetch) that `access` permits: the lookup of nested routes."""
    return access.apply(Order.objects.all(), **ORDER_ROWS)


def customer_order_list(*, customer_id: int, company_ids: frozenset[int]) -> QuerySet[Order]:
    """A customer's self-service orders: their own, and those of the companies they are a
    contact of (B2B)."""
    condition = Q(customer_id=customer_id)
    if company_ids:
        condition |= Q(company_id__in=sorted(company_ids))
    return order_list().filter(condition)


def order_get(*, order_id: int) -> Order:
    return order_list().get(pk=order_id)


def order_currency(*, order_id: int, access: RowAccess | None = None) -> str | None:
    """The currency of a live order (that `access` reaches), None when there is no such one."""
    orders = Order.objects.filter(pk=order_id)
    if access is not None:
        orders = access.apply(orders, **ORDER_ROWS)
    return orders.values_list("currency", flat=True).first()


def order_transactions(*, order: Order) -> QuerySet[Transaction]:
    return _transactions().filter(order=order)


def order_fulfillments(*, order: Order) -> QuerySet[Fulfillment]:
    return _fulfillments().filter(order=order)


def order_refunds(*, order: Order) -> QuerySet[Refund]:
    return _refunds().filter(order=order)


def fulfillment_order_list(*, access: RowAccess | None = None) -> QuerySet[FulfillmentOrder]:
    fulfillment_orders = FulfillmentOrder.objects.prefetch_related(
        Prefetch(
            "fulfillment_order_line_items",
            queryset=FulfillmentOrderLineItem.objects.order_by("id"),
        )
    )
    if access is not None:
        fulfillment_orders = access.apply(
            fulfillment_orders,
            own="order__user",
            location="assigned_location",
            company="order__company",
        )
    return fulfillment_orders


def abandoned_checkout_list(
    *, search: str | None = None, access: RowAccess | None = None
) -> QuerySet[AbandonedCheckout]:
    checkouts = AbandonedCheckout.objects.prefetch_related(
        Prefetch("checkout_line_items", queryset=AbandonedCheckoutLineItem.objects.order_by("id"))
    )
    if search:
        checkouts = checkouts.filter(Q(email__icontains=search) | Q(name__icontains=search))
    if access is not None:
        checkouts = access.apply(checkouts, location="location")
    return checkouts
