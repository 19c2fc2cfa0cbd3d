"""Back office for webhook subscriptions and the inbound delivery log."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from core.admin_base import FullyValidatedModelForm, StockroomModelAdmin, https_url_formfield

from .models import WebhookDelivery, WebhookSubscription

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


class WebhookSubscriptionForm(FullyValidatedModelForm):
    """The signing secret is write-only: never shown, kept when left empty."""

    address = forms.URLField(
        max_length=2048, assume_scheme="https", help_text="Where deliveries are sent (https)."
    )

    secret = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current secret.",
    )

    class Meta:
        model = WebhookSubscription
        fields = (
            "topic",
            "address",
            "format",
            "api_version",
            "is_active",
            "secret",
            "fields",
            "metafield_namespaces",
            "private_metafield_namespaces",
        )
        formfield_callback = https_url_formfield

    def clean_secret(self) -> str:
        return self.cleaned_data.get("secret") or self.instance.secret


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(StockroomModelAdmin):
    form = WebhookSubscriptionForm
    list_display = (
        "topic",
        "address",
        "format",
        "api_version",
        "is_active",
        "shopify_id",
        "created_at",
    )
    list_filter = ("is_active", "format", "topic", "created_at")
    search_fields = ("topic", "address")
    ordering = ("topic",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at")
    fieldsets = (
        (
            None,
            {"fields": ("topic", "address", ("format", "api_version"), "is_active", "secret")},
        ),
        (
            "Payload",
            {"fields": ("fields", "metafield_namespaces", "private_metafield_namespaces")},
        ),
        (
            "Shopify",
            {
                "classes": ("collapse",),
                "fields": (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at"),
            },
        ),
    )

    @admin.display(description="secret")
    def secret_status(self, obj: WebhookSubscription) -> str:
        return "set" if obj.secret else "not set"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not self.is_mirrored(obj):
            return fieldsets
        # Read-only pages show fields' values: the secret is shown as set or not, never itself.
        return [
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        "secret_status" if field == "secret" else field
                        for field in options["fields"]
                    ),
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "secret_status") if self.is_mirrored(obj) else readonly


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(StockroomModelAdmin):
    """The receipt log is written by the webhook endpoint and its task: read-only here."""

    list_display = (
        "received_at",
        "topic",
        "webhook_id",
        "shop_domain",
        "status",
        "hmac_valid",
        "attempts",
        "processed_at",
    )
    list_filter = ("status", "hmac_valid", "received_at")
    search_fields = ("=webhook_id", "=event_id", "topic", "shop_domain")
    ordering = ("-received_at",)
    exclude = ("payload",)
    readonly_fields = ("payload_pretty",)

    @admin.display(description="payload")
    def payload_pretty(self, obj: WebhookDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
