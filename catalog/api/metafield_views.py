"""/api/v1/metafield-definitions and /api/v1/metafields."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import Metafield, MetafieldDefinition
from .filters import MetafieldDefinitionFilterSet, MetafieldFilterSet
from .serializers import (
    MetafieldDefinitionInputSerializer,
    MetafieldDefinitionOutputSerializer,
    MetafieldDefinitionUpdateInputSerializer,
    MetafieldInputSerializer,
    MetafieldOutputSerializer,
    MetafieldUpdateInputSerializer,
)

DEFINITION_ORDERING = {"name": "name", "key": "key", "createdAt": "created_at"}
METAFIELD_ORDERING = {"key": "key", "createdAt": "created_at", "updatedAt": "updated_at"}


class MetafieldDefinitionViewSet(ResourceViewSet):
    scope_family = "products"
    filterset_class = MetafieldDefinitionFilterSet
    ordering_fields = DEFINITION_ORDERING
    serializer_class = MetafieldDefinitionOutputSerializer
    queryset = MetafieldDefinition.objects.none()

    def get_queryset(self) -> Any:
        return selectors.metafield_definition_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search name and key"),
            order_parameter(DEFINITION_ORDERING),
        ],
        responses=MetafieldDefinitionOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request, self.get_queryset(), MetafieldDefinitionOutputSerializer
        )

    @extend_schema(responses=MetafieldDefinitionOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        definition = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(MetafieldDefinitionOutputSerializer(definition).data)

    @extend_schema(
        request=MetafieldDefinitionInputSerializer,
        responses={201: MetafieldDefinitionOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = MetafieldDefinitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        definition = services.metafield_definition_create(
            data=data.validated_data, actor=request.user
        )
        return Response(
            MetafieldDefinitionOutputSerializer(definition).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=MetafieldDefinitionUpdateInputSerializer,
        responses=MetafieldDefinitionOutputSerializer,
    )
    def update(self, request: Request, pk: str) -> Response:
        definition = get_object_or_404(MetafieldDefinition.objects.all(), pk=pk)
        data = MetafieldDefinitionUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        definition = services.metafield_definition_update(
            definition=definition, data=data.validated_data, actor=request.user
        )
        return Response(MetafieldDefinitionOutputSerializer(definition).data)

    partial_update = update

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        definition = get_object_or_404(MetafieldDefinition.objects.all(), pk=pk)
        services.metafield_definition_delete(definition=definition, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MetafieldViewSet(ResourceViewSet):
    scope_family = "products"
    filterset_class = MetafieldFilterSet
    ordering_fields = METAFIELD_ORDERING
    serializer_class = MetafieldOutputSerializer
    queryset = Metafield.objects.none()

    def get_queryset(self) -> Any:
        return selectors.metafield_list()

    @extend_schema(
        parameters=[order_parameter(METAFIELD_ORDERING)],
        responses=MetafieldOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), MetafieldOutputSerializer)

    @extend_schema(responses=MetafieldOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        metafield = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(MetafieldOutputSerializer(metafield).data)

    @extend_schema(request=MetafieldInputSerializer, responses={201: MetafieldOutputSerializer})
    def create(self, request: Request) -> Response:
        data = MetafieldInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        metafield = services.metafield_create(data=data.validated_data, actor=request.user)
        return Response(MetafieldOutputSerializer(metafield).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MetafieldUpdateInputSerializer, responses=MetafieldOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        metafield = get_object_or_404(self.get_queryset(), pk=pk)
        data = MetafieldUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        metafield = services.metafield_update(
            metafield=metafield, data=data.validated_data, actor=request.user
        )
        return Response(MetafieldOutputSerializer(metafield).data)

    partial_update = update

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        metafield = get_object_or_404(self.get_queryset(), pk=pk)
        services.metafield_delete(metafield=metafield, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
