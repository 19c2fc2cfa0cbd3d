"""/api/v1/shop: the store's settings (the single Shop row), scope `settings`."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.choices import WeightUnit
from core.models import Shop
from core.selectors import currency_is_iso4217, shop_get
from core.services import shop_update
from inventory.selectors import location_list

from .views import ResourceViewSet

# Fields Shopify owns (plan, eligibility, its domain); a request that sends them is refused.
SHOP_MIRRORED_FIELDS = (
    "plan_display_name",
    "plan_name",
    "has_discounts",
    "has_gift_cards",
    "store_domain",
    "google_apps_domain",
    "google_apps_login_enabled",
    "eligible_for_card_reader_giveaway",
    "requires_extra_payments_agreement",
    "password_enabled",
    "has_storefront",
    "eligible_for_payments",
    "checkout_api_supported",
    "multi_location_enabled",
    "setup_required",
    "pre_launch_enabled",
    "shopify_id",
    "shopify_updated_at",
    "admin_graphql_api_id",
)


def _validate_currency(value: str) -> None:
    if not currency_is_iso4217(value):
        raise serializers.ValidationError("Use an ISO 4217 currency code such as USD.")


class ShopOutputSerializer(serializers.ModelSerializer):
    primary_location_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Shop
        fields = (
            "id",
            "name",
            "email",
            "domain",
            "province",
            "country",
            "address1",
            "address2",
            "city",
            "zip",
            "phone",
            "latitude",
            "longitude",
            "primary_locale",
            "primary_location_id",
            "currency",
            "iana_timezone",
            "money_format",
            "money_with_currency_format",
            "money_in_emails_format",
            "money_with_currency_in_emails_format",
            "weight_unit",
            "province_code",
            "taxes_included",
            "tax_shipping",
            "county_taxes",
            "enabled_presentment_currencies",
            *SHOP_MIRRORED_FIELDS,
            "created_at",
            "updated_at",
        )


MONEY_FORMAT: dict[str, Any] = {"max_length": 64, "required": False}
TEXT: dict[str, Any] = {"max_length": 255, "required": False, "allow_blank": True}


class ShopInputSerializer(serializers.Serializer):
    name = serializers.RegexField(r"\S", max_length=255, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    domain = serializers.RegexField(
        r"^(?=.{1,255}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$",
        required=False,
        error_messages={"invalid": "Use a lower-case domain name such as shop.example.com."},
    )
    province = serializers.CharField(**TEXT)
    country = serializers.CharField(**TEXT)
    address1 = serializers.CharField(**TEXT)
    address2 = serializers.CharField(**TEXT)
    city = serializers.CharField(**TEXT)
    zip = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        required=False,
        allow_null=True,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        required=False,
        allow_null=True,
    )
    primary_locale = serializers.RegexField(
        r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        max_length=16,
        required=False,
        error_messages={"invalid": "Use a BCP 47 locale such as en or fr-CA."},
    )
    primary_location_id = serializers.IntegerField(required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, validators=[_validate_currency])
    iana_timezone = serializers.CharField(max_length=64, required=False)
    money_format = serializers.CharField(**MONEY_FORMAT)
    money_with_currency_format = serializers.CharField(**MONEY_FORMAT)
    money_in_emails_format = serializers.CharField(**MONEY_FORMAT)
    money_with_currency_in_emails_format = serializers.CharField(**MONEY_FORMAT)
    weight_unit = serializers.ChoiceField(choices=WeightUnit.choices, required=False)
    province_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    taxes_included = serializers.BooleanField(required=False)
    tax_shipping = serializers.BooleanField(required=False)
    county_taxes = serializers.BooleanField(required=False)
    enabled_presentment_currencies = serializers.ListField(
        child=serializers.CharField(max_length=3, validators=[_validate_currency]),
        required=False,
        max_length=200,
    )

    def validate_iana_timezone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError("Use an IANA time zone such as Europe/Paris.")
        return value

    def validate_primary_location_id(self, value: int | None) -> int | None:
        if value is not None and not location_list().filter(pk=value).exists():
            raise serializers.ValidationError("No such location.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sent = set(self.initial_data) if isinstance(self.initial_data, dict) else set()
        mirrored = sorted(sent & set(SHOP_MIRRORED_FIELDS))
        if mirrored:
            raise serializers.ValidationError(
                {name: "This field is managed by Shopify and read-only." for name in mirrored}
            )
        return attrs


class ShopViewSet(ResourceViewSet):
    scope_family = "settings"
    serializer_class = ShopOutputSerializer
    queryset = Shop.objects.none()
    singleton = True  # one row, absent (404) until the store is set up

    def _shop(self) -> Shop:
        shop = shop_get()
        if shop is None:
            raise Http404
        return shop

    @extend_schema(responses=ShopOutputSerializer)
    def retrieve(self, request: Request) -> Response:
        return Response(ShopOutputSerializer(self._shop()).data)

    @extend_schema(request=ShopInputSerializer, responses=ShopOutputSerializer)
    def update(self, request: Request) -> Response:
        data = ShopInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        shop = shop_update(shop=self._shop(), data=data.validated_data, actor=request.user)
        return Response(ShopOutputSerializer(shop).data)

    partial_update = update
