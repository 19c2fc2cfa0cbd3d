from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from ..models import FulfillmentService, ShippingZone


class ShippingZoneFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")
    country = django_filters.CharFilter(method="filter_country")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = ShippingZone
        fields: list[str] = []

    def filter_country(
        self, queryset: QuerySet[ShippingZone], name: str, value: str
    ) -> QuerySet[ShippingZone]:
        """Zones containing the country, as an object or a bare code (GIN containment)."""
        code = value.upper()
        return queryset.filter(
            Q(countries__contains=[{"code": code}]) | Q(countries__contains=[code])
        )


class FulfillmentServiceFilterSet(django_filters.FilterSet):
    handle = django_filters.CharFilter()
    name = django_filters.CharFilter(lookup_expr="iexact")
    providerId = django_filters.CharFilter(field_name="provider_id")
    locationId = django_filters.NumberFilter(field_name="location_id")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = FulfillmentService
        fields: list[str] = []
