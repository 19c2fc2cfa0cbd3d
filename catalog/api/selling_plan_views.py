"""/api/v1/selling-plan-groups (with their plans) and /selling-plan-groups/{id}/plans."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import SellingPlan, SellingPlanGroup
from .filters import SellingPlanFilterSet, SellingPlanGroupFilterSet
from .serializers import (
    SellingPlanGroupInputSerializer,
    SellingPlanGroupOutputSerializer,
    SellingPlanGroupUpdateInputSerializer,
    SellingPlanInputSerializer,
    SellingPlanOutputSerializer,
)

GROUP_ORDERING = {"name": "name", "createdAt": "created_at", "updatedAt": "updated_at"}
PLAN_ORDERING = {"position": "position", "name": "name", "createdAt": "created_at"}


class SellingPlanGroupViewSet(ResourceViewSet):
    scope_family = "products"
    filterset_class = SellingPlanGroupFilterSet
    ordering_fields = GROUP_ORDERING
    serializer_class = SellingPlanGroupOutputSerializer
    queryset = SellingPlanGroup.objects.none()

    def get_queryset(self) -> Any:
        return selectors.selling_plan_group_list(search=self.request.query_params.get("q"))

    def _group(self, pk: str) -> SellingPlanGroup:
        return get_object_or_404(selectors.selling_plan_group_list(), pk=pk)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search name and merchant code"),
            order_parameter(GROUP_ORDERING),
        ],
        responses=SellingPlanGroupOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request, self.get_queryset(), SellingPlanGroupOutputSerializer
        )

    @extend_schema(responses=SellingPlanGroupOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(SellingPlanGroupOutputSerializer(self._group(pk)).data)

    @extend_schema(
        request=SellingPlanGroupInputSerializer,
        responses={201: SellingPlanGroupOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = SellingPlanGroupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.selling_plan_group_create(data=data.validated_data, actor=request.user)
        return Response(
            SellingPlanGroupOutputSerializer(self._group(str(group.pk))).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=SellingPlanGroupUpdateInputSerializer, responses=SellingPlanGroupOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        group = self._group(pk)
        data = SellingPlanGroupUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.selling_plan_group_update(
            group=group, data=data.validated_data, actor=request.user
        )
        return Response(SellingPlanGroupOutputSerializer(self._group(pk)).data)

    partial_update = update

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.selling_plan_group_delete(group=self._group(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellingPlanViewSet(ResourceViewSet):
    scope_family = "products"
    filterset_class = SellingPlanFilterSet
    ordering_fields = PLAN_ORDERING
    default_ordering = "position"
    serializer_class = SellingPlanOutputSerializer
    queryset = SellingPlan.objects.none()

    def _group(self, group_pk: str) -> SellingPlanGroup:
        return get_object_or_404(SellingPlanGroup.objects.all(), pk=group_pk)

    def _plan(self, group_pk: str, pk: str) -> SellingPlan:
        plans = selectors.selling_plan_list(group=self._group(group_pk))
        return get_object_or_404(plans.select_related("group"), pk=pk)

    @extend_schema(
        parameters=[order_parameter(PLAN_ORDERING)],
        responses=SellingPlanOutputSerializer(many=True),
    )
    def list(self, request: Request, group_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.selling_plan_list(group=self._group(group_pk)),
            SellingPlanOutputSerializer,
        )

    @extend_schema(responses=SellingPlanOutputSerializer)
    def retrieve(self, request: Request, group_pk: str, pk: str) -> Response:
        return Response(SellingPlanOutputSerializer(self._plan(group_pk, pk)).data)

    @extend_schema(request=SellingPlanInputSerializer, responses={201: SellingPlanOutputSerializer})
    def create(self, request: Request, group_pk: str) -> Response:
        group = self._group(group_pk)
        data = SellingPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.selling_plan_create(
            group=group, data=data.validated_data, actor=request.user
        )
        return Response(SellingPlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SellingPlanInputSerializer, responses=SellingPlanOutputSerializer)
    def update(self, request: Request, group_pk: str, pk: str) -> Response:
        plan = self._plan(group_pk, pk)
        data = SellingPlanInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        plan = services.selling_plan_update(plan=plan, data=data.validated_data, actor=request.user)
        return Response(SellingPlanOutputSerializer(plan).data)

    partial_update = update

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, group_pk: str, pk: str) -> Response:
        services.selling_plan_delete(plan=self._plan(group_pk, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
