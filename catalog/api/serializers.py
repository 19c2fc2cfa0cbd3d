from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import (
    CollectionSortOrder,
    InventoryPolicy,
    MetafieldOwnerResource,
    ProductStatus,
    PublishedScope,
    SellingPlanInterval,
    SellingPlanStatus,
)
from ..models import (
    Collection,
    Metafield,
    MetafieldDefinition,
    Product,
    ProductOption,
    ProductVariant,
    SellingPlan,
    SellingPlanGroup,
)
from ..selectors import OPTION_FIELDS, PRODUCT_FIELDS, VARIANT_FIELDS

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class VariantOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductVariant
        fields = VARIANT_FIELDS


class OptionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductOption
        fields = OPTION_FIELDS


class ProductOutputSerializer(serializers.ModelSerializer):
    variants = VariantOutputSerializer(many=True, read_only=True)
    options = OptionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = (*PRODUCT_FIELDS, "variants", "options")


class VariantSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    price_min = serializers.DecimalField(**MONEY, allow_null=True)
    price_max = serializers.DecimalField(**MONEY, allow_null=True)
    inventory_quantity = serializers.IntegerField()


class ProductListItemSerializer(serializers.ModelSerializer):
    """A product in a list: its options and a summary of its variants (documentation only:
    the list is served by the fast path, catalog.selectors.product_rows_with_summaries)."""

    options = OptionOutputSerializer(many=True, read_only=True)
    variant_summary = VariantSummarySerializer(read_only=True)

    class Meta:
        model = Product
        fields = (*PRODUCT_FIELDS, "options", "variant_summary")


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


# --- Bulk ----------------------------------------------------------------------------------------


class ProductBulkInputSerializer(serializers.Serializer):
    products = ProductInputSerializer(many=True, min_length=1, max_length=250)  # type: ignore[call-arg]


class VariantBulkInputSerializer(serializers.Serializer):
    variants = VariantInputSerializer(many=True, min_length=1, max_length=250)  # type: ignore[call-arg]


# --- Collections ------------------------------------------------------------------------------

COLLECTION_OUTPUT_FIELDS = (
    "id",
    "title",
    "handle",
    "body_html",
    "sort_order",
    "template_suffix",
    "published_at",
    "published_scope",
    "image",
    "seo_title",
    "seo_description",
    "created_at",
    "updated_at",
    "admin_graphql_api_id",
    "shopify_id",
)


class CollectionImageSerializer(serializers.Serializer):
    src = serializers.URLField(max_length=2048)
    alt = serializers.CharField(max_length=512, required=False, allow_blank=True)
    width = serializers.IntegerField(min_value=1, required=False)
    height = serializers.IntegerField(min_value=1, required=False)


class CollectionOutputSerializer(serializers.ModelSerializer):
    image = serializers.JSONField()

    class Meta:
        model = Collection
        fields = COLLECTION_OUTPUT_FIELDS


class CollectionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    handle = serializers.RegexField(r"^[^\s/]+$", max_length=255, required=False)
    body_html = serializers.CharField(required=False, allow_blank=True)
    sort_order = serializers.ChoiceField(choices=CollectionSortOrder.choices, required=False)
    template_suffix = serializers.CharField(max_length=255, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    published_scope = serializers.ChoiceField(choices=PublishedScope.choices, required=False)
    image = CollectionImageSerializer(required=False)
    seo_title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    seo_description = serializers.CharField(required=False, allow_blank=True)


class CollectionProductsInputSerializer(serializers.Serializer):
    product_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=250
    )


class CollectionProductOutputSerializer(ProductOutputSerializer):
    collection_position = serializers.IntegerField(read_only=True)

    class Meta(ProductOutputSerializer.Meta):
        fields = (*ProductOutputSerializer.Meta.fields, "collection_position")  # type: ignore[assignment]


SMART_RULE_COLUMNS = [
    "title",
    "type",
    "vendor",
    "variant_price",
    "tag",
    "variant_compare_at_price",
    "variant_weight",
    "variant_inventory",
    "variant_title",
]
SMART_RULE_RELATIONS = [
    "equals",
    "not_equals",
    "greater_than",
    "less_than",
    "starts_with",
    "ends_with",
    "contains",
    "not_contains",
]


class SmartCollectionRuleSerializer(serializers.Serializer):
    column = serializers.ChoiceField(choices=SMART_RULE_COLUMNS)
    relation = serializers.ChoiceField(choices=SMART_RULE_RELATIONS)
    condition = serializers.CharField(max_length=255)


class SmartCollectionOutputSerializer(CollectionOutputSerializer):
    rules = SmartCollectionRuleSerializer(many=True)

    class Meta(CollectionOutputSerializer.Meta):
        fields = (*COLLECTION_OUTPUT_FIELDS, "rules", "disjunctive")  # type: ignore[assignment]


class SmartCollectionInputSerializer(CollectionInputSerializer):
    rules = SmartCollectionRuleSerializer(many=True, min_length=1, max_length=60)  # type: ignore[call-arg]
    disjunctive = serializers.BooleanField(required=False)


# --- Metafields --------------------------------------------------------------------------------

NAMESPACE = r"^[A-Za-z0-9_$:-]{3,255}$"
KEY = r"^[A-Za-z0-9_-]{2,64}$"


# Alphabetical, like the other enums of the schema (SellingPlanStatusEnum).
PLAN_STATUSES = sorted(SellingPlanStatus.choices)


def _owner_type(value: str) -> None:
    """The owner type of a definition: the values of a metafield's owner resource (checked
    here rather than as a second enum of the same values in the schema)."""
    if value not in MetafieldOwnerResource.values:
        raise serializers.ValidationError(f'"{value}" is not a valid owner type.')


class MetafieldValidationSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    value = serializers.JSONField()


class MetafieldDefinitionOutputSerializer(serializers.ModelSerializer):
    owner_type = serializers.CharField(help_text="A metafield owner resource, e.g. product.")
    validations = MetafieldValidationSerializer(many=True)
    access = serializers.JSONField()
    capabilities = serializers.JSONField()

    class Meta:
        model = MetafieldDefinition
        fields = (
            "id",
            "owner_type",
            "namespace",
            "key",
            "name",
            "type",
            "description",
            "validations",
            "access",
            "capabilities",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class MetafieldDefinitionUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    validations = MetafieldValidationSerializer(many=True, required=False)
    access = serializers.DictField(required=False)
    capabilities = serializers.DictField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        fixed = {"owner_type", "namespace", "key", "type"} & set(self.initial_data)
        if fixed and not isinstance(self, MetafieldDefinitionInputSerializer):
            raise serializers.ValidationError({name: "Cannot be changed." for name in fixed})
        return attrs


class MetafieldDefinitionInputSerializer(MetafieldDefinitionUpdateInputSerializer):
    owner_type = serializers.CharField(
        max_length=32, validators=[_owner_type], help_text="A metafield owner resource."
    )
    namespace = serializers.RegexField(NAMESPACE)
    key = serializers.RegexField(KEY)
    type = serializers.CharField(max_length=64)


@extend_schema_field(OpenApiTypes.STR)
class MetafieldValueField(serializers.Field):
    """Shopify's value is text; JSON numbers, booleans, lists and objects are accepted and
    written as their JSON text."""

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, str):
            return data
        if data is None:
            raise serializers.ValidationError("Enter a value.")
        return json.dumps(data)

    def to_representation(self, value: Any) -> str:
        return str(value)


class MetafieldOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Metafield
        fields = (
            "id",
            "owner_resource",
            "owner_id",
            "namespace",
            "key",
            "value",
            "type",
            "description",
            "definition",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class MetafieldUpdateInputSerializer(serializers.Serializer):
    value = MetafieldValueField()
    type = serializers.CharField(max_length=64, required=False)
    description = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        fixed = {"owner_resource", "owner_id", "namespace", "key"} & set(self.initial_data)
        if fixed and not isinstance(self, MetafieldInputSerializer):
            raise serializers.ValidationError({name: "Cannot be changed." for name in fixed})
        return attrs


class MetafieldInputSerializer(MetafieldUpdateInputSerializer):
    owner_resource = serializers.ChoiceField(choices=MetafieldOwnerResource.choices)
    owner_id = serializers.IntegerField(min_value=1)
    namespace = serializers.RegexField(NAMESPACE)
    key = serializers.RegexField(KEY)


# --- Selling plans -----------------------------------------------------------------------------

INTERVALS = SellingPlanInterval.choices


class SellingPlanAnchorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["WEEKDAY", "MONTHDAY", "YEARDAY"])
    day = serializers.IntegerField(min_value=1, max_value=31)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["type"] == "WEEKDAY" and attrs["day"] > 7:
            raise serializers.ValidationError({"day": "A weekday is 1 (Monday) to 7."})
        if attrs["type"] == "YEARDAY" and "month" not in attrs:
            raise serializers.ValidationError({"month": "A yearly anchor names its month."})
        if attrs["type"] != "YEARDAY" and "month" in attrs:
            raise serializers.ValidationError({"month": "Only a yearly anchor has a month."})
        return attrs


class SellingPlanBillingPolicySerializer(serializers.Serializer):
    interval = serializers.ChoiceField(choices=INTERVALS)
    interval_count = serializers.IntegerField(min_value=1, max_value=365)
    min_cycles = serializers.IntegerField(min_value=1, required=False)
    max_cycles = serializers.IntegerField(min_value=1, required=False)
    anchors = SellingPlanAnchorSerializer(many=True, required=False, max_length=1)  # type: ignore[call-arg]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("min_cycles"), attrs.get("max_cycles")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_cycles": "At least the minimum cycles."})
        return attrs


class SellingPlanDeliveryPolicySerializer(serializers.Serializer):
    interval = serializers.ChoiceField(choices=INTERVALS)
    interval_count = serializers.IntegerField(min_value=1, max_value=365)
    anchors = SellingPlanAnchorSerializer(many=True, required=False, max_length=1)  # type: ignore[call-arg]
    cutoff = serializers.IntegerField(min_value=0, required=False)
    intent = serializers.ChoiceField(choices=["FULFILLMENT_BEGIN"], required=False)
    pre_anchor_behavior = serializers.ChoiceField(choices=["ASAP", "NEXT"], required=False)


class SellingPlanPricingPolicySerializer(serializers.Serializer):
    adjustment_type = serializers.ChoiceField(choices=["percentage", "fixed_amount", "price"])
    adjustment_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    after_cycle = serializers.IntegerField(min_value=0, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["adjustment_type"] == "percentage" and attrs["adjustment_value"] > 100:
            raise serializers.ValidationError({"adjustment_value": "A percentage is at most 100."})
        return {**attrs, "adjustment_value": str(attrs["adjustment_value"])}


class SellingPlanInventoryPolicySerializer(serializers.Serializer):
    reserve = serializers.ChoiceField(choices=["on_fulfillment", "on_sale"])


class SellingPlanOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PLAN_STATUSES)
    options = serializers.ListField(child=serializers.CharField())
    billing_policy = SellingPlanBillingPolicySerializer()
    delivery_policy = SellingPlanDeliveryPolicySerializer()
    pricing_policy = SellingPlanPricingPolicySerializer(many=True)
    inventory_policy = serializers.JSONField()

    class Meta:
        model = SellingPlan
        fields = (
            "id",
            "name",
            "description",
            "status",
            "position",
            "options",
            "billing_policy",
            "delivery_policy",
            "pricing_policy",
            "inventory_policy",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class SellingPlanInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=PLAN_STATUSES, required=False)
    position = serializers.IntegerField(min_value=1, required=False)
    options = serializers.ListField(
        child=serializers.CharField(max_length=255), max_length=3, required=False
    )
    billing_policy = SellingPlanBillingPolicySerializer()
    delivery_policy = SellingPlanDeliveryPolicySerializer()
    pricing_policy = SellingPlanPricingPolicySerializer(many=True, required=False, max_length=2)  # type: ignore[call-arg]
    inventory_policy = SellingPlanInventoryPolicySerializer(required=False)


class SellingPlanGroupOutputSerializer(serializers.ModelSerializer):
    options = serializers.ListField(child=serializers.CharField())
    selling_plans = SellingPlanOutputSerializer(many=True, read_only=True)
    product_ids = serializers.SerializerMethodField()
    variant_ids = serializers.SerializerMethodField()

    class Meta:
        model = SellingPlanGroup
        fields = (
            "id",
            "name",
            "merchant_code",
            "description",
            "summary",
            "options",
            "product_ids",
            "variant_ids",
            "selling_plans",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )

    def get_product_ids(self, group: SellingPlanGroup) -> list[int]:
        return sorted(p.pk for p in group.products.all())

    def get_variant_ids(self, group: SellingPlanGroup) -> list[int]:
        return sorted(v.pk for v in group.variants.all())


class SellingPlanGroupUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    merchant_code = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    options = serializers.ListField(
        child=serializers.CharField(max_length=255), max_length=3, required=False
    )
    product_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    variant_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class SellingPlanGroupInputSerializer(SellingPlanGroupUpdateInputSerializer):
    selling_plans = SellingPlanInputSerializer(many=True, required=False, max_length=31)  # type: ignore[call-arg]
