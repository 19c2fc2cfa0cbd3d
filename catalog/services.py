"""Writes of the catalog: products with their options, values, variants and tags.

Rules (the seed + Shopify): unique handle (generated from the title when absent), at most 3
options, option values unique within an option, variant option values must exist in the
options, at most 2,048 variants, SKU unique among local variants, prices >= 0, compare-at >=
price when set, weight > 0 for local variants. Mirrored products are refused (SHOPIFY_MANAGED).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.text import slugify

from core.bulk import insert_new
from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, events_record, soft_delete
from inventory.services import (
    inventory_item_create_for_variant,
    inventory_items_create_for_variants,
)

from .choices import CollectionType
from .metafield_values import validations_errors, value_errors
from .models import (
    Collection,
    CollectionProduct,
    Metafield,
    MetafieldDefinition,
    OptionValue,
    Product,
    ProductOption,
    ProductTag,
    ProductVariant,
    SellingPlan,
    SellingPlanGroup,
)
from .models.collection import MAX_RULES
from .models.metafield import metafield_type_error

MAX_OPTIONS = 3
ModelT = TypeVar("ModelT", bound=models.Model)
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


# --- Bulk create: products with their variants, variants of one product -----------------------
#
# All or nothing: every item is validated (in memory, plus one query per uniqueness rule) before
# anything is written; then each table gets one COPY (core.bulk.insert_new). Every refusal is a
# 400 whose field paths start with the item's index ("products.3.variants.0.price").

MAX_BULK = 250


def _bulk_error(prefix: str, exc: ServiceError) -> ServiceError:
    details = [
        {**d, "field": f"{prefix}.{d['field']}" if d.get("field") else prefix} for d in exc.details
    ] or [{"field": prefix, "message": exc.message}]
    return ServiceError("Invalid input data", details=details)


def _bulk_handles(items: list[dict[str, Any]]) -> list[str]:
    """The handle of every product: as given (unique in the batch and among live products), or
    generated from the title, unique against both."""
    given = [(i, item["handle"]) for i, item in enumerate(items) if item.get("handle")]
    seen: dict[str, int] = {}
    for i, handle in given:
        if handle in seen:
            raise _error(f"products.{i}.handle", "Another product in the request uses it.")
        seen[handle] = i
    wanted = Counter(
        slugify(item.get("title", ""))[:240] or "product"
        for item in items
        if not item.get("handle")
    )
    live = Product.objects.values_list("handle", flat=True)
    taken = set(live.filter(handle__in=[*seen, *wanted]))
    # Only bases in use (or wanted twice) need their "-2", "-3" … variants looked up.
    suffixed = Q()
    for base in {b for b, count in wanted.items() if count > 1 or b in taken or b in seen}:
        suffixed |= Q(handle__startswith=f"{base}-")
    if suffixed:
        taken |= set(live.filter(suffixed))
    for handle, i in seen.items():
        if handle in taken:
            raise _error(f"products.{i}.handle", "Another product already uses this handle.")
    taken |= set(seen)
    handles = []
    for item in items:
        handle = item.get("handle")
        if not handle:
            base = slugify(item.get("title", ""))[:240] or "product"
            handle, n = base, 1
            while handle in taken:
                n += 1
                handle = f"{base}-{n}"
            taken.add(handle)
        handles.append(handle)
    return handles


def _bulk_check_skus(skus: list[tuple[str, str]], *, exclude_product: int | None = None) -> None:
    """(field path, sku) pairs: unique among themselves and among live local variants."""
    seen: dict[str, str] = {}
    for field, sku in skus:
        if not sku:
            continue
        if sku in seen:
            raise _error(field, f"{sku} is used twice in the request.")
        seen[sku] = field
    clashes = (
        ProductVariant.objects.filter(sku__in=list(seen), shopify_id__isnull=True)
        .exclude(product_id=exclude_product)
        .values_list("sku", flat=True)
    )
    for sku in sorted(clashes, key=lambda s: seen[s]):
        raise _error(seen[sku], f"{sku} is taken.")


def _instances(model: type[ModelT], rows: Iterable[dict[str, Any]]) -> list[ModelT]:
    """Unsaved model instances for bulk_create, built positionally (Django's fast path: about
    a fifth of the cost of keyword arguments); `rows` name columns by attname (product_id)."""
    fields = model._meta.concrete_fields
    template = [field.get_default() for field in fields]
    index = {field.attname: n for n, field in enumerate(fields)}
    instances = []
    for row in rows:
        values = template.copy()
        for name, value in row.items():
            values[index[name]] = value
        instances.append(model(*values))
    return instances


def _variant_row(
    product_id: int, data: dict[str, Any], position: int, item_id: int
) -> dict[str, Any]:
    fields = {k: data[k] for k in VARIANT_FIELDS if k in data and data[k] is not None}
    fields.setdefault("title", _default_variant_title(data))
    fields.setdefault("weight", Decimal(fields.get("grams") or 0) / 1000 or Decimal("0.001"))
    quantity = int(data.get("inventory_quantity") or 0)
    return {
        **fields,
        "product_id": product_id,
        "position": position,
        "inventory_item_id": item_id,
        "inventory_quantity": quantity,
        "old_inventory_quantity": quantity,
    }


def _inventory_specs(variants: list[dict[str, Any]]) -> list[tuple[str, int, bool]]:
    return [
        (
            v.get("sku") or "",
            int(v.get("inventory_quantity") or 0),
            v.get("requires_shipping", True),
        )
        for v in variants
    ]


def _integrity_conflict(exc: IntegrityError) -> Conflict:
    return Conflict(
        "The change conflicts with existing data.",
        details=[{"field": "", "message": str(exc).splitlines()[0]}],
    )


@transaction.atomic
def product_bulk_create(*, items: list[dict[str, Any]], actor: Any = None) -> list[Product]:
    """Create up to 250 products (bodies as for product_create) in one transaction."""
    if not 1 <= len(items) <= MAX_BULK:
        raise _error("products", f"Send 1 to {MAX_BULK} products.")
    plans: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = []
    skus: list[tuple[str, str]] = []
    for i, data in enumerate(items):
        options = data.get("options") or []
        variants = data.get("variants") or [{}]
        if not options:
            options = [{"name": "Title", "values": ["Default Title"]}]
            variants = [{**v, "option1": v.get("option1") or "Default Title"} for v in variants]
        try:
            _check_options(options)
            if len(variants) > MAX_VARIANTS:
                raise _error("variants", f"A product has at most {MAX_VARIANTS} variants.")
            combos: set[tuple[str, ...]] = set()
            for n, variant in enumerate(variants):
                _check_variant(n, variant, options)
                combo = tuple(variant.get(f"option{k}") or "" for k in (1, 2, 3))
                if combo in combos:
                    raise _error(f"variants.{n}", "Another variant has the same option values.")
                combos.add(combo)
        except ServiceError as exc:
            raise _bulk_error(f"products.{i}", exc) from exc
        plans.append((options, variants))
        skus += [
            (f"products.{i}.variants.{n}.sku", v.get("sku") or "") for n, v in enumerate(variants)
        ]
    _bulk_check_skus(skus)
    handles = _bulk_handles(items)
    rows, tag_lists = [], []
    for data, handle in zip(items, handles, strict=True):
        fields = {k: data[k] for k in PRODUCT_FIELDS if k in data and data[k] is not None}
        tags = _normalised_tags(data.get("tags"))
        tag_lists.append(tags)
        rows.append({**fields, "handle": handle, "tags": ", ".join(tags)})
    try:
        with transaction.atomic():
            products = insert_new(Product, _instances(Product, rows))
            insert_new(
                ProductTag,
                _instances(
                    ProductTag,
                    (
                        {"product_id": p.pk, "tag": t}
                        for p, tags in zip(products, tag_lists, strict=True)
                        for t in tags
                    ),
                ),
            )
            option_inputs = [
                (p.pk, o) for p, (options, _) in zip(products, plans, strict=True) for o in options
            ]
            positions: dict[int, int] = {}
            option_rows = []
            for product_id, option in option_inputs:
                positions[product_id] = positions.get(product_id, 0) + 1
                option_rows.append(
                    {
                        "product_id": product_id,
                        "name": option["name"].strip(),
                        "position": positions[product_id],
                        "values": list(option["values"]),
                    }
                )
            saved_options = insert_new(ProductOption, _instances(ProductOption, option_rows))
            insert_new(
                OptionValue,
                _instances(
                    OptionValue,
                    (
                        {"option_id": row.pk, "value": value, "position": n}
                        for row, (_, o) in zip(saved_options, option_inputs, strict=True)
                        for n, value in enumerate(o["values"], start=1)
                    ),
                ),
            )
            all_variants = [
                (p.pk, v) for p, (_, vs) in zip(products, plans, strict=True) for v in vs
            ]
            inventory = inventory_items_create_for_variants(
                specs=_inventory_specs([v for _, v in all_variants])
            )
            positions = {}
            variant_rows = []
            for (product_id, variant), item in zip(all_variants, inventory, strict=True):
                positions[product_id] = positions.get(product_id, 0) + 1
                variant_rows.append(
                    _variant_row(product_id, variant, positions[product_id], item.pk)
                )
            insert_new(ProductVariant, _instances(ProductVariant, variant_rows))
    except IntegrityError as exc:
        raise _integrity_conflict(exc) from exc
    events_record(subjects=products, verb="create", actor=actor, arguments={"bulk": True})
    return products


@transaction.atomic
def variant_bulk_create(
    *, product: Product, items: list[dict[str, Any]], actor: Any = None
) -> list[ProductVariant]:
    """Add up to 250 variants to one product in one transaction."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    _refuse_mirrored(product)
    if not 1 <= len(items) <= MAX_BULK:
        raise _error("variants", f"Send 1 to {MAX_BULK} variants.")
    existing = list(
        product.variants.values_list("position", "option1", "option2", "option3", named=False)
    )
    if len(existing) + len(items) > MAX_VARIANTS:
        raise _error("variants", f"A product has at most {MAX_VARIANTS} variants.")
    options = _options_of(product)
    combos = {tuple(row[1:]) for row in existing}
    for i, variant in enumerate(items):
        _check_variant(i, variant, options)
        combo = tuple(variant.get(f"option{k}") or "" for k in (1, 2, 3))
        if combo in combos:
            raise _error(f"variants.{i}", "Another variant has the same option values.")
        combos.add(combo)
    _bulk_check_skus([(f"variants.{i}.sku", v.get("sku") or "") for i, v in enumerate(items)])
    start = max((row[0] for row in existing), default=0)
    try:
        with transaction.atomic():
            inventory = inventory_items_create_for_variants(specs=_inventory_specs(items))
            variants = insert_new(
                ProductVariant,
                _instances(
                    ProductVariant,
                    (
                        _variant_row(product.pk, data, start + n, item.pk)
                        for n, (data, item) in enumerate(zip(items, inventory, strict=True), 1)
                    ),
                ),
            )
    except IntegrityError as exc:
        raise _integrity_conflict(exc) from exc
    events_record(subjects=variants, verb="create", actor=actor, arguments={"bulk": True})
    return variants


# --- Collections: custom (products added by hand) and smart (products chosen by rules) ---------

COLLECTION_FIELDS = (
    "title",
    "handle",
    "body_html",
    "sort_order",
    "template_suffix",
    "published_at",
    "published_scope",
    "image",
    "seo_title",
    "seo_description",
    "rules",
    "disjunctive",
)
NUMERIC_RULE_COLUMNS = frozenset(
    {"variant_price", "variant_compare_at_price", "variant_weight", "variant_inventory"}
)
TEXT_RULE_COLUMNS = frozenset({"title", "type", "vendor", "tag", "variant_title"})
NUMERIC_RELATIONS = frozenset({"equals", "not_equals", "greater_than", "less_than"})
TEXT_RELATIONS = frozenset(
    {"equals", "not_equals", "starts_with", "ends_with", "contains", "not_contains"}
)


def _refuse_mirrored_collection(collection: Collection) -> None:
    if collection.shopify_id is not None:
        raise ShopifyManaged("This collection is managed by Shopify; change it there.")


def _collection_handle(title: str) -> str:
    base = slugify(title)[:240] or "collection"
    taken = set(
        Collection.objects.filter(Q(handle=base) | Q(handle__startswith=f"{base}-")).values_list(
            "handle", flat=True
        )
    )
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base}-{n}"
    return handle


def _check_rules(rules: list[dict[str, Any]]) -> None:
    """Each rule's relation fits its column; numeric columns compare with numbers."""
    if not rules:
        raise _error("rules", "A smart collection has at least one rule.")
    if len(rules) > MAX_RULES:
        raise _error("rules", f"A smart collection has at most {MAX_RULES} rules.")
    for n, rule in enumerate(rules):
        column, relation = rule["column"], rule["relation"]
        numeric = column in NUMERIC_RULE_COLUMNS
        allowed = NUMERIC_RELATIONS if numeric else TEXT_RELATIONS
        if relation not in allowed:
            kind = "a numeric" if numeric else "a text"
            raise _error(f"rules.{n}.relation", f"{relation} does not apply to {kind} column.")
        if numeric:
            try:
                Decimal(rule["condition"])
            except ArithmeticError as exc:
                raise _error(f"rules.{n}.condition", "Enter a number.") from exc


def _save_collection(collection: Collection) -> Collection:
    try:
        with transaction.atomic():
            collection.save()
    except IntegrityError as exc:
        raise Conflict(
            "Handle already in use.",
            details=[{"field": "handle", "message": "Another collection already uses it."}],
        ) from exc
    return collection


@transaction.atomic
def collection_create(
    *, data: dict[str, Any], smart: bool = False, actor: Any = None
) -> Collection:
    fields = {k: data[k] for k in COLLECTION_FIELDS if k in data and data[k] is not None}
    if smart:
        _check_rules(fields.get("rules") or [])
    else:
        fields.pop("rules", None)
        fields.pop("disjunctive", None)
    if not fields.get("handle"):
        fields["handle"] = _collection_handle(fields.get("title", ""))
    kind = CollectionType.SMART if smart else CollectionType.CUSTOM
    collection = _save_collection(Collection(collection_type=kind, **fields))
    event_record(subject=collection, verb="create", actor=actor)
    return collection


@transaction.atomic
def collection_update(
    *, collection: Collection, data: dict[str, Any], actor: Any = None
) -> Collection:
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    _refuse_mirrored_collection(collection)
    fields = {k: data[k] for k in COLLECTION_FIELDS if k in data}
    if not collection.is_smart:
        fields.pop("rules", None)
        fields.pop("disjunctive", None)
    elif "rules" in fields:
        _check_rules(fields["rules"] or [])
    if "handle" in fields and not fields["handle"]:
        fields["handle"] = _collection_handle(fields.get("title") or collection.title)
    for key, value in fields.items():
        setattr(collection, key, value)
    _save_collection(collection)
    event_record(subject=collection, verb="update", actor=actor)
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection, actor: Any = None) -> None:
    _refuse_mirrored_collection(collection)
    soft_delete(instance=collection)
    event_record(subject=collection, verb="destroy", actor=actor)


@transaction.atomic
def collection_products_add(
    *, collection: Collection, product_ids: list[int], actor: Any = None
) -> None:
    """Add products to a custom collection, after its last one; products already in it stay
    where they are (adding twice changes nothing)."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    _refuse_mirrored_collection(collection)
    if collection.is_smart:
        raise _error("productIds", "A smart collection chooses its products by its rules.")
    wanted = list(dict.fromkeys(product_ids))
    known = set(Product.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    for n, product_id in enumerate(product_ids):
        if product_id not in known:
            raise _error(f"productIds.{n}", f"Product {product_id} does not exist.")
    members = CollectionProduct.objects.filter(collection=collection)
    present = set(members.filter(product_id__in=wanted).values_list("product_id", flat=True))
    new = [pk for pk in wanted if pk not in present]
    last = members.order_by("-position").values_list("position", flat=True).first() or 0
    CollectionProduct.objects.bulk_create(
        CollectionProduct(collection=collection, product_id=pk, position=last + n)
        for n, pk in enumerate(new, start=1)
    )
    if new:
        event_record(
            subject=collection,
            verb="update",
            actor=actor,
            message=f"Collection {collection.pk}: products {new} added",
            arguments={"added_product_ids": new},
        )


@transaction.atomic
def collection_product_remove(
    *, collection: Collection, product_id: int, actor: Any = None
) -> None:
    _refuse_mirrored_collection(collection)
    deleted, _ = CollectionProduct.objects.filter(
        collection=collection, product_id=product_id
    ).delete()
    if not deleted:
        raise Http404("The product is not in this collection.")
    event_record(
        subject=collection,
        verb="update",
        actor=actor,
        message=f"Collection {collection.pk}: product {product_id} removed",
        arguments={"removed_product_id": product_id},
    )


# --- Metafield definitions and metafields ------------------------------------------------------

DEFINITION_FIELDS = ("name", "description", "validations", "access", "capabilities")


def _check_metafield_type(type_name: str) -> None:
    error = metafield_type_error(type_name)
    if error:
        raise _error("type", error)


@transaction.atomic
def metafield_definition_create(*, data: dict[str, Any], actor: Any = None) -> MetafieldDefinition:
    _check_metafield_type(data["type"])
    errors = validations_errors(data["type"], data.get("validations") or [])
    if errors:
        raise ServiceError(
            "Invalid input data", details=[{"field": "validations", "message": e} for e in errors]
        )
    try:
        with transaction.atomic():
            definition = MetafieldDefinition.objects.create(**data)
    except IntegrityError as exc:
        raise Conflict(
            "This owner type already has a definition with this namespace and key.",
            details=[{"field": "key", "message": "Must be unique per owner type and namespace."}],
        ) from exc
    Metafield.objects.filter(
        owner_resource=definition.owner_type,
        namespace=definition.namespace,
        key=definition.key,
        type=definition.type,
        definition__isnull=True,
    ).update(definition=definition)
    event_record(subject=definition, verb="create", actor=actor)
    return definition


@transaction.atomic
def metafield_definition_update(
    *, definition: MetafieldDefinition, data: dict[str, Any], actor: Any = None
) -> MetafieldDefinition:
    definition = MetafieldDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.shopify_id is not None:
        raise ShopifyManaged("This definition is managed by Shopify; change it there.")
    if "validations" in data:
        errors = validations_errors(definition.type, data["validations"] or [])
        if errors:
            raise ServiceError(
                "Invalid input data",
                details=[{"field": "validations", "message": e} for e in errors],
            )
    for key in DEFINITION_FIELDS:
        if key in data:
            setattr(definition, key, data[key])
    definition.save()
    event_record(subject=definition, verb="update", actor=actor)
    return definition


@transaction.atomic
def metafield_definition_delete(*, definition: MetafieldDefinition, actor: Any = None) -> None:
    """Delete the definition; its metafields stay, without a schema."""
    if definition.shopify_id is not None:
        raise ShopifyManaged("This definition is managed by Shopify; change it there.")
    event_record(subject=definition, verb="destroy", actor=actor)
    definition.delete()


def _metafield_check_value(*, type_name: str, value: str, definition: Any) -> None:
    validations = definition.validations if definition is not None else []
    errors = value_errors(type_name, value, validations)
    if errors:
        raise ServiceError(
            "Invalid input data", details=[{"field": "value", "message": e} for e in errors]
        )


CATALOG_OWNERS: dict[str, Any] = {
    "product": Product,
    "variant": ProductVariant,
    "collection": Collection,
    "selling_plan": SellingPlan,
}


@transaction.atomic
def metafield_create(*, data: dict[str, Any], actor: Any = None) -> Metafield:
    owner_model = CATALOG_OWNERS.get(data["owner_resource"])
    if owner_model is not None and not owner_model.objects.filter(pk=data["owner_id"]).exists():
        raise _error("ownerId", f"{data['owner_resource']} {data['owner_id']} does not exist.")
    definition = MetafieldDefinition.objects.filter(
        owner_type=data["owner_resource"], namespace=data["namespace"], key=data["key"]
    ).first()
    type_name = data.get("type") or (definition.type if definition else "")
    if not type_name:
        raise _error("type", "Give the type (no definition exists for this key).")
    if definition is not None and type_name != definition.type:
        raise _error("type", f"The definition of this key says {definition.type}.")
    _check_metafield_type(type_name)
    _metafield_check_value(type_name=type_name, value=data["value"], definition=definition)
    try:
        with transaction.atomic():
            metafield = Metafield.objects.create(
                **{**data, "type": type_name}, definition=definition
            )
    except IntegrityError as exc:
        raise Conflict(
            "The owner already has a metafield with this namespace and key.",
            details=[{"field": "key", "message": "Must be unique per owner and namespace."}],
        ) from exc
    event_record(subject=metafield, verb="create", actor=actor)
    return metafield


@transaction.atomic
def metafield_update(*, metafield: Metafield, data: dict[str, Any], actor: Any = None) -> Metafield:
    metafield = Metafield.objects.select_for_update().get(pk=metafield.pk)
    if metafield.shopify_id is not None:
        raise ShopifyManaged("This metafield is managed by Shopify; change it there.")
    definition = MetafieldDefinition.objects.filter(
        owner_type=metafield.owner_resource, namespace=metafield.namespace, key=metafield.key
    ).first()
    type_name = data.get("type") or metafield.type
    if definition is not None and type_name != definition.type:
        raise _error("type", f"The definition of this key says {definition.type}.")
    _check_metafield_type(type_name)
    value = data.get("value", metafield.value)
    _metafield_check_value(type_name=type_name, value=value, definition=definition)
    metafield.type, metafield.value, metafield.definition = type_name, value, definition
    if "description" in data:
        metafield.description = data["description"]
    metafield.save()
    event_record(subject=metafield, verb="update", actor=actor)
    return metafield


@transaction.atomic
def metafield_delete(*, metafield: Metafield, actor: Any = None) -> None:
    if metafield.shopify_id is not None:
        raise ShopifyManaged("This metafield is managed by Shopify; change it there.")
    event_record(subject=metafield, verb="destroy", actor=actor)
    metafield.delete()


# --- Selling plan groups and their plans -------------------------------------------------------

GROUP_FIELDS = ("name", "merchant_code", "description", "summary", "options")
PLAN_FIELDS = (
    "name",
    "description",
    "status",
    "position",
    "options",
    "billing_policy",
    "delivery_policy",
    "pricing_policy",
    "inventory_policy",
)
DAYS = {"day": 1, "week": 7}
MONTHS = {"month": 1, "year": 12}
APPROXIMATE_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _refuse_mirrored_group(group: SellingPlanGroup) -> None:
    if group.shopify_id is not None:
        raise ShopifyManaged("This selling plan group is managed by Shopify; change it there.")


def _check_plan(prefix: str, plan: dict[str, Any], group_options: list[str]) -> None:
    """Billing cycles are whole numbers of delivery cycles; a plan has one option value per
    option of its group; with two pricing policies the second starts after a cycle."""
    field = f"{prefix}." if prefix else ""
    billing, delivery = plan.get("billing_policy") or {}, plan.get("delivery_policy") or {}
    if billing and delivery:
        same_units = [
            u for u in (DAYS, MONTHS) if {billing["interval"], delivery["interval"]} <= u.keys()
        ]
        if same_units:
            units = same_units[0]
            bill = units[billing["interval"]] * billing["interval_count"]
            ship = units[delivery["interval"]] * delivery["interval_count"]
            fits = bill % ship == 0
        else:  # weeks against months: only the lengths compare
            bill = APPROXIMATE_DAYS[billing["interval"]] * billing["interval_count"]
            ship = APPROXIMATE_DAYS[delivery["interval"]] * delivery["interval_count"]
            fits = bill >= ship
        if not fits:
            raise _error(
                f"{field}billingPolicy",
                "The billing interval is a multiple of the delivery interval.",
            )
    if "options" in plan and group_options and len(plan["options"]) != len(group_options):
        raise _error(
            f"{field}options", f"Give one value for each group option ({len(group_options)})."
        )
    pricing = plan.get("pricing_policy") or []
    if len(pricing) == 2 and not pricing[1].get("after_cycle"):
        raise _error(
            f"{field}pricingPolicy.1.afterCycle",
            "The second pricing policy starts after a billing cycle (1 or more).",
        )


@transaction.atomic
def selling_plan_group_create(*, data: dict[str, Any], actor: Any = None) -> SellingPlanGroup:
    plans = data.get("selling_plans") or []
    options = data.get("options") or []
    for n, plan in enumerate(plans):
        _check_plan(f"sellingPlans.{n}", plan, options)
    group = SellingPlanGroup.objects.create(
        **{k: data[k] for k in GROUP_FIELDS if k in data and data[k] is not None}
    )
    _group_links(group, data)
    SellingPlan.objects.bulk_create(
        SellingPlan(
            group=group,
            **{k: p[k] for k in PLAN_FIELDS if k in p and p[k] is not None},
            **({} if p.get("position") else {"position": n}),
        )
        for n, p in enumerate(plans, start=1)
    )
    event_record(subject=group, verb="create", actor=actor)
    return group


def _group_links(group: SellingPlanGroup, data: dict[str, Any]) -> None:
    if "product_ids" in data:
        ids = list(dict.fromkeys(data["product_ids"]))
        known = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for n, pk in enumerate(data["product_ids"]):
            if pk not in known:
                raise _error(f"productIds.{n}", f"Product {pk} does not exist.")
        group.products.set(ids)
    if "variant_ids" in data:
        ids = list(dict.fromkeys(data["variant_ids"]))
        known = set(ProductVariant.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for n, pk in enumerate(data["variant_ids"]):
            if pk not in known:
                raise _error(f"variantIds.{n}", f"Variant {pk} does not exist.")
        group.variants.set(ids)


@transaction.atomic
def selling_plan_group_update(
    *, group: SellingPlanGroup, data: dict[str, Any], actor: Any = None
) -> SellingPlanGroup:
    group = SellingPlanGroup.objects.select_for_update().get(pk=group.pk)
    _refuse_mirrored_group(group)
    if "options" in data:
        for plan in group.selling_plans.all():
            if plan.options and len(plan.options) != len(data["options"] or []):
                raise _error("options", f"Plan {plan.pk} has {len(plan.options)} option values.")
    for key in GROUP_FIELDS:
        if key in data:
            setattr(group, key, data[key])
    group.save()
    _group_links(group, data)
    event_record(subject=group, verb="update", actor=actor)
    return group


@transaction.atomic
def selling_plan_group_delete(*, group: SellingPlanGroup, actor: Any = None) -> None:
    _refuse_mirrored_group(group)
    soft_delete(instance=group)
    event_record(subject=group, verb="destroy", actor=actor)


@transaction.atomic
def selling_plan_create(
    *, group: SellingPlanGroup, data: dict[str, Any], actor: Any = None
) -> SellingPlan:
    group = SellingPlanGroup.objects.select_for_update().get(pk=group.pk)
    _refuse_mirrored_group(group)
    _check_plan("", data, list(group.options or []))
    fields = {k: data[k] for k in PLAN_FIELDS if k in data and data[k] is not None}
    if not fields.get("position"):
        last = group.selling_plans.order_by("-position").values_list("position", flat=True)
        fields["position"] = (last.first() or 0) + 1
    plan = SellingPlan.objects.create(group=group, **fields)
    event_record(subject=plan, verb="create", actor=actor)
    return plan


@transaction.atomic
def selling_plan_update(
    *, plan: SellingPlan, data: dict[str, Any], actor: Any = None
) -> SellingPlan:
    plan = SellingPlan.objects.select_for_update().select_related("group").get(pk=plan.pk)
    _refuse_mirrored_group(plan.group)
    if plan.shopify_id is not None:
        raise ShopifyManaged("This selling plan is managed by Shopify; change it there.")
    merged = {**{k: getattr(plan, k) for k in PLAN_FIELDS}, **data}
    _check_plan("", merged, list(plan.group.options or []))
    for key in PLAN_FIELDS:
        if key in data:
            setattr(plan, key, data[key])
    plan.save()
    event_record(subject=plan, verb="update", actor=actor)
    return plan


@transaction.atomic
def selling_plan_delete(*, plan: SellingPlan, actor: Any = None) -> None:
    _refuse_mirrored_group(plan.group)
    if plan.shopify_id is not None:
        raise ShopifyManaged("This selling plan is managed by Shopify; change it there.")
    event_record(subject=plan, verb="destroy", actor=actor)
    plan.delete()
