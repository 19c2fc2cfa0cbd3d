from typing import Any

from django.urls import path

from .views import (
    InventoryAdjustmentViewSet,
    InventoryItemViewSet,
    InventoryLevelViewSet,
    LocationViewSet,
)

detail: dict[str, Any] = {"get": "retrieve", "put": "update", "patch": "partial_update"}

urlpatterns = [
    path(
        "inventory/items", InventoryItemViewSet.as_view({"get": "list"}), name="inventory-item-list"
    ),
    path(
        "inventory/items/<int:pk>",
        InventoryItemViewSet.as_view(detail),
        name="inventory-item-detail",
    ),
    path(
        "inventory/levels",
        InventoryLevelViewSet.as_view({"get": "list"}),
        name="inventory-level-list",
    ),
    path(
        "inventory/levels/set",
        InventoryLevelViewSet.as_view({"post": "set_available"}),
        name="inventory-level-set",
    ),
    path(
        "inventory/levels/bulk",
        InventoryLevelViewSet.as_view({"post": "bulk_set"}),
        name="inventory-level-bulk",
    ),
    path(
        "inventory/levels/<int:pk>",
        InventoryLevelViewSet.as_view(detail),
        name="inventory-level-detail",
    ),
    path(
        "inventory/adjustments",
        InventoryAdjustmentViewSet.as_view({"get": "list", "post": "create"}),
        name="inventory-adjustment-list",
    ),
    path(
        "inventory/adjustments/<int:pk>",
        InventoryAdjustmentViewSet.as_view({"get": "retrieve"}),
        name="inventory-adjustment-detail",
    ),
    path(
        "locations",
        LocationViewSet.as_view({"get": "list", "post": "create"}),
        name="location-list",
    ),
    path(
        "locations/<int:pk>",
        LocationViewSet.as_view({**detail, "delete": "destroy"}),
        name="location-detail",
    ),
]
