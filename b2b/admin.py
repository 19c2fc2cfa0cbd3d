"""Back office for B2B: companies with their locations and contacts, and payment terms.

Inline rows cost no query each: raw-id inputs skip their label lookup and the row's customer is
fetched with the rows (see RowInline).
"""

from __future__ import annotations

from django.contrib import admin

from core.admin_base import RowInline, StockroomModelAdmin

from .models import Company, CompanyContact, CompanyLocation, PaymentTerms

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")


class CompanyLocationInline(RowInline):
    model = CompanyLocation
    fields = ("name", "external_id", "phone", "tax_registration_id", "payment_terms")
    raw_id_fields = ("payment_terms",)


class CompanyContactInline(RowInline):
    model = CompanyContact
    fields = ("customer", "customer_name", "title", "role", "is_main_contact")
    readonly_fields = ("customer_name",)
    raw_id_fields = ("customer",)
    joined = ("customer",)

    @admin.display(description="name")
    def customer_name(self, contact: CompanyContact) -> str:
        return str(contact.customer) if contact.customer_id else ""


@admin.register(Company)
class CompanyAdmin(StockroomModelAdmin):
    list_display = (
        "name",
        "tax_id",
        "external_id",
        "credit_limit",
        "currency",
        "payment_terms",
        "customer_since",
        "created_at",
    )
    list_select_related = ("payment_terms",)
    list_filter = ("customer_since", "created_at")
    search_fields = ("name", "tax_id", "external_id")
    ordering = ("name",)
    raw_id_fields = ("payment_terms", "main_contact")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at")
    inlines = (CompanyLocationInline, CompanyContactInline)


@admin.register(CompanyLocation)
class CompanyLocationAdmin(StockroomModelAdmin):
    list_display = ("name", "company", "external_id", "payment_terms", "created_at")
    list_select_related = ("company", "payment_terms")
    search_fields = ("name", "external_id", "company__name")
    ordering = ("name", "id")
    raw_id_fields = ("company", "payment_terms")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)


@admin.register(CompanyContact)
class CompanyContactAdmin(StockroomModelAdmin):
    list_display = ("customer", "company", "title", "role", "is_main_contact")
    list_select_related = ("customer", "company")
    list_filter = ("role", "is_main_contact")
    search_fields = ("customer__email", "customer__last_name", "company__name", "title")
    ordering = ("-id",)
    raw_id_fields = ("company", "customer", "locations")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)


@admin.register(PaymentTerms)
class PaymentTermsAdmin(StockroomModelAdmin):
    list_display = (
        "name",
        "company",
        "payment_terms_type",
        "net_days",
        "discount_percentage",
        "credit_limit",
        "currency",
        "payment_due_date",
    )
    list_select_related = ("company",)
    list_filter = ("payment_terms_type", "payment_due_date")
    search_fields = ("name", "company__name")
    ordering = ("-id",)
    raw_id_fields = ("company",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at")
