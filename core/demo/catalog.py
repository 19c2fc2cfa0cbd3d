"""Products with options, values, variants (one or more with 2,048), images and tags; their
inventory items, levels and ledger; collections (custom and smart); metafields; selling plans."""

from __future__ import annotations

from decimal import Decimal
from itertools import product as cartesian
from typing import Any

from django.utils.text import slugify

from catalog.models import (
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
)
from core.bulk import new
from core.models import Event
from inventory.models import InventoryAdjustment, InventoryItem, InventoryLevel

from .context import DemoContext, money
from .words import ADJECTIVES, COLORS, FINISHES, MATERIALS, PRODUCT_TYPES, SIZES, TAGS, VENDORS

BATCH = 500
BIG_OPTIONS = [
    ("Color", COLORS),
    ("Fabric", MATERIALS[:16]),
    ("Size", [*SIZES, "3XL", "4XL"]),
]  # 16 x 16 x 8 = 2,048 variants: Shopify's limit
HUNDRED_OPTIONS = [("Size", [str(s) for s in range(36, 46)]), ("Color", COLORS[:10])]
SMALL_VARIANT_COUNTS = [1, 2, 3, 4, 6, 8, 9, 10, 12, 12, 15, 16]


def option_plan(ctx: DemoContext, index: int) -> list[tuple[str, list[str]]]:
    """The options of product `index`: the first ones are the biggest products."""
    sizes = ctx.sizes
    big = max(1, sizes.products // 2000)
    hundred = sizes.products // 100
    if index < big:
        return BIG_OPTIONS
    if index < big + hundred:
        return HUNDRED_OPTIONS
    count = ctx.rng.choice(SMALL_VARIANT_COUNTS)
    if count == 1:
        return [("Title", ["Default Title"])]
    if count <= 6:
        return [("Size", SIZES[:count])]
    if count in (9, 12, 15, 16) and ctx.rng.random() < 0.3:
        return [("Size", SIZES[:3]), ("Color", COLORS[: count // 3]), ("Finish", FINISHES[:1])]
    return [("Size", SIZES[: max(2, count // 4)]), ("Color", COLORS[:4])]


def build_catalog(ctx: DemoContext) -> None:
    for start in range(0, ctx.sizes.products, BATCH):
        _product_batch(ctx, start, min(BATCH, ctx.sizes.products - start))
    _collections(ctx)
    _metafields(ctx)
    _selling_plans(ctx)


def _product_batch(ctx: DemoContext, start: int, count: int) -> None:
    rng = ctx.rng
    rows: dict[type, list[Any]] = {
        model: []
        for model in (
            Product,
            ProductOption,
            OptionValue,
            ProductImage,
            ProductTag,
            InventoryItem,
            ProductVariant,
            InventoryLevel,
            InventoryAdjustment,
            Event,
        )
    }
    image_variant_links: list[Any] = []
    first_product = ctx.ids(Product, count)
    for offset in range(count):
        index = start + offset
        product_id = first_product + offset
        product_type = rng.choice(list(PRODUCT_TYPES))
        noun = rng.choice(PRODUCT_TYPES[product_type])
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {noun}"
        handle = f"{slugify(title)}-{product_id}"
        vendor = rng.choice(VENDORS)
        tags = sorted(set(rng.sample(TAGS, rng.randint(0, 3))))
        created = ctx.random_past(720, 30)
        status = "active" if index % 17 else rng.choice(["draft", "archived"])
        base_price = money(rng.choice([9, 14, 19, 24, 29, 39, 49, 59, 79, 99, 129, 189]) + 0.99)
        rows[Product].append(
            new(
                Product,
                id=product_id,
                title=title,
                handle=handle,
                vendor=vendor,
                product_type=product_type,
                body_html=f"<p>{title} by {vendor}. Made from carefully sourced materials.</p>",
                status=status,
                published_at=created if status == "active" else None,
                published_scope="web",
                tags=", ".join(tags),
                seo_title=title[:70],
                seo_description=f"Shop the {title} from {vendor}.",
                created_at=created,
                updated_at=ctx.random_past(30),
            )
        )
        rows[Event].append(
            new(
                Event,
                subject_id=product_id,
                subject_type="Product",
                verb="create",
                created_at=created,
                message=f"Product {title} was created.",
                author="system",
            )
        )
        for tag in tags:
            rows[ProductTag].append(new(ProductTag, product_id=product_id, tag=tag))
        options = option_plan(ctx, index)
        option_first = ctx.ids(ProductOption, len(options))
        for position, (name, values) in enumerate(options, start=1):
            option_id = option_first + position - 1
            rows[ProductOption].append(
                new(
                    ProductOption,
                    id=option_id,
                    product_id=product_id,
                    name=name,
                    position=position,
                    values=list(values),
                )
            )
            for value_position, value in enumerate(values, start=1):
                rows[OptionValue].append(
                    new(OptionValue, option_id=option_id, value=value, position=value_position)
                )
        image_count = rng.randint(1, 3)
        image_first = ctx.ids(ProductImage, image_count)
        for n in range(image_count):
            rows[ProductImage].append(
                new(
                    ProductImage,
                    id=image_first + n,
                    product_id=product_id,
                    position=n + 1,
                    src=f"https://cdn.stockroom.example/products/{handle}-{n + 1}.jpg",
                    alt=f"{title}, view {n + 1}",
                    width=2048,
                    height=2048,
                    variant_ids=[],
                    created_at=created,
                    updated_at=created,
                )
            )
        combos = list(cartesian(*(values for _, values in options)))
        variant_first = ctx.ids(ProductVariant, len(combos))
        item_first = ctx.ids(InventoryItem, len(combos))
        for position, combo in enumerate(combos, start=1):
            variant_id, item_id = variant_first + position - 1, item_first + position - 1
            sku = f"SR-{product_id:06d}-{position:04d}"
            price = base_price + (Decimal(5) if "XXL" in combo or "4XL" in combo else 0)
            grams = rng.choice([150, 250, 400, 800, 1200, 2500])
            stock = _stock(ctx, rows, item_id, created)
            rows[InventoryItem].append(
                new(
                    InventoryItem,
                    id=item_id,
                    sku=sku,
                    requires_shipping=True,
                    cost=money(price * Decimal("0.4")),
                    currency="USD",
                    country_code_of_origin=rng.choice(["US", "PT", "VN", "DE"]),
                    harmonized_system_code="610910",
                    tracked=True,
                    country_harmonized_system_codes=[],
                    created_at=created,
                    updated_at=created,
                )
            )
            variant_title = " / ".join(combo)
            rows[ProductVariant].append(
                new(
                    ProductVariant,
                    id=variant_id,
                    product_id=product_id,
                    title=variant_title,
                    price=price,
                    compare_at_price=price + 10 if "sale" in tags else None,
                    currency="USD",
                    sku=sku,
                    barcode=f"{400000000000 + variant_id:013d}",
                    position=position,
                    option1=combo[0],
                    option2=combo[1] if len(combo) > 1 else "",
                    option3=combo[2] if len(combo) > 2 else "",
                    image_id=image_first if position == 1 else None,
                    taxable=True,
                    requires_shipping=True,
                    grams=grams,
                    weight=Decimal(grams) / 1000,
                    weight_unit="kg",
                    inventory_policy="deny",
                    inventory_management="shopify",
                    fulfillment_service="manual",
                    inventory_item_id=item_id,
                    inventory_quantity=stock,
                    old_inventory_quantity=stock,
                    created_at=created,
                    updated_at=created,
                )
            )
            if position == 1:
                image_variant_links.append(
                    ProductImage.variants.through(
                        productimage_id=image_first, productvariant_id=variant_id
                    )
                )
            if status == "active":
                ctx.variants.append(
                    (
                        variant_id,
                        product_id,
                        title,
                        variant_title,
                        sku,
                        price,
                        grams,
                        vendor,
                        item_id,
                    )
                )
    for model in (
        Product,
        ProductOption,
        OptionValue,
        ProductImage,
        ProductTag,
        InventoryItem,
        ProductVariant,
        InventoryLevel,
        InventoryAdjustment,
        Event,
    ):
        ctx.load(model, rows[model])
    ctx.load(ProductImage.variants.through, image_variant_links)


def _stock(ctx: DemoContext, rows: dict[type, list[Any]], item_id: int, created: Any) -> int:
    total = 0
    for location_id in ctx.location_ids:
        available = ctx.rng.choice([0, 3, 8, 12, 25, 40, 60, 120])
        total += available
        rows[InventoryLevel].append(
            new(
                InventoryLevel,
                inventory_item_id=item_id,
                location_id=location_id,
                available=available,
                on_hand=available,
                committed=0,
                incoming=0,
                reserved=0,
                low_stock_threshold=5,
                created_at=created,
                updated_at=created,
            )
        )
        if available:
            rows[InventoryAdjustment].append(
                new(
                    InventoryAdjustment,
                    inventory_item_id=item_id,
                    location_id=location_id,
                    quantity_delta=available,
                    reason="received",
                    available_after=available,
                    note="Opening stock",
                    created_at=created,
                )
            )
    return total


def _collections(ctx: DemoContext) -> None:
    products = list(Product.objects.values_list("id", "product_type", "tags", "vendor"))
    custom = list(PRODUCT_TYPES)
    smart = [
        (
            "New arrivals",
            [{"column": "tag", "relation": "equals", "condition": "new"}],
            lambda p: "new" in p[2],
        ),
        (
            "Eco edit",
            [{"column": "tag", "relation": "equals", "condition": "eco"}],
            lambda p: "eco" in p[2],
        ),
        (
            "Northwind Supply",
            [{"column": "vendor", "relation": "equals", "condition": "Northwind Supply"}],
            lambda p: p[3] == "Northwind Supply",
        ),
        (
            "Gifts and bestsellers",
            [
                {"column": "tag", "relation": "equals", "condition": "gift"},
                {"column": "tag", "relation": "equals", "condition": "bestseller"},
            ],
            lambda p: "gift" in p[2] or "bestseller" in p[2],
        ),
    ]
    first = ctx.ids(Collection, len(custom) + len(smart))
    collections, members = [], []
    for i, product_type in enumerate(custom):
        collections.append(
            new(
                Collection,
                id=first + i,
                title=product_type,
                handle=slugify(product_type),
                collection_type="custom",
                sort_order="best-selling",
                rules=[],
                body_html=f"<p>All our {product_type.lower()}.</p>",
                published_scope="web",
                published_at=ctx.ago(600),
                image={
                    "src": f"https://cdn.stockroom.example/collections/{slugify(product_type)}.jpg"
                },
                seo_title=product_type,
                created_at=ctx.ago(600),
                updated_at=ctx.ago(5),
            )
        )
        chosen = [p for p in products if p[1] == product_type]
        members += [
            new(CollectionProduct, collection_id=first + i, product_id=p[0], position=n + 1)
            for n, p in enumerate(chosen)
        ]
    for j, (title, rules, matches) in enumerate(smart):
        collection_id = first + len(custom) + j
        collections.append(
            new(
                Collection,
                id=collection_id,
                title=title,
                handle=slugify(title),
                collection_type="smart",
                sort_order="created-desc",
                rules=rules,
                disjunctive=len(rules) > 1,
                published_scope="web",
                published_at=ctx.ago(300),
                image={},
                seo_title=title,
                created_at=ctx.ago(300),
                updated_at=ctx.ago(1),
            )
        )
        members += [
            new(CollectionProduct, collection_id=collection_id, product_id=p[0], position=n + 1)
            for n, p in enumerate(p for p in products if matches(p))
        ]
    ctx.load(Collection, collections)
    ctx.load(CollectionProduct, members)


def _metafields(ctx: DemoContext) -> None:
    definitions = [
        ("product", "custom", "care_guide", "Care guide", "multi_line_text_field"),
        ("product", "custom", "material_origin", "Material origin", "single_line_text_field"),
        ("customer", "loyalty", "tier", "Loyalty tier", "single_line_text_field"),
    ]
    first = ctx.ids(MetafieldDefinition, len(definitions))
    ctx.load(
        MetafieldDefinition,
        [
            new(
                MetafieldDefinition,
                id=first + i,
                owner_type=owner,
                namespace=namespace,
                key=key,
                name=name,
                type=type_,
                description=f"{name} shown on the storefront",
                validations=[],
                access={"admin": "merchant_read_write", "storefront": "public_read"},
                capabilities={"adminFilterable": {"enabled": key == "material_origin"}},
                created_at=ctx.ago(500),
                updated_at=ctx.ago(500),
            )
            for i, (owner, namespace, key, name, type_) in enumerate(definitions)
        ],
    )
    product_ids = list(Product.objects.order_by("id").values_list("id", flat=True)[:200])
    rows = []
    for product_id in product_ids:
        rows.append(
            new(
                Metafield,
                owner_id=product_id,
                owner_resource="product",
                namespace="custom",
                key="care_guide",
                value="Machine wash cold.\nTumble dry low.",
                type="multi_line_text_field",
                definition_id=first,
                created_at=ctx.ago(100),
                updated_at=ctx.ago(100),
            )
        )
        rows.append(
            new(
                Metafield,
                owner_id=product_id,
                owner_resource="product",
                namespace="custom",
                key="material_origin",
                value=ctx.rng.choice(["Portugal", "Vietnam", "USA"]),
                type="single_line_text_field",
                definition_id=first + 1,
                created_at=ctx.ago(100),
                updated_at=ctx.ago(100),
            )
        )
    ctx.load(Metafield, rows)


def build_customer_metafields(ctx: DemoContext) -> None:
    definition = MetafieldDefinition.objects.get(owner_type="customer", key="tier")
    ctx.load(
        Metafield,
        [
            new(
                Metafield,
                owner_id=customer_id,
                owner_resource="customer",
                namespace="loyalty",
                key="tier",
                value=ctx.rng.choice(["bronze", "silver", "gold"]),
                type="single_line_text_field",
                definition_id=definition.id,
                created_at=ctx.ago(50),
                updated_at=ctx.ago(50),
            )
            for customer_id in ctx.customer_ids[:200]
        ],
    )


def _selling_plans(ctx: DemoContext) -> None:
    group_id = ctx.ids(SellingPlanGroup, 1)
    ctx.load(
        SellingPlanGroup,
        [
            new(
                SellingPlanGroup,
                id=group_id,
                name="Subscribe & save",
                merchant_code="subscribe-and-save",
                description="Delivered on your schedule, 10% off every order.",
                summary="Monthly or every two months, 10% off",
                options=["Delivery every"],
                created_at=ctx.ago(250),
                updated_at=ctx.ago(250),
            )
        ],
    )
    plan_id = ctx.ids(SellingPlan, 2)
    ctx.load(
        SellingPlan,
        [
            new(
                SellingPlan,
                id=plan_id + i,
                group_id=group_id,
                name=f"Delivered every {n} month(s)",
                description="Cancel any time",
                status="active",
                position=i + 1,
                options=[f"{n} month(s)"],
                billing_policy={"interval": "MONTH", "interval_count": n},
                delivery_policy={"interval": "MONTH", "interval_count": n},
                pricing_policy=[{"adjustment_type": "PERCENTAGE", "adjustment_value": 10}],
                inventory_policy={"reserve": "ON_FULFILLMENT"},
                created_at=ctx.ago(250),
                updated_at=ctx.ago(250),
            )
            for i, n in enumerate((1, 2))
        ],
    )
    product_ids = (
        Product.objects.filter(product_type__in=["Home", "Kitchen"])
        .order_by("id")
        .values_list("id", flat=True)[:25]
    )
    ctx.load(
        SellingPlanGroup.products.through,
        [
            SellingPlanGroup.products.through(sellingplangroup_id=group_id, product_id=product_id)
            for product_id in product_ids
        ],
    )
    variant_ids = (
        ProductVariant.objects.filter(product_id__in=list(product_ids))
        .order_by("id")
        .values_list("id", flat=True)[:50]
    )
    ctx.load(
        SellingPlanGroup.variants.through,
        [
            SellingPlanGroup.variants.through(sellingplangroup_id=group_id, productvariant_id=v)
            for v in variant_ids
        ],
    )
