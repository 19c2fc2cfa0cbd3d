"""/api/v1/orders (+ cancel, fulfill, transactions, refunds, fulfillments), fulfillment orders
and abandoned checkouts. Thin: services own writes, selectors own reads."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.permissions import row_access
from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import AbandonedCheckout, FulfillmentOrder, Order
from .filters import AbandonedCheckoutFilterSet, FulfillmentOrderFilterSet, OrderFilterSet
from .serializers import (
    AbandonedCheckoutOutputSerializer,
    FulfillmentOrderOutputSerializer,
    OrderCancelInputSerializer,
    OrderCreateInputSerializer,
    OrderFulfillInputSerializer,
    OrderFulfillmentOutputSerializer,
    OrderOutputSerializer,
    OrderRefundInputSerializer,
    OrderRefundOutputSerializer,
    OrderTransactionInputSerializer,
    OrderTransactionOutputSerializer,
    OrderUpdateInputSerializer,
)

# Sort fields are indexed columns only (created_at, processed_at, the unique number).
ORDER_ORDERING = {"createdAt": "created_at", "processedAt": "processed_at", "number": "number"}
CHECKOUT_ORDERING = {"createdAt": "created_at"}
FULFILLMENT_ORDER_ORDERING = {"createdAt": "created_at"}


def _order(request: Request, pk: str) -> Order:
    """The order at `pk` if this request may reach it (reads or writes alike), else 404."""
    return get_object_or_404(selectors.order_rows(access=row_access(request, "orders")), pk=pk)


def order_currency_of(url_kwargs: dict[str, Any], request: Request) -> str:
    """For /api/v2: the money of an order's refunds and transactions is in the order's currency
    (their request bodies name none). 404 for an unknown order or one this request may not
    reach, before the body is read."""
    currency = selectors.order_currency(
        order_id=url_kwargs["order_pk"], access=row_access(request, "orders")
    )
    if currency is None:
        raise Http404
    return currency


class OrderViewSet(ResourceViewSet):
    scope_family = "orders"
    filterset_class = OrderFilterSet
    ordering_fields = ORDER_ORDERING
    serializer_class = OrderOutputSerializer
    queryset = Order.objects.none()

    def get_queryset(self) -> Any:
        return selectors.order_list(
            search=self.request.query_params.get("q"),
            access=row_access(self.request, "orders"),
        )

    def _detail(self, pk: Any) -> Response:
        return Response(OrderOutputSerializer(selectors.order_get(order_id=pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search order name and email"),
            order_parameter(ORDER_ORDERING),
        ],
        responses=OrderOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), OrderOutputSerializer)

    @extend_schema(responses=OrderOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        order = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(OrderOutputSerializer(order).data)

    @extend_schema(request=OrderCreateInputSerializer, responses={201: OrderOutputSerializer})
    def create(self, request: Request) -> Response:
        data = OrderCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        access = row_access(request, "orders")
        # A restricted grant creates only orders it will reach: its own (`own`: the creator is
        # the actor) or at one of its locations.
        if not (
            access.unrestricted
            or access.owner_id is not None
            or access.allows_location(data.validated_data.get("location_id"))
        ):
            raise PermissionDenied("Your grants cannot create orders outside their rows.")
        order = services.order_create(data=data.validated_data, actor=request.user)
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrderUpdateInputSerializer, responses=OrderOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        order = _order(request, pk)
        data = OrderUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.order_update(order=order, data=data.validated_data, actor=request.user)
        return self._detail(order.pk)

    partial_update = update

    @extend_schema(request=OrderCancelInputSerializer, responses=OrderOutputSerializer)
    def cancel(self, request: Request, pk: str) -> Response:
        order = _order(request, pk)
        data = OrderCancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_cancel(order=order, actor=request.user, **data.validated_data)
        return self._detail(order.pk)

    @extend_schema(
        request=OrderFulfillInputSerializer, responses={201: OrderFulfillmentOutputSerializer}
    )
    def fulfill(self, request: Request, pk: str) -> Response:
        order = _order(request, pk)
        data = OrderFulfillInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fulfillment = services.order_fulfill(
            order=order, data=data.validated_data, actor=request.user
        )
        fulfillment = selectors.order_fulfillments(order=order).get(pk=fulfillment.pk)
        return Response(
            OrderFulfillmentOutputSerializer(fulfillment).data, status=status.HTTP_201_CREATED
        )


class OrderTransactionViewSet(ResourceViewSet):
    scope_family = "orders"
    serializer_class = OrderTransactionOutputSerializer
    queryset = Order.objects.none()

    @extend_schema(responses=OrderTransactionOutputSerializer(many=True))
    def list(self, request: Request, order_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.order_transactions(order=_order(request, order_pk)),
            OrderTransactionOutputSerializer,
            ordering=("id",),
        )

    @extend_schema(
        request=OrderTransactionInputSerializer,
        responses={201: OrderTransactionOutputSerializer},
    )
    def create(self, request: Request, order_pk: str) -> Response:
        order = _order(request, order_pk)
        data = OrderTransactionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.order_transaction_create(
            order=order, data=data.validated_data, actor=request.user
        )
        return Response(
            OrderTransactionOutputSerializer(created).data, status=status.HTTP_201_CREATED
        )


class OrderRefundViewSet(ResourceViewSet):
    scope_family = "orders"
    serializer_class = OrderRefundOutputSerializer
    queryset = Order.objects.none()

    @extend_schema(responses=OrderRefundOutputSerializer(many=True))
    def list(self, request: Request, order_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.order_refunds(order=_order(request, order_pk)),
            OrderRefundOutputSerializer,
            ordering=("id",),
        )

    @extend_schema(responses=OrderRefundOutputSerializer)
    def retrieve(self, request: Request, order_pk: str, pk: str) -> Response:
        refund = get_object_or_404(selectors.order_refunds(order=_order(request, order_pk)), pk=pk)
        return Response(OrderRefundOutputSerializer(refund).data)

    @extend_schema(request=OrderRefundInputSerializer, responses={201: OrderRefundOutputSerializer})
    def create(self, request: Request, order_pk: str) -> Response:
        order = _order(request, order_pk)
        data = OrderRefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = services.refund_create(order=order, data=data.validated_data, actor=request.user)
        refund = selectors.order_refunds(order=order).get(pk=refund.pk)
        return Response(OrderRefundOutputSerializer(refund).data, status=status.HTTP_201_CREATED)


class OrderFulfillmentViewSet(ResourceViewSet):
    scope_family = "orders"
    serializer_class = OrderFulfillmentOutputSerializer
    queryset = Order.objects.none()

    @extend_schema(responses=OrderFulfillmentOutputSerializer(many=True))
    def list(self, request: Request, order_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.order_fulfillments(order=_order(request, order_pk)),
            OrderFulfillmentOutputSerializer,
            ordering=("id",),
        )

    @extend_schema(responses=OrderFulfillmentOutputSerializer)
    def retrieve(self, request: Request, order_pk: str, pk: str) -> Response:
        fulfillment = get_object_or_404(
            selectors.order_fulfillments(order=_order(request, order_pk)), pk=pk
        )
        return Response(OrderFulfillmentOutputSerializer(fulfillment).data)


class FulfillmentOrderViewSet(ResourceViewSet):
    scope_family = "orders"
    filterset_class = FulfillmentOrderFilterSet
    ordering_fields = FULFILLMENT_ORDER_ORDERING
    serializer_class = FulfillmentOrderOutputSerializer
    queryset = FulfillmentOrder.objects.none()

    @extend_schema(
        parameters=[order_parameter(FULFILLMENT_ORDER_ORDERING)],
        responses=FulfillmentOrderOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request,
            selectors.fulfillment_order_list(access=row_access(request, "orders")),
            FulfillmentOrderOutputSerializer,
        )

    @extend_schema(responses=FulfillmentOrderOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        fulfillment_order = get_object_or_404(
            selectors.fulfillment_order_list(access=row_access(request, "orders")), pk=pk
        )
        return Response(FulfillmentOrderOutputSerializer(fulfillment_order).data)


class AbandonedCheckoutViewSet(ResourceViewSet):
    scope_family = "orders"
    filterset_class = AbandonedCheckoutFilterSet
    ordering_fields = CHECKOUT_ORDERING
    serializer_class = AbandonedCheckoutOutputSerializer
    queryset = AbandonedCheckout.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search email and checkout name"),
            order_parameter(CHECKOUT_ORDERING),
        ],
        responses=AbandonedCheckoutOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request,
            selectors.abandoned_checkout_list(
                search=request.query_params.get("q"), access=row_access(request, "orders")
            ),
            AbandonedCheckoutOutputSerializer,
        )

    @extend_schema(responses=AbandonedCheckoutOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        checkout = get_object_or_404(
            selectors.abandoned_checkout_list(access=row_access(request, "orders")), pk=pk
        )
        return Response(AbandonedCheckoutOutputSerializer(checkout).data)
