from typing import Any

from django.urls import path

from .collection_views import (
    CollectionProductViewSet,
    CollectionViewSet,
    SmartCollectionProductViewSet,
    SmartCollectionViewSet,
)
from .metafield_views import MetafieldDefinitionViewSet, MetafieldViewSet
from .selling_plan_views import SellingPlanGroupViewSet, SellingPlanViewSet
from .views import ProductBulkViewSet, ProductViewSet, VariantViewSet

LIST: dict[str, Any] = {"get": "list", "post": "create"}
DETAIL: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}

products = ProductViewSet.as_view(LIST)
product = ProductViewSet.as_view(DETAIL)
variants = VariantViewSet.as_view(LIST)
variant = VariantViewSet.as_view(DETAIL)

urlpatterns = [
    path("products", products, name="product-list"),
    path(
        "products/bulk",
        ProductBulkViewSet.as_view({"post": "create_products"}),
        name="product-bulk",
    ),
    path("products/<int:pk>", product, name="product-detail"),
    path("products/<int:product_pk>/variants", variants, name="variant-list"),
    path(
        "products/<int:product_pk>/variants/bulk",
        ProductBulkViewSet.as_view({"post": "create_variants"}),
        name="variant-bulk",
    ),
    path("products/<int:product_pk>/variants/<int:pk>", variant, name="variant-detail"),
    path("collections", CollectionViewSet.as_view(LIST), name="collection-list"),
    path("collections/<int:pk>", CollectionViewSet.as_view(DETAIL), name="collection-detail"),
    path(
        "collections/<int:collection_pk>/products",
        CollectionProductViewSet.as_view(LIST),
        name="collection-product-list",
    ),
    path(
        "collections/<int:collection_pk>/products/<int:pk>",
        CollectionProductViewSet.as_view({"delete": "destroy"}),
        name="collection-product-detail",
    ),
    path("smart-collections", SmartCollectionViewSet.as_view(LIST), name="smart-collection-list"),
    path(
        "smart-collections/<int:pk>",
        SmartCollectionViewSet.as_view(DETAIL),
        name="smart-collection-detail",
    ),
    path(
        "smart-collections/<int:collection_pk>/products",
        SmartCollectionProductViewSet.as_view({"get": "list"}),
        name="smart-collection-products",
    ),
    path(
        "metafield-definitions",
        MetafieldDefinitionViewSet.as_view(LIST),
        name="metafield-definition-list",
    ),
    path(
        "metafield-definitions/<int:pk>",
        MetafieldDefinitionViewSet.as_view(DETAIL),
        name="metafield-definition-detail",
    ),
    path("metafields", MetafieldViewSet.as_view(LIST), name="metafield-list"),
    path("metafields/<int:pk>", MetafieldViewSet.as_view(DETAIL), name="metafield-detail"),
    path(
        "selling-plan-groups",
        SellingPlanGroupViewSet.as_view(LIST),
        name="selling-plan-group-list",
    ),
    path(
        "selling-plan-groups/<int:pk>",
        SellingPlanGroupViewSet.as_view(DETAIL),
        name="selling-plan-group-detail",
    ),
    path(
        "selling-plan-groups/<int:group_pk>/plans",
        SellingPlanViewSet.as_view(LIST),
        name="selling-plan-list",
    ),
    path(
        "selling-plan-groups/<int:group_pk>/plans/<int:pk>",
        SellingPlanViewSet.as_view(DETAIL),
        name="selling-plan-detail",
    ),
]
