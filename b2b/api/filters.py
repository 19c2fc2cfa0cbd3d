from __future__ import annotations

import django_filters

from ..models import Company, PaymentTerms


class CompanyFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="name", lookup_expr="iexact")
    taxId = django_filters.CharFilter(field_name="tax_id")
    externalId = django_filters.CharFilter(field_name="external_id")
    paymentTermsId = django_filters.NumberFilter(field_name="payment_terms_id")
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    updatedAtMin = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updatedAtMax = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lte")

    class Meta:
        model = Company
        fields: list[str] = []


class PaymentTermsFilterSet(django_filters.FilterSet):
    companyId = django_filters.NumberFilter(field_name="company_id")
    template = django_filters.BooleanFilter(
        field_name="company", lookup_expr="isnull", label="Only shared templates (no company)"
    )
    paymentTermsType = django_filters.CharFilter(field_name="payment_terms_type")
    paymentDueDateMin = django_filters.IsoDateTimeFilter(
        field_name="payment_due_date", lookup_expr="gte"
    )
    paymentDueDateMax = django_filters.IsoDateTimeFilter(
        field_name="payment_due_date", lookup_expr="lte"
    )

    class Meta:
        model = PaymentTerms
        fields: list[str] = []
