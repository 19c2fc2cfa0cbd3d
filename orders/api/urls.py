from django.urls import path

from .views import (
    AbandonedCheckoutViewSet,
    FulfillmentOrderViewSet,
    OrderFulfillmentViewSet,
    OrderRefundViewSet,
    OrderTransactionViewSet,
    OrderViewSet,
)

orders = OrderViewSet.as_view({"get": "list", "post": "create"})
order = OrderViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})
order_cancel = OrderViewSet.as_view({"post": "cancel"})
order_fulfill = OrderViewSet.as_view({"post": "fulfill"})
transactions = OrderTransactionViewSet.as_view({"get": "list", "post": "create"})
refunds = OrderRefundViewSet.as_view({"get": "list", "post": "create"})
refund = OrderRefundViewSet.as_view({"get": "retrieve"})
fulfillments = OrderFulfillmentViewSet.as_view({"get": "list"})
fulfillment = OrderFulfillmentViewSet.as_view({"get": "retrieve"})
fulfillment_orders = FulfillmentOrderViewSet.as_view({"get": "list"})
fulfillment_order = FulfillmentOrderViewSet.as_view({"get": "retrieve"})
checkouts = AbandonedCheckoutViewSet.as_view({"get": "list"})
checkout = AbandonedCheckoutViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("orders", orders, name="order-list"),
    path("orders/<int:pk>", order, name="order-detail"),
    path("orders/<int:pk>/cancel", order_cancel, name="order-cancel"),
    path("orders/<int:pk>/fulfill", order_fulfill, name="order-fulfill"),
    path("orders/<int:order_pk>/transactions", transactions, name="order-transaction-list"),
    path("orders/<int:order_pk>/refunds", refunds, name="order-refund-list"),
    path("orders/<int:order_pk>/refunds/<int:pk>", refund, name="order-refund-detail"),
    path("orders/<int:order_pk>/fulfillments", fulfillments, name="order-fulfillment-list"),
    path(
        "orders/<int:order_pk>/fulfillments/<int:pk>",
        fulfillment,
        name="order-fulfillment-detail",
    ),
    path("fulfillment-orders", fulfillment_orders, name="order-fulfillment-order-list"),
    path(
        "fulfillment-orders/<int:pk>",
        fulfillment_order,
        name="order-fulfillment-order-detail",
    ),
    path("abandoned-checkouts", checkouts, name="order-abandoned-checkout-list"),
    path("abandoned-checkouts/<int:pk>", checkout, name="order-abandoned-checkout-detail"),
]
