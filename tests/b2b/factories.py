"""factory_boy factories for the b2b app. Contacts are customers (the customers factories)."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from b2b.choices import CompanyContactRole, PaymentTermsType
from b2b.models import Company, CompanyContact, CompanyLocation, PaymentTerms
from tests.customers.factories import CustomerFactory


class PaymentTermsFactory(DjangoModelFactory[PaymentTerms]):
    """A shared Net 30 template (no company)."""

    class Meta:
        model = PaymentTerms

    name = factory.Sequence(lambda n: f"Net 30 ({n})")
    payment_terms_type = PaymentTermsType.NET
    net_days = 30
    discount_percentage = Decimal("2.00")
    credit_limit = Decimal("5000.00")
    currency = "USD"


class CompanyFactory(DjangoModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Acme Supplies {n}")
    tax_id = factory.Sequence(lambda n: f"DE{n:09d}")
    credit_limit = Decimal("10000.00")
    currency = "USD"


class CompanyLocationFactory(DjangoModelFactory[CompanyLocation]):
    class Meta:
        model = CompanyLocation

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    shipping_address = factory.LazyFunction(
        lambda: {"address1": "1 Dock Road", "city": "Hamburg", "country_code": "DE"}
    )


class CompanyContactFactory(DjangoModelFactory[CompanyContact]):
    class Meta:
        model = CompanyContact

    company = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(CustomerFactory)
    title = "Buyer"
    role = CompanyContactRole.ORDERING_ONLY
