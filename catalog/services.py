"""Writes of the catalog: products with their options, values, variants and tags.

Rules (the seed + Shopify): unique handle (generated from the title when absent), at most 3
options, option values unique within an option, variant option values must exist in the
options, at most 2,048 variants, SKU unique among local variants, prices >= 0, compare-at >=
price when set, weight > 0 for local variants. Mirrored products are refused (SHOPIFY_MANAGED).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, soft_delete
from inventory.services import inventory_item_create_for_variant

from .models import OptionValue, Product, ProductOption, ProductTag, ProductVariant

MAX_OPTIONS = 3
MAX_VARIANTS = 2048
PRODUCT_FIELDS = (
    "title",
    "body_html",
    "vendor",
    "product_type",
    "handle",
    "status",
    "published_at",
    "published_scope",
    "template_suffix",
    "seo_title",
    "seo_description",
)
VARIANT_FIELDS = (
    "title",
    "price",
    "compare_at_price",
    "sku",
    "barcode",
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
    "fulfillment_service",
)


def _error(field: str, message: str) -> ServiceError:
    return ServiceError("Invalid input data", details=[{"field": field, "message": message}])


def _refuse_mirrored(product: Product) -> None:
    if product.shopify_id is not None:
        raise ShopifyManaged("This product is managed by Shopify; change it there.")


def _unique_handle(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:240] or "product"
    handle, n = base, 1
    taken = Product.objects.exclude(pk=exclude_pk)
    while taken.filter(handle=handle).exists():
        n += 1
        handle = f"{base}-{n}"
    return handle


def _normalised_tags(tags: str | list[str] | None) -> list[str]:
    items = tags.split(",") if isinstance(tags, str) else (tags or [])
    seen: dict[str, str] = {}
    for tag in (t.strip() for t in items):
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return list(seen.values())


def _check_options(options: list[dict[str, Any]]) -> None:
    if len(options) > MAX_OPTIONS:
        raise _error("options", f"A product has at most {MAX_OPTIONS} options.")
    names = [o["name"].strip().lower() for o in options]
    if len(set(names)) != len(names):
        raise _error("options", "Option names must be unique.")
    for i, option in enumerate(options):
        values = option.get("values", [])
        if len({v.strip() for v in values}) != len(values):
            raise _error(f"options.{i}.values", "Option values must be unique.")


def _check_variant(index: int, variant: dict[str, Any], options: list[dict[str, Any]]) -> None:
    field = f"variants.{index}"
    price, compare_at = variant.get("price"), variant.get("compare_at_price")
    if price is not None and compare_at is not None and compare_at < price:
        raise _error(f"{field}.compareAtPrice", "Must be at least the price.")
    for position, option in enumerate(options, start=1):
        value = variant.get(f"option{position}") or ""
        if value not in option.get("values", []):
            raise _error(
                f"{field}.option{position}",
                f"'{value}' is not a value of option '{option['name']}'.",
            )
    for position in range(len(options) + 1, MAX_OPTIONS + 1):
        if variant.get(f"option{position}"):
            raise _error(f"{field}.option{position}", "The product has no such option.")


def _check_skus(skus: list[str], *, exclude_product: int | None = None) -> None:
    skus = [s for s in skus if s]
    if len(set(skus)) != len(skus):
        raise _error("variants", "SKUs must be unique.")
    clash = (
        ProductVariant.objects.filter(sku__in=skus, shopify_id__isnull=True)
        .exclude(product_id=exclude_product)
        .values_list("sku", flat=True)
        .first()
    )
    if clash:
        raise Conflict(
            "SKU already in use.",
            details=[{"field": "variants.sku", "message": f"{clash} is taken."}],
        )


def _default_variant_title(variant: dict[str, Any]) -> str:
    parts = [variant.get(f"option{i}") for i in (1, 2, 3)]
    return " / ".join(p for p in parts if p) or "Default Title"


@transaction.atomic
def product_create(*, data: dict[str, Any], actor: Any = None) -> Product:
    options = data.get("options") or []
    variants = data.get("variants") or [{}]
    if not options:
        options = [{"name": "Title", "values": ["Default Title"]}]
        variants = [{**v, "option1": v.get("option1") or "Default Title"} for v in variants]
    _check_options(options)
    if len(variants) > MAX_VARIANTS:
        raise _error("variants", f"A product has at most {MAX_VARIANTS} variants.")
    for i, variant in enumerate(variants):
        _check_variant(i, variant, options)
    _check_skus([v.get("sku") or "" for v in variants])
    fields = {k: data[k] for k in PRODUCT_FIELDS if k in data and data[k] is not None}
    if fields.get("handle") and Product.objects.filter(handle=fields["handle"]).exists():
        raise Conflict(
            "Handle already in use.", details=[{"field": "handle", "message": "Must be unique."}]
        )
    fields.setdefault("handle", _unique_handle(fields.get("title", "")))
    tags = _normalised_tags(data.get("tags"))
    try:
        with transaction.atomic():
            product = Product.objects.create(**fields, tags=", ".join(tags))
    except IntegrityError as exc:
        raise Conflict(
            "Handle already in use.", details=[{"field": "handle", "message": str(exc)[:200]}]
        ) from exc
    ProductTag.objects.bulk_create(ProductTag(product=product, tag=t) for t in tags)
    _write_options(product, options)
    for position, variant in enumerate(variants, start=1):
        _variant_insert(product, variant, position)
    event_record(subject=product, verb="create", actor=actor)
    return product


def _write_options(product: Product, options: list[dict[str, Any]]) -> None:
    for position, option in enumerate(options, start=1):
        row = ProductOption.objects.create(
            product=product,
            name=option["name"].strip(),
            position=position,
            values=list(option["values"]),
        )
        OptionValue.objects.bulk_create(
            OptionValue(option=row, value=value, position=n)
            for n, value in enumerate(option["values"], start=1)
        )


def _variant_insert(product: Product, data: dict[str, Any], position: int) -> ProductVariant:
    fields = {k: data[k] for k in VARIANT_FIELDS if k in data and data[k] is not None}
    fields.setdefault("title", _default_variant_title(data))
    fields.setdefault("weight", Decimal(fields.get("grams") or 0) / 1000 or Decimal("0.001"))
    quantity = int(data.get("inventory_quantity") or 0)
    item = inventory_item_create_for_variant(
        sku=fields.get("sku", ""),
        quantity=quantity,
        requires_shipping=fields.get("requires_shipping", True),
    )
    try:
        with transaction.atomic():
            return ProductVariant.objects.create(
                product=product,
                position=position,
                inventory_item=item,
                inventory_quantity=quantity,
                old_inventory_quantity=quantity,
                **fields,
            )
    except IntegrityError as exc:
        raise Conflict(
            "The variant conflicts with another one (SKU or option values).",
            details=[{"field": "variants", "message": str(exc).splitlines()[0]}],
        ) from exc


@transaction.atomic
def product_update(*, product: Product, data: dict[str, Any], actor: Any = None) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    _refuse_mirrored(product)
    fields = {k: data[k] for k in PRODUCT_FIELDS if k in data}
    if "handle" in fields and not fields["handle"]:
        fields["handle"] = _unique_handle(
            fields.get("title") or product.title, exclude_pk=product.pk
        )
    if (
        fields.get("handle")
        and Product.objects.exclude(pk=product.pk).filter(handle=fields["handle"]).exists()
    ):
        raise Conflict(
            "Handle already in use.", details=[{"field": "handle", "message": "Must be unique."}]
        )
    for key, value in fields.items():
        setattr(product, key, value)
    if "tags" in data:
        tags = _normalised_tags(data["tags"])
        product.tags = ", ".join(tags)
        ProductTag.objects.filter(product=product).delete()
        ProductTag.objects.bulk_create(ProductTag(product=product, tag=t) for t in tags)
    product.save()
    event_record(subject=product, verb="update", actor=actor)
    return product


@transaction.atomic
def product_delete(*, product: Product, actor: Any = None) -> None:
    _refuse_mirrored(product)
    soft_delete(instance=product)
    ProductVariant.objects.filter(product=product).soft_delete()
    event_record(subject=product, verb="destroy", actor=actor)


def _options_of(product: Product) -> list[dict[str, Any]]:
    return [
        {"name": o.name, "values": list(o.values)} for o in product.options.order_by("position")
    ]


@transaction.atomic
def variant_create(*, product: Product, data: dict[str, Any], actor: Any = None) -> ProductVariant:
    product = Product.objects.select_for_update().get(pk=product.pk)
    _refuse_mirrored(product)
    count = product.variants.count()
    if count >= MAX_VARIANTS:
        raise _error("variants", f"A product has at most {MAX_VARIANTS} variants.")
    _check_variant(0, data, _options_of(product))
    _check_skus([data.get("sku") or ""])
    position = (
        product.variants.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    variant = _variant_insert(product, data, position)
    event_record(subject=variant, verb="create", actor=actor)
    return variant


@transaction.atomic
def variant_update(
    *, variant: ProductVariant, data: dict[str, Any], actor: Any = None
) -> ProductVariant:
    variant = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    _refuse_mirrored(variant.product)
    merged = {**{k: getattr(variant, k) for k in VARIANT_FIELDS}, **data}
    _check_variant(0, merged, _options_of(variant.product))
    if data.get("sku") and data["sku"] != variant.sku:
        _check_skus([data["sku"]])
    for key in VARIANT_FIELDS:
        if key in data:
            setattr(variant, key, data[key])
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError as exc:
        raise Conflict(
            "The variant conflicts with another one (SKU or option values).",
            details=[{"field": "", "message": str(exc).splitlines()[0]}],
        ) from exc
    event_record(subject=variant, verb="update", actor=actor)
    return variant


@transaction.atomic
def variant_delete(*, variant: ProductVariant, actor: Any = None) -> None:
    _refuse_mirrored(variant.product)
    if variant.product.variants.count() <= 1:
        raise ServiceError(
            "A product keeps at least one variant.", code="CONFLICT", status_code=409
        )
    soft_delete(instance=variant)
    event_record(subject=variant, verb="destroy", actor=actor)
