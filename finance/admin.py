"""Back office for transactions, payments, gift cards and discount codes.

Transactions and payments are big tables: filters on indexed enums and dates, exact-match
search, orders and users as raw ids, no date_hierarchy.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.admin_base import StockroomModelAdmin

from .models import DiscountCode, GiftCard, Payment, Transaction, gift_card_code_digest

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


@admin.register(Transaction)
class TransactionAdmin(StockroomModelAdmin):
    list_display = (
        "id",
        "order",
        "kind",
        "status",
        "amount",
        "currency",
        "gateway",
        "test",
        "created_at",
    )
    list_select_related = ("order",)
    list_filter = ("kind", "status", "test", "created_at")
    search_fields = ("=authorization", "=gateway")
    raw_id_fields = ("order", "refund", "payment", "parent", "user")
    autocomplete_fields = ("location",)
    ordering = ("-created_at",)
    readonly_fields = (*TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)


@admin.register(Payment)
class PaymentAdmin(StockroomModelAdmin):
    list_display = (
        "id",
        "order",
        "amount",
        "currency",
        "gateway",
        "status",
        "refunded_amount",
        "processed_at",
        "created_at",
    )
    list_select_related = ("order",)
    list_filter = ("status", "created_at")
    search_fields = ("=reference", "=authorization_code", "=gateway")
    raw_id_fields = ("order",)
    ordering = ("-created_at",)
    readonly_fields = ("refunded_amount", *TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)


class GiftCardAdminForm(forms.ModelForm):
    """Issuing a card: the code is typed once and only its digest and last four characters are
    stored; it is never shown again."""

    code = forms.CharField(
        required=False,
        max_length=40,
        help_text="8-20 letters or digits (spaces and dashes ignored). Stored as a digest only.",
    )

    class Meta:
        model = GiftCard
        fields = (
            "balance",
            "initial_value",
            "currency",
            "status",
            "expires_on",
            "disabled_at",
            "customer",
            "order",
            "user",
            "note",
            "template_suffix",
        )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data.get("code") or "")
        if self.instance.pk is not None:
            return ""
        if not re.fullmatch(r"[A-Za-z0-9]{8,20}", code):
            raise forms.ValidationError("Use 8 to 20 letters or digits.")
        if GiftCard.all_objects.filter(code_digest=gift_card_code_digest(code)).exists():
            raise forms.ValidationError("This code is already in use.")
        return code

    def save(self, commit: bool = True) -> Any:
        code = self.cleaned_data.get("code")
        if code:
            self.instance.set_code(code)
        return super().save(commit=commit)


@admin.register(GiftCard)
class GiftCardAdmin(StockroomModelAdmin):
    """Shows the last four characters only; the code itself is never stored."""

    form = GiftCardAdminForm
    list_display = (
        "masked_code",
        "balance",
        "initial_value",
        "currency",
        "status",
        "expires_on",
        "customer",
        "created_at",
    )
    list_select_related = ("customer",)
    list_filter = ("status", "expires_on", "created_at")
    search_fields = ("=last_characters",)
    raw_id_fields = ("customer", "order", "user")
    ordering = ("-created_at",)
    # Money moves on a card through the services (redemptions, top-ups), never by typing.
    readonly_fields = (
        "masked_code",
        "initial_value",
        "balance",
        *TIMESTAMP_FIELDS,
        *SHOPIFY_FIELDS,
    )
    typed_once = ("masked_code", "initial_value", "balance")
    never_shown = ("code_digest", "last_characters")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)
        if obj is None:  # issuing: the code, initial value and balance are typed once
            return [name for name in readonly if name not in self.typed_once]
        hidden = ("masked_code", *self.never_shown)
        return ["masked_code", *(name for name in readonly if name not in hidden)]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [name for name in super().get_fields(request, obj) if name != "code"]
        return ["code", *fields] if obj is None else fields

    @admin.display(description="code", ordering="last_characters")
    def masked_code(self, obj: GiftCard) -> str:
        return f"•••• {obj.last_characters}"


@admin.register(DiscountCode)
class DiscountCodeAdmin(StockroomModelAdmin):
    list_display = (
        "code",
        "title",
        "type",
        "value",
        "status",
        "used_count",
        "usage_limit",
        "starts_at",
        "ends_at",
    )
    list_filter = ("type", "status", "once_per_customer", "starts_at", "ends_at")
    search_fields = ("code", "title")
    ordering = ("-created_at",)
    readonly_fields = ("used_count", *TIMESTAMP_FIELDS, *SHOPIFY_FIELDS)
