"""Order services below the API: financial status, numbering, code redemption, mirrored rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from core.errors import ServiceError, ShopifyManaged
from finance.models import DiscountCode, Transaction
from finance.services import (
    discount_code_redeem_by_code,
)
from orders import services
from orders.choices import FinancialStatus
from tests.finance.factories import DiscountCodeFactory
from tests.inventory.factories import LocationFactory
from tests.orders.factories import OrderFactory, stocked_variant

pytestmark = pytest.mark.django_db


def _tx(kind: str, amount: str, pk: int, parent: int | None = None, status: str = "success") -> Any:
    return Transaction(pk=pk, kind=kind, amount=Decimal(amount), parent_id=parent, status=status)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], FinancialStatus.PENDING),
        ([_tx("authorization", "50.00", 1)], FinancialStatus.AUTHORIZED),
        ([_tx("authorization", "50.00", 1, status="failure")], FinancialStatus.PENDING),
        (
            [_tx("authorization", "50.00", 1), _tx("capture", "20.00", 2, 1)],
            FinancialStatus.PARTIALLY_PAID,
        ),
        ([_tx("sale", "50.00", 1)], FinancialStatus.PAID),
        (
            [_tx("sale", "50.00", 1), _tx("refund", "10.00", 2, 1)],
            FinancialStatus.PARTIALLY_REFUNDED,
        ),
        ([_tx("sale", "50.00", 1), _tx("refund", "50.00", 2, 1)], FinancialStatus.REFUNDED),
        ([_tx("authorization", "50.00", 1), _tx("void", "50.00", 2, 1)], FinancialStatus.VOIDED),
    ],
)
def test_financial_status_follows_successful_transactions(rows: list[Any], expected: str) -> None:
    assert (
        services.financial_status_for(total_price=Decimal("50.00"), transactions=rows) == expected
    )


def test_a_free_order_is_paid() -> None:
    assert services.financial_status_for(total_price=Decimal("0"), transactions=[]) == "paid"


def test_money_rounds_half_even() -> None:
    assert services.money(Decimal("0.125")) == Decimal("0.12")
    assert services.money(Decimal("0.135")) == Decimal("0.14")


def test_order_numbers_jump_past_mirrored_orders() -> None:
    location = LocationFactory.create(active=True)
    variant = stocked_variant(location=location)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM orders_order_number_seq")
        ahead = int(cursor.fetchone()[0]) + 1000
    OrderFactory.create(number=ahead, order_number=ahead + 1000, name="#x", shopify_id=77)
    data = {"currency": "USD", "line_items": [{"variant_id": variant.pk, "quantity": 1}]}

    first = services.order_create(data=data)
    second = services.order_create(data=data)

    assert first.number == ahead + 1
    assert (first.order_number, first.name) == (first.number + 1000, f"#{first.number + 1000}")
    assert second.number == first.number + 1


def test_redeem_by_code_finds_the_code_and_counts_a_use_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    code = DiscountCodeFactory.create(code="Spring", usage_limit=2, used_count=1)

    with django_assert_num_queries(1):
        redeemed = discount_code_redeem_by_code(code="SPRING")

    assert redeemed is not None
    assert (redeemed.pk, redeemed.used_count) == (code.pk, 2)
    assert discount_code_redeem_by_code(code="spring") is None  # used up
    assert discount_code_redeem_by_code(code="unknown") is None
    assert DiscountCode.objects.get(pk=code.pk).used_count == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda order: services.order_cancel(order=order),
        lambda order: services.order_fulfill(order=order, data={}),
        lambda order: services.refund_create(order=order, data={"amount": Decimal("1.00")}),
        lambda order: services.order_transaction_create(order=order, data={"kind": "sale"}),
        lambda order: services.order_update(order=order, data={"note": "x"}),
    ],
)
def test_mirrored_orders_are_refused(call: Any) -> None:
    order = OrderFactory.create(shopify_id=4242, note="")
    with pytest.raises(ShopifyManaged):
        call(order)


def test_transactions_beyond_the_total_are_refused() -> None:
    location = LocationFactory.create(active=True)
    variant = stocked_variant(location=location, price="10.00")
    with pytest.raises(ServiceError) as refused:
        services.order_create(
            data={
                "currency": "USD",
                "line_items": [{"variant_id": variant.pk, "quantity": 1}],
                "transactions": [{"kind": "sale", "amount": Decimal("10.01"), "gateway": "x"}],
            }
        )
    assert refused.value.details[0]["field"] == "transactions"
