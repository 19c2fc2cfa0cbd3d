"""factory_boy factories for the finance app.

Orders come from the orders app's factories (that app has real models); customers are still a
stub, so gift cards leave `customer` empty.
"""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from finance.choices import (
    DiscountCodeStatus,
    DiscountType,
    PaymentStatus,
    TransactionKind,
    TransactionStatus,
)
from finance.models import DiscountCode, GiftCard, Payment, Transaction, gift_card_code_digest
from tests.orders.factories import OrderFactory


class PaymentFactory(DjangoModelFactory[Payment]):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    amount = Decimal("20.00")
    currency = "USD"
    gateway = "bogus"
    status = PaymentStatus.AUTHORIZED
    reference = factory.Sequence(lambda n: f"pay_{n:08d}")


class TransactionFactory(DjangoModelFactory[Transaction]):
    class Meta:
        model = Transaction

    order = factory.SubFactory(OrderFactory)
    kind = TransactionKind.AUTHORIZATION
    status = TransactionStatus.SUCCESS
    amount = Decimal("20.00")
    currency = "USD"
    gateway = "bogus"
    authorization = factory.Sequence(lambda n: f"auth-{n:06d}")
    source_name = "web"
    payment_details = factory.LazyFunction(
        lambda: {
            "credit_card_bin": "424242",
            "cvv_result_code": "M",
            "credit_card_number": "•••• •••• •••• 4242",
            "credit_card_company": "Visa",
        }
    )


class GiftCardFactory(DjangoModelFactory[GiftCard]):
    """`code` is a factory parameter: only its digest and last four characters are stored."""

    class Meta:
        model = GiftCard

    class Params:
        code = factory.Sequence(lambda n: f"GIFT{n:012d}")

    code_digest = factory.LazyAttribute(lambda card: gift_card_code_digest(card.code))
    last_characters = factory.LazyAttribute(lambda card: card.code[-4:])
    initial_value = Decimal("50.00")
    balance = Decimal("50.00")
    currency = "USD"


class DiscountCodeFactory(DjangoModelFactory[DiscountCode]):
    class Meta:
        model = DiscountCode

    code = factory.Sequence(lambda n: f"SAVE{n:04d}")
    title = "Ten percent off"
    type = DiscountType.PERCENTAGE
    value = Decimal("10.0")
    status = DiscountCodeStatus.ACTIVE
    currency = "USD"
