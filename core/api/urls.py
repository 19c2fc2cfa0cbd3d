from django.urls import path

from .events import EventViewSet
from .shop import ShopViewSet

urlpatterns = [
    path(
        "shop",
        ShopViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
        name="shop-detail",
    ),
    path("events", EventViewSet.as_view({"get": "list"}), name="event-list"),
    path("events/<int:pk>", EventViewSet.as_view({"get": "retrieve"}), name="event-detail"),
]
