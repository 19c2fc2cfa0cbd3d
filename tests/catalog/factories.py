"""factory_boy factories for the catalog app (local rows unless a test sets `shopify_id`)."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from catalog.choices import (
    CollectionRuleColumn,
    CollectionRuleRelation,
    CollectionSortOrder,
    CollectionType,
    InventoryPolicy,
    MetafieldOwnerResource,
    MetafieldType,
    ProductStatus,
    SellingPlanInterval,
    SellingPlanStatus,
)
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
    SmartCollection,
)
from core.choices import WeightUnit


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"Snowboard {n}")
    handle = factory.Sequence(lambda n: f"snowboard-{n}")
    body_html = "<p>A good snowboard.</p>"
    vendor = "Burton"
    product_type = "Snowboard"
    status = ProductStatus.ACTIVE
    tags = "winter, sale"


class ProductOptionFactory(DjangoModelFactory[ProductOption]):
    class Meta:
        model = ProductOption

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Option {n}")
    position = 1
    values = factory.LazyFunction(lambda: ["Small", "Large"])


class OptionValueFactory(DjangoModelFactory[OptionValue]):
    class Meta:
        model = OptionValue

    option = factory.SubFactory(ProductOptionFactory)
    value = factory.Sequence(lambda n: f"Value {n}")
    position = 1


class ProductVariantFactory(DjangoModelFactory[ProductVariant]):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Size {n}")
    sku = factory.Sequence(lambda n: f"BRT-{n:05d}")
    barcode = factory.Sequence(lambda n: f"0{n:011d}")
    position = factory.Sequence(lambda n: n + 1)
    option1 = factory.Sequence(lambda n: f"Size {n}")
    price = Decimal("199.00")
    currency = "USD"
    grams = 567
    weight = Decimal("1.250")
    weight_unit = WeightUnit.POUNDS
    inventory_policy = InventoryPolicy.DENY
    inventory_management = "shopify"


class ProductImageFactory(DjangoModelFactory[ProductImage]):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    position = factory.Sequence(lambda n: n + 1)
    src = factory.Sequence(lambda n: f"https://cdn.example.com/products/board-{n}.png?v=1")
    alt = "A snowboard"
    width = 123
    height = 456


class ProductTagFactory(DjangoModelFactory[ProductTag]):
    class Meta:
        model = ProductTag

    product = factory.SubFactory(ProductFactory)
    tag = factory.Sequence(lambda n: f"Tag {n}")


class CollectionFactory(DjangoModelFactory[Collection]):
    """A custom collection."""

    class Meta:
        model = Collection

    collection_type = CollectionType.CUSTOM
    title = factory.Sequence(lambda n: f"Collection {n}")
    handle = factory.Sequence(lambda n: f"collection-{n}")
    sort_order = CollectionSortOrder.MANUAL


class SmartCollectionFactory(DjangoModelFactory[SmartCollection]):
    class Meta:
        model = SmartCollection

    title = factory.Sequence(lambda n: f"Smart collection {n}")
    handle = factory.Sequence(lambda n: f"smart-collection-{n}")
    sort_order = CollectionSortOrder.BEST_SELLING
    rules = factory.LazyFunction(
        lambda: [
            {
                "column": CollectionRuleColumn.VENDOR.value,
                "relation": CollectionRuleRelation.EQUALS.value,
                "condition": "Burton",
            }
        ]
    )


class CollectionProductFactory(DjangoModelFactory[CollectionProduct]):
    class Meta:
        model = CollectionProduct

    collection = factory.SubFactory(CollectionFactory)
    product = factory.SubFactory(ProductFactory)
    position = factory.Sequence(lambda n: n + 1)


class MetafieldDefinitionFactory(DjangoModelFactory[MetafieldDefinition]):
    class Meta:
        model = MetafieldDefinition

    owner_type = MetafieldOwnerResource.PRODUCT
    namespace = "custom"
    key = factory.Sequence(lambda n: f"material_{n}")
    name = factory.Sequence(lambda n: f"Material {n}")
    type = MetafieldType.SINGLE_LINE_TEXT_FIELD


class MetafieldFactory(DjangoModelFactory[Metafield]):
    class Meta:
        model = Metafield

    owner_id = factory.Sequence(lambda n: n + 1)
    owner_resource = MetafieldOwnerResource.PRODUCT
    namespace = "custom"
    key = factory.Sequence(lambda n: f"material_{n}")
    value = "Maple"
    type = MetafieldType.SINGLE_LINE_TEXT_FIELD


class SellingPlanGroupFactory(DjangoModelFactory[SellingPlanGroup]):
    class Meta:
        model = SellingPlanGroup

    name = factory.Sequence(lambda n: f"Subscribe and save {n}")
    merchant_code = factory.Sequence(lambda n: f"subscribe-{n}")
    options = factory.LazyFunction(lambda: ["Delivery every"])


class SellingPlanFactory(DjangoModelFactory[SellingPlan]):
    class Meta:
        model = SellingPlan

    group = factory.SubFactory(SellingPlanGroupFactory)
    name = factory.Sequence(lambda n: f"Every {n + 1} week(s)")
    status = SellingPlanStatus.ACTIVE
    position = factory.Sequence(lambda n: n + 1)
    options = factory.LazyFunction(lambda: ["1 week"])
    billing_policy = factory.LazyFunction(
        lambda: {"interval": SellingPlanInterval.WEEK.value, "interval_count": 1}
    )
    delivery_policy = factory.LazyFunction(
        lambda: {"interval": SellingPlanInterval.WEEK.value, "interval_count": 1}
    )
    pricing_policy = factory.LazyFunction(
        lambda: [{"adjustment_type": "percentage", "adjustment_value": 10}]
    )
