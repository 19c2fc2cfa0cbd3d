from typing import Any

from django.urls import path

from .views import MarketRegionViewSet, MarketViewSet

DETAIL: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}
LIST: dict[str, Any] = {"get": "list", "post": "create"}

urlpatterns = [
    path("markets", MarketViewSet.as_view(LIST), name="market-list"),
    path("markets/<int:pk>", MarketViewSet.as_view(DETAIL), name="market-detail"),
    path(
        "markets/<int:market_pk>/regions",
        MarketRegionViewSet.as_view(LIST),
        name="market-region-list",
    ),
    path(
        "markets/<int:market_pk>/regions/<int:pk>",
        MarketRegionViewSet.as_view(DETAIL),
        name="market-region-detail",
    ),
]
