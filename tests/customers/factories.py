"""factory_boy factories for the customers app.

`Customer.last_order` (orders) stays empty: the order factories live with their owner.
"""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from customers.models import (
    Customer,
    CustomerAddress,
    CustomerGroup,
    CustomerGroupMembership,
    CustomerTag,
)


class CustomerFactory(DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"+1613555{n:04d}")
    first_name = "Bob"
    last_name = factory.Sequence(lambda n: f"Norman{n}")
    currency = "USD"
    total_spent = Decimal("0.00")


class CustomerAddressFactory(DjangoModelFactory[CustomerAddress]):
    class Meta:
        model = CustomerAddress

    customer = factory.SubFactory(CustomerFactory)
    address1 = factory.Sequence(lambda n: f"{n} Chestnut Street")
    city = "Louisville"
    province = "Kentucky"
    province_code = "KY"
    country = "United States"
    country_code = "US"
    country_name = "United States"
    zip = "40202"


class CustomerGroupFactory(DjangoModelFactory[CustomerGroup]):
    class Meta:
        model = CustomerGroup

    name = factory.Sequence(lambda n: f"Repeat buyers {n}")
    query = "number_of_orders > 2"


class CustomerGroupMembershipFactory(DjangoModelFactory[CustomerGroupMembership]):
    class Meta:
        model = CustomerGroupMembership

    group = factory.SubFactory(CustomerGroupFactory)
    customer = factory.SubFactory(CustomerFactory)


class CustomerTagFactory(DjangoModelFactory[CustomerTag]):
    class Meta:
        model = CustomerTag

    customer = factory.SubFactory(CustomerFactory)
    tag = factory.Sequence(lambda n: f"wholesale-{n}")
