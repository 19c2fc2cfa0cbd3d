"""/api/v1/inventory/{items,levels,adjustments} and /api/v1/locations. Thin: services own
writes, selectors own reads."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.permissions import row_access
from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import InventoryAdjustment, InventoryItem, InventoryLevel, Location
from .filters import (
    InventoryAdjustmentFilterSet,
    InventoryItemFilterSet,
    InventoryLevelFilterSet,
    LocationFilterSet,
)
from .serializers import (
    InventoryAdjustmentInputSerializer,
    InventoryAdjustmentOutputSerializer,
    InventoryItemInputSerializer,
    InventoryItemOutputSerializer,
    InventoryLevelBulkOutputSerializer,
    InventoryLevelBulkSetInputSerializer,
    InventoryLevelOutputSerializer,
    InventoryLevelSetInputSerializer,
    InventoryLevelUpdateInputSerializer,
    LocationInputSerializer,
    LocationOutputSerializer,
)

ITEM_ORDERING = {"createdAt": "created_at", "updatedAt": "updated_at", "sku": "sku"}
LEVEL_ORDERING = {"available": "available", "updatedAt": "updated_at", "createdAt": "created_at"}
ADJUSTMENT_ORDERING = {"createdAt": "created_at", "quantityDelta": "quantity_delta"}
LOCATION_ORDERING = {"name": "name", "createdAt": "created_at", "updatedAt": "updated_at"}


def _reachable_locations(request: Request, location_ids: list[int]) -> None:
    """Stock is changed only at locations this request may reach; others are not found."""
    access = row_access(request, "inventory")
    for location_id in location_ids:
        if not access.allows_location(location_id):
            raise NotFound(f"Location {location_id} not found.")


class InventoryItemViewSet(ResourceViewSet):
    scope_family = "inventory"
    filterset_class = InventoryItemFilterSet
    ordering_fields = ITEM_ORDERING
    serializer_class = InventoryItemOutputSerializer
    queryset = InventoryItem.objects.none()

    def get_queryset(self) -> Any:
        return selectors.inventory_item_list(
            search=self.request.query_params.get("q"),
            access=row_access(self.request, "inventory"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search SKU"),
            order_parameter(ITEM_ORDERING),
        ],
        responses=InventoryItemOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), InventoryItemOutputSerializer)

    @extend_schema(responses=InventoryItemOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        item = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(InventoryItemOutputSerializer(item).data)

    @extend_schema(request=InventoryItemInputSerializer, responses=InventoryItemOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        item = get_object_or_404(self.get_queryset(), pk=pk)
        data = InventoryItemInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.inventory_item_update(
            item=item, data=data.validated_data, actor=request.user
        )
        return Response(InventoryItemOutputSerializer(item).data)

    partial_update = update


class InventoryLevelViewSet(ResourceViewSet):
    scope_family = "inventory"
    filterset_class = InventoryLevelFilterSet
    ordering_fields = LEVEL_ORDERING
    serializer_class = InventoryLevelOutputSerializer
    queryset = InventoryLevel.objects.none()

    def get_queryset(self) -> Any:
        return selectors.inventory_level_list(access=row_access(self.request, "inventory"))

    @extend_schema(
        parameters=[order_parameter(LEVEL_ORDERING)],
        responses=InventoryLevelOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), InventoryLevelOutputSerializer)

    @extend_schema(responses=InventoryLevelOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        level = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(InventoryLevelOutputSerializer(level).data)

    @extend_schema(
        request=InventoryLevelUpdateInputSerializer, responses=InventoryLevelOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        level = get_object_or_404(self.get_queryset(), pk=pk)
        data = InventoryLevelUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        level = services.inventory_level_update(
            level=level, data=data.validated_data, actor=request.user
        )
        return Response(InventoryLevelOutputSerializer(level).data)

    partial_update = update

    @extend_schema(
        request=InventoryLevelSetInputSerializer, responses=InventoryLevelOutputSerializer
    )
    def set_available(self, request: Request) -> Response:
        data = InventoryLevelSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _reachable_locations(request, [data.validated_data["location_id"]])
        level = services.inventory_level_set(**data.validated_data, actor=request.user)
        return Response(InventoryLevelOutputSerializer(level).data)

    @extend_schema(
        request=InventoryLevelBulkSetInputSerializer, responses=InventoryLevelBulkOutputSerializer
    )
    def bulk_set(self, request: Request) -> Response:
        data = InventoryLevelBulkSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _reachable_locations(
            request, [line["location_id"] for line in data.validated_data["levels"]]
        )
        levels = services.inventory_level_bulk_set(
            levels=data.validated_data["levels"], actor=request.user
        )
        return Response({"levels": InventoryLevelOutputSerializer(levels, many=True).data})


class InventoryAdjustmentViewSet(ResourceViewSet):
    """The append-only ledger: list, read and append; never change or remove."""

    scope_family = "inventory"
    filterset_class = InventoryAdjustmentFilterSet
    ordering_fields = ADJUSTMENT_ORDERING
    serializer_class = InventoryAdjustmentOutputSerializer
    queryset = InventoryAdjustment.objects.none()

    def get_queryset(self) -> Any:
        return selectors.inventory_adjustment_list(access=row_access(self.request, "inventory"))

    @extend_schema(
        parameters=[order_parameter(ADJUSTMENT_ORDERING)],
        responses=InventoryAdjustmentOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request, self.get_queryset(), InventoryAdjustmentOutputSerializer
        )

    @extend_schema(responses=InventoryAdjustmentOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        adjustment = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(InventoryAdjustmentOutputSerializer(adjustment).data)

    @extend_schema(
        request=InventoryAdjustmentInputSerializer,
        responses={201: InventoryAdjustmentOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = InventoryAdjustmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _reachable_locations(request, [data.validated_data["location_id"]])
        adjustment = services.inventory_adjustment_create(**data.validated_data, actor=request.user)
        return Response(
            InventoryAdjustmentOutputSerializer(adjustment).data, status=status.HTTP_201_CREATED
        )


class LocationViewSet(ResourceViewSet):
    scope_family = "locations"
    filterset_class = LocationFilterSet
    ordering_fields = LOCATION_ORDERING
    serializer_class = LocationOutputSerializer
    queryset = Location.objects.none()

    def get_queryset(self) -> Any:
        return selectors.location_list(
            search=self.request.query_params.get("q"),
            access=row_access(self.request, "locations"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search name"),
            order_parameter(LOCATION_ORDERING),
        ],
        responses=LocationOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), LocationOutputSerializer)

    @extend_schema(responses=LocationOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        location = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(LocationOutputSerializer(location).data)

    @extend_schema(request=LocationInputSerializer, responses={201: LocationOutputSerializer})
    def create(self, request: Request) -> Response:
        if not row_access(request, "locations").unrestricted:
            raise PermissionDenied("Location-scoped grants cannot create locations.")
        data = LocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        location = services.location_create(data=data.validated_data, actor=request.user)
        return Response(LocationOutputSerializer(location).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LocationInputSerializer, responses=LocationOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        location = get_object_or_404(self.get_queryset(), pk=pk)
        data = LocationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        location = services.location_update(
            location=location, data=data.validated_data, actor=request.user
        )
        return Response(LocationOutputSerializer(location).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        location = get_object_or_404(self.get_queryset(), pk=pk)
        services.location_delete(location=location, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
