"""Back office for orders, fulfillments, refunds and abandoned checkouts.

Order lists stay fast at 100,000+ rows: ordering and filters hit indexes, no date_hierarchy,
estimated counts (StockroomModelAdmin). Inline rows cost no query each (see RowInline).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from core.admin_base import RowInline, StockroomModelAdmin

from .models import (
    AbandonedCheckout,
    AbandonedCheckoutLineItem,
    Fulfillment,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    Order,
    OrderDiscountApplication,
    OrderLineItem,
    Refund,
    RefundLineItem,
)

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


# --- Orders ---------------------------------------------------------------------------------


class OrderLineItemInline(RowInline):
    model = OrderLineItem
    fields = (
        "title",
        "variant_title",
        "sku",
        "quantity",
        "fulfillable_quantity",
        "fulfillment_status",
        "price",
        "total_discount",
        "variant",
        "product",
    )
    readonly_fields = ("price", "total_discount")
    raw_id_fields = ("variant", "product")
    joined = ("variant", "product")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Lines are added by the order services, which price them and recompute the totals.
        return False


class FulfillmentInline(RowInline):
    model = Fulfillment
    fields = (
        "name",
        "status",
        "shipment_status",
        "tracking_company",
        "tracking_number",
        "location",
        "created_at",
    )
    readonly_fields = ("created_at",)
    raw_id_fields = ("location",)
    joined = ("location",)


class RefundInline(RowInline):
    model = Refund
    fields = ("note", "processed_at", "restock", "user", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)
    joined = ("user",)


class OrderDiscountApplicationInline(RowInline):
    model = OrderDiscountApplication
    fields = (
        "position",
        "code",
        "title",
        "type",
        "value",
        "value_type",
        "amount",
        "target_type",
        "target_selection",
        "allocation_method",
        "discount_code",
    )
    readonly_fields = ("amount",)
    raw_id_fields = ("discount_code",)
    joined = ("discount_code",)


@admin.register(Order)
class OrderAdmin(StockroomModelAdmin):
    list_display = (
        "name",
        "created_at",
        "customer",
        "email",
        "financial_status",
        "fulfillment_status",
        "status",
        "total_price",
        "currency",
    )
    list_select_related = ("customer",)
    list_filter = ("financial_status", "fulfillment_status", "status", "created_at")
    # Substrings of these (pg_trgm indexes); a numeric term also matches the numbers exactly,
    # as integers (see get_search_results) so their unique indexes serve it.
    search_fields = ("name", "email", "phone")
    search_help_text = "Order name (#1001), order number, number, email or phone."
    ordering = ("-created_at", "-id")
    raw_id_fields = ("customer", "user", "location", "company", "payment_terms", "market")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Order], search_term: str
    ) -> tuple[QuerySet[Order], bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        digits = search_term.strip().lstrip("#")
        if digits.isdigit() and len(digits) < 19:  # fits a bigint
            number = int(digits)
            found |= queryset.filter(Q(number=number) | Q(order_number=number))
        return found, duplicates

    # Totals come from the lines (services or Shopify); status and its dates change through the
    # order services (close, cancel), which keep `status` equal to what the dates imply.
    readonly_fields = (
        "status",
        "closed_at",
        "cancelled_at",
        "cancel_reason",
        "total_price",
        "subtotal_price",
        "total_tax",
        "total_discounts",
        "total_line_items_price",
        "total_price_usd",
        "total_weight",
        "total_line_items_price_set",
        "total_discounts_set",
        "total_shipping_price_set",
        "subtotal_price_set",
        "total_price_set",
        "total_tax_set",
        *SHOPIFY_FIELDS,
        *TIMESTAMP_FIELDS,
        "deleted_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("name", "number", "order_number"),
                    ("status", "financial_status", "fulfillment_status"),
                    ("confirmed", "test"),
                    ("processed_at", "closed_at", "cancelled_at", "cancel_reason"),
                )
            },
        ),
        (
            "Customer",
            {
                "fields": (
                    "customer",
                    ("email", "contact_email", "phone"),
                    ("customer_locale", "buyer_accepts_marketing"),
                    "billing_address",
                    "shipping_address",
                )
            },
        ),
        (
            "Staff, location, B2B and market",
            {"fields": (("user", "location"), ("company", "payment_terms"), "market")},
        ),
        (
            "Money",
            {
                "fields": (
                    ("currency", "presentment_currency", "taxes_included"),
                    ("total_line_items_price", "total_discounts", "subtotal_price"),
                    ("total_tax", "total_price", "total_price_usd"),
                    "total_weight",
                    "total_line_items_price_set",
                    "total_discounts_set",
                    "total_shipping_price_set",
                    "subtotal_price_set",
                    "total_tax_set",
                    "total_price_set",
                    "tax_lines",
                    "discount_applications",
                    "discount_codes",
                    "shipping_lines",
                )
            },
        ),
        (
            "Payment",
            {"fields": ("processing_method", "gateway", "payment_gateway_names")},
        ),
        ("Notes", {"fields": ("note", "note_attributes", "tags")}),
        (
            "Source",
            {
                "classes": ("collapse",),
                "fields": (
                    ("source_name", "source_identifier", "source_url"),
                    ("referring_site", "landing_site", "landing_site_ref"),
                    ("browser_ip", "device_id", "app_id"),
                    ("token", "cart_token", "checkout_token", "checkout_id"),
                    ("reference", "order_status_url"),
                ),
            },
        ),
        (
            "Record",
            {
                "classes": ("collapse",),
                "fields": (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at"),
            },
        ),
    )
    inlines = (
        OrderLineItemInline,
        FulfillmentInline,
        RefundInline,
        OrderDiscountApplicationInline,
        # Slot: the finance Transaction inline is added here by the finance app's owner.
    )


@admin.register(OrderLineItem)
class OrderLineItemAdmin(StockroomModelAdmin):
    list_display = (
        "title",
        "variant_title",
        "sku",
        "order",
        "quantity",
        "price",
        "fulfillment_status",
    )
    list_select_related = ("order",)
    list_filter = ("fulfillment_status",)
    search_fields = ("sku", "title", "order__name")
    ordering = ("-id",)
    raw_id_fields = ("order", "variant", "product")
    readonly_fields = (
        "price",
        "total_discount",
        "price_set",
        "total_discount_set",
        *SHOPIFY_FIELDS,
        *TIMESTAMP_FIELDS,
    )


@admin.register(OrderDiscountApplication)
class OrderDiscountApplicationAdmin(StockroomModelAdmin):
    list_display = ("__str__", "order", "type", "value", "value_type", "amount", "target_type")
    list_select_related = ("order",)
    list_filter = ("type", "value_type", "target_type")
    search_fields = ("code", "title", "order__name")
    ordering = ("-id",)
    raw_id_fields = ("order", "discount_code")
    readonly_fields = ("amount", *TIMESTAMP_FIELDS)


# --- Fulfillments -------------------------------------------------------------------------


class FulfillmentLineItemInline(RowInline):
    model = FulfillmentLineItem
    fields = ("line_item", "quantity")
    raw_id_fields = ("line_item",)
    joined = ("line_item",)


@admin.register(Fulfillment)
class FulfillmentAdmin(StockroomModelAdmin):
    list_display = (
        "__str__",
        "order",
        "status",
        "shipment_status",
        "tracking_company",
        "tracking_number",
        "location",
        "created_at",
    )
    list_select_related = ("order", "location")
    list_filter = ("status", "shipment_status", "created_at")
    search_fields = ("name", "tracking_number", "order__name")
    ordering = ("-id",)
    raw_id_fields = ("order", "location", "fulfillment_service")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    inlines = (FulfillmentLineItemInline,)


@admin.register(FulfillmentLineItem)
class FulfillmentLineItemAdmin(StockroomModelAdmin):
    list_display = ("__str__", "fulfillment", "line_item", "quantity")
    list_select_related = ("fulfillment", "line_item")
    search_fields = ("fulfillment__name", "line_item__sku")
    ordering = ("-id",)
    raw_id_fields = ("fulfillment", "line_item")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)


class FulfillmentOrderLineItemInline(RowInline):
    model = FulfillmentOrderLineItem
    fields = ("line_item", "total_quantity", "remaining_quantity")
    raw_id_fields = ("line_item",)
    joined = ("line_item",)


@admin.register(FulfillmentOrder)
class FulfillmentOrderAdmin(StockroomModelAdmin):
    list_display = (
        "__str__",
        "order",
        "status",
        "request_status",
        "assigned_location",
        "fulfill_at",
        "created_at",
    )
    list_select_related = ("order", "assigned_location")
    list_filter = ("status", "request_status", "created_at")
    search_fields = ("order__name",)
    ordering = ("-id",)
    raw_id_fields = ("order", "assigned_location")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    inlines = (FulfillmentOrderLineItemInline,)


@admin.register(FulfillmentOrderLineItem)
class FulfillmentOrderLineItemAdmin(StockroomModelAdmin):
    list_display = (
        "__str__",
        "fulfillment_order",
        "line_item",
        "total_quantity",
        "remaining_quantity",
    )
    list_select_related = ("fulfillment_order", "line_item")
    search_fields = ("line_item__sku", "fulfillment_order__order__name")
    ordering = ("-id",)
    raw_id_fields = ("fulfillment_order", "line_item")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)


# --- Refunds ------------------------------------------------------------------------------


class RefundLineItemInline(RowInline):
    model = RefundLineItem
    fields = ("line_item", "quantity", "restock_type", "location", "subtotal", "total_tax")
    readonly_fields = ("subtotal", "total_tax")
    raw_id_fields = ("line_item", "location")
    joined = ("line_item", "location")


@admin.register(Refund)
class RefundAdmin(StockroomModelAdmin):
    list_display = ("__str__", "order", "user", "restock", "processed_at", "created_at")
    list_select_related = ("order", "user")
    list_filter = ("restock", "processed_at", "created_at")
    search_fields = ("order__name", "note")
    ordering = ("-id",)
    raw_id_fields = ("order", "user")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    inlines = (RefundLineItemInline,)
    # Slot: the finance Transaction inline (Transaction.refund) is added by the finance owner.


@admin.register(RefundLineItem)
class RefundLineItemAdmin(StockroomModelAdmin):
    list_display = ("__str__", "refund", "line_item", "quantity", "restock_type", "subtotal")
    list_select_related = ("refund", "line_item")
    list_filter = ("restock_type",)
    search_fields = ("line_item__sku", "line_item__title", "refund__order__name")
    ordering = ("-id",)
    raw_id_fields = ("refund", "line_item", "location")
    readonly_fields = (
        "subtotal",
        "total_tax",
        "subtotal_set",
        "total_tax_set",
        *SHOPIFY_FIELDS,
        *TIMESTAMP_FIELDS,
    )


# --- Abandoned checkouts ------------------------------------------------------------------


class AbandonedCheckoutLineItemInline(RowInline):
    model = AbandonedCheckoutLineItem
    fields = ("title", "variant_title", "sku", "quantity", "price", "variant", "product")
    readonly_fields = ("price",)
    raw_id_fields = ("variant", "product")
    joined = ("variant", "product")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the buyer's cart, recorded as it was


@admin.register(AbandonedCheckout)
class AbandonedCheckoutAdmin(StockroomModelAdmin):
    list_display = (
        "__str__",
        "email",
        "customer",
        "total_price",
        "currency",
        "completed_at",
        "created_at",
    )
    list_select_related = ("customer",)
    list_filter = ("completed_at", "created_at")
    search_fields = ("name", "token", "email", "phone")
    ordering = ("-created_at", "-id")
    raw_id_fields = ("customer", "user", "location")
    readonly_fields = (
        "total_price",
        "subtotal_price",
        "total_tax",
        "total_discounts",
        "total_line_items_price",
        "total_duties",
        "total_weight",
        *SHOPIFY_FIELDS,
        *TIMESTAMP_FIELDS,
        "deleted_at",
    )
    inlines = (AbandonedCheckoutLineItemInline,)


@admin.register(AbandonedCheckoutLineItem)
class AbandonedCheckoutLineItemAdmin(StockroomModelAdmin):
    list_display = ("title", "variant_title", "sku", "checkout", "quantity", "price")
    list_select_related = ("checkout",)
    search_fields = ("sku", "title", "checkout__email")
    ordering = ("-id",)
    raw_id_fields = ("checkout", "variant", "product")
    readonly_fields = TIMESTAMP_FIELDS
