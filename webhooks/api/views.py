"""/api/v1/webhook-subscriptions (+ their deliveries, read-only)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import WebhookDelivery, WebhookSubscription
from .filters import WebhookDeliveryFilterSet, WebhookSubscriptionFilterSet
from .serializers import (
    WebhookDeliveryOutputSerializer,
    WebhookSubscriptionCreatedOutputSerializer,
    WebhookSubscriptionInputSerializer,
    WebhookSubscriptionOutputSerializer,
)

SUBSCRIPTION_ORDERING = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "topic": "topic",
    "address": "address",
}
DELIVERY_ORDERING = {"receivedAt": "received_at"}


class WebhookSubscriptionViewSet(ResourceViewSet):
    scope_family = "webhooks"
    filterset_class = WebhookSubscriptionFilterSet
    ordering_fields = SUBSCRIPTION_ORDERING
    serializer_class = WebhookSubscriptionOutputSerializer
    queryset = WebhookSubscription.objects.none()

    def get_queryset(self) -> Any:
        return selectors.webhook_subscription_list(search=self.request.query_params.get("q"))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search topic and address"),
            order_parameter(SUBSCRIPTION_ORDERING),
        ],
        responses=WebhookSubscriptionOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request, self.get_queryset(), WebhookSubscriptionOutputSerializer
        )

    @extend_schema(responses=WebhookSubscriptionOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        subscription = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(WebhookSubscriptionOutputSerializer(subscription).data)

    @extend_schema(
        request=WebhookSubscriptionInputSerializer,
        responses={201: WebhookSubscriptionCreatedOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = WebhookSubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_create(
            data=data.validated_data, actor=request.user
        )
        return Response(
            WebhookSubscriptionCreatedOutputSerializer(subscription).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=WebhookSubscriptionInputSerializer, responses=WebhookSubscriptionOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        subscription = get_object_or_404(WebhookSubscription.objects.all(), pk=pk)
        data = WebhookSubscriptionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_update(
            subscription=subscription, data=data.validated_data, actor=request.user
        )
        return Response(WebhookSubscriptionOutputSerializer(subscription).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        subscription = get_object_or_404(WebhookSubscription.objects.all(), pk=pk)
        services.webhook_subscription_delete(subscription=subscription, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryViewSet(ResourceViewSet):
    scope_family = "webhooks"
    filterset_class = WebhookDeliveryFilterSet
    ordering_fields = DELIVERY_ORDERING
    serializer_class = WebhookDeliveryOutputSerializer
    queryset = WebhookDelivery.objects.none()

    @extend_schema(
        parameters=[order_parameter(DELIVERY_ORDERING)],
        responses=WebhookDeliveryOutputSerializer(many=True),
    )
    def list(self, request: Request, subscription_pk: str) -> Response:
        subscription = get_object_or_404(WebhookSubscription.objects.all(), pk=subscription_pk)
        return self.paginated_response(
            request,
            selectors.webhook_delivery_list(subscription=subscription),
            WebhookDeliveryOutputSerializer,
        )
