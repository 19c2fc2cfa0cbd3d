"""Back office for the shop's settings and the activity trail."""

from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.http import HttpRequest

from .admin_base import StockroomModelAdmin
from .models import Event, IdempotencyKey, Shop

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


@admin.register(Shop)
class ShopAdmin(StockroomModelAdmin):
    list_display = ("name", "domain", "store_domain", "currency", "country", "plan_display_name")
    search_fields = ("name", "domain", "store_domain", "email")
    ordering = ("domain",)
    raw_id_fields = ("primary_location",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    fieldsets = (
        (
            "Identity",
            {
                "fields": (
                    "name",
                    "email",
                    "phone",
                    "domain",
                    "store_domain",
                    "primary_locale",
                    "iana_timezone",
                    "primary_location",
                )
            },
        ),
        (
            "Address",
            {
                "fields": (
                    "address1",
                    "address2",
                    "city",
                    "zip",
                    "province",
                    "province_code",
                    "country",
                    ("latitude", "longitude"),
                )
            },
        ),
        (
            "Money, taxes and formats",
            {
                "fields": (
                    "currency",
                    "enabled_presentment_currencies",
                    "money_format",
                    "money_with_currency_format",
                    "money_in_emails_format",
                    "money_with_currency_in_emails_format",
                    "weight_unit",
                    ("taxes_included", "tax_shipping", "county_taxes"),
                )
            },
        ),
        (
            "Plan and features",
            {
                "fields": (
                    ("plan_name", "plan_display_name"),
                    ("has_discounts", "has_gift_cards"),
                    ("has_storefront", "password_enabled", "pre_launch_enabled"),
                    ("multi_location_enabled", "checkout_api_supported", "setup_required"),
                    ("eligible_for_payments", "eligible_for_card_reader_giveaway"),
                    "requires_extra_payments_agreement",
                    ("google_apps_domain", "google_apps_login_enabled"),
                )
            },
        ),
        ("Shopify", {"classes": ("collapse",), "fields": (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)}),
    )


@admin.register(Event)
class EventAdmin(StockroomModelAdmin):
    """The activity trail is written by the services only: staff read it, nobody edits it."""

    list_display = (
        "created_at",
        "subject_type",
        "subject_id",
        "verb",
        "author",
        "message",
        "request_id",
        "remote_addr",
    )
    list_filter = ("verb", "subject_type")
    search_fields = ("message", "author", "=request_id")
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(StockroomModelAdmin):
    """Stored first responses of `Idempotency-Key` POSTs (kept 24 hours): read-only."""

    list_display = ("created_at", "credential", "key", "response_status")
    list_filter = ("response_status",)
    search_fields = ("=key", "=credential")
    ordering = ("-created_at",)
    exclude = ("response_body",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# django-auditlog's entries: read-only for everybody (its own admin allows deletes reached
# through cascades; ours never does). The database refuses UPDATE/DELETE as well.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    list_display = [*LogEntryAdmin.list_display, "remote_addr"]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
