"""Writes of shipping: zones with their countries/provinces, their rates, fulfillment services.

Rules (the seeds + Shopify): zone names unique case-insensitively among local zones; countries
are ISO 3166-1 alpha-2 codes (or "*", the rest of the world), each once; provinces belong to a
country of the zone; rate price >= 0, weight low <= high, subtotal min <= max; fulfillment
service handles unique (generated from the name when absent), callback URLs https. Mirrored rows
are refused (SHOPIFY_MANAGED).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, soft_delete
from inventory.selectors import location_list

from .models import FulfillmentService, ShippingRate, ShippingZone

RATE_FIELDS = (
    "name",
    "rate_type",
    "price",
    "currency",
    "min_order_subtotal",
    "max_order_subtotal",
    "weight_low",
    "weight_high",
)
FULFILLMENT_SERVICE_FIELDS = (
    "name",
    "email",
    "service_name",
    "handle",
    "fulfillment_orders_opt_in",
    "include_pending_stock",
    "provider_id",
    "location_id",
    "callback_url",
    "tracking_support",
    "inventory_management",
    "permits_sku_sharing",
)


def _error(field: str, message: str) -> ServiceError:
    return ServiceError("Invalid input data", details=[{"field": field, "message": message}])


def _refuse_mirrored(row: ShippingZone | ShippingRate | FulfillmentService) -> None:
    if row.shopify_id is not None:
        raise ShopifyManaged(f"This {type(row).__name__} is managed by Shopify; change it there.")


def _check_regions(countries: list[dict[str, Any]], provinces: list[dict[str, Any]]) -> None:
    codes = [country["code"] for country in countries]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            raise _error(f"countries.{index}.code", f"{code} is listed twice.")
    seen: set[tuple[str, str]] = set()
    for index, province in enumerate(provinces):
        key = (province["country_code"], province["code"])
        if province["country_code"] not in codes:
            raise _error(
                f"provinces.{index}.countryCode", "The province's country is not in the zone."
            )
        if key in seen:
            raise _error(f"provinces.{index}.code", f"{province['code']} is listed twice.")
        seen.add(key)


def _zone_save(zone: ShippingZone) -> None:
    try:
        with transaction.atomic():
            zone.save()
    except IntegrityError as exc:
        raise Conflict(
            "A shipping zone with this name exists.",
            details=[{"field": "name", "message": "Must be unique (case-insensitively)."}],
        ) from exc


@transaction.atomic
def shipping_zone_create(*, data: dict[str, Any], actor: Any = None) -> ShippingZone:
    countries, provinces = data.get("countries") or [], data.get("provinces") or []
    _check_regions(countries, provinces)
    zone = ShippingZone(name=data["name"].strip(), countries=countries, provinces=provinces)
    _zone_save(zone)
    event_record(subject=zone, verb="create", actor=actor)
    return zone


@transaction.atomic
def shipping_zone_update(
    *, zone: ShippingZone, data: dict[str, Any], actor: Any = None
) -> ShippingZone:
    zone = ShippingZone.objects.select_for_update().get(pk=zone.pk)
    _refuse_mirrored(zone)
    if "name" in data:
        zone.name = data["name"].strip()
    if "countries" in data:
        zone.countries = data["countries"]
    if "provinces" in data:
        zone.provinces = data["provinces"]
    if "countries" in data or "provinces" in data:
        # Rows written here are objects; legacy rows may hold bare codes.
        countries = [c if isinstance(c, dict) else {"code": c} for c in zone.countries]
        provinces = [p for p in zone.provinces if isinstance(p, dict)]
        _check_regions(countries, provinces)
    _zone_save(zone)
    event_record(subject=zone, verb="update", actor=actor, arguments={"fields": sorted(data)})
    return zone


@transaction.atomic
def shipping_zone_delete(*, zone: ShippingZone, actor: Any = None) -> None:
    _refuse_mirrored(zone)
    soft_delete(instance=zone)
    event_record(subject=zone, verb="destroy", actor=actor)


def _check_rate(fields: dict[str, Any]) -> None:
    low, high = fields.get("weight_low"), fields.get("weight_high")
    if low is not None and high is not None and low > high:
        raise _error("weightHigh", "Must be at least weightLow.")
    low, high = fields.get("min_order_subtotal"), fields.get("max_order_subtotal")
    if low is not None and high is not None and low > high:
        raise _error("maxOrderSubtotal", "Must be at least minOrderSubtotal.")


@transaction.atomic
def shipping_rate_create(
    *, zone: ShippingZone, data: dict[str, Any], actor: Any = None
) -> ShippingRate:
    zone = ShippingZone.objects.select_for_update().get(pk=zone.pk)
    _refuse_mirrored(zone)
    fields = {key: data[key] for key in RATE_FIELDS if key in data}
    _check_rate(fields)
    rate = ShippingRate.objects.create(shipping_zone=zone, **fields)
    event_record(subject=rate, verb="create", actor=actor, subject_object=zone)
    return rate


@transaction.atomic
def shipping_rate_update(
    *, rate: ShippingRate, data: dict[str, Any], actor: Any = None
) -> ShippingRate:
    rate = ShippingRate.objects.select_for_update().get(pk=rate.pk)
    _refuse_mirrored(rate)
    changes = {key: data[key] for key in RATE_FIELDS if key in data}
    _check_rate({key: getattr(rate, key) for key in RATE_FIELDS} | changes)
    for key, value in changes.items():
        setattr(rate, key, value)
    rate.save()
    event_record(subject=rate, verb="update", actor=actor, arguments={"fields": sorted(changes)})
    return rate


@transaction.atomic
def shipping_rate_delete(*, rate: ShippingRate, actor: Any = None) -> None:
    _refuse_mirrored(rate)
    event_record(subject=rate, verb="destroy", actor=actor)
    rate.delete()


def _check_location(location_id: int | None) -> None:
    if location_id is not None and not location_list().filter(pk=location_id).exists():
        raise _error("locationId", "No such location.")


def _fulfillment_service_save(service: FulfillmentService) -> None:
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError as exc:
        raise Conflict(
            "A fulfillment service with this handle exists.",
            details=[{"field": "handle", "message": "Must be unique."}],
        ) from exc


@transaction.atomic
def fulfillment_service_create(*, data: dict[str, Any], actor: Any = None) -> FulfillmentService:
    fields = {key: data[key] for key in FULFILLMENT_SERVICE_FIELDS if key in data}
    fields["handle"] = fields.get("handle") or slugify(fields["name"])[:255]
    if not fields["handle"]:
        raise _error("handle", "A handle is required when the name has no letters or digits.")
    _check_location(fields.get("location_id"))
    service = FulfillmentService(**fields)
    _fulfillment_service_save(service)
    event_record(subject=service, verb="create", actor=actor)
    return service


@transaction.atomic
def fulfillment_service_update(
    *, service: FulfillmentService, data: dict[str, Any], actor: Any = None
) -> FulfillmentService:
    service = FulfillmentService.objects.select_for_update().get(pk=service.pk)
    _refuse_mirrored(service)
    changes = {key: data[key] for key in FULFILLMENT_SERVICE_FIELDS if key in data}
    if "location_id" in changes:
        _check_location(changes["location_id"])
    for key, value in changes.items():
        setattr(service, key, value)
    _fulfillment_service_save(service)
    event_record(subject=service, verb="update", actor=actor, arguments={"fields": sorted(changes)})
    return service


@transaction.atomic
def fulfillment_service_delete(*, service: FulfillmentService, actor: Any = None) -> None:
    _refuse_mirrored(service)
    soft_delete(instance=service)
    event_record(subject=service, verb="destroy", actor=actor)
