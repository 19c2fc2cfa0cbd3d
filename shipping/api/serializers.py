from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from core.selectors import currency_is_iso4217

from ..choices import ShippingRateType
from ..models import FulfillmentService, ShippingRate, ShippingZone

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}
WEIGHT: dict[str, Any] = {"max_digits": 12, "decimal_places": 3, "min_value": Decimal("0")}


def validate_currency(value: str) -> None:
    if not currency_is_iso4217(value):
        raise serializers.ValidationError("Use an ISO 4217 currency code such as USD.")


class ShippingRateOutputSerializer(serializers.ModelSerializer):
    shipping_zone_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = ShippingRate
        fields = (
            "id",
            "shipping_zone_id",
            "name",
            "rate_type",
            "price",
            "currency",
            "min_order_subtotal",
            "max_order_subtotal",
            "weight_low",
            "weight_high",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class ShippingZoneOutputSerializer(serializers.ModelSerializer):
    rates = ShippingRateOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ShippingZone
        fields = (
            "id",
            "name",
            "countries",
            "provinces",
            "weight_based_shipping_rates",
            "price_based_shipping_rates",
            "carrier_shipping_rate_providers",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
            "rates",
        )


class ShippingZoneCountryInputSerializer(serializers.Serializer):
    code = serializers.RegexField(
        r"^([A-Z]{2}|\*)$",
        error_messages={"invalid": 'Use an ISO 3166-1 alpha-2 code, or "*" for the rest.'},
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ShippingZoneProvinceInputSerializer(serializers.Serializer):
    code = serializers.RegexField(
        r"^[A-Z0-9]{1,3}$", error_messages={"invalid": "Use an ISO 3166-2 subdivision code."}
    )
    country_code = serializers.RegexField(
        r"^[A-Z]{2}$", error_messages={"invalid": "Use an ISO 3166-1 alpha-2 code."}
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ShippingZoneInputSerializer(serializers.Serializer):
    name = serializers.RegexField(r"\S", max_length=255)
    countries = ShippingZoneCountryInputSerializer(many=True, required=False)
    provinces = ShippingZoneProvinceInputSerializer(many=True, required=False)


class ShippingRateInputSerializer(serializers.Serializer):
    name = serializers.RegexField(r"\S", max_length=255)
    rate_type = serializers.ChoiceField(
        choices=ShippingRateType.choices, required=False, allow_null=True
    )
    price = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(max_length=3, required=False, validators=[validate_currency])
    min_order_subtotal = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    max_order_subtotal = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    weight_low = serializers.DecimalField(**WEIGHT, required=False, allow_null=True)
    weight_high = serializers.DecimalField(**WEIGHT, required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for low, high, message in (
            ("weight_low", "weight_high", "Must be at least weightLow."),
            ("min_order_subtotal", "max_order_subtotal", "Must be at least minOrderSubtotal."),
        ):
            low_value, high_value = attrs.get(low), attrs.get(high)
            if low_value is not None and high_value is not None and low_value > high_value:
                raise serializers.ValidationError({high: message})
        return attrs


class FulfillmentServiceOutputSerializer(serializers.ModelSerializer):
    location_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = FulfillmentService
        fields = (
            "id",
            "name",
            "email",
            "service_name",
            "handle",
            "fulfillment_orders_opt_in",
            "include_pending_stock",
            "provider_id",
            "location_id",
            "callback_url",
            "tracking_support",
            "inventory_management",
            "permits_sku_sharing",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class FulfillmentServiceInputSerializer(serializers.Serializer):
    name = serializers.RegexField(r"\S", max_length=255)
    email = serializers.EmailField(required=False, allow_blank=True)
    service_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    handle = serializers.RegexField(
        r"^[a-z0-9]+(-[a-z0-9]+)*$",
        max_length=255,
        required=False,
        error_messages={"invalid": "Use lower-case letters, digits and dashes."},
    )
    fulfillment_orders_opt_in = serializers.BooleanField(required=False)
    include_pending_stock = serializers.BooleanField(required=False)
    provider_id = serializers.CharField(max_length=255, required=False, allow_blank=True)
    location_id = serializers.IntegerField(required=False, allow_null=True)
    callback_url = serializers.URLField(max_length=2048, required=False, allow_blank=True)
    tracking_support = serializers.BooleanField(required=False)
    inventory_management = serializers.BooleanField(required=False)
    permits_sku_sharing = serializers.BooleanField(required=False)

    def validate_callback_url(self, value: str) -> str:
        if value and not value.startswith("https://"):
            raise serializers.ValidationError("The callback URL must use https.")
        return value
