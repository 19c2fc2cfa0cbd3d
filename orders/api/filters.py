from __future__ import annotations

import django_filters

from ..choices import FinancialStatus, OrderFulfillmentStatus, OrderStatus
from ..models import AbandonedCheckout, FulfillmentOrder, Order


class OrderFilterSet(django_filters.FilterSet):
    financialStatus = django_filters.ChoiceFilter(
        field_name="financial_status", choices=FinancialStatus.choices
    )
    fulfillmentStatus = django_filters.ChoiceFilter(
        field_name="fulfillment_status", choices=OrderFulfillmentStatus.choices
    )
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    customerId = django_filters.NumberFilter(field_name="customer_id")
    email = django_filters.CharFilter(lookup_expr="iexact")
    name = django_filters.CharFilter()
    number = django_filters.NumberFilter()
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    processedAtMin = django_filters.IsoDateTimeFilter(field_name="processed_at", lookup_expr="gte")
    processedAtMax = django_filters.IsoDateTimeFilter(field_name="processed_at", lookup_expr="lte")

    class Meta:
        model = Order
        fields: list[str] = []


class FulfillmentOrderFilterSet(django_filters.FilterSet):
    orderId = django_filters.NumberFilter(field_name="order_id")
    status = django_filters.CharFilter()
    requestStatus = django_filters.CharFilter(field_name="request_status")
    locationId = django_filters.NumberFilter(field_name="assigned_location_id")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = FulfillmentOrder
        fields: list[str] = []


class AbandonedCheckoutFilterSet(django_filters.FilterSet):
    email = django_filters.CharFilter(lookup_expr="iexact")
    token = django_filters.CharFilter()
    customerId = django_filters.NumberFilter(field_name="customer_id")
    status = django_filters.ChoiceFilter(
        choices=[("open", "open"), ("closed", "closed")], method="filter_status"
    )
    completed = django_filters.BooleanFilter(
        field_name="completed_at", lookup_expr="isnull", exclude=True
    )
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    updatedAtMin = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updatedAtMax = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lte")

    class Meta:
        model = AbandonedCheckout
        fields: list[str] = []

    def filter_status(self, queryset, name, value):  # type: ignore[no-untyped-def]
        """Shopify's `status`: open = not completed nor closed; closed = completed or closed."""
        if value == "open":
            return queryset.filter(completed_at__isnull=True, closed_at__isnull=True)
        return queryset.exclude(completed_at__isnull=True, closed_at__isnull=True)
