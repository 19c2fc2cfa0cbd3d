from __future__ import annotations

import django_filters

from ..models import DiscountCode, GiftCard


class GiftCardFilterSet(django_filters.FilterSet):
    status = django_filters.CharFilter()
    currency = django_filters.CharFilter()
    customerId = django_filters.NumberFilter(field_name="customer_id")
    orderId = django_filters.NumberFilter(field_name="order_id")
    lastCharacters = django_filters.CharFilter(field_name="last_characters", lookup_expr="iexact")
    expiresOnMin = django_filters.DateFilter(field_name="expires_on", lookup_expr="gte")
    expiresOnMax = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = GiftCard
        fields: list[str] = []


class DiscountCodeFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact")
    type = django_filters.CharFilter()
    status = django_filters.CharFilter()
    startsAtMin = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    startsAtMax = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lte")
    endsAtMin = django_filters.IsoDateTimeFilter(field_name="ends_at", lookup_expr="gte")
    endsAtMax = django_filters.IsoDateTimeFilter(field_name="ends_at", lookup_expr="lte")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = DiscountCode
        fields: list[str] = []
