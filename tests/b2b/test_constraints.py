"""PostgreSQL refuses every row that breaks a B2B invariant, and accepts the edge rows.

Each refusal asserts the exact constraint that fired, so a test cannot pass on another error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from b2b.choices import PaymentTermsType
from b2b.models import Company, PaymentTerms

from .factories import (
    CompanyContactFactory,
    CompanyFactory,
    CompanyLocationFactory,
    PaymentTermsFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 2, 16, 38, tzinfo=UTC)


def assert_refused(constraint: str, factory_class: type[factory.Factory], **fields: Any) -> None:
    """When the row is inserted, then PostgreSQL refuses it with exactly `constraint`."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        factory_class.create(**fields)
    assert f'"{constraint}"' in str(refused.value)


# --- One bad row, one constraint -------------------------------------------------------------

SINGLE_ROW_CASES: list[tuple[str, type[factory.Factory], dict[str, Any]]] = [
    # PaymentTerms
    ("b2b_terms_type_valid", PaymentTermsFactory, {"payment_terms_type": "monthly"}),
    ("b2b_terms_net_days_range", PaymentTermsFactory, {"net_days": -1}),
    ("b2b_terms_net_days_range", PaymentTermsFactory, {"net_days": 366}),
    ("b2b_terms_net_has_days", PaymentTermsFactory, {"net_days": None}),
    ("b2b_terms_discount_pct_range", PaymentTermsFactory, {"discount_percentage": Decimal("-1")}),
    (
        "b2b_terms_discount_pct_range",
        PaymentTermsFactory,
        {"discount_percentage": Decimal("100.01")},
    ),
    ("b2b_terms_credit_limit_gte_0", PaymentTermsFactory, {"credit_limit": Decimal("-0.01")}),
    ("b2b_terms_currency_iso4217", PaymentTermsFactory, {"currency": "EU"}),
    ("b2b_terms_name_present", PaymentTermsFactory, {"name": " "}),
    # Company
    ("b2b_company_name_present", CompanyFactory, {"name": ""}),
    ("b2b_company_credit_limit_gte_0", CompanyFactory, {"credit_limit": Decimal("-0.01")}),
    ("b2b_company_currency_iso4217", CompanyFactory, {"currency": "eur"}),
    # CompanyLocation
    ("b2b_location_name_present", CompanyLocationFactory, {"name": "  "}),
    # CompanyContact
    ("b2b_contact_role_valid", CompanyContactFactory, {"role": "owner"}),
]


@pytest.mark.parametrize(
    ("constraint", "factory_class", "fields"),
    SINGLE_ROW_CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(SINGLE_ROW_CASES)],
)
def test_bad_row_is_refused(
    constraint: str, factory_class: type[factory.Factory], fields: dict[str, Any]
) -> None:
    assert_refused(constraint, factory_class, **fields)


# --- PaymentTerms ---------------------------------------------------------------------------


def test_payment_terms_edge_values_are_accepted() -> None:
    # Given the limits of every range
    rows = [
        PaymentTermsFactory.create(net_days=0, discount_percentage=Decimal("0"), credit_limit=0),
        PaymentTermsFactory.create(net_days=365, discount_percentage=Decimal("100")),
        # Terms due on receipt or on fulfillment have no days.
        PaymentTermsFactory.create(payment_terms_type=PaymentTermsType.RECEIPT, net_days=None),
        PaymentTermsFactory.create(payment_terms_type=PaymentTermsType.FULFILLMENT, net_days=None),
        PaymentTermsFactory.create(payment_terms_type=PaymentTermsType.FIXED, payment_due_date=NOW),
    ]
    # Then all are stored
    assert PaymentTerms.objects.filter(pk__in=[row.pk for row in rows]).count() == 5


# --- Company --------------------------------------------------------------------------------


def test_company_external_id_is_unique_when_set_among_companies_not_deleted() -> None:
    # Given a company with an external id, one deleted with another, and two without
    CompanyFactory.create(external_id="ERP-1")
    CompanyFactory.create(external_id="ERP-2", deleted_at=NOW)
    CompanyFactory.create(external_id="")
    CompanyFactory.create(external_id="")
    # When a company takes the live external id, then it is refused
    assert_refused("b2b_company_external_id_unique", CompanyFactory, external_id="ERP-1")
    # And the deleted company's external id can be used again
    CompanyFactory.create(external_id="ERP-2")
    assert Company.all_objects.filter(external_id="ERP-2").count() == 2


def test_company_payment_terms_and_main_contact_must_be_its_own() -> None:
    # Given a company, terms and a contact of another company
    company = CompanyFactory.create()
    company.payment_terms = PaymentTermsFactory.create(company=CompanyFactory.create())
    company.main_contact = CompanyContactFactory.create()
    # When it is validated, then both are refused
    with pytest.raises(ValidationError) as refused:
        company.full_clean()
    assert set(refused.value.message_dict) == {"payment_terms", "main_contact"}


def test_company_may_use_a_shared_payment_terms_template_and_its_own_contact() -> None:
    company = CompanyFactory.create()
    company.payment_terms = PaymentTermsFactory.create(company=None)
    company.main_contact = CompanyContactFactory.create(company=company, is_main_contact=True)
    company.full_clean()
    company.save()
    assert Company.objects.get(pk=company.pk).main_contact == company.main_contact


# --- CompanyLocation ------------------------------------------------------------------------


def test_company_location_external_id_is_unique_when_set() -> None:
    CompanyLocationFactory.create(external_id="SITE-1")
    CompanyLocationFactory.create(external_id="")
    CompanyLocationFactory.create(external_id="")
    assert_refused("b2b_location_external_id_unique", CompanyLocationFactory, external_id="SITE-1")


# --- CompanyContact -------------------------------------------------------------------------


def test_customer_is_a_contact_of_a_company_once_and_may_serve_several_companies() -> None:
    # Given a customer who is a contact of a company
    contact = CompanyContactFactory.create()
    # When the customer is added to the same company again, then it is refused
    assert_refused(
        "b2b_contact_company_customer_uniq",
        CompanyContactFactory,
        company=contact.company,
        customer=contact.customer,
    )
    # And the customer may be a contact of another company
    other = CompanyContactFactory.create(customer=contact.customer)
    assert other.customer_id == contact.customer_id


def test_company_has_one_main_contact() -> None:
    # Given a company with a main contact and another contact
    main = CompanyContactFactory.create(is_main_contact=True)
    CompanyContactFactory.create(company=main.company, is_main_contact=False)
    # When a second main contact is added, then it is refused
    assert_refused(
        "b2b_contact_one_main_contact",
        CompanyContactFactory,
        company=main.company,
        is_main_contact=True,
    )
    # And another company may have its own main contact
    CompanyContactFactory.create(is_main_contact=True)


def test_contact_is_assigned_to_locations() -> None:
    contact = CompanyContactFactory.create()
    location = CompanyLocationFactory.create(company=contact.company)
    contact.locations.add(location)
    assert list(location.contacts.all()) == [contact]
