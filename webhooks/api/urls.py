from django.urls import path

from .views import WebhookDeliveryViewSet, WebhookSubscriptionViewSet

subscriptions = WebhookSubscriptionViewSet.as_view({"get": "list", "post": "create"})
subscription = WebhookSubscriptionViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("webhook-subscriptions", subscriptions, name="webhook-subscription-list"),
    path("webhook-subscriptions/<int:pk>", subscription, name="webhook-subscription-detail"),
    path(
        "webhook-subscriptions/<int:subscription_pk>/deliveries",
        WebhookDeliveryViewSet.as_view({"get": "list"}),
        name="webhook-subscription-deliveries",
    ),
]
