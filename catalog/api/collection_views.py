"""/api/v1/collections (custom, with their products) and /api/v1/smart-collections (rules)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import Collection, Product
from .filters import CollectionFilterSet
from .serializers import (
    CollectionInputSerializer,
    CollectionOutputSerializer,
    CollectionProductOutputSerializer,
    CollectionProductsInputSerializer,
    ProductOutputSerializer,
    SmartCollectionInputSerializer,
    SmartCollectionOutputSerializer,
)

COLLECTION_ORDERING = {
    "updatedAt": "updated_at",
    "publishedAt": "published_at",
    "title": "title",
    "createdAt": "created_at",
}
SEARCH = OpenApiParameter("q", str, description="Search title and handle")


class CollectionViewSet(ResourceViewSet):
    scope_family = "products"
    filterset_class = CollectionFilterSet
    ordering_fields = COLLECTION_ORDERING
    smart: ClassVar[bool] = False
    serializer_class: ClassVar[type[serializers.Serializer[Any]]] = CollectionOutputSerializer
    input_class: ClassVar[type[serializers.Serializer[Any]]] = CollectionInputSerializer
    queryset = Collection.objects.none()

    def get_queryset(self) -> Any:
        return selectors.collection_list(
            smart=self.smart, search=self.request.query_params.get("q")
        )

    def _collection(self, pk: str) -> Collection:
        return get_object_or_404(selectors.collection_list(smart=self.smart), pk=pk)

    def _list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), self.serializer_class)

    def _retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.serializer_class(self._collection(pk)).data)

    def _create(self, request: Request) -> Response:
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        collection = services.collection_create(
            data=data.validated_data, smart=self.smart, actor=request.user
        )
        return Response(self.serializer_class(collection).data, status=status.HTTP_201_CREATED)

    def _update(self, request: Request, pk: str) -> Response:
        collection = self._collection(pk)
        data = self.input_class(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        collection = services.collection_update(
            collection=collection, data=data.validated_data, actor=request.user
        )
        return Response(self.serializer_class(collection).data)

    @extend_schema(
        parameters=[SEARCH, order_parameter(COLLECTION_ORDERING)],
        responses=CollectionOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self._list(request)

    @extend_schema(responses=CollectionOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._retrieve(request, pk)

    @extend_schema(request=CollectionInputSerializer, responses={201: CollectionOutputSerializer})
    def create(self, request: Request) -> Response:
        return self._create(request)

    @extend_schema(request=CollectionInputSerializer, responses=CollectionOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, pk)

    partial_update = update

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.collection_delete(collection=self._collection(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SmartCollectionViewSet(CollectionViewSet):
    smart = True
    serializer_class = SmartCollectionOutputSerializer
    input_class = SmartCollectionInputSerializer

    @extend_schema(
        parameters=[SEARCH, order_parameter(COLLECTION_ORDERING)],
        responses=SmartCollectionOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self._list(request)

    @extend_schema(responses=SmartCollectionOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._retrieve(request, pk)

    @extend_schema(
        request=SmartCollectionInputSerializer, responses={201: SmartCollectionOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        return self._create(request)

    @extend_schema(
        request=SmartCollectionInputSerializer, responses=SmartCollectionOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, pk)

    partial_update = update


class SmartCollectionProductViewSet(ResourceViewSet):
    """The local products meeting a smart collection's rules, in its sort order."""

    scope_family = "products"
    serializer_class = ProductOutputSerializer
    queryset = Product.objects.none()

    @extend_schema(responses=ProductOutputSerializer(many=True))
    def list(self, request: Request, collection_pk: str) -> Response:
        collection = get_object_or_404(selectors.collection_list(smart=True), pk=collection_pk)
        return self.paginated_response(
            request,
            selectors.smart_collection_products(collection=collection),
            ProductOutputSerializer,
            ordering=selectors.smart_collection_ordering(collection=collection),
        )


class CollectionProductViewSet(ResourceViewSet):
    """The products of a custom collection, in position order."""

    scope_family = "products"
    serializer_class = CollectionProductOutputSerializer
    queryset = Product.objects.none()

    def _collection(self, collection_pk: str) -> Collection:
        return get_object_or_404(selectors.collection_list(smart=False), pk=collection_pk)

    @extend_schema(responses=CollectionProductOutputSerializer(many=True))
    def list(self, request: Request, collection_pk: str) -> Response:
        collection = self._collection(collection_pk)
        return self.paginated_response(
            request,
            selectors.collection_products(collection=collection),
            CollectionProductOutputSerializer,
            ordering=("collection_position", "id"),
        )

    @extend_schema(
        request=CollectionProductsInputSerializer,
        responses=CollectionProductOutputSerializer(many=True),
    )
    def create(self, request: Request, collection_pk: str) -> Response:
        """Add products after the last one; adding a product twice changes nothing. Answers
        with the first page of the collection's products."""
        collection = self._collection(collection_pk)
        data = CollectionProductsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.collection_products_add(
            collection=collection,
            product_ids=data.validated_data["product_ids"],
            actor=request.user,
        )
        return self.list(request, collection_pk)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, collection_pk: str, pk: str) -> Response:
        services.collection_product_remove(
            collection=self._collection(collection_pk), product_id=int(pk), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
