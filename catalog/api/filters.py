from __future__ import annotations

import django_filters

from ..choices import ProductStatus
from ..models import (
    Collection,
    Metafield,
    MetafieldDefinition,
    Product,
    SellingPlan,
    SellingPlanGroup,
)


class ProductFilterSet(django_filters.FilterSet):
    vendor = django_filters.CharFilter()
    productType = django_filters.CharFilter(field_name="product_type")
    status = django_filters.ChoiceFilter(choices=ProductStatus.choices)
    handle = django_filters.CharFilter()
    tag = django_filters.CharFilter(field_name="product_tags__tag", lookup_expr="iexact")
    publishedAtMin = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    publishedAtMax = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lte")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Product
        fields: list[str] = []


class CollectionFilterSet(django_filters.FilterSet):
    handle = django_filters.CharFilter()
    title = django_filters.CharFilter(lookup_expr="iexact")
    sortOrder = django_filters.CharFilter(field_name="sort_order")
    publishedScope = django_filters.CharFilter(field_name="published_scope")
    productId = django_filters.NumberFilter(field_name="collection_products__product_id")
    publishedAtMin = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    publishedAtMax = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lte")
    updatedAtMin = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updatedAtMax = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lte")

    class Meta:
        model = Collection
        fields: list[str] = []


class MetafieldDefinitionFilterSet(django_filters.FilterSet):
    ownerType = django_filters.CharFilter(field_name="owner_type")
    namespace = django_filters.CharFilter()
    key = django_filters.CharFilter()
    type = django_filters.CharFilter()

    class Meta:
        model = MetafieldDefinition
        fields: list[str] = []


class MetafieldFilterSet(django_filters.FilterSet):
    ownerType = django_filters.CharFilter(field_name="owner_resource")
    ownerId = django_filters.NumberFilter(field_name="owner_id")
    namespace = django_filters.CharFilter()
    key = django_filters.CharFilter()
    type = django_filters.CharFilter()

    class Meta:
        model = Metafield
        fields: list[str] = []


class SellingPlanGroupFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")
    merchantCode = django_filters.CharFilter(field_name="merchant_code")
    productId = django_filters.NumberFilter(field_name="products__id")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = SellingPlanGroup
        fields: list[str] = []


class SellingPlanFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.CharFilter()
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = SellingPlan
        fields: list[str] = []
