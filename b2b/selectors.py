"""Reads of the b2b app, as optimised querysets."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.rows import RowAccess

from .models import Company, CompanyContact, CompanyLocation, PaymentTerms


def payment_terms_list(*, access: RowAccess | None = None) -> QuerySet[PaymentTerms]:
    terms = PaymentTerms.objects.all()
    if access is not None:
        terms = access.apply(terms, company="company")
    return terms


def company_list(
    *, search: str | None = None, access: RowAccess | None = None
) -> QuerySet[Company]:
    """Companies; with company-scoped access (an account manager), only their companies."""
    companies = Company.objects.select_related("payment_terms")
    if search:
        companies = companies.filter(
            Q(name__icontains=search) | Q(tax_id__iexact=search) | Q(external_id__iexact=search)
        )
    if access is not None:
        companies = access.apply(companies, company="pk")
    return companies


def company_rows(*, access: RowAccess) -> QuerySet[Company]:
    """Plain company rows `access` permits: the lookup of nested routes."""
    return access.apply(Company.objects.all(), company="pk")


def customer_company_location_list(*, company_ids: frozenset[int]) -> QuerySet[CompanyLocation]:
    """The locations of the companies a customer's login acts for (B2B self-service)."""
    return CompanyLocation.objects.filter(company_id__in=sorted(company_ids)).select_related(
        "company", "payment_terms"
    )


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
