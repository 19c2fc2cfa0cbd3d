"""/api/v1/customers (+ nested addresses, bulk) and /api/v1/customer-groups. Thin: services own
writes, selectors own reads."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import Customer, CustomerAddress, CustomerGroup, CustomerTag
from .filters import CustomerFilterSet, CustomerGroupFilterSet
from .serializers import (
    CustomerAddressInputSerializer,
    CustomerAddressOutputSerializer,
    CustomerBulkInputSerializer,
    CustomerBulkOutputSerializer,
    CustomerGroupInputSerializer,
    CustomerGroupMembersInputSerializer,
    CustomerGroupOutputSerializer,
    CustomerGroupUpdateInputSerializer,
    CustomerInputSerializer,
    CustomerOutputSerializer,
    CustomerTagOutputSerializer,
    CustomerUpdateInputSerializer,
)

CUSTOMER_ORDERING = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "email": "email",
    "totalSpent": "total_spent",
}
GROUP_ORDERING = {"createdAt": "created_at", "name": "name"}


class CustomerViewSet(ResourceViewSet):
    scope_family = "customers"
    filterset_class = CustomerFilterSet
    ordering_fields = CUSTOMER_ORDERING
    serializer_class = CustomerOutputSerializer
    queryset = Customer.objects.none()

    def get_queryset(self) -> Any:
        return selectors.customer_list(search=self.request.query_params.get("q"))

    def _customer(self, pk: str) -> Customer:
        return get_object_or_404(Customer.objects.all(), pk=pk)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search email, first and last name, phone"),
            order_parameter(CUSTOMER_ORDERING),
        ],
        responses=CustomerOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), CustomerOutputSerializer)

    @extend_schema(responses=CustomerOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        customer = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(CustomerOutputSerializer(customer).data)

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerOutputSerializer})
    def create(self, request: Request) -> Response:
        data = CustomerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = services.customer_create(data=data.validated_data, actor=request.user)
        customer = selectors.customer_list().get(pk=customer.pk)
        return Response(CustomerOutputSerializer(customer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CustomerUpdateInputSerializer, responses=CustomerOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        customer = self._customer(pk)
        data = CustomerUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.customer_update(customer=customer, data=data.validated_data, actor=request.user)
        return Response(CustomerOutputSerializer(selectors.customer_list().get(pk=pk)).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        services.customer_delete(customer=self._customer(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=CustomerBulkInputSerializer, responses={201: CustomerBulkOutputSerializer}
    )
    def bulk(self, request: Request) -> Response:
        data = CustomerBulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.customers_bulk_create(
            items=data.validated_data["customers"], actor=request.user
        )
        customers = selectors.customer_list().filter(pk__in=[c.pk for c in created])
        return Response(
            {"customers": CustomerOutputSerializer(customers.order_by("id"), many=True).data},
            status=status.HTTP_201_CREATED,
        )


class AddressActions(ResourceViewSet):
    """A customer's addresses: list, read, create, change, delete, make default. The staff
    routes (`customers/{customerPk}/addresses`) and the self-service ones (`me/addresses`)
    differ only in whose addresses they reach: `address_owner`."""

    serializer_class = CustomerAddressOutputSerializer
    queryset = CustomerAddress.objects.none()

    def address_owner(self, request: Request, **kwargs: str) -> Customer:
        raise NotImplementedError

    def _address(self, request: Request, pk: str, **kwargs: str) -> CustomerAddress:
        owner = self.address_owner(request, **kwargs)
        return get_object_or_404(selectors.address_list(customer=owner), pk=pk)

    @extend_schema(responses=CustomerAddressOutputSerializer(many=True))
    def list(self, request: Request, **kwargs: str) -> Response:
        return self.paginated_response(
            request,
            selectors.address_list(customer=self.address_owner(request, **kwargs)),
            CustomerAddressOutputSerializer,
            ordering=("id",),
        )

    @extend_schema(responses=CustomerAddressOutputSerializer)
    def retrieve(self, request: Request, pk: str, **kwargs: str) -> Response:
        return Response(CustomerAddressOutputSerializer(self._address(request, pk, **kwargs)).data)

    @extend_schema(
        request=CustomerAddressInputSerializer, responses={201: CustomerAddressOutputSerializer}
    )
    def create(self, request: Request, **kwargs: str) -> Response:
        data = CustomerAddressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.address_create(
            customer=self.address_owner(request, **kwargs),
            data=data.validated_data,
            actor=request.user,
        )
        return Response(
            CustomerAddressOutputSerializer(address).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=CustomerAddressInputSerializer, responses=CustomerAddressOutputSerializer
    )
    def update(self, request: Request, pk: str, **kwargs: str) -> Response:
        address = self._address(request, pk, **kwargs)
        data = CustomerAddressInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        address = services.address_update(
            address=address, data=data.validated_data, actor=request.user
        )
        return Response(CustomerAddressOutputSerializer(address).data)

    partial_update = update

    def destroy(self, request: Request, pk: str, **kwargs: str) -> Response:
        services.address_delete(address=self._address(request, pk, **kwargs), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=CustomerAddressOutputSerializer)
    def set_default(self, request: Request, pk: str, **kwargs: str) -> Response:
        address = services.address_set_default(
            address=self._address(request, pk, **kwargs), actor=request.user
        )
        return Response(CustomerAddressOutputSerializer(address).data)


class CustomerAddressViewSet(AddressActions):
    scope_family = "customers"

    def address_owner(self, request: Request, **kwargs: str) -> Customer:
        return get_object_or_404(Customer.objects.all(), pk=kwargs["customer_pk"])


class CustomerGroupViewSet(ResourceViewSet):
    scope_family = "customers"
    filterset_class = CustomerGroupFilterSet
    ordering_fields = GROUP_ORDERING
    serializer_class = CustomerGroupOutputSerializer
    queryset = CustomerGroup.objects.none()

    def get_queryset(self) -> Any:
        return selectors.group_list(search=self.request.query_params.get("q"))

    def _group(self, pk: str) -> CustomerGroup:
        return get_object_or_404(CustomerGroup.objects.all(), pk=pk)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search the group name"),
            order_parameter(GROUP_ORDERING),
        ],
        responses=CustomerGroupOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), CustomerGroupOutputSerializer)

    @extend_schema(responses=CustomerGroupOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        group = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(CustomerGroupOutputSerializer(group).data)

    @extend_schema(
        request=CustomerGroupInputSerializer, responses={201: CustomerGroupOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        data = CustomerGroupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.group_create(data=data.validated_data, actor=request.user)
        group = selectors.group_list().get(pk=group.pk)
        return Response(CustomerGroupOutputSerializer(group).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CustomerGroupUpdateInputSerializer, responses=CustomerGroupOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        group = self._group(pk)
        data = CustomerGroupUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.group_update(group=group, data=data.validated_data, actor=request.user)
        return Response(CustomerGroupOutputSerializer(selectors.group_list().get(pk=pk)).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        services.group_delete(group=self._group(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CustomerGroupMemberViewSet(ResourceViewSet):
    """The customers of a group: list (with the customer filters), add, remove."""

    scope_family = "customers"
    filterset_class = CustomerFilterSet
    ordering_fields = CUSTOMER_ORDERING
    serializer_class = CustomerOutputSerializer
    queryset = Customer.objects.none()

    def _group(self, group_pk: str) -> CustomerGroup:
        return get_object_or_404(CustomerGroup.objects.all(), pk=group_pk)

    @extend_schema(
        parameters=[order_parameter(CUSTOMER_ORDERING)],
        responses=CustomerOutputSerializer(many=True),
    )
    def list(self, request: Request, group_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.group_customer_list(group=self._group(group_pk)),
            CustomerOutputSerializer,
        )

    @extend_schema(
        request=CustomerGroupMembersInputSerializer, responses=CustomerGroupOutputSerializer
    )
    def create(self, request: Request, group_pk: str) -> Response:
        data = CustomerGroupMembersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.group_members_add(
            group=self._group(group_pk),
            customer_ids=data.validated_data["customer_ids"],
            actor=request.user,
        )
        return Response(CustomerGroupOutputSerializer(selectors.group_list().get(pk=group_pk)).data)

    def destroy(self, request: Request, group_pk: str, pk: str) -> Response:
        services.group_member_remove(
            group=self._group(group_pk), customer_id=int(pk), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CustomerTagViewSet(ResourceViewSet):
    """The tags in use (normalised: lower-case, trimmed); they are written through customers."""

    scope_family = "customers"
    serializer_class = CustomerTagOutputSerializer
    queryset = CustomerTag.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Tags starting with this text")],
        responses=CustomerTagOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request,
            selectors.tag_list(search=request.query_params.get("q")),
            CustomerTagOutputSerializer,
            ordering=("tag",),
        )
