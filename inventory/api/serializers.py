"""Input and output shapes of /api/v1/inventory/* and /api/v1/locations (snake_case here,
camelCase on the wire)."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from ..choices import AdjustmentReason
from ..models import InventoryAdjustment, InventoryItem, InventoryLevel, Location

COUNTRY_CODE = r"^[A-Z]{2}$"
HS_CODE = r"^[0-9]{6,13}$"
MAX_BULK_LEVELS = 250


class InventoryItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = InventoryItem
        fields = (
            "id",
            "sku",
            "requires_shipping",
            "cost",
            "currency",
            "country_code_of_origin",
            "province_code_of_origin",
            "harmonized_system_code",
            "country_harmonized_system_codes",
            "tracked",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class InventoryItemCountryCodeSerializer(serializers.Serializer):
    country_code = serializers.RegexField(COUNTRY_CODE)
    harmonized_system_code = serializers.RegexField(HS_CODE)


class InventoryItemInputSerializer(serializers.Serializer):
    cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    country_code_of_origin = serializers.RegexField(COUNTRY_CODE, required=False, allow_blank=True)
    province_code_of_origin = serializers.CharField(max_length=16, required=False, allow_blank=True)
    harmonized_system_code = serializers.RegexField(HS_CODE, required=False, allow_blank=True)
    country_harmonized_system_codes = InventoryItemCountryCodeSerializer(many=True, required=False)
    tracked = serializers.BooleanField(required=False)
    requires_shipping = serializers.BooleanField(required=False)


class InventoryLevelOutputSerializer(serializers.ModelSerializer):
    inventory_item_id = serializers.IntegerField(read_only=True)
    location_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = InventoryLevel
        fields = (
            "id",
            "inventory_item_id",
            "location_id",
            "available",
            "on_hand",
            "committed",
            "incoming",
            "reserved",
            "low_stock_threshold",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class InventoryLevelUpdateInputSerializer(serializers.Serializer):
    low_stock_threshold = serializers.IntegerField(min_value=0, allow_null=True)


class InventoryLevelSetInputSerializer(serializers.Serializer):
    inventory_item_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    available = serializers.IntegerField(min_value=0)
    reason = serializers.ChoiceField(choices=AdjustmentReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reference_document_uri = serializers.CharField(
        max_length=2048, required=False, allow_blank=True, default=""
    )


class InventoryLevelBulkSetInputSerializer(serializers.Serializer):
    levels = InventoryLevelSetInputSerializer(many=True, allow_empty=False)

    def validate_levels(self, value: list[dict[str, object]]) -> list[dict[str, object]]:
        if len(value) > MAX_BULK_LEVELS:
            raise serializers.ValidationError(f"At most {MAX_BULK_LEVELS} levels per request.")
        return value


class InventoryLevelBulkOutputSerializer(serializers.Serializer):
    levels = InventoryLevelOutputSerializer(many=True)


class InventoryAdjustmentOutputSerializer(serializers.ModelSerializer):
    inventory_item_id = serializers.IntegerField(read_only=True)
    location_id = serializers.IntegerField(read_only=True)
    user_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = InventoryAdjustment
        fields = (
            "id",
            "inventory_item_id",
            "location_id",
            "quantity_delta",
            "reason",
            "user_id",
            "note",
            "available_after",
            "reference_document_uri",
            "created_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class InventoryAdjustmentInputSerializer(serializers.Serializer):
    inventory_item_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    quantity_delta = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=AdjustmentReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reference_document_uri = serializers.CharField(
        max_length=2048, required=False, allow_blank=True, default=""
    )

    def validate_quantity_delta(self, value: int) -> int:
        if value == 0:
            raise serializers.ValidationError("Must not be zero.")
        return value


class LocationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = (
            "id",
            "name",
            "address1",
            "address2",
            "city",
            "zip",
            "province",
            "country",
            "phone",
            "country_code",
            "country_name",
            "province_code",
            "legacy",
            "active",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class LocationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    address1 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address2 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    city = serializers.CharField(max_length=255, required=False, allow_blank=True)
    zip = serializers.CharField(max_length=32, required=False, allow_blank=True)
    province = serializers.CharField(max_length=255, required=False, allow_blank=True)
    country = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    country_code = serializers.RegexField(COUNTRY_CODE, required=False, allow_blank=True)
    country_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    province_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()
