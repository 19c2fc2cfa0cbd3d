"""Back office for the catalog: products and their variants, options, images and tags;
collections (custom and smart); metafields and their definitions; selling plans.

A product may have 2,048 variants and a collection thousands of products: their inlines are
read-only lists of the first rows (by position) with a change link each, and a link to the full,
filterable list; variants and memberships are edited on their own pages. Inlines show no foreign
key but their parent (or a read-only one that is select_related), so no page runs N+1 queries.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.admin_base import FullyValidatedModelForm, StockroomInline, StockroomModelAdmin

from .models import (
    Collection,
    CollectionProduct,
    Metafield,
    MetafieldDefinition,
    OptionValue,
    Product,
    ProductImage,
    ProductOption,
    ProductTag,
    ProductVariant,
    SellingPlan,
    SellingPlanGroup,
    SmartCollection,
)

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
TIMESTAMP_FIELDS = ("created_at", "updated_at")
RECORD_FIELDSET: Any = (
    "Record",
    {"classes": ("collapse",), "fields": (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)},
)
SOFT_DELETE_RECORD_FIELDSET: Any = (
    "Record",
    {"classes": ("collapse",), "fields": (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at")},
)
URL_FIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}
INLINE_ROW_LIMIT = 100


def _changelist_link(model: type[models.Model], text: str, **filters: Any) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, text)


class CatalogModelAdmin(StockroomModelAdmin):
    """Model forms check every constraint; computed read-only fields stay shown on mirrored
    rows (whose read-only fields the base replaces by the model's fields)."""

    form = FullyValidatedModelForm
    formfield_overrides = URL_FIELD_OVERRIDES
    computed_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + tuple(name for name in self.computed_fields if name not in readonly)


class FirstRowsInlineFormSet(BaseInlineFormSet):
    """Holds the first INLINE_ROW_LIMIT rows of the parent's (ordered) rows."""

    def get_queryset(self) -> QuerySet[Any]:
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset()[:INLINE_ROW_LIMIT]
        return self._queryset


class ReadOnlyListInline(StockroomInline):
    """A view-only list of the first rows with a change link each; edits happen on the rows'
    own admin pages."""

    formset = FirstRowsInlineFormSet
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Products ---------------------------------------------------------------------------------


class ProductOptionInline(StockroomInline):
    model = ProductOption
    form = FullyValidatedModelForm
    fields = ("position", "name", "values")
    ordering = ("position",)
    max_num = 3


class ProductVariantInline(ReadOnlyListInline):
    model = ProductVariant
    fields = ("position", "title", "sku", "price")
    ordering = ("position", "id")
    verbose_name_plural = f"variants (the first {INLINE_ROW_LIMIT})"


class ProductImageInline(StockroomInline):
    model = ProductImage
    form = FullyValidatedModelForm
    formfield_overrides = URL_FIELD_OVERRIDES
    fields = ("position", "src", "alt", "width", "height")
    ordering = ("position", "id")


class ProductTagInline(StockroomInline):
    model = ProductTag
    form = FullyValidatedModelForm
    fields = ("tag",)
    ordering = ("tag",)


@admin.register(Product)
class ProductAdmin(CatalogModelAdmin):
    list_display = (
        "title",
        "handle",
        "vendor",
        "product_type",
        "status",
        "published_at",
        "created_at",
    )
    list_filter = ("status", "published_at", "created_at")
    search_fields = ("title", "handle", "vendor", "tags")
    search_help_text = "Title, handle, vendor or tag."
    ordering = ("-created_at",)
    computed_fields = ("variants_summary",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at", "variants_summary")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "handle",
                    "body_html",
                    ("vendor", "product_type"),
                    "status",
                    "tags",
                    "variants_summary",
                )
            },
        ),
        (
            "Publishing",
            {"fields": (("published_at", "published_scope"), "template_suffix")},
        ),
        ("Search engines", {"fields": ("seo_title", "seo_description")}),
        SOFT_DELETE_RECORD_FIELDSET,
    )
    inlines = (ProductOptionInline, ProductVariantInline, ProductImageInline, ProductTagInline)

    @admin.display(description="variants")
    def variants_summary(self, obj: Product) -> str:
        if obj.pk is None:
            return "Add variants once the product is saved."
        count = obj.variants.count()
        return _changelist_link(
            ProductVariant, f"All {count} variant(s)", product__id__exact=obj.pk
        )


@admin.register(ProductVariant)
class ProductVariantAdmin(CatalogModelAdmin):
    list_display = (
        "__str__",
        "product",
        "sku",
        "barcode",
        "price",
        "currency",
        "position",
        "inventory_quantity",
        "updated_at",
    )
    list_select_related = ("product",)
    list_filter = ("inventory_policy", "created_at")
    search_fields = ("sku", "barcode", "title", "product__title")
    search_help_text = "SKU, barcode, variant title or product title."
    ordering = ("product", "position")
    autocomplete_fields = ("product",)
    raw_id_fields = ("image", "inventory_item")
    # Shopify's deprecated stock totals: mirrored, never typed in.
    readonly_fields = (
        "inventory_quantity",
        "old_inventory_quantity",
        *SHOPIFY_FIELDS,
        *TIMESTAMP_FIELDS,
        "deleted_at",
    )
    fieldsets = (
        (None, {"fields": ("product", "title", "position", ("option1", "option2", "option3"))}),
        ("Pricing", {"fields": (("price", "compare_at_price", "currency"), "taxable")}),
        (
            "Inventory",
            {
                "fields": (
                    ("sku", "barcode"),
                    "inventory_item",
                    ("inventory_policy", "inventory_management"),
                    ("inventory_quantity", "old_inventory_quantity"),
                )
            },
        ),
        (
            "Shipping",
            {
                "fields": (
                    "requires_shipping",
                    ("weight", "weight_unit", "grams"),
                    "fulfillment_service",
                )
            },
        ),
        ("Media", {"fields": ("image",)}),
        SOFT_DELETE_RECORD_FIELDSET,
    )


class OptionValueInline(StockroomInline):
    model = OptionValue
    form = FullyValidatedModelForm
    fields = ("position", "value")
    ordering = ("position", "id")


@admin.register(ProductOption)
class ProductOptionAdmin(CatalogModelAdmin):
    list_display = ("name", "product", "position")
    list_select_related = ("product",)
    search_fields = ("name", "product__title")
    ordering = ("product", "position")
    autocomplete_fields = ("product",)
    readonly_fields = SHOPIFY_FIELDS
    fields = ("product", "name", "position", "values", *SHOPIFY_FIELDS)
    inlines = (OptionValueInline,)


@admin.register(OptionValue)
class OptionValueAdmin(CatalogModelAdmin):
    list_display = ("value", "option", "position")
    list_select_related = ("option",)
    search_fields = ("value", "option__name")
    ordering = ("option", "position")
    raw_id_fields = ("option",)
    readonly_fields = SHOPIFY_FIELDS


@admin.register(ProductImage)
class ProductImageAdmin(CatalogModelAdmin):
    list_display = ("__str__", "product", "position", "width", "height", "created_at")
    list_select_related = ("product",)
    search_fields = ("alt", "src", "product__title")
    ordering = ("product", "position")
    autocomplete_fields = ("product", "variants")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "product",
                    "position",
                    "src",
                    "alt",
                    ("width", "height"),
                    "variants",
                    "variant_ids",
                )
            },
        ),
        RECORD_FIELDSET,
    )


@admin.register(ProductTag)
class ProductTagAdmin(CatalogModelAdmin):
    list_display = ("tag", "product")
    list_select_related = ("product",)
    search_fields = ("tag",)
    ordering = ("tag",)
    autocomplete_fields = ("product",)


# --- Collections ------------------------------------------------------------------------------


class CollectionProductInline(ReadOnlyListInline):
    model = CollectionProduct
    fields = ("position", "product")
    ordering = ("position", "id")
    verbose_name_plural = f"products (the first {INLINE_ROW_LIMIT})"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("product")


class CollectionAdminBase(CatalogModelAdmin):
    """What the collection and smart collection pages share."""

    search_fields = ("title", "handle")
    ordering = ("-updated_at",)
    computed_fields = ("products_summary",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at", "products_summary")
    inlines = (CollectionProductInline,)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        main: tuple[str, ...] = ("title", "handle", "body_html", "sort_order", "products_summary")
        if self.model is Collection:  # SmartCollectionAdmin's collections are all smart
            main = ("collection_type", *main)
        return (
            (None, {"fields": main}),
            ("Rules (smart collections)", {"fields": ("rules", "disjunctive")}),
            (
                "Publishing",
                {"fields": (("published_at", "published_scope"), "template_suffix", "image")},
            ),
            ("Search engines", {"fields": ("seo_title", "seo_description")}),
            SOFT_DELETE_RECORD_FIELDSET,
        )

    @admin.display(description="products")
    def products_summary(self, obj: Collection) -> str:
        if obj.pk is None:
            return "Add products once the collection is saved."
        count = obj.collection_products.count()
        return _changelist_link(
            CollectionProduct, f"All {count} product(s)", collection__id__exact=obj.pk
        )


@admin.register(Collection)
class CollectionAdmin(CollectionAdminBase):
    list_display = (
        "title",
        "handle",
        "collection_type",
        "sort_order",
        "published_at",
        "updated_at",
    )
    list_filter = ("collection_type", "sort_order", "published_at", "updated_at")


@admin.register(SmartCollection)
class SmartCollectionAdmin(CollectionAdminBase):
    """Smart collections only; a collection added here is smart (SmartCollection's default)."""

    list_display = (
        "title",
        "handle",
        "rule_count",
        "disjunctive",
        "sort_order",
        "published_at",
        "updated_at",
    )
    list_filter = ("sort_order", "published_at", "updated_at")

    @admin.display(description="rules")
    def rule_count(self, obj: SmartCollection) -> int:
        return len(obj.rules) if isinstance(obj.rules, list) else 0


@admin.register(CollectionProduct)
class CollectionProductAdmin(CatalogModelAdmin):
    list_display = ("product", "collection", "position", "created_at")
    list_select_related = ("product", "collection")
    search_fields = ("product__title", "collection__title")
    ordering = ("collection", "position")
    autocomplete_fields = ("collection", "product")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)


# --- Metafields -------------------------------------------------------------------------------


@admin.register(MetafieldDefinition)
class MetafieldDefinitionAdmin(CatalogModelAdmin):
    list_display = ("name", "owner_type", "namespace", "key", "type", "updated_at")
    list_filter = ("owner_type",)
    search_fields = ("name", "namespace", "key")
    ordering = ("owner_type", "namespace", "key")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    fieldsets = (
        (None, {"fields": ("owner_type", ("namespace", "key"), "name", "type", "description")}),
        ("Schema", {"fields": ("validations", "access", "capabilities")}),
        RECORD_FIELDSET,
    )


@admin.register(Metafield)
class MetafieldAdmin(CatalogModelAdmin):
    list_display = (
        "__str__",
        "owner_resource",
        "owner_id",
        "type",
        "definition",
        "updated_at",
    )
    list_select_related = ("definition",)
    list_filter = ("owner_resource",)
    search_fields = ("namespace", "key")
    search_help_text = "Namespace or key. Filter by owner with ?owner_id=…"
    ordering = ("owner_resource", "owner_id", "namespace", "key")
    autocomplete_fields = ("definition",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("owner_resource", "owner_id"),
                    ("namespace", "key"),
                    "type",
                    "value",
                    "description",
                    "definition",
                )
            },
        ),
        RECORD_FIELDSET,
    )


# --- Selling plans ----------------------------------------------------------------------------


class SellingPlanInline(StockroomInline):
    model = SellingPlan
    form = FullyValidatedModelForm
    fields = ("position", "name", "status", "billing_policy", "delivery_policy")
    ordering = ("position", "id")


@admin.register(SellingPlanGroup)
class SellingPlanGroupAdmin(CatalogModelAdmin):
    list_display = ("name", "merchant_code", "summary", "created_at")
    list_filter = ("created_at",)
    search_fields = ("name", "merchant_code")
    ordering = ("name",)
    autocomplete_fields = ("products", "variants")
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS, "deleted_at")
    fieldsets = (
        (None, {"fields": ("name", "merchant_code", "description", "summary", "options")}),
        ("Applies to", {"fields": ("products", "variants")}),
        SOFT_DELETE_RECORD_FIELDSET,
    )
    inlines = (SellingPlanInline,)


@admin.register(SellingPlan)
class SellingPlanAdmin(CatalogModelAdmin):
    list_display = ("name", "group", "status", "position", "created_at")
    list_select_related = ("group",)
    list_filter = ("status", "created_at")
    search_fields = ("name", "group__name")
    ordering = ("-created_at",)
    autocomplete_fields = ("group",)
    readonly_fields = (*SHOPIFY_FIELDS, *TIMESTAMP_FIELDS)
    fieldsets = (
        (None, {"fields": ("group", "name", "description", "status", "position", "options")}),
        (
            "Policies",
            {"fields": ("billing_policy", "delivery_policy", "pricing_policy", "inventory_policy")},
        ),
        RECORD_FIELDSET,
    )
