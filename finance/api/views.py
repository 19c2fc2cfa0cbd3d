"""/api/v1/gift-cards and /api/v1/discount-codes. Thin: services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import DiscountCode, GiftCard
from .filters import DiscountCodeFilterSet, GiftCardFilterSet
from .serializers import (
    DiscountCodeInputSerializer,
    DiscountCodeOutputSerializer,
    GiftCardAdjustmentInputSerializer,
    GiftCardCreatedOutputSerializer,
    GiftCardInputSerializer,
    GiftCardOutputSerializer,
    GiftCardUpdateInputSerializer,
)

GIFT_CARD_ORDERING = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "expiresOn": "expires_on",
    "balance": "balance",
}
DISCOUNT_CODE_ORDERING = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "code": "code",
    "startsAt": "starts_at",
    "endsAt": "ends_at",
    "usedCount": "used_count",
}


class GiftCardViewSet(ResourceViewSet):
    scope_family = "finance"
    filterset_class = GiftCardFilterSet
    ordering_fields = GIFT_CARD_ORDERING
    serializer_class = GiftCardOutputSerializer
    queryset = GiftCard.objects.none()

    def get_queryset(self) -> Any:
        return selectors.gift_card_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Last four characters, a full code, or note"),
            order_parameter(GIFT_CARD_ORDERING),
        ],
        responses=GiftCardOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), GiftCardOutputSerializer)

    @extend_schema(responses=GiftCardOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        card = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(GiftCardOutputSerializer(card).data)

    @extend_schema(
        request=GiftCardInputSerializer, responses={201: GiftCardCreatedOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        data = GiftCardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card, code = services.gift_card_create(data=data.validated_data, actor=request.user)
        card.code = code  # type: ignore[attr-defined]  # shown once, never stored
        return Response(GiftCardCreatedOutputSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GiftCardUpdateInputSerializer, responses=GiftCardOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        card = get_object_or_404(GiftCard.objects.all(), pk=pk)
        data = GiftCardUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        card = services.gift_card_update(
            gift_card=card, data=data.validated_data, actor=request.user
        )
        return Response(GiftCardOutputSerializer(card).data)

    partial_update = update

    @extend_schema(request=None, responses=GiftCardOutputSerializer)
    def disable(self, request: Request, pk: str) -> Response:
        card = get_object_or_404(GiftCard.objects.all(), pk=pk)
        card = services.gift_card_disable(gift_card=card, actor=request.user)
        return Response(GiftCardOutputSerializer(card).data)

    @extend_schema(request=GiftCardAdjustmentInputSerializer, responses=GiftCardOutputSerializer)
    def adjust(self, request: Request, pk: str) -> Response:
        card = get_object_or_404(GiftCard.objects.all(), pk=pk)
        data = GiftCardAdjustmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = services.gift_card_adjust(
            gift_card_id=card.pk,
            amount=data.validated_data["amount"],
            note=data.validated_data["note"],
            actor=request.user,
        )
        return Response(GiftCardOutputSerializer(card).data)


class DiscountCodeViewSet(ResourceViewSet):
    scope_family = "finance"
    filterset_class = DiscountCodeFilterSet
    ordering_fields = DISCOUNT_CODE_ORDERING
    serializer_class = DiscountCodeOutputSerializer
    queryset = DiscountCode.objects.none()

    def get_queryset(self) -> Any:
        return selectors.discount_code_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search code and title"),
            order_parameter(DISCOUNT_CODE_ORDERING),
        ],
        responses=DiscountCodeOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), DiscountCodeOutputSerializer)

    @extend_schema(responses=DiscountCodeOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        code = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(DiscountCodeOutputSerializer(code).data)

    @extend_schema(
        request=DiscountCodeInputSerializer, responses={201: DiscountCodeOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        data = DiscountCodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = services.discount_code_create(data=data.validated_data, actor=request.user)
        return Response(DiscountCodeOutputSerializer(code).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DiscountCodeInputSerializer, responses=DiscountCodeOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        code = get_object_or_404(DiscountCode.objects.all(), pk=pk)
        data = DiscountCodeInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        code = services.discount_code_update(
            discount_code=code, data=data.validated_data, actor=request.user
        )
        return Response(DiscountCodeOutputSerializer(code).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        code = get_object_or_404(DiscountCode.objects.all(), pk=pk)
        services.discount_code_delete(discount_code=code, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
