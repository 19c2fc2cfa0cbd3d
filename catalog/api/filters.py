from __future__ import annotations

import django_filters

from ..models import Product


class ProductFilterSet(django_filters.FilterSet):
    vendor = django_filters.CharFilter()
    productType = django_filters.CharFilter(field_name="product_type")
    status = django_filters.CharFilter()
    handle = django_filters.CharFilter()
    tag = django_filters.CharFilter(field_name="product_tags__tag", lookup_expr="iexact")
    publishedAtMin = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    publishedAtMax = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lte")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Product
        fields: list[str] = []
