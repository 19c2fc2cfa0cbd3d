"""/api/v1/me/ (profile) and /api/v1/me/addresses: a customer's own record and addresses."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.me import MeViewSet

from .. import selectors, services
from ..models import PHONE_E164_PATTERN, Customer, CustomerAddress
from .serializers import CustomerAddressInputSerializer, CustomerAddressOutputSerializer


class MeProfileOutputSerializer(serializers.ModelSerializer):
    """What a customer sees of their own record (no staff notes, tags or internal state)."""

    email = serializers.CharField(read_only=True)
    addresses = CustomerAddressOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = (
            "id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "verified_email",
            "currency",
            "accepts_marketing",
            "orders_count",
            "total_spent",
            "default_address_id",
            "addresses",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class MeProfileInputSerializer(serializers.Serializer):
    """The fields a customer may change themselves; anything else in the body is ignored.
    The email is their login and is changed through support, not here."""

    first_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.RegexField(
        PHONE_E164_PATTERN,
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Use the E.164 format, e.g. +16135550123."},
    )


class MeProfileViewSet(MeViewSet):
    serializer_class = MeProfileOutputSerializer

    def _profile(self, request: Request) -> Response:
        customer = selectors.customer_list().get(pk=self.me(request).pk)
        return Response(MeProfileOutputSerializer(customer).data)

    @extend_schema(responses=MeProfileOutputSerializer)
    def retrieve(self, request: Request) -> Response:
        return self._profile(request)

    @extend_schema(request=MeProfileInputSerializer, responses=MeProfileOutputSerializer)
    def update(self, request: Request) -> Response:
        data = MeProfileInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.customer_update(
            customer=self.me(request), data=data.validated_data, actor=request.user
        )
        return self._profile(request)

    partial_update = update


class MeAddressViewSet(MeViewSet):
    serializer_class = CustomerAddressOutputSerializer

    def _address(self, request: Request, pk: str) -> CustomerAddress:
        return get_object_or_404(selectors.address_list(customer=self.me(request)), pk=pk)

    @extend_schema(responses=CustomerAddressOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request,
            selectors.address_list(customer=self.me(request)),
            CustomerAddressOutputSerializer,
            ordering=("id",),
        )

    @extend_schema(responses=CustomerAddressOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CustomerAddressOutputSerializer(self._address(request, pk)).data)

    @extend_schema(
        request=CustomerAddressInputSerializer, responses={201: CustomerAddressOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        data = CustomerAddressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.address_create(
            customer=self.me(request), data=data.validated_data, actor=request.user
        )
        return Response(
            CustomerAddressOutputSerializer(address).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=CustomerAddressInputSerializer, responses=CustomerAddressOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        address = self._address(request, pk)
        data = CustomerAddressInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        address = services.address_update(
            address=address, data=data.validated_data, actor=request.user
        )
        return Response(CustomerAddressOutputSerializer(address).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        services.address_delete(address=self._address(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=CustomerAddressOutputSerializer)
    def set_default(self, request: Request, pk: str) -> Response:
        address = services.address_set_default(
            address=self._address(request, pk), actor=request.user
        )
        return Response(CustomerAddressOutputSerializer(address).data)
