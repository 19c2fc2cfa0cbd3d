from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.selectors import currency_is_iso4217

from ..choices import DiscountCodeStatus, DiscountType, GiftCardStatus
from ..models import DiscountCode, GiftCard

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


def validate_currency(value: str) -> None:
    if not currency_is_iso4217(value):
        raise serializers.ValidationError("Use an ISO 4217 currency code such as USD.")


class GiftCardOutputSerializer(serializers.ModelSerializer):
    masked_code = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    customer_id = serializers.IntegerField(read_only=True, allow_null=True)
    order_id = serializers.IntegerField(read_only=True, allow_null=True)
    user_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = GiftCard
        fields: tuple[str, ...] = (
            "id",
            "masked_code",
            "last_characters",
            "balance",
            "initial_value",
            "currency",
            "status",
            "customer_id",
            "order_id",
            "user_id",
            "note",
            "template_suffix",
            "expires_on",
            "disabled_at",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_masked_code(self, card: GiftCard) -> str:
        return f"•••• •••• •••• {card.last_characters}"

    @extend_schema_field(serializers.ChoiceField(choices=GiftCardStatus.choices))
    def get_status(self, card: GiftCard) -> str:
        """What a redemption would meet: an enabled card past its expiry date reads expired."""
        if (
            card.status == GiftCardStatus.ENABLED
            and card.expires_on is not None
            and card.expires_on < timezone.localdate()
        ):
            return GiftCardStatus.EXPIRED
        return card.status


class GiftCardCreatedOutputSerializer(GiftCardOutputSerializer):
    """The create response: the only time the full code is shown."""

    code = serializers.CharField(read_only=True)

    class Meta(GiftCardOutputSerializer.Meta):
        fields = ("code", *GiftCardOutputSerializer.Meta.fields)


class GiftCardInputSerializer(serializers.Serializer):
    code = serializers.RegexField(
        r"^(?=(?:[\s-]*[A-Za-z0-9]){8,20}[\s-]*$)[A-Za-z0-9\s-]+$",
        max_length=40,
        required=False,
        error_messages={"invalid": "Use 8 to 20 letters and digits (spaces and dashes ignored)."},
    )
    initial_value = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    currency = serializers.CharField(max_length=3, required=False, validators=[validate_currency])
    customer_id = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    template_suffix = serializers.CharField(
        max_length=255, required=False, allow_blank=True, allow_null=True
    )
    expires_on = serializers.DateField(required=False, allow_null=True)


class GiftCardUpdateInputSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    template_suffix = serializers.CharField(
        max_length=255, required=False, allow_blank=True, allow_null=True
    )
    expires_on = serializers.DateField(required=False, allow_null=True)


class GiftCardAdjustmentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_amount(self, value: Decimal) -> Decimal:
        if value == 0:
            raise serializers.ValidationError("The amount may not be zero.")
        return value


class DiscountCodeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiscountCode
        fields = (
            "id",
            "code",
            "title",
            "type",
            "value",
            "amount",
            "currency",
            "minimum_amount",
            "usage_limit",
            "used_count",
            "starts_at",
            "ends_at",
            "status",
            "once_per_customer",
            "prerequisite_customer_ids",
            "prerequisite_product_ids",
            "prerequisite_collection_ids",
            "prerequisite_subtotal_range",
            "prerequisite_shipping_price_range",
            "prerequisite_quantity_range",
            "prerequisite_to_entitlement_quantity_ratio",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


def _id_list() -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class DiscountCodeInputSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^\S(.*\S)?$", max_length=255)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    type = serializers.ChoiceField(
        choices=[
            DiscountType.PERCENTAGE,
            DiscountType.FIXED_AMOUNT,
            DiscountType.SHIPPING,
        ],
        required=False,
    )
    value = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=Decimal("0"))
    currency = serializers.CharField(max_length=3, required=False, validators=[validate_currency])
    minimum_amount = serializers.DecimalField(
        **MONEY, min_value=Decimal("0"), required=False, allow_null=True
    )
    usage_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[DiscountCodeStatus.ACTIVE, DiscountCodeStatus.DISABLED], required=False
    )
    once_per_customer = serializers.BooleanField(required=False)
    prerequisite_customer_ids = _id_list()
    prerequisite_product_ids = _id_list()
    prerequisite_collection_ids = _id_list()
    prerequisite_subtotal_range = serializers.DictField(required=False)
    prerequisite_shipping_price_range = serializers.DictField(required=False)
    prerequisite_quantity_range = serializers.DictField(required=False)
    prerequisite_to_entitlement_quantity_ratio = serializers.DictField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            attrs.get("type") == DiscountType.PERCENTAGE
            or ("type" not in attrs and not self.partial)
        ) and attrs.get("value", Decimal("0")) > 100:
            raise serializers.ValidationError({"value": "A percentage is at most 100."})
        starts_at, ends_at = attrs.get("starts_at"), attrs.get("ends_at")
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            raise serializers.ValidationError({"ends_at": "Must be after startsAt."})
        return attrs
