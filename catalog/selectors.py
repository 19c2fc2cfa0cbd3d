"""Reads of the catalog, as optimised querysets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from core.querysets import IsoUtc

from .choices import CollectionType
from .models import (
    Collection,
    CollectionProduct,
    Metafield,
    MetafieldDefinition,
    Product,
    ProductOption,
    ProductTag,
    ProductVariant,
    SellingPlan,
    SellingPlanGroup,
)


def _product_search(products: QuerySet[Product], search: str | None) -> QuerySet[Product]:
    """`?q=`: a substring of the title, vendor or tags (pg_trgm GIN indexes on PostgreSQL), or a
    variant's exact SKU (case-insensitive, an expression index). A semi-join, not DISTINCT."""
    if not search:
        return products
    skus = ProductVariant.objects.filter(sku__iexact=search).values("product_id")
    return products.filter(
        Q(title__icontains=search)
        | Q(vendor__icontains=search)
        | Q(tags__icontains=search)
        | Q(pk__in=skus)
    )


def product_list(*, search: str | None = None) -> QuerySet[Product]:
    products = Product.objects.prefetch_related(
        Prefetch("variants", queryset=ProductVariant.objects.order_by("position")),
        Prefetch("options", queryset=ProductOption.objects.order_by("position")),
    )
    return _product_search(products, search)


# --- The hot read path: rows, not model instances --------------------------------------------
#
# The product list and detail are the busiest reads of the API. They are read as `.values()`
# rows (the columns the response shows) and serialised by orjson: no model instances, no
# serializer fields. The queries do not depend on the number of variants: one for the page, one
# aggregate for the variant summaries, one for the options (detail: product, options, variants).

PRODUCT_FIELDS = (
    "id",
    "title",
    "body_html",
    "vendor",
    "product_type",
    "handle",
    "status",
    "tags",
    "published_at",
    "published_scope",
    "template_suffix",
    "seo_title",
    "seo_description",
    "created_at",
    "updated_at",
    "admin_graphql_api_id",
    "shopify_id",
)
VARIANT_FIELDS = (
    "id",
    "title",
    "price",
    "compare_at_price",
    "sku",
    "barcode",
    "position",
    "option1",
    "option2",
    "option3",
    "taxable",
    "requires_shipping",
    "grams",
    "weight",
    "weight_unit",
    "inventory_policy",
    "inventory_management",
    "inventory_quantity",
    "inventory_item",
    "created_at",
    "updated_at",
)
OPTION_FIELDS = ("id", "name", "position", "values")


def product_rows(*, search: str | None = None) -> QuerySet[Product, dict[str, Any]]:
    """The products as rows of PRODUCT_FIELDS (filter, order and paginate them as a queryset)."""
    return _product_search(Product.objects.all(), search).values(*PRODUCT_FIELDS)


def _options_by_product(product_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    options: dict[int, list[dict[str, Any]]] = {pk: [] for pk in product_ids}
    rows = (
        ProductOption.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "position")
        .values("product_id", *OPTION_FIELDS)
    )
    for row in rows:
        options[row.pop("product_id")].append(row)
    return options


def product_rows_with_summaries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each product row with its options and a `variant_summary` (count, lowest and highest
    price, total inventory) — two queries for the whole page."""
    ids = [row["id"] for row in rows]
    options = _options_by_product(ids)
    summaries = {
        summary.pop("product_id"): summary
        for summary in ProductVariant.objects.filter(product_id__in=ids)
        .order_by()
        .values("product_id")
        .annotate(
            count=Count("id"),
            price_min=Min("price"),
            price_max=Max("price"),
            inventory_quantity=Sum("inventory_quantity"),
        )
    }
    empty = {"count": 0, "price_min": None, "price_max": None, "inventory_quantity": 0}
    return [
        {**row, "options": options[row["id"]], "variant_summary": summaries.get(row["id"], empty)}
        for row in rows
    ]


def product_detail_rows(
    *, product_ids: list[int], variant_keys: tuple[str, ...] = VARIANT_FIELDS
) -> list[dict[str, Any]]:
    """Products (in id order) with their options and every variant (by position), in three
    queries whatever their number. The variant rows have `variant_keys` (in VARIANT_FIELDS
    order) as their keys: building them with their final names once is a third of the cost of
    a 2,048-variant product."""
    rows = list(Product.objects.filter(pk__in=product_ids).order_by("id").values(*PRODUCT_FIELDS))
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    columns = [
        IsoUtc(name) if name in ("created_at", "updated_at") and connection.vendor == "postgresql"
        else name
        for name in VARIANT_FIELDS
    ]  # fmt: skip
    variants: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for product_id, *variant in (
        ProductVariant.objects.filter(product_id__in=ids)
        .order_by("product_id", "position", "id")
        .values_list("product_id", *columns)
    ):
        variants[product_id].append(dict(zip(variant_keys, variant, strict=True)))
    options = _options_by_product(ids)
    return [{**row, "variants": variants[row["id"]], "options": options[row["id"]]} for row in rows]


def variant_list(*, product: Product) -> QuerySet[ProductVariant]:
    return ProductVariant.objects.filter(product=product)


def _products_prefetched() -> QuerySet[Product]:
    return product_list()


def collection_list(*, smart: bool, search: str | None = None) -> QuerySet[Collection]:
    kind = CollectionType.SMART if smart else CollectionType.CUSTOM
    collections = Collection.objects.filter(collection_type=kind)
    if search:
        collections = collections.filter(Q(title__icontains=search) | Q(handle__icontains=search))
    return collections


def collection_products(*, collection: Collection) -> QuerySet[Product]:
    """The products of a custom collection, with their `collection_position`."""
    memberships = CollectionProduct.objects.filter(collection=collection)
    position = memberships.filter(product=OuterRef("pk")).values("position")[:1]
    return (
        _products_prefetched()
        .filter(pk__in=memberships.values("product_id"))
        .annotate(collection_position=Subquery(position))
    )


TEXT_COLUMNS = {"title": "title", "type": "product_type", "vendor": "vendor"}
VARIANT_COLUMNS = {
    "variant_price": "price",
    "variant_compare_at_price": "compare_at_price",
    "variant_weight": "weight",
    "variant_inventory": "inventory_quantity",
    "variant_title": "title",
}
LOOKUPS = {
    "equals": "iexact",
    "not_equals": "iexact",
    "starts_with": "istartswith",
    "ends_with": "iendswith",
    "contains": "icontains",
    "not_contains": "icontains",
    "greater_than": "gt",
    "less_than": "lt",
}
NEGATED = frozenset({"not_equals", "not_contains"})
NUMERIC = frozenset({"variant_price", "variant_compare_at_price", "variant_weight"})


def smart_collection_rule_q(rule: dict[str, Any]) -> Q:
    """One rule as a filter on products. Tag and variant rules hold when some tag (variant)
    meets the condition; their negated relations hold when none does."""
    column, relation = rule["column"], rule["relation"]
    negated = relation in NEGATED
    lookup = LOOKUPS[relation]
    condition: Any = rule["condition"]
    if column in NUMERIC:
        condition, lookup = Decimal(condition), "exact" if lookup == "iexact" else lookup
    elif column == "variant_inventory":
        condition, lookup = int(Decimal(condition)), "exact" if lookup == "iexact" else lookup
    if column in TEXT_COLUMNS:
        q = Q(**{f"{TEXT_COLUMNS[column]}__{lookup}": condition})
        return ~q if negated else q
    if column == "tag":
        related: QuerySet[Any] = ProductTag.objects.filter(
            product=OuterRef("pk"), **{f"tag__{lookup}": condition}
        )
    else:
        related = ProductVariant.objects.filter(
            product=OuterRef("pk"), **{f"{VARIANT_COLUMNS[column]}__{lookup}": condition}
        )
    exists = Exists(related)
    return ~Q(exists) if negated else Q(exists)


SMART_ORDERING = {
    "alpha-asc": ("title", "id"),
    "alpha-desc": ("-title", "-id"),
    "created": ("created_at", "id"),
    "created-desc": ("-created_at", "-id"),
}


def smart_collection_products(*, collection: Collection) -> QuerySet[Product]:
    """The local products that meet the collection's rules (all of them, or any when
    `disjunctive`)."""
    rules = [smart_collection_rule_q(rule) for rule in collection.rules or []]
    if not rules:
        return Product.objects.none()
    combined = rules[0]
    for q in rules[1:]:
        combined = combined | q if collection.disjunctive else combined & q
    return _products_prefetched().filter(combined)


def smart_collection_ordering(*, collection: Collection) -> tuple[str, ...]:
    return SMART_ORDERING.get(collection.sort_order, ("-id",))


def metafield_definition_list(*, search: str | None = None) -> QuerySet[MetafieldDefinition]:
    definitions = MetafieldDefinition.objects.all()
    if search:
        definitions = definitions.filter(Q(name__icontains=search) | Q(key__icontains=search))
    return definitions


def metafield_list() -> QuerySet[Metafield]:
    return Metafield.objects.all()


def selling_plan_group_list(*, search: str | None = None) -> QuerySet[SellingPlanGroup]:
    groups = SellingPlanGroup.objects.prefetch_related(
        Prefetch("selling_plans", queryset=SellingPlan.objects.order_by("position", "id")),
        Prefetch("products", queryset=Product.objects.only("id")),
        Prefetch("variants", queryset=ProductVariant.objects.only("id")),
    )
    if search:
        groups = groups.filter(Q(name__icontains=search) | Q(merchant_code__icontains=search))
    return groups


def selling_plan_list(*, group: SellingPlanGroup) -> QuerySet[SellingPlan]:
    return SellingPlan.objects.filter(group=group)
