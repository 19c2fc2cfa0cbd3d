"""/api/v1/me/orders: a customer's own orders and, for a B2B contact, its companies' orders."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import customer_company_ids
from core.api.me import MeViewSet

from .. import selectors
from ..models import Order
from .serializers import OrderFulfillmentOutputSerializer, OrderLineItemOutputSerializer

ME_ORDER_ORDERING = {"createdAt": "created_at", "processedAt": "processed_at"}


class MeOrderOutputSerializer(serializers.ModelSerializer):
    """An order as its buyer sees it: no staff note, tags, gateway details or creator."""

    line_items = OrderLineItemOutputSerializer(many=True, read_only=True)
    fulfillments = OrderFulfillmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "name",
            "order_number",
            "email",
            "phone",
            "customer_id",
            "company_id",
            "status",
            "financial_status",
            "fulfillment_status",
            "currency",
            "taxes_included",
            "total_line_items_price",
            "subtotal_price",
            "total_discounts",
            "total_tax",
            "total_price",
            "shipping_lines",
            "billing_address",
            "shipping_address",
            "cancelled_at",
            "cancel_reason",
            "closed_at",
            "processed_at",
            "created_at",
            "updated_at",
            "line_items",
            "fulfillments",
        )
        read_only_fields = fields


class MeOrderViewSet(MeViewSet):
    ordering_fields = ME_ORDER_ORDERING
    serializer_class = MeOrderOutputSerializer
    queryset = Order.objects.none()

    def get_queryset(self) -> Any:
        return selectors.customer_order_list(
            customer_id=self.me(self.request).pk,
            company_ids=customer_company_ids(user=self.request.user),
        )

    @extend_schema(responses=MeOrderOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), MeOrderOutputSerializer)

    @extend_schema(responses=MeOrderOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MeOrderOutputSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
