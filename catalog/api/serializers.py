from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from ..choices import InventoryPolicy, ProductStatus
from ..models import Product, ProductOption, ProductVariant

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class VariantOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductVariant
        fields = (
            "id",
            "title",
            "price",
            "compare_at_price",
            "sku",
            "barcode",
            "position",
            "option1",
            "option2",
            "option3",
            "taxable",
            "requires_shipping",
            "grams",
            "weight",
            "weight_unit",
            "inventory_policy",
            "inventory_management",
            "inventory_quantity",
            "inventory_item",
            "created_at",
            "updated_at",
        )


class OptionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductOption
        fields = ("id", "name", "position", "values")


class ProductOutputSerializer(serializers.ModelSerializer):
    variants = VariantOutputSerializer(many=True, read_only=True)
    options = OptionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = (
            "id",
            "title",
            "body_html",
            "vendor",
            "product_type",
            "handle",
            "status",
            "tags",
            "published_at",
            "published_scope",
            "template_suffix",
            "seo_title",
            "seo_description",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
            "variants",
            "options",
        )


class VariantInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False)
    price = serializers.DecimalField(**MONEY, required=False)
    compare_at_price = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    sku = serializers.CharField(max_length=255, required=False, allow_blank=True)
    barcode = serializers.CharField(max_length=255, required=False, allow_blank=True)
    option1 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    option2 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    option3 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    taxable = serializers.BooleanField(required=False)
    requires_shipping = serializers.BooleanField(required=False)
    grams = serializers.IntegerField(min_value=0, required=False)
    weight = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), required=False
    )
    weight_unit = serializers.ChoiceField(choices=["g", "kg", "oz", "lb"], required=False)
    inventory_policy = serializers.ChoiceField(choices=InventoryPolicy.choices, required=False)
    inventory_management = serializers.CharField(max_length=255, required=False, allow_blank=True)
    fulfillment_service = serializers.CharField(max_length=255, required=False)
    inventory_quantity = serializers.IntegerField(min_value=0, required=False)


class OptionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    values = serializers.ListField(
        child=serializers.CharField(max_length=255), min_length=1, max_length=2048
    )


class ProductInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    body_html = serializers.CharField(required=False, allow_blank=True)
    vendor = serializers.CharField(max_length=255, required=False, allow_blank=True)
    product_type = serializers.CharField(max_length=255, required=False, allow_blank=True)
    handle = serializers.RegexField(r"^[^\s/]+$", max_length=255, required=False)
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
    tags = serializers.CharField(required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    template_suffix = serializers.CharField(max_length=255, required=False, allow_blank=True)
    seo_title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    seo_description = serializers.CharField(required=False, allow_blank=True)
    options = OptionInputSerializer(many=True, required=False)
    variants = VariantInputSerializer(many=True, required=False)


class ProductUpdateInputSerializer(ProductInputSerializer):
    title = serializers.CharField(max_length=255, required=False)
    options = None  # type: ignore[assignment]
    variants = None  # type: ignore[assignment]
