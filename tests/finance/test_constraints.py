"""PostgreSQL refuses every row that breaks a finance invariant, and accepts the edge rows.

Each refusal asserts the exact constraint that fired, so a test cannot pass on another error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import RestrictedError

from finance.choices import DiscountType, GiftCardStatus, TransactionKind
from finance.models import DiscountCode, GiftCard, Transaction, gift_card_code_digest
from tests.orders.factories import RefundFactory

from .factories import DiscountCodeFactory, GiftCardFactory, PaymentFactory, TransactionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 2, 16, 38, tzinfo=UTC)
# Not Luhn-valid: a Luhn-valid number is masked before the write (core.pci) and never reaches
# the constraint; the constraint still refuses every unmasked-looking 13-19 digit run.
FULL_CARD_NUMBER = "4242 4242 4242 4241"


def assert_refused(constraint: str, factory_class: type[factory.Factory], **fields: Any) -> None:
    """When the row is inserted, then PostgreSQL refuses it with exactly `constraint`."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        factory_class.create(**fields)
    assert f'"{constraint}"' in str(refused.value)


# --- One bad row, one constraint -------------------------------------------------------------

SINGLE_ROW_CASES: list[tuple[str, type[factory.Factory], dict[str, Any]]] = [
    # Transaction
    ("finance_transaction_kind_valid", TransactionFactory, {"kind": "chargeback"}),
    ("finance_transaction_status_valid", TransactionFactory, {"status": "settled"}),
    ("finance_transaction_amount_gte_0", TransactionFactory, {"amount": Decimal("-0.01")}),
    ("finance_transaction_currency_iso4217", TransactionFactory, {"currency": "usd"}),
    ("finance_transaction_no_card_data", TransactionFactory, {"payment_details": {"cvv": "123"}}),
    (
        "finance_transaction_no_card_data",
        TransactionFactory,
        {"payment_details": {"number": "4242424242424242"}},
    ),
    (
        "finance_transaction_no_card_data",
        TransactionFactory,
        {"payment_details": {"verification_value": "123"}},
    ),
    (
        "finance_transaction_card_masked",
        TransactionFactory,
        {"payment_details": {"credit_card_number": FULL_CARD_NUMBER}},
    ),
    (
        "finance_transaction_card_masked",
        TransactionFactory,
        {"payment_details": {"credit_card_number": "4242-4242-4242-4"}},
    ),
    (
        "finance_transaction_card_masked",
        TransactionFactory,
        {"payment_details": {"credit_card_number": "4242424242424241"}, "shopify_id": 1},
    ),
    # Payment
    ("finance_payment_amount_gt_0", PaymentFactory, {"amount": Decimal("0")}),
    ("finance_payment_currency_iso4217", PaymentFactory, {"currency": "EU1"}),
    ("finance_payment_status_valid", PaymentFactory, {"status": "settled"}),
    ("finance_payment_refunded_gte_0", PaymentFactory, {"refunded_amount": Decimal("-1")}),
    (
        "finance_payment_refunded_lte_amount",
        PaymentFactory,
        {"amount": Decimal("20.00"), "refunded_amount": Decimal("20.01")},
    ),
    # GiftCard
    ("finance_giftcard_code_digest_sha256", GiftCardFactory, {"code_digest": "GIFT0000CODE"}),
    ("finance_giftcard_code_digest_sha256", GiftCardFactory, {"code_digest": "A" * 64}),
    ("finance_giftcard_local_code_set", GiftCardFactory, {"code_digest": None}),
    ("finance_giftcard_last_chars_4", GiftCardFactory, {"last_characters": "abc"}),
    ("finance_giftcard_last_chars_4", GiftCardFactory, {"last_characters": "ab-c"}),
    ("finance_giftcard_balance_gte_0", GiftCardFactory, {"balance": Decimal("-0.01")}),
    ("finance_giftcard_initial_value_gt_0", GiftCardFactory, {"initial_value": 0, "balance": 0}),
    ("finance_giftcard_currency_iso4217", GiftCardFactory, {"currency": "$"}),
    ("finance_giftcard_status_valid", GiftCardFactory, {"status": "lost"}),
    ("finance_giftcard_disabled_at_set", GiftCardFactory, {"status": GiftCardStatus.DISABLED}),
    ("finance_giftcard_expired_has_date", GiftCardFactory, {"status": GiftCardStatus.EXPIRED}),
    # DiscountCode
    ("finance_discount_code_set", DiscountCodeFactory, {"code": ""}),
    ("finance_discount_type_valid", DiscountCodeFactory, {"type": "bogo"}),
    ("finance_discount_status_valid", DiscountCodeFactory, {"status": "paused"}),
    ("finance_discount_currency_iso4217", DiscountCodeFactory, {"currency": "Eur"}),
    ("finance_discount_value_gte_0", DiscountCodeFactory, {"value": Decimal("-10")}),
    (
        "finance_discount_value_gte_0",
        DiscountCodeFactory,
        {"type": DiscountType.FIXED_AMOUNT, "value": Decimal("-10"), "shopify_id": 1},
    ),
    ("finance_discount_percentage_lte_100", DiscountCodeFactory, {"value": Decimal("100.0001")}),
    ("finance_discount_amount_gte_0", DiscountCodeFactory, {"amount": Decimal("-1")}),
    ("finance_discount_minimum_gte_0", DiscountCodeFactory, {"minimum_amount": Decimal("-1")}),
    ("finance_discount_usage_limit_gt_0", DiscountCodeFactory, {"usage_limit": 0}),
    ("finance_discount_used_count_gte_0", DiscountCodeFactory, {"used_count": -1}),
    (
        "finance_discount_local_usage_within_limit",
        DiscountCodeFactory,
        {"usage_limit": 5, "used_count": 6},
    ),
    (
        "finance_discount_local_ends_after_starts",
        DiscountCodeFactory,
        {"starts_at": NOW, "ends_at": NOW},
    ),
    (
        "finance_discount_local_ends_after_starts",
        DiscountCodeFactory,
        {"starts_at": NOW, "ends_at": NOW - timedelta(days=1)},
    ),
]


@pytest.mark.parametrize(
    ("constraint", "factory_class", "fields"),
    SINGLE_ROW_CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(SINGLE_ROW_CASES)],
)
def test_bad_row_is_refused(
    constraint: str, factory_class: type[factory.Factory], fields: dict[str, Any]
) -> None:
    # Given a row breaking one rule / When it is inserted / Then that constraint refuses it.
    assert_refused(constraint, factory_class, **fields)


# --- Edge rows that must be accepted ----------------------------------------------------------


def test_shopify_payment_details_are_accepted() -> None:
    # Given the payment details Shopify reports (masked number, BIN, CVV *result* code)
    details = {
        "credit_card_bin": "424242",
        "avs_result_code": None,
        "cvv_result_code": "M",
        "credit_card_number": "•••• •••• •••• 4242",
        "credit_card_company": "Visa",
        "payment_method_name": "visa",
    }
    # When a transaction stores them / Then they are accepted unchanged
    stored = TransactionFactory.create(payment_details=details, amount=Decimal("0"))
    stored.refresh_from_db()
    assert stored.payment_details == details
    assert stored.amount == Decimal("0.00")


def test_edge_money_rows_are_accepted() -> None:
    payment = PaymentFactory.create(amount=Decimal("0.01"), refunded_amount=Decimal("0.01"))
    # Shopify allows top-ups: a balance above the initial value is fine.
    card = GiftCardFactory.create(initial_value=Decimal("10.00"), balance=Decimal("25.00"))
    mirrored_card = GiftCardFactory.create(code_digest=None, shopify_id=1)
    disabled = GiftCardFactory.create(status=GiftCardStatus.DISABLED, disabled_at=NOW)
    expired = GiftCardFactory.create(status=GiftCardStatus.EXPIRED, expires_on=date(2025, 1, 1))
    assert payment.refunded_amount == payment.amount
    assert card.balance > card.initial_value
    assert mirrored_card.code_digest is None
    assert (disabled.pk, expired.pk) != (None, None)


def test_edge_discount_codes_are_accepted() -> None:
    full_off = DiscountCodeFactory.create(value=Decimal("100"))
    fixed_above_100 = DiscountCodeFactory.create(
        type=DiscountType.FIXED_AMOUNT, value=Decimal("250"), amount=Decimal("250")
    )
    used_up = DiscountCodeFactory.create(usage_limit=5, used_count=5, starts_at=NOW)
    one_second = DiscountCodeFactory.create(starts_at=NOW, ends_at=NOW + timedelta(seconds=1))
    # Shopify may lower a limit below past uses or end a scheduled code before it starts.
    mirrored = DiscountCodeFactory.create(
        usage_limit=1, used_count=3, starts_at=NOW, ends_at=NOW - timedelta(days=1), shopify_id=1
    )
    assert (
        DiscountCode.objects.filter(
            pk__in=[full_off.pk, fixed_above_100.pk, used_up.pk, one_second.pk, mirrored.pk]
        ).count()
        == 5
    )


# --- Uniqueness ------------------------------------------------------------------------------


def test_gift_card_code_is_unique_even_when_deleted_or_mirrored() -> None:
    # Given a deleted card
    GiftCardFactory.create(code="GIFT-AAAA-BBBB-CCCC", deleted_at=NOW)
    # When another card gets the same code (any case, any grouping) / Then it is refused
    assert_refused(
        "finance_giftcard_code_unique",
        GiftCardFactory,
        code_digest=gift_card_code_digest("giftaaaabbbbcccc"),
        shopify_id=1,
    )


def test_mirrored_gift_cards_without_code_may_coexist() -> None:
    GiftCardFactory.create(code_digest=None, shopify_id=1, last_characters="0y0y")
    GiftCardFactory.create(code_digest=None, shopify_id=2, last_characters="0y0y")
    assert GiftCard.objects.filter(last_characters="0y0y").count() == 2


def test_discount_code_is_unique_case_insensitively() -> None:
    DiscountCodeFactory.create(code="SUMMER25")
    assert_refused("finance_discount_code_ci_unique", DiscountCodeFactory, code="summer25")
    assert_refused(
        "finance_discount_code_ci_unique", DiscountCodeFactory, code="Summer25", shopify_id=1
    )


def test_deleted_discount_code_frees_its_code() -> None:
    DiscountCodeFactory.create(code="WELCOME", deleted_at=NOW)
    DiscountCodeFactory.create(code="welcome")
    assert DiscountCode.all_objects.filter(code__iexact="welcome").count() == 2


# --- Relationships ---------------------------------------------------------------------------


def test_deleting_an_order_removes_its_money_records_together() -> None:
    # Given an order with a payment, an authorization, its capture and a refund transaction
    payment = PaymentFactory.create()
    order = payment.order
    authorization = TransactionFactory.create(order=order, payment=payment)
    capture = TransactionFactory.create(
        order=order, payment=payment, parent=authorization, kind=TransactionKind.CAPTURE
    )
    refund = RefundFactory.create(order=order)
    TransactionFactory.create(
        order=order, refund=refund, parent=capture, kind=TransactionKind.REFUND
    )
    # When the order is deleted
    order.delete()
    # Then every transaction went with it
    assert Transaction.objects.filter(order_id=order.pk).count() == 0


def test_a_refund_with_transactions_cannot_be_deleted_alone() -> None:
    refund = RefundFactory.create()
    money = TransactionFactory.create(
        order=refund.order, refund=refund, kind=TransactionKind.REFUND
    )
    with pytest.raises(RestrictedError):
        refund.delete()
    assert Transaction.objects.filter(pk=money.pk).exists()


# --- Rules in clean() and helpers ------------------------------------------------------------


@pytest.mark.parametrize(
    "details",
    [
        {"card": {"CVV": "123"}},
        {"extended": [{"pan": "4242424242424242"}]},
        {"note": f"card {FULL_CARD_NUMBER}"},
    ],
)
def test_clean_refuses_nested_card_data(details: dict[str, Any]) -> None:
    candidate = TransactionFactory.build(payment_details=details)
    with pytest.raises(ValidationError) as refused:
        candidate.clean()
    assert "payment_details" in refused.value.message_dict


def test_clean_keeps_a_transaction_in_its_parents_currency_and_amount() -> None:
    authorization = TransactionFactory.create(amount=Decimal("20.00"), currency="USD")
    other_currency = TransactionFactory.build(
        order=authorization.order, parent=authorization, currency="EUR", amount=Decimal("5")
    )
    too_much = TransactionFactory.build(
        order=authorization.order, parent=authorization, amount=Decimal("20.01")
    )
    with pytest.raises(ValidationError) as currency_refused:
        other_currency.clean()
    with pytest.raises(ValidationError) as amount_refused:
        too_much.clean()
    assert list(currency_refused.value.message_dict) == ["currency"]
    assert list(amount_refused.value.message_dict) == ["amount"]


def test_set_code_keeps_only_digest_and_last_characters() -> None:
    # Given a new card / When its code is set
    card = GiftCard(initial_value=Decimal("50"), balance=Decimal("50"))
    card.set_code("abcd-efgh-ijkl-9xYz")
    card.save()
    # Then only the digest (case and dashes ignored) and the last four characters are stored
    card.refresh_from_db()
    assert card.code_digest == gift_card_code_digest("ABCDEFGHIJKL9XYZ")
    assert card.last_characters == "9xYz"
    assert "efgh" not in str(GiftCard.objects.filter(pk=card.pk).values().get()).lower()
