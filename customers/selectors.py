"""Reads of the customers app, as optimised querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Customer, CustomerAddress, CustomerGroup, CustomerTag

ADDRESS_ORDER = ("-is_default", "id")


def customer_list(*, search: str | None = None) -> QuerySet[Customer]:
    """Live customers with their addresses; `search` matches every word against email, first or
    last name and phone (icontains, served by the pg_trgm GIN indexes on PostgreSQL)."""
    customers = Customer.objects.prefetch_related(
        Prefetch("addresses", queryset=CustomerAddress.objects.order_by(*ADDRESS_ORDER))
    )
    for word in (search or "").split():
        customers = customers.filter(
            Q(email__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(phone__icontains=word)
        )
    return customers


def customer_get(*, customer_id: int) -> Customer | None:
    """A live customer, or None."""
    return Customer.objects.filter(pk=customer_id).first()


def address_list(*, customer: Customer) -> QuerySet[CustomerAddress]:
    return CustomerAddress.objects.filter(customer=customer)


def group_list(*, search: str | None = None) -> QuerySet[CustomerGroup]:
    groups = CustomerGroup.objects.annotate(customers_count=Count("memberships"))
    if search:
        groups = groups.filter(name__icontains=search)
    return groups


def group_customer_list(*, group: CustomerGroup) -> QuerySet[Customer]:
    return customer_list().filter(group_memberships__group=group)


def tag_list(*, search: str | None = None) -> QuerySet[Any, Any]:
    """Every tag in use on live customers, with how many customers carry it."""
    tags = CustomerTag.objects.filter(customer__deleted_at__isnull=True)
    if search:
        tags = tags.filter(tag__startswith=search.strip().lower())
    return tags.values("tag").annotate(customers_count=Count("customer")).order_by("tag")
