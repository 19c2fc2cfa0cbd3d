"""/api/v1/me/ (profile) and /api/v1/me/addresses: a customer's own record and addresses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.me import MeViewSet

from .. import selectors, services
from ..models import PHONE_E164_PATTERN, Customer
from .serializers import CustomerAddressOutputSerializer
from .views import AddressActions


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


class MeAddressViewSet(MeViewSet, AddressActions):
    """The caller's own addresses (no customer id in the URL: another customer's ids are 404)."""

    def address_owner(self, request: Request, **kwargs: str) -> Customer:
        return self.me(request)
