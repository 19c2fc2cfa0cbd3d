"""Back office for customers, their addresses, segments and tags.

Customer lists stay fast at 10,000,000 rows: ordering and filters hit indexes, estimated counts
(StockroomModelAdmin), no date_hierarchy; inlines hold no foreign key but the parent.
"""

from __future__ import annotations

from django.contrib import admin

from core.admin_base import StockroomInline, StockroomModelAdmin

from .models import Customer, CustomerAddress, CustomerGroup, CustomerGroupMembership, CustomerTag

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


class CustomerAddressInline(StockroomInline):
    model = CustomerAddress
    fields = (
        "is_default",
        "name",
        "company",
        "address1",
        "address2",
        "city",
        "province_code",
        "zip",
        "country_code",
        "phone",
    )


class CustomerTagInline(StockroomInline):
    model = CustomerTag
    fields = ("tag",)


@admin.register(Customer)
class CustomerAdmin(StockroomModelAdmin):
    list_display = (
        "__str__",
        "email",
        "phone",
        "state",
        "orders_count",
        "total_spent",
        "currency",
        "accepts_marketing",
        "created_at",
    )
    list_filter = ("state", "accepts_marketing", "created_at")
    search_fields = ("email", "phone", "first_name", "last_name")
    search_help_text = "Email, phone, first or last name."
    ordering = ("-created_at",)
    raw_id_fields = ("default_address",)
    # Order statistics come from the order services (or Shopify), never typed in.
    readonly_fields = (
        "orders_count",
        "total_spent",
        "last_order",
        "last_order_name",
        *SHOPIFY_FIELDS,
        *TIMESTAMP_FIELDS,
        "deleted_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("first_name", "last_name"),
                    ("email", "verified_email"),
                    "phone",
                    ("state", "currency"),
                    "default_address",
                    "multipass_identifier",
                    "note",
                    "tags",
                )
            },
        ),
        (
            "Marketing",
            {
                "fields": (
                    ("accepts_marketing", "accepts_marketing_updated_at"),
                    "marketing_opt_in_level",
                    "email_marketing_consent",
                    "sms_marketing_consent",
                )
            },
        ),
        ("Tax", {"fields": ("tax_exempt", "tax_exemptions")}),
        (
            "Orders",
            {"fields": (("orders_count", "total_spent"), ("last_order", "last_order_name"))},
        ),
        (
            "Record",
            {
                "classes": ("collapse",),
                "fields": (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at"),
            },
        ),
    )
    inlines = (CustomerAddressInline, CustomerTagInline)


@admin.register(CustomerAddress)
class CustomerAddressAdmin(StockroomModelAdmin):
    list_display = ("__str__", "customer", "city", "province", "country_code", "is_default")
    list_select_related = ("customer",)
    list_filter = ("is_default",)
    search_fields = ("address1", "city", "zip", "customer__email")
    ordering = ("-id",)
    raw_id_fields = ("customer",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)


@admin.register(CustomerGroup)
class CustomerGroupAdmin(StockroomModelAdmin):
    list_display = ("name", "query", "created_at", "updated_at")
    list_filter = ("created_at",)
    search_fields = ("name",)
    ordering = ("name",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at")


@admin.register(CustomerGroupMembership)
class CustomerGroupMembershipAdmin(StockroomModelAdmin):
    list_display = ("group", "customer", "created_at")
    list_select_related = ("group", "customer")
    search_fields = ("group__name", "customer__email")
    ordering = ("-id",)
    autocomplete_fields = ("group",)
    raw_id_fields = ("customer",)
    readonly_fields = TIMESTAMP_FIELDS


@admin.register(CustomerTag)
class CustomerTagAdmin(StockroomModelAdmin):
    list_display = ("tag", "customer")
    list_select_related = ("customer",)
    search_fields = ("tag", "customer__email")
    ordering = ("tag", "id")
    raw_id_fields = ("customer",)
