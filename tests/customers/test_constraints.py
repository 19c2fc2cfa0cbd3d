"""PostgreSQL refuses every row that breaks a customers invariant, and accepts the edge rows.

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

from customers.models import Customer, CustomerTag, segment_query_error

from .factories import (
    CustomerAddressFactory,
    CustomerFactory,
    CustomerGroupFactory,
    CustomerGroupMembershipFactory,
    CustomerTagFactory,
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
    # Customer
    ("customers_customer_email_format", CustomerFactory, {"email": "bob.example.com"}),
    ("customers_customer_email_format", CustomerFactory, {"email": "bob@example"}),
    ("customers_customer_email_format", CustomerFactory, {"email": "bob @example.com"}),
    ("customers_customer_phone_e164", CustomerFactory, {"phone": "613-555-0123"}),
    ("customers_customer_phone_e164", CustomerFactory, {"phone": "+06135550123"}),
    ("customers_customer_phone_e164", CustomerFactory, {"phone": "+123456"}),
    (
        "customers_customer_phone_e164",
        CustomerFactory,
        {"phone": "613 555 0123", "shopify_id": 207119551},
    ),
    ("customers_customer_state_valid", CustomerFactory, {"state": "active"}),
    (
        "customers_customer_opt_in_level_valid",
        CustomerFactory,
        {"marketing_opt_in_level": "double_opt_in"},
    ),
    ("customers_customer_orders_count_gte_0", CustomerFactory, {"orders_count": -1}),
    ("customers_customer_total_spent_gte_0", CustomerFactory, {"total_spent": Decimal("-0.01")}),
    ("customers_customer_currency_iso4217", CustomerFactory, {"currency": "usd"}),
    # CustomerAddress
    ("customers_address_country_code_iso", CustomerAddressFactory, {"country_code": "us"}),
    ("customers_address_country_code_iso", CustomerAddressFactory, {"country_code": "U1"}),
    # CustomerGroup
    ("customers_group_name_present", CustomerGroupFactory, {"name": ""}),
    ("customers_group_name_present", CustomerGroupFactory, {"name": "   "}),
    ("customers_group_query_present", CustomerGroupFactory, {"query": ""}),
    ("customers_group_query_present", CustomerGroupFactory, {"query": " \n "}),
    # CustomerTag
    ("customers_tag_normalised", CustomerTagFactory, {"tag": "VIP"}),
    ("customers_tag_normalised", CustomerTagFactory, {"tag": " vip"}),
    ("customers_tag_normalised", CustomerTagFactory, {"tag": "vip "}),
    ("customers_tag_not_empty", CustomerTagFactory, {"tag": ""}),
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


# --- Customer ---------------------------------------------------------------------------------


def test_customer_email_is_unique_ignoring_case() -> None:
    # Given a customer with an email
    CustomerFactory.create(email="bob.norman@example.com")
    # When another customer takes the same email in other capitals, then it is refused
    assert_refused(
        "customers_customer_email_ci_unique", CustomerFactory, email="Bob.Norman@EXAMPLE.com"
    )


def test_customers_without_email_may_repeat_and_deleted_customers_free_their_email() -> None:
    # Given two customers without email (Shopify allows it) and a deleted one
    CustomerFactory.create(email="")
    CustomerFactory.create(email="")
    CustomerFactory.create(email="gone@example.com", deleted_at=NOW)

    # When a new customer takes the deleted customer's email
    CustomerFactory.create(email="gone@example.com")

    # Then every row is kept
    assert Customer.all_objects.filter(email="").count() == 2
    assert Customer.all_objects.filter(email="gone@example.com").count() == 2


def test_mirrored_customer_may_have_an_email_our_format_check_refuses() -> None:
    # Given Shopify stores an email our local check would refuse, when it is mirrored
    customer = CustomerFactory.create(email="bob@localhost", shopify_id=706405506930370000)
    # Then it is kept as Shopify has it
    assert Customer.objects.get(pk=customer.pk).email == "bob@localhost"


def test_customer_phone_edge_values_are_accepted() -> None:
    # Given the shortest and the longest E.164 numbers, and no phone at all
    shortest = CustomerFactory.create(phone="+1234567")
    longest = CustomerFactory.create(phone="+123456789012345")
    without_phone = CustomerFactory.create(phone="")
    # Then all are stored
    assert [c.phone for c in (shortest, longest, without_phone)] == [
        "+1234567",
        "+123456789012345",
        "",
    ]


def test_customer_opt_in_level_may_be_unknown_to_shopify() -> None:
    customer = CustomerFactory.create(marketing_opt_in_level=None)
    assert Customer.objects.get(pk=customer.pk).marketing_opt_in_level is None


def test_default_address_of_another_customer_is_refused_by_clean() -> None:
    # Given two customers, the second with an address
    customer = CustomerFactory.create()
    other_address = CustomerAddressFactory.create()
    # When the first customer's default address is the other customer's address
    customer.default_address = other_address
    # Then validation refuses it
    with pytest.raises(ValidationError) as refused:
        customer.full_clean()
    assert "default_address" in refused.value.message_dict


# --- CustomerAddress ------------------------------------------------------------------------


def test_one_default_address_per_customer() -> None:
    # Given a customer with a default address and a second, non-default one
    address = CustomerAddressFactory.create(is_default=True)
    CustomerAddressFactory.create(customer=address.customer, is_default=False)
    # When a second default address is added, then it is refused
    assert_refused(
        "customers_address_one_default",
        CustomerAddressFactory,
        customer=address.customer,
        is_default=True,
    )
    # And another customer may still have its own default address
    CustomerAddressFactory.create(is_default=True)


def test_address_without_country_code_is_accepted() -> None:
    address = CustomerAddressFactory.create(country_code="")
    assert address.country_code == ""


def test_local_address_needs_a_street_and_a_country() -> None:
    # Given a local address with neither street nor country
    address = CustomerAddressFactory.build(
        customer=CustomerFactory.create(), address1="", country="", country_code=""
    )
    # When it is validated, then both are reported
    with pytest.raises(ValidationError) as refused:
        address.full_clean()
    assert set(refused.value.message_dict) == {"address1", "country_code"}


# --- CustomerGroup and membership -----------------------------------------------------------


def test_group_name_is_unique_ignoring_case_among_groups_not_deleted() -> None:
    # Given a group "VIP" and a deleted group "Lapsed"
    CustomerGroupFactory.create(name="VIP")
    CustomerGroupFactory.create(name="Lapsed", deleted_at=NOW)
    # When "vip" is created, then it is refused
    assert_refused("customers_group_name_ci_unique", CustomerGroupFactory, name="vip")
    # And the deleted group's name can be used again
    assert CustomerGroupFactory.create(name="lapsed").name == "lapsed"


def test_customer_is_in_a_group_once() -> None:
    membership = CustomerGroupMembershipFactory.create()
    assert_refused(
        "customers_membership_unique",
        CustomerGroupMembershipFactory,
        group=membership.group,
        customer=membership.customer,
    )


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("number_of_orders > 2", None),
        ("(amount_spent > 100 AND email_domain = 'example.com')", None),
        ("customer_tags CONTAINS 'a (b'", None),
        ("   ", "Enter a query."),
        ("(number_of_orders > 2", "A parenthesis is not closed."),
        ("number_of_orders > 2)", "A closing parenthesis has no opening one."),
        ("email_domain = 'example.com", "A quoted value is not closed."),
    ],
)
def test_segment_query_syntax(query: str, error: str | None) -> None:
    assert segment_query_error(query) == error


# --- CustomerTag ----------------------------------------------------------------------------


def test_customer_has_each_tag_once_and_tags_repeat_across_customers() -> None:
    # Given a customer tagged "vip"
    tag = CustomerTagFactory.create(tag="vip")
    # When the same customer is tagged "vip" again, then it is refused
    assert_refused("customers_tag_unique", CustomerTagFactory, customer=tag.customer, tag="vip")
    # And another customer may carry the same tag
    CustomerTagFactory.create(tag="vip")
    assert CustomerTag.objects.filter(tag="vip").count() == 2


def test_tag_is_normalised_by_clean() -> None:
    tag = CustomerTag(customer=CustomerFactory.create(), tag="  Wholesale ")
    tag.full_clean()
    assert tag.tag == "wholesale"
