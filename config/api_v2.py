"""/api/v2/: products and orders with money as {"amount", "currencyCode"} (core.api.versioning)."""

from typing import Any

from django.urls import path

from catalog.api.views import ProductViewSet, VariantViewSet
from core.api.versioning import v2

ITEM: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}
LIST: dict[str, Any] = {"get": "list", "post": "create"}

urlpatterns = [
    path("products", v2(ProductViewSet).as_view(LIST), name="v2-product-list"),
    path("products/<int:pk>", v2(ProductViewSet).as_view(ITEM), name="v2-product-detail"),
    path(
        "products/<int:product_pk>/variants",
        v2(VariantViewSet).as_view(LIST),
        name="v2-variant-list",
    ),
    path(
        "products/<int:product_pk>/variants/<int:pk>",
        v2(VariantViewSet).as_view(ITEM),
        name="v2-variant-detail",
    ),
]
