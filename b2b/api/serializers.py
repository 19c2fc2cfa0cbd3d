from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import CompanyContactRole, PaymentTermsType
from ..models import MAX_NET_DAYS, Company, CompanyContact, CompanyLocation, PaymentTerms

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}
CURRENCY: dict[str, Any] = {"error_messages": {"invalid": "Use an ISO 4217 code such as USD."}}
TAX_EXEMPTION_PATTERN = r"^[A-Z][A-Z0-9_]{1,63}$"


class PaymentTermsOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentTerms
        fields = (
            "id",
            "company_id",
            "name",
            "description",
            "payment_terms_type",
            "net_days",
            "discount_percentage",
            "credit_limit",
            "currency",
            "payment_method_preferences",
            "payment_due_date",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )
        read_only_fields = fields


class PaymentTermsUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    payment_terms_type = serializers.ChoiceField(choices=PaymentTermsType.choices, required=False)
    net_days = serializers.IntegerField(
        min_value=1, max_value=MAX_NET_DAYS, required=False, allow_null=True
    )
    discount_percentage = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
    )
    credit_limit = serializers.DecimalField(**MONEY, required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, **CURRENCY)
    payment_method_preferences = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=20
    )
    payment_due_date = serializers.DateTimeField(required=False, allow_null=True)


class PaymentTermsInputSerializer(PaymentTermsUpdateInputSerializer):
    name = serializers.CharField(max_length=255)
    company_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class B2BAddressInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    company = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address1 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address2 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    city = serializers.CharField(max_length=255, required=False, allow_blank=True)
    province = serializers.CharField(max_length=255, required=False, allow_blank=True)
    province_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    country = serializers.CharField(max_length=255, required=False, allow_blank=True)
    country_code = serializers.CharField(max_length=2, required=False, allow_blank=True)
    zip = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)


class CompanyOutputSerializer(serializers.ModelSerializer):
    payment_terms = PaymentTermsOutputSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Company
        fields = (
            "id",
            "name",
            "tax_id",
            "external_id",
            "note",
            "customer_since",
            "credit_limit",
            "currency",
            "payment_terms",
            "billing_address",
            "main_contact_id",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )
        read_only_fields = fields


class CompanyUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    tax_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    external_id = serializers.CharField(max_length=255, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    customer_since = serializers.DateTimeField(required=False, allow_null=True)
    credit_limit = serializers.DecimalField(**MONEY, required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, **CURRENCY)
    payment_terms_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    billing_address = B2BAddressInputSerializer(required=False)
    main_contact_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CompanyInputSerializer(CompanyUpdateInputSerializer):
    name = serializers.CharField(max_length=255)
    main_contact_id = None  # type: ignore[assignment]


class CompanyLocationOutputSerializer(serializers.ModelSerializer):
    effective_payment_terms_id = serializers.SerializerMethodField(
        help_text="The location's payment terms, else the company's."
    )

    class Meta:
        model = CompanyLocation
        fields = (
            "id",
            "company_id",
            "name",
            "external_id",
            "phone",
            "locale",
            "note",
            "billing_address",
            "shipping_address",
            "tax_registration_id",
            "tax_exemptions",
            "payment_terms_id",
            "effective_payment_terms_id",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_effective_payment_terms_id(self, location: CompanyLocation) -> int | None:
        return location.payment_terms_id or location.company.payment_terms_id


class CompanyLocationUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    external_id = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    locale = serializers.CharField(max_length=16, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    billing_address = B2BAddressInputSerializer(required=False)
    shipping_address = B2BAddressInputSerializer(required=False)
    tax_registration_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
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
    payment_terms_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CompanyLocationInputSerializer(CompanyLocationUpdateInputSerializer):
    name = serializers.CharField(max_length=255)


class CompanyContactCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)


class CompanyContactOutputSerializer(serializers.ModelSerializer):
    customer = CompanyContactCustomerSerializer(read_only=True)
    location_ids = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(read_only=True),
        source="locations",
        read_only=True,
    )

    class Meta:
        model = CompanyContact
        fields = (
            "id",
            "company_id",
            "customer",
            "title",
            "role",
            "is_main_contact",
            "location_ids",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )
        read_only_fields = fields


class CompanyContactUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=CompanyContactRole.choices, required=False)
    is_main_contact = serializers.BooleanField(required=False)
    location_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=250
    )


class CompanyContactInputSerializer(CompanyContactUpdateInputSerializer):
    customer_id = serializers.IntegerField(min_value=1)
