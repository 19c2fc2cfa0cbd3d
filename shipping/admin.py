"""Back office for shipping zones (with their rates) and fulfillment services."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from core.admin_base import StockroomInline, StockroomModelAdmin

from .models import FulfillmentService, ShippingRate, ShippingZone

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


class ShippingRateInline(StockroomInline):
    model = ShippingRate
    fields = (
        "name",
        "rate_type",
        "price",
        "currency",
        "min_order_subtotal",
        "max_order_subtotal",
        "weight_low",
        "weight_high",
    )


@admin.register(ShippingZone)
class ShippingZoneAdmin(StockroomModelAdmin):
    list_display = ("name", "updated_at")
    search_fields = ("name",)
    ordering = ("name",)
    readonly_fields = (*TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)
    inlines = (ShippingRateInline,)


@admin.register(ShippingRate)
class ShippingRateAdmin(StockroomModelAdmin):
    list_display = (
        "name",
        "shipping_zone",
        "rate_type",
        "price",
        "currency",
        "min_order_subtotal",
        "max_order_subtotal",
        "weight_low",
        "weight_high",
    )
    list_select_related = ("shipping_zone",)
    list_filter = ("rate_type",)
    search_fields = ("name", "shipping_zone__name")
    autocomplete_fields = ("shipping_zone",)
    ordering = ("price",)
    readonly_fields = (*TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)


@admin.register(FulfillmentService)
class FulfillmentServiceAdmin(StockroomModelAdmin):
    list_display = (
        "name",
        "handle",
        "service_name",
        "location",
        "tracking_support",
        "inventory_management",
        "fulfillment_orders_opt_in",
    )
    list_select_related = ("location",)
    list_filter = ("tracking_support", "inventory_management", "fulfillment_orders_opt_in")
    search_fields = ("name", "handle", "email", "=provider_id")
    autocomplete_fields = ("location",)
    ordering = ("name",)
    readonly_fields = (*TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
