"""Reads of shipping, as querysets whose list query count does not grow with the rows."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .models import FulfillmentService, ShippingRate, ShippingZone


def shipping_zone_list(*, search: str | None = None) -> QuerySet[ShippingZone]:
    zones = ShippingZone.objects.prefetch_related(
        Prefetch("rates", queryset=ShippingRate.objects.order_by("id"))
    )
    if search:
        zones = zones.filter(name__icontains=search)
    return zones


def shipping_rate_list(*, zone: ShippingZone) -> QuerySet[ShippingRate]:
    return ShippingRate.objects.filter(shipping_zone=zone)


def fulfillment_service_list(*, search: str | None = None) -> QuerySet[FulfillmentService]:
    services = FulfillmentService.objects.all()
    if search:
        services = services.filter(
            Q(name__icontains=search) | Q(handle__icontains=search) | Q(email__iexact=search)
        )
    return services
