from django.urls import path

from .views import ProductViewSet, VariantViewSet

products = ProductViewSet.as_view({"get": "list", "post": "create"})
product = ProductViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
variants = VariantViewSet.as_view({"get": "list", "post": "create"})
variant = VariantViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("products", products, name="product-list"),
    path("products/<int:pk>", product, name="product-detail"),
    path("products/<int:product_pk>/variants", variants, name="variant-list"),
    path("products/<int:product_pk>/variants/<int:pk>", variant, name="variant-detail"),
]
