from __future__ import annotations

import django_filters

from ..models import WebhookDelivery, WebhookSubscription


class WebhookSubscriptionFilterSet(django_filters.FilterSet):
    topic = django_filters.CharFilter()
    address = django_filters.CharFilter()
    isActive = django_filters.BooleanFilter(field_name="is_active")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = WebhookSubscription
        fields: list[str] = []


class WebhookDeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.CharFilter()
    receivedAtMin = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    receivedAtMax = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lte")

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []
