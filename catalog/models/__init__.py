"""The catalog app's models, one module per concept."""

from .collection import Collection, CollectionProduct, SmartCollection
from .metafield import Metafield, MetafieldDefinition
from .product import OptionValue, Product, ProductImage, ProductOption, ProductTag, ProductVariant
from .selling_plan import SellingPlan, SellingPlanGroup

__all__ = [
    "Collection",
    "CollectionProduct",
    "Metafield",
    "MetafieldDefinition",
    "OptionValue",
    "Product",
    "ProductImage",
    "ProductOption",
    "ProductTag",
    "ProductVariant",
    "SellingPlan",
    "SellingPlanGroup",
    "SmartCollection",
]
