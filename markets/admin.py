"""Back office for markets and their regions (countries)."""

from __future__ import annotations

from django.contrib import admin

from core.admin_base import StockroomInline, StockroomModelAdmin

from .models import Market, MarketRegion

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


class MarketRegionInline(StockroomInline):
    model = MarketRegion
    fields = ("country_code", "name", "currency", "tax_inclusive_pricing")


@admin.register(Market)
class MarketAdmin(StockroomModelAdmin):
    list_display = (
        "name",
        "handle",
        "status",
        "enabled",
        "is_primary",
        "primary_locale",
        "base_currency",
    )
    list_filter = ("status", "is_primary", "primary_locale")
    search_fields = ("name", "handle")
    ordering = ("name",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at")
    inlines = (MarketRegionInline,)


@admin.register(MarketRegion)
class MarketRegionAdmin(StockroomModelAdmin):
    list_display = ("country_code", "name", "market", "currency", "tax_inclusive_pricing")
    list_select_related = ("market",)
    list_filter = ("tax_inclusive_pricing",)
    search_fields = ("country_code", "name", "market__name")
    ordering = ("country_code",)
    autocomplete_fields = ("market",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
