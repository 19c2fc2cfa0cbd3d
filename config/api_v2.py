"""/api/v2/: products and orders with money as {"amount", "currencyCode"} (core.api.versioning)."""

from typing import Any

from django.urls import path

from catalog.api.views import ProductViewSet, VariantViewSet
from core.api.versioning import v2
from orders.api.views import (
    OrderFulfillmentViewSet,
    OrderRefundViewSet,
    OrderTransactionViewSet,
    OrderViewSet,
    order_currency_of,
)

ITEM: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}
LIST: dict[str, Any] = {"get": "list", "post": "create"}
ORDER: dict[str, Any] = {"get": "retrieve", "put": "update", "patch": "partial_update"}

# The money of an order's refunds and transactions is in the order's currency.
OrderV2 = v2(OrderViewSet)
OrderTransactionV2 = v2(OrderTransactionViewSet, currency_of=order_currency_of)
OrderRefundV2 = v2(OrderRefundViewSet, currency_of=order_currency_of)
OrderFulfillmentV2 = v2(OrderFulfillmentViewSet)

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
    path("orders", OrderV2.as_view(LIST), name="v2-order-list"),
    path("orders/<int:pk>", OrderV2.as_view(ORDER), name="v2-order-detail"),
    path("orders/<int:pk>/cancel", OrderV2.as_view({"post": "cancel"}), name="v2-order-cancel"),
    path("orders/<int:pk>/fulfill", OrderV2.as_view({"post": "fulfill"}), name="v2-order-fulfill"),
    path(
        "orders/<int:order_pk>/transactions",
        OrderTransactionV2.as_view(LIST),
        name="v2-order-transaction-list",
    ),
    path("orders/<int:order_pk>/refunds", OrderRefundV2.as_view(LIST), name="v2-order-refund-list"),
    path(
        "orders/<int:order_pk>/refunds/<int:pk>",
        OrderRefundV2.as_view({"get": "retrieve"}),
        name="v2-order-refund-detail",
    ),
    path(
        "orders/<int:order_pk>/fulfillments",
        OrderFulfillmentV2.as_view({"get": "list"}),
        name="v2-order-fulfillment-list",
    ),
    path(
        "orders/<int:order_pk>/fulfillments/<int:pk>",
        OrderFulfillmentV2.as_view({"get": "retrieve"}),
        name="v2-order-fulfillment-detail",
    ),
]
