"""Back office for locations, inventory items, their levels and the adjustment ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from core.admin_base import StockroomInline, StockroomModelAdmin

from .models import InventoryAdjustment, InventoryItem, InventoryLevel, Location

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


class IdOnlyRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id input without the label lookup Django runs per row (the row shows the name)."""

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        return "", ""


@admin.register(Location)
class LocationAdmin(StockroomModelAdmin):
    list_display = ("name", "city", "province_code", "country_code", "active", "legacy")
    list_filter = ("active", "legacy", "country_code")
    search_fields = ("name", "city", "zip")
    ordering = ("name",)
    readonly_fields = (*TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)


class InventoryLevelInline(StockroomInline):
    """One row per location; the location's name comes with the rows (no query per row)."""

    model = InventoryLevel
    fields = (
        "location",
        "location_name",
        "available",
        "on_hand",
        "committed",
        "incoming",
        "reserved",
        "low_stock_threshold",
    )
    readonly_fields = ("location_name",)
    raw_id_fields = ("location",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("location")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if "location_name" in readonly else [*readonly, "location_name"]

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "location":
            kwargs["widget"] = IdOnlyRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="location name")
    def location_name(self, obj: InventoryLevel) -> str:
        return obj.location.name if obj.location_id else ""


@admin.register(InventoryItem)
class InventoryItemAdmin(StockroomModelAdmin):
    list_display = ("sku", "tracked", "requires_shipping", "cost", "currency", "created_at")
    list_filter = ("tracked", "requires_shipping", "created_at")
    search_fields = ("sku",)
    ordering = ("-created_at",)
    readonly_fields = (*TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)
    inlines = (InventoryLevelInline,)


@admin.register(InventoryLevel)
class InventoryLevelAdmin(StockroomModelAdmin):
    list_display = (
        "inventory_item",
        "location",
        "available",
        "on_hand",
        "committed",
        "incoming",
        "reserved",
        "updated_at",
    )
    list_select_related = ("inventory_item", "location")
    list_filter = ("location",)
    search_fields = ("inventory_item__sku", "location__name")
    raw_id_fields = ("inventory_item",)
    autocomplete_fields = ("location",)
    ordering = ("inventory_item_id", "location_id")
    readonly_fields = (*TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)


@admin.register(InventoryAdjustment)
class InventoryAdjustmentAdmin(StockroomModelAdmin):
    """The append-only ledger: staff can read it, never add, change or delete rows here
    (adjustments are recorded by the inventory services)."""

    list_display = (
        "created_at",
        "inventory_item",
        "location",
        "quantity_delta",
        "reason",
        "available_after",
        "user",
    )
    list_select_related = ("inventory_item", "location", "user")
    list_filter = ("reason", "created_at")
    search_fields = ("inventory_item__sku", "=reference_document_uri")
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
