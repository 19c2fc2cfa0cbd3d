from __future__ import annotations

from rest_framework import serializers

from ..choices import CustomerState, MarketingOptInLevel
from ..models import PHONE_E164_PATTERN, Customer, CustomerAddress, CustomerGroup

MAX_BULK = 250
# Shopify's tax exemption names: CA_STATUS_CARD_EXEMPTION, US_CO_RESELLER_EXEMPTION, ...
TAX_EXEMPTION_PATTERN = r"^[A-Z][A-Z0-9_]{1,63}$"


class CustomerAddressOutputSerializer(serializers.ModelSerializer):
    default = serializers.BooleanField(source="is_default", read_only=True)

    class Meta:
        model = CustomerAddress
        fields = (
            "id",
            "customer_id",
            "first_name",
            "last_name",
            "name",
            "company",
            "address1",
            "address2",
            "city",
            "province",
            "province_code",
            "country",
            "country_code",
            "country_name",
            "zip",
            "phone",
            "default",
            "created_at",
            "updated_at",
            "shopify_id",
        )


class CustomerOutputSerializer(serializers.ModelSerializer):
    addresses = CustomerAddressOutputSerializer(many=True, read_only=True)
    # Blank for a customer known by phone only, so not documented as format "email".
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Customer
        fields = (
            "id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "state",
            "verified_email",
            "multipass_identifier",
            "note",
            "tags",
            "currency",
            "accepts_marketing",
            "accepts_marketing_updated_at",
            "marketing_opt_in_level",
            "email_marketing_consent",
            "sms_marketing_consent",
            "tax_exempt",
            "tax_exemptions",
            "orders_count",
            "total_spent",
            "last_order_id",
            "last_order_name",
            "default_address_id",
            "addresses",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )
        read_only_fields = fields


class CustomerAddressInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    company = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address1 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address2 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    city = serializers.CharField(max_length=255, required=False, allow_blank=True)
    province = serializers.CharField(max_length=255, required=False, allow_blank=True)
    province_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    country = serializers.CharField(max_length=255, required=False, allow_blank=True)
    country_code = serializers.CharField(max_length=2, required=False, allow_blank=True)
    country_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    zip = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    default = serializers.BooleanField(required=False)


class CustomerUpdateInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.RegexField(
        PHONE_E164_PATTERN,
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Use the E.164 format, e.g. +16135550123."},
    )
    first_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=CustomerState.choices, required=False)
    verified_email = serializers.BooleanField(required=False)
    multipass_identifier = serializers.CharField(max_length=255, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        required=False,
        error_messages={"invalid": "Use an ISO 4217 code such as USD."},
    )
    accepts_marketing = serializers.BooleanField(required=False)
    marketing_opt_in_level = serializers.ChoiceField(
        choices=MarketingOptInLevel.choices, required=False, allow_null=True
    )
    email_marketing_consent = serializers.DictField(required=False)
    sms_marketing_consent = serializers.DictField(required=False)
    tax_exempt = serializers.BooleanField(required=False)
    tax_exemptions = serializers.ListField(
        child=serializers.RegexField(
            TAX_EXEMPTION_PATTERN,
            error_messages={
                "invalid": "Use a tax exemption name such as CA_STATUS_CARD_EXEMPTION."
            },
        ),
        required=False,
        max_length=50,
    )


class CustomerInputSerializer(CustomerUpdateInputSerializer):
    addresses = CustomerAddressInputSerializer(many=True, required=False, max_length=100)  # type: ignore[call-arg]


class CustomerBulkInputSerializer(serializers.Serializer):
    customers = CustomerInputSerializer(
        many=True,
        allow_empty=False,
        max_length=MAX_BULK,  # type: ignore[call-arg]
    )


class CustomerBulkOutputSerializer(serializers.Serializer):
    customers = CustomerOutputSerializer(many=True)


class CustomerGroupOutputSerializer(serializers.ModelSerializer):
    customers_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CustomerGroup
        fields = (
            "id",
            "name",
            "query",
            "customers_count",
            "created_at",
            "updated_at",
            "shopify_id",
        )


class CustomerGroupUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    query = serializers.CharField(required=False)


class CustomerGroupInputSerializer(CustomerGroupUpdateInputSerializer):
    name = serializers.CharField(max_length=255)
    query = serializers.CharField()
    customer_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_BULK
    )


class CustomerGroupMembersInputSerializer(serializers.Serializer):
    customer_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_BULK
    )


class CustomerTagOutputSerializer(serializers.Serializer):
    tag = serializers.CharField(read_only=True)
    customers_count = serializers.IntegerField(read_only=True)
