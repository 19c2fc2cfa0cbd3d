"""/api/v1/shipping-zones (+ nested rates) and /api/v1/fulfillment-services."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import FulfillmentService, ShippingRate, ShippingZone
from .filters import FulfillmentServiceFilterSet, ShippingZoneFilterSet
from .serializers import (
    FulfillmentServiceInputSerializer,
    FulfillmentServiceOutputSerializer,
    ShippingRateInputSerializer,
    ShippingRateOutputSerializer,
    ShippingZoneInputSerializer,
    ShippingZoneOutputSerializer,
)

ZONE_ORDERING = {"createdAt": "created_at", "updatedAt": "updated_at", "name": "name"}
RATE_ORDERING = {
    "price": "price",
    "weightLow": "weight_low",
    "weightHigh": "weight_high",
    "createdAt": "created_at",
}
FULFILLMENT_SERVICE_ORDERING = {"createdAt": "created_at", "name": "name", "handle": "handle"}


class ShippingZoneViewSet(ResourceViewSet):
    scope_family = "shipping"
    filterset_class = ShippingZoneFilterSet
    ordering_fields = ZONE_ORDERING
    serializer_class = ShippingZoneOutputSerializer
    queryset = ShippingZone.objects.none()

    def get_queryset(self) -> Any:
        return selectors.shipping_zone_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search the name"),
            order_parameter(ZONE_ORDERING),
        ],
        responses=ShippingZoneOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), ShippingZoneOutputSerializer)

    @extend_schema(responses=ShippingZoneOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        zone = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(ShippingZoneOutputSerializer(zone).data)

    @extend_schema(
        request=ShippingZoneInputSerializer, responses={201: ShippingZoneOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        data = ShippingZoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        zone = services.shipping_zone_create(data=data.validated_data, actor=request.user)
        zone = self.get_queryset().get(pk=zone.pk)
        return Response(ShippingZoneOutputSerializer(zone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShippingZoneInputSerializer, responses=ShippingZoneOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        zone = get_object_or_404(ShippingZone.objects.all(), pk=pk)
        data = ShippingZoneInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.shipping_zone_update(zone=zone, data=data.validated_data, actor=request.user)
        return Response(ShippingZoneOutputSerializer(self.get_queryset().get(pk=pk)).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        zone = get_object_or_404(ShippingZone.objects.all(), pk=pk)
        services.shipping_zone_delete(zone=zone, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShippingRateViewSet(ResourceViewSet):
    scope_family = "shipping"
    ordering_fields = RATE_ORDERING
    serializer_class = ShippingRateOutputSerializer
    queryset = ShippingRate.objects.none()

    def _zone(self, zone_pk: str) -> ShippingZone:
        return get_object_or_404(ShippingZone.objects.all(), pk=zone_pk)

    def _rate(self, zone_pk: str, pk: str) -> ShippingRate:
        return get_object_or_404(selectors.shipping_rate_list(zone=self._zone(zone_pk)), pk=pk)

    @extend_schema(
        parameters=[order_parameter(RATE_ORDERING)],
        responses=ShippingRateOutputSerializer(many=True),
    )
    def list(self, request: Request, zone_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.shipping_rate_list(zone=self._zone(zone_pk)),
            ShippingRateOutputSerializer,
        )

    @extend_schema(responses=ShippingRateOutputSerializer)
    def retrieve(self, request: Request, zone_pk: str, pk: str) -> Response:
        return Response(ShippingRateOutputSerializer(self._rate(zone_pk, pk)).data)

    @extend_schema(
        request=ShippingRateInputSerializer, responses={201: ShippingRateOutputSerializer}
    )
    def create(self, request: Request, zone_pk: str) -> Response:
        zone = self._zone(zone_pk)
        data = ShippingRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate = services.shipping_rate_create(
            zone=zone, data=data.validated_data, actor=request.user
        )
        return Response(ShippingRateOutputSerializer(rate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShippingRateInputSerializer, responses=ShippingRateOutputSerializer)
    def update(self, request: Request, zone_pk: str, pk: str) -> Response:
        rate = self._rate(zone_pk, pk)
        data = ShippingRateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rate = services.shipping_rate_update(
            rate=rate, data=data.validated_data, actor=request.user
        )
        return Response(ShippingRateOutputSerializer(rate).data)

    partial_update = update

    def destroy(self, request: Request, zone_pk: str, pk: str) -> Response:
        services.shipping_rate_delete(rate=self._rate(zone_pk, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FulfillmentServiceViewSet(ResourceViewSet):
    scope_family = "shipping"
    filterset_class = FulfillmentServiceFilterSet
    ordering_fields = FULFILLMENT_SERVICE_ORDERING
    serializer_class = FulfillmentServiceOutputSerializer
    queryset = FulfillmentService.objects.none()

    def get_queryset(self) -> Any:
        return selectors.fulfillment_service_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search name, handle, email"),
            order_parameter(FULFILLMENT_SERVICE_ORDERING),
        ],
        responses=FulfillmentServiceOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request, self.get_queryset(), FulfillmentServiceOutputSerializer
        )

    @extend_schema(responses=FulfillmentServiceOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        service = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(FulfillmentServiceOutputSerializer(service).data)

    @extend_schema(
        request=FulfillmentServiceInputSerializer,
        responses={201: FulfillmentServiceOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = FulfillmentServiceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = services.fulfillment_service_create(data=data.validated_data, actor=request.user)
        return Response(
            FulfillmentServiceOutputSerializer(service).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=FulfillmentServiceInputSerializer, responses=FulfillmentServiceOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        service = get_object_or_404(FulfillmentService.objects.all(), pk=pk)
        data = FulfillmentServiceInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        service = services.fulfillment_service_update(
            service=service, data=data.validated_data, actor=request.user
        )
        return Response(FulfillmentServiceOutputSerializer(service).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        service = get_object_or_404(FulfillmentService.objects.all(), pk=pk)
        services.fulfillment_service_delete(service=service, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
