"""Orders API serializers: output serializers read rows; input serializers only validate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from finance.models import Transaction

from ..choices import CancelReason, RestockType
from ..models import (
    AbandonedCheckout,
    AbandonedCheckoutLineItem,
    Fulfillment,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    Order,
    OrderDiscountApplication,
    OrderLineItem,
    Refund,
    RefundLineItem,
)

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}
POSITIVE_MONEY: dict[str, Any] = {**MONEY, "min_value": Decimal("0.01")}


# --- Output --------------------------------------------------------------------------------------


class OrderTransactionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transaction
        fields = (
            "id",
            "order_id",
            "kind",
            "status",
            "amount",
            "currency",
            "gateway",
            "parent_id",
            "refund_id",
            "authorization",
            "message",
            "test",
            "error_code",
            "processed_at",
            "created_at",
        )


class OrderLineItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLineItem
        fields = (
            "id",
            "variant_id",
            "product_id",
            "title",
            "variant_title",
            "name",
            "sku",
            "vendor",
            "quantity",
            "current_quantity",
            "fulfillable_quantity",
            "fulfillment_status",
            "price",
            "total_discount",
            "grams",
            "requires_shipping",
            "taxable",
            "gift_card",
            "tax_lines",
            "discount_allocations",
            "properties",
        )


class OrderDiscountApplicationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderDiscountApplication
        fields = (
            "id",
            "discount_code_id",
            "position",
            "code",
            "title",
            "type",
            "value",
            "value_type",
            "amount",
            "target_type",
            "target_selection",
            "allocation_method",
        )


class OrderFulfillmentLineItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = FulfillmentLineItem
        fields = ("id", "line_item_id", "quantity")


class OrderFulfillmentOutputSerializer(serializers.ModelSerializer):
    line_items = OrderFulfillmentLineItemOutputSerializer(
        source="fulfillment_line_items", many=True, read_only=True
    )

    class Meta:
        model = Fulfillment
        fields = (
            "id",
            "order_id",
            "name",
            "status",
            "shipment_status",
            "location_id",
            "service",
            "tracking_company",
            "tracking_number",
            "tracking_url",
            "tracking_numbers",
            "tracking_urls",
            "line_items",
            "created_at",
            "updated_at",
        )


class OrderRefundLineItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefundLineItem
        fields = (
            "id",
            "line_item_id",
            "quantity",
            "restock_type",
            "location_id",
            "subtotal",
            "total_tax",
        )


class OrderRefundOutputSerializer(serializers.ModelSerializer):
    refund_line_items = OrderRefundLineItemOutputSerializer(many=True, read_only=True)
    transactions = OrderTransactionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Refund
        fields = (
            "id",
            "order_id",
            "note",
            "restock",
            "processed_at",
            "refund_shipping_lines",
            "refund_line_items",
            "transactions",
            "created_at",
        )


class OrderOutputSerializer(serializers.ModelSerializer):
    line_items = OrderLineItemOutputSerializer(many=True, read_only=True)
    discounts = OrderDiscountApplicationOutputSerializer(many=True, read_only=True)
    fulfillments = OrderFulfillmentOutputSerializer(many=True, read_only=True)
    refunds = OrderRefundOutputSerializer(many=True, read_only=True)
    transactions = OrderTransactionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "name",
            "number",
            "order_number",
            "email",
            "phone",
            "customer_id",
            "location_id",
            "status",
            "financial_status",
            "fulfillment_status",
            "confirmed",
            "test",
            "currency",
            "presentment_currency",
            "taxes_included",
            "total_line_items_price",
            "subtotal_price",
            "total_discounts",
            "total_tax",
            "total_price",
            "total_weight",
            "total_shipping_price_set",
            "tax_lines",
            "discount_codes",
            "discount_applications",
            "shipping_lines",
            "billing_address",
            "shipping_address",
            "note",
            "note_attributes",
            "tags",
            "gateway",
            "payment_gateway_names",
            "source_name",
            "cancelled_at",
            "cancel_reason",
            "closed_at",
            "processed_at",
            "created_at",
            "updated_at",
            "shopify_id",
            "admin_graphql_api_id",
            "line_items",
            "discounts",
            "fulfillments",
            "refunds",
            "transactions",
        )


class FulfillmentOrderLineItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = FulfillmentOrderLineItem
        fields = ("id", "line_item_id", "total_quantity", "remaining_quantity")


class FulfillmentOrderOutputSerializer(serializers.ModelSerializer):
    line_items = FulfillmentOrderLineItemOutputSerializer(
        source="fulfillment_order_line_items", many=True, read_only=True
    )

    class Meta:
        model = FulfillmentOrder
        fields = (
            "id",
            "order_id",
            "assigned_location_id",
            "status",
            "request_status",
            "fulfill_at",
            "supported_actions",
            "destination",
            "line_items",
            "created_at",
            "updated_at",
        )


class AbandonedCheckoutLineItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AbandonedCheckoutLineItem
        fields = (
            "id",
            "variant_id",
            "product_id",
            "key",
            "title",
            "variant_title",
            "sku",
            "vendor",
            "quantity",
            "price",
            "grams",
            "requires_shipping",
            "taxable",
        )


class AbandonedCheckoutOutputSerializer(serializers.ModelSerializer):
    line_items = AbandonedCheckoutLineItemOutputSerializer(
        source="checkout_line_items", many=True, read_only=True
    )

    class Meta:
        model = AbandonedCheckout
        fields = (
            "id",
            "token",
            "cart_token",
            "name",
            "customer_id",
            "email",
            "phone",
            "buyer_accepts_marketing",
            "currency",
            "presentment_currency",
            "taxes_included",
            "subtotal_price",
            "total_tax",
            "total_discounts",
            "total_line_items_price",
            "total_price",
            "total_weight",
            "billing_address",
            "shipping_address",
            "shipping_lines",
            "tax_lines",
            "discount_codes",
            "note",
            "note_attributes",
            "abandoned_checkout_url",
            "landing_site",
            "referring_site",
            "completed_at",
            "closed_at",
            "created_at",
            "updated_at",
            "line_items",
        )


# --- Input ---------------------------------------------------------------------------------------


class OrderAddressInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    company = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address1 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address2 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    city = serializers.CharField(max_length=255, required=False, allow_blank=True)
    province = serializers.CharField(max_length=255, required=False, allow_blank=True)
    province_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    country = serializers.CharField(max_length=255, required=False, allow_blank=True)
    country_code = serializers.RegexField(r"^[A-Z]{2}$", required=False)
    zip = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)


class OrderNoteAttributeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    value = serializers.CharField(max_length=4096, allow_blank=True)


class OrderLineItemInputSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)


class OrderTaxLineInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    rate = serializers.DecimalField(
        max_digits=7, decimal_places=5, min_value=Decimal("0"), max_value=Decimal("1")
    )


class OrderPaymentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["authorization", "sale"])
    amount = serializers.DecimalField(**POSITIVE_MONEY)
    gateway = serializers.CharField(max_length=255)


class OrderCreateInputSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField(min_value=1, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    line_items = OrderLineItemInputSerializer(many=True, allow_empty=False)
    discount_codes = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=1
    )
    shipping_rate_id = serializers.IntegerField(min_value=1, required=False)
    shipping_address = OrderAddressInputSerializer(required=False)
    billing_address = OrderAddressInputSerializer(required=False)
    location_id = serializers.IntegerField(min_value=1, required=False)
    currency = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, help_text="ISO 4217; the shop's currency when absent."
    )
    taxes_included = serializers.BooleanField(required=False, default=False)
    tax_lines = OrderTaxLineInputSerializer(many=True, required=False)
    transactions = OrderPaymentInputSerializer(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    note_attributes = OrderNoteAttributeInputSerializer(many=True, required=False)


class OrderUpdateInputSerializer(serializers.Serializer):
    """Only these are editable; totals, lines, statuses and ids are protected."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    shipping_address = OrderAddressInputSerializer(required=False)
    note_attributes = OrderNoteAttributeInputSerializer(many=True, required=False)


class OrderCancelInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancelReason.choices, default=CancelReason.OTHER)
    restock = serializers.BooleanField(required=False, default=True)
    refund = serializers.BooleanField(required=False, default=False)
    email = serializers.BooleanField(
        required=False, default=False, help_text="Notify the customer."
    )


class OrderFulfillLineInputSerializer(serializers.Serializer):
    line_item_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)


class OrderFulfillInputSerializer(serializers.Serializer):
    location_id = serializers.IntegerField(min_value=1, required=False)
    line_items = OrderFulfillLineInputSerializer(many=True, required=False)
    tracking_number = serializers.RegexField(
        r"^[A-Za-z0-9]([A-Za-z0-9 -]*[A-Za-z0-9])?$", max_length=255, required=False
    )
    tracking_company = serializers.CharField(max_length=255, required=False, allow_blank=True)
    tracking_url = serializers.URLField(max_length=2048, required=False, allow_blank=True)
    notify_customer = serializers.BooleanField(required=False, default=False)


class OrderTransactionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["capture", "void", "authorization", "sale"])
    amount = serializers.DecimalField(**POSITIVE_MONEY, required=False)
    parent_id = serializers.IntegerField(min_value=1, required=False)
    gateway = serializers.CharField(max_length=255, required=False)


class OrderRefundLineInputSerializer(serializers.Serializer):
    line_item_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)
    restock_type = serializers.ChoiceField(
        choices=[RestockType.NO_RESTOCK, RestockType.CANCEL, RestockType.RETURN], required=False
    )
    restock = serializers.BooleanField(required=False)


class OrderRefundShippingInputSerializer(serializers.Serializer):
    full_refund = serializers.BooleanField(required=False, default=False)
    amount = serializers.DecimalField(**MONEY, required=False)


class OrderRefundInputSerializer(serializers.Serializer):
    line_items = OrderRefundLineInputSerializer(many=True, required=False)
    amount = serializers.DecimalField(**POSITIVE_MONEY, required=False)
    location_id = serializers.IntegerField(min_value=1, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    restock = serializers.BooleanField(required=False, default=False)
    shipping = OrderRefundShippingInputSerializer(required=False)
