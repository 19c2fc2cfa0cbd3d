from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from ..choices import CustomerState
from ..models import Customer, CustomerGroup


class CustomerFilterSet(django_filters.FilterSet):
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact")
    phone = django_filters.CharFilter()
    state = django_filters.ChoiceFilter(choices=CustomerState.choices)
    tag = django_filters.CharFilter(method="filter_tag")
    acceptsMarketing = django_filters.BooleanFilter(field_name="accepts_marketing")
    taxExempt = django_filters.BooleanFilter(field_name="tax_exempt")
    totalSpentMin = django_filters.NumberFilter(field_name="total_spent", lookup_expr="gte")
    totalSpentMax = django_filters.NumberFilter(field_name="total_spent", lookup_expr="lte")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    updatedAtMin = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updatedAtMax = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lte")

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_tag(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # Tags are stored normalised (lower-case, trimmed): an exact match uses the index.
        return queryset.filter(customer_tags__tag=value.strip().lower())


class CustomerGroupFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="name", lookup_expr="iexact")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = CustomerGroup
        fields: list[str] = []
