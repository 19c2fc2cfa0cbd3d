from __future__ import annotations

import django_filters

from ..choices import AdjustmentReason
from ..models import InventoryAdjustment, InventoryItem, InventoryLevel, Location


class InventoryItemFilterSet(django_filters.FilterSet):
    sku = django_filters.CharFilter()
    tracked = django_filters.BooleanFilter()
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    updatedAtMin = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updatedAtMax = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lte")

    class Meta:
        model = InventoryItem
        fields: list[str] = []


class InventoryLevelFilterSet(django_filters.FilterSet):
    locationId = django_filters.NumberFilter(field_name="location_id")
    inventoryItemId = django_filters.NumberFilter(field_name="inventory_item_id")
    availableMin = django_filters.NumberFilter(field_name="available", lookup_expr="gte")
    availableMax = django_filters.NumberFilter(field_name="available", lookup_expr="lte")
    updatedAtMin = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updatedAtMax = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lte")

    class Meta:
        model = InventoryLevel
        fields: list[str] = []


class InventoryAdjustmentFilterSet(django_filters.FilterSet):
    inventoryItemId = django_filters.NumberFilter(field_name="inventory_item_id")
    locationId = django_filters.NumberFilter(field_name="location_id")
    reason = django_filters.ChoiceFilter(choices=AdjustmentReason.choices)
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = InventoryAdjustment
        fields: list[str] = []


class LocationFilterSet(django_filters.FilterSet):
    active = django_filters.BooleanFilter()
    countryCode = django_filters.CharFilter(field_name="country_code")
    provinceCode = django_filters.CharFilter(field_name="province_code")
    name = django_filters.CharFilter(lookup_expr="iexact")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Location
        fields: list[str] = []
