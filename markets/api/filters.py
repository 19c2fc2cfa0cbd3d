from __future__ import annotations

import django_filters

from ..models import Market


class MarketFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")
    handle = django_filters.CharFilter()
    status = django_filters.CharFilter()
    primaryLocale = django_filters.CharFilter(field_name="primary_locale")
    isPrimary = django_filters.BooleanFilter(field_name="is_primary")
    countryCode = django_filters.CharFilter(field_name="regions__country_code")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Market
        fields: list[str] = []
