"""/api/v1/markets (+ nested regions). Thin: services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import Market, MarketRegion
from .filters import MarketFilterSet
from .serializers import (
    MarketInputSerializer,
    MarketOutputSerializer,
    MarketRegionInputSerializer,
    MarketRegionOutputSerializer,
)

MARKET_ORDERING = {"createdAt": "created_at", "updatedAt": "updated_at", "name": "name"}
REGION_ORDERING = {"countryCode": "country_code", "createdAt": "created_at"}


class MarketViewSet(ResourceViewSet):
    scope_family = "markets"
    filterset_class = MarketFilterSet
    ordering_fields = MARKET_ORDERING
    serializer_class = MarketOutputSerializer
    queryset = Market.objects.none()

    def get_queryset(self) -> Any:
        return selectors.market_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search name and handle"),
            order_parameter(MARKET_ORDERING),
        ],
        responses=MarketOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), MarketOutputSerializer)

    @extend_schema(responses=MarketOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        market = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(MarketOutputSerializer(market).data)

    @extend_schema(request=MarketInputSerializer, responses={201: MarketOutputSerializer})
    def create(self, request: Request) -> Response:
        data = MarketInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        market = services.market_create(data=data.validated_data, actor=request.user)
        market = self.get_queryset().get(pk=market.pk)
        return Response(MarketOutputSerializer(market).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MarketInputSerializer, responses=MarketOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        market = get_object_or_404(Market.objects.all(), pk=pk)
        data = MarketInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.market_update(market=market, data=data.validated_data, actor=request.user)
        return Response(MarketOutputSerializer(self.get_queryset().get(pk=pk)).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        market = get_object_or_404(Market.objects.all(), pk=pk)
        services.market_delete(market=market, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MarketRegionViewSet(ResourceViewSet):
    scope_family = "markets"
    ordering_fields = REGION_ORDERING
    serializer_class = MarketRegionOutputSerializer
    queryset = MarketRegion.objects.none()

    def _market(self, market_pk: str) -> Market:
        return get_object_or_404(Market.objects.all(), pk=market_pk)

    def _region(self, market_pk: str, pk: str) -> MarketRegion:
        return get_object_or_404(
            selectors.market_region_list(market=self._market(market_pk)).select_related("market"),
            pk=pk,
        )

    @extend_schema(
        parameters=[order_parameter(REGION_ORDERING)],
        responses=MarketRegionOutputSerializer(many=True),
    )
    def list(self, request: Request, market_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.market_region_list(market=self._market(market_pk)),
            MarketRegionOutputSerializer,
        )

    @extend_schema(responses=MarketRegionOutputSerializer)
    def retrieve(self, request: Request, market_pk: str, pk: str) -> Response:
        return Response(MarketRegionOutputSerializer(self._region(market_pk, pk)).data)

    @extend_schema(
        request=MarketRegionInputSerializer, responses={201: MarketRegionOutputSerializer}
    )
    def create(self, request: Request, market_pk: str) -> Response:
        market = self._market(market_pk)
        data = MarketRegionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        region = services.market_region_create(
            market=market, data=data.validated_data, actor=request.user
        )
        return Response(MarketRegionOutputSerializer(region).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MarketRegionInputSerializer, responses=MarketRegionOutputSerializer)
    def update(self, request: Request, market_pk: str, pk: str) -> Response:
        region = self._region(market_pk, pk)
        data = MarketRegionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        region = services.market_region_update(
            region=region, data=data.validated_data, actor=request.user
        )
        return Response(MarketRegionOutputSerializer(region).data)

    partial_update = update

    def destroy(self, request: Request, market_pk: str, pk: str) -> Response:
        services.market_region_delete(region=self._region(market_pk, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
