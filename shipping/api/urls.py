from typing import Any

from django.urls import path

from .views import FulfillmentServiceViewSet, ShippingRateViewSet, ShippingZoneViewSet

DETAIL: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}
LIST: dict[str, Any] = {"get": "list", "post": "create"}

urlpatterns = [
    path("shipping-zones", ShippingZoneViewSet.as_view(LIST), name="shipping-zone-list"),
    path(
        "shipping-zones/<int:pk>",
        ShippingZoneViewSet.as_view(DETAIL),
        name="shipping-zone-detail",
    ),
    path(
        "shipping-zones/<int:zone_pk>/rates",
        ShippingRateViewSet.as_view(LIST),
        name="shipping-rate-list",
    ),
    path(
        "shipping-zones/<int:zone_pk>/rates/<int:pk>",
        ShippingRateViewSet.as_view(DETAIL),
        name="shipping-rate-detail",
    ),
    path(
        "fulfillment-services",
        FulfillmentServiceViewSet.as_view(LIST),
        name="fulfillment-service-list",
    ),
    path(
        "fulfillment-services/<int:pk>",
        FulfillmentServiceViewSet.as_view(DETAIL),
        name="fulfillment-service-detail",
    ),
]
