"""/api/v1/products (+ nested variants). Thin: services own writes, selectors own reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fast import CamelRows, camel_keys
from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import Product, ProductVariant
from .filters import ProductFilterSet
from .serializers import (
    ProductBulkInputSerializer,
    ProductInputSerializer,
    ProductListItemSerializer,
    ProductOutputSerializer,
    ProductUpdateInputSerializer,
    VariantBulkInputSerializer,
    VariantInputSerializer,
    VariantOutputSerializer,
)

VARIANT_KEYS = camel_keys(selectors.VARIANT_FIELDS)


def _with_variants(*, product_ids: list[int]) -> list[dict[str, Any]]:
    """Products as the detail shows them; the variant rows carry their API names already."""
    rows = selectors.product_detail_rows(product_ids=product_ids, variant_keys=VARIANT_KEYS)
    for row in rows:
        row["variants"] = CamelRows(row["variants"])
    return rows


PRODUCT_ORDERING = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "publishedAt": "published_at",
    "title": "title",
}


class ProductViewSet(ResourceViewSet):
    scope_family = "products"
    filterset_class = ProductFilterSet
    ordering_fields = PRODUCT_ORDERING
    serializer_class = ProductOutputSerializer
    queryset = Product.objects.none()

    def get_queryset(self) -> Any:
        return selectors.product_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search title, vendor, tags, SKU"),
            order_parameter(PRODUCT_ORDERING),
        ],
        responses=ProductListItemSerializer(many=True),
    )
    def list(self, request: Request) -> HttpResponse:
        """Products with their options and a variant summary (the variants themselves are at
        the detail and at /products/{id}/variants: a product may have 2,048)."""
        rows = selectors.product_rows(search=request.query_params.get("q"))
        return self.fast_page(request, rows, selectors.product_rows_with_summaries)

    def _detail(self, product_id: int, status: int = status.HTTP_200_OK) -> HttpResponse:
        rows = _with_variants(product_ids=[product_id])
        if not rows:
            raise NotFound()
        return self.fast_response(rows[0], status=status)

    @extend_schema(responses=ProductOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> HttpResponse:
        return self._detail(int(pk))

    @extend_schema(request=ProductInputSerializer, responses={201: ProductOutputSerializer})
    def create(self, request: Request) -> HttpResponse:
        data = ProductInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_create(data=data.validated_data, actor=request.user)
        return self._detail(product.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ProductUpdateInputSerializer, responses=ProductOutputSerializer)
    def update(self, request: Request, pk: str) -> HttpResponse:
        product = get_object_or_404(Product.objects.all(), pk=pk)
        data = ProductUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.product_update(product=product, data=data.validated_data, actor=request.user)
        return self._detail(product.pk)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        product = get_object_or_404(Product.objects.all(), pk=pk)
        services.product_delete(product=product, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VariantViewSet(ResourceViewSet):
    scope_family = "products"
    serializer_class = VariantOutputSerializer
    queryset = ProductVariant.objects.none()

    def _product(self, product_pk: str) -> Product:
        return get_object_or_404(Product.objects.all(), pk=product_pk)

    @extend_schema(responses=VariantOutputSerializer(many=True))
    def list(self, request: Request, product_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.variant_list(product=self._product(product_pk)),
            VariantOutputSerializer,
            ordering=("position",),
        )

    @extend_schema(responses=VariantOutputSerializer)
    def retrieve(self, request: Request, product_pk: str, pk: str) -> Response:
        variant = get_object_or_404(ProductVariant.objects.filter(product_id=product_pk), pk=pk)
        return Response(VariantOutputSerializer(variant).data)

    @extend_schema(request=VariantInputSerializer, responses={201: VariantOutputSerializer})
    def create(self, request: Request, product_pk: str) -> Response:
        data = VariantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variant = services.variant_create(
            product=self._product(product_pk), data=data.validated_data, actor=request.user
        )
        return Response(VariantOutputSerializer(variant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VariantInputSerializer, responses=VariantOutputSerializer)
    def update(self, request: Request, product_pk: str, pk: str) -> Response:
        variant = get_object_or_404(ProductVariant.objects.filter(product_id=product_pk), pk=pk)
        data = VariantInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        variant = services.variant_update(
            variant=variant, data=data.validated_data, actor=request.user
        )
        return Response(VariantOutputSerializer(variant).data)

    partial_update = update

    def destroy(self, request: Request, product_pk: str, pk: str) -> Response:
        variant = get_object_or_404(ProductVariant.objects.filter(product_id=product_pk), pk=pk)
        services.variant_delete(variant=variant, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProductBulkViewSet(ResourceViewSet):
    """POST /products/bulk and /products/{id}/variants/bulk: all or nothing."""

    scope_family = "products"
    serializer_class = ProductOutputSerializer
    queryset = Product.objects.none()
    pagination_class = None  # the created rows come back whole, not as a cursor page

    @extend_schema(
        request=ProductBulkInputSerializer, responses={201: ProductOutputSerializer(many=True)}
    )
    def create_products(self, request: Request) -> HttpResponse:
        data = ProductBulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        products = services.product_bulk_create(
            items=data.validated_data["products"], actor=request.user
        )
        rows = _with_variants(product_ids=[p.pk for p in products])
        return self.fast_response(rows, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=VariantBulkInputSerializer, responses={201: VariantOutputSerializer(many=True)}
    )
    def create_variants(self, request: Request, product_pk: str) -> Response:
        product = get_object_or_404(Product.objects.all(), pk=product_pk)
        data = VariantBulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variants = services.variant_bulk_create(
            product=product, items=data.validated_data["variants"], actor=request.user
        )
        return Response(
            VariantOutputSerializer(variants, many=True).data, status=status.HTTP_201_CREATED
        )
