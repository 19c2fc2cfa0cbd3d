from __future__ import annotations

from rest_framework import serializers

from core.selectors import currency_is_iso4217

from ..choices import MarketStatus
from ..models import HANDLE_PATTERN, LOCALE_PATTERN, Market, MarketRegion


def validate_currency(value: str) -> None:
    if not currency_is_iso4217(value):
        raise serializers.ValidationError("Use an ISO 4217 currency code such as EUR.")


class MarketRegionOutputSerializer(serializers.ModelSerializer):
    market_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = MarketRegion
        fields = (
            "id",
            "market_id",
            "name",
            "country_code",
            "currency",
            "tax_inclusive_pricing",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class MarketCurrencySettingsSerializer(serializers.Serializer):
    base_currency = serializers.CharField(max_length=3, validators=[validate_currency])
    local_currencies = serializers.BooleanField()


class MarketOutputSerializer(serializers.ModelSerializer):
    currency_settings = MarketCurrencySettingsSerializer(read_only=True)
    regions = MarketRegionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Market
        fields = (
            "id",
            "name",
            "handle",
            "primary_locale",
            "web_presence_id",
            "currency_settings",
            "status",
            "enabled",
            "is_primary",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
            "regions",
        )


class MarketCurrencySettingsInputSerializer(serializers.Serializer):
    base_currency = serializers.CharField(
        max_length=3, required=False, validators=[validate_currency]
    )
    local_currencies = serializers.BooleanField(required=False)


class MarketInputSerializer(serializers.Serializer):
    name = serializers.RegexField(r"\S", max_length=255)
    handle = serializers.RegexField(
        HANDLE_PATTERN,
        max_length=255,
        required=False,
        error_messages={"invalid": "Use lower-case letters, digits and dashes."},
    )
    primary_locale = serializers.RegexField(
        LOCALE_PATTERN,
        max_length=16,
        required=False,
        error_messages={"invalid": "Use a BCP 47 locale such as en or fr-CA."},
    )
    web_presence_id = serializers.CharField(max_length=255, required=False, allow_blank=True)
    currency_settings = MarketCurrencySettingsInputSerializer(required=False)
    status = serializers.ChoiceField(choices=MarketStatus.choices, required=False)
    is_primary = serializers.BooleanField(required=False)


class MarketRegionInputSerializer(serializers.Serializer):
    country_code = serializers.RegexField(
        r"^[A-Z]{2}$", error_messages={"invalid": "Use an ISO 3166-1 alpha-2 code."}
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    currency = serializers.CharField(max_length=3, required=False, validators=[validate_currency])
    tax_inclusive_pricing = serializers.BooleanField(required=False)
