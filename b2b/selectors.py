"""Reads of the b2b app, as optimised querysets."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Company, CompanyContact, CompanyLocation, PaymentTerms


def payment_terms_list() -> QuerySet[PaymentTerms]:
    return PaymentTerms.objects.all()


def company_list(*, search: str | None = None) -> QuerySet[Company]:
    companies = Company.objects.select_related("payment_terms")
    if search:
        companies = companies.filter(
            Q(name__icontains=search) | Q(tax_id__iexact=search) | Q(external_id__iexact=search)
        )
    return companies


def location_list(*, company: Company) -> QuerySet[CompanyLocation]:
    return CompanyLocation.objects.filter(company=company).select_related(
        "company", "payment_terms"
    )


def contact_list(*, company: Company) -> QuerySet[CompanyContact]:
    return (
        CompanyContact.objects.filter(company=company)
        .select_related("customer")
        .prefetch_related("locations")
    )
