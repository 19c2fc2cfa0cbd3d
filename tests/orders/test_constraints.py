"""PostgreSQL refuses every row that breaks an orders invariant, and accepts the edge rows.

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

from orders.choices import (
    CancelReason,
    DiscountValueType,
    FulfillmentOrderStatus,
    FulfillmentStatus,
    OrderFulfillmentStatus,
    OrderStatus,
    RestockType,
)
from orders.models import Order

from .factories import (
    AbandonedCheckoutFactory,
    AbandonedCheckoutLineItemFactory,
    FulfillmentFactory,
    FulfillmentLineItemFactory,
    FulfillmentOrderFactory,
    FulfillmentOrderLineItemFactory,
    OrderDiscountApplicationFactory,
    OrderFactory,
    OrderLineItemFactory,
    RefundFactory,
    RefundLineItemFactory,
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
    # Order
    ("orders_order_number_positive", OrderFactory, {"number": 0}),
    ("orders_order_status_derived", OrderFactory, {"status": OrderStatus.CANCELLED}),
    ("orders_order_status_derived", OrderFactory, {"status": OrderStatus.CLOSED}),
    ("orders_order_status_derived", OrderFactory, {"closed_at": NOW}),
    (
        "orders_order_status_derived",
        OrderFactory,
        {"cancelled_at": NOW, "closed_at": NOW, "status": OrderStatus.CLOSED},
    ),
    ("orders_order_status_derived", OrderFactory, {"status": "archived"}),
    ("orders_order_financial_status_valid", OrderFactory, {"financial_status": "settled"}),
    ("orders_order_fulfillment_status_valid", OrderFactory, {"fulfillment_status": "shipped"}),
    ("orders_order_local_fulfillment_set", OrderFactory, {"fulfillment_status": None}),
    ("orders_order_local_fulfillment_set", OrderFactory, {"fulfillment_status": ""}),
    ("orders_order_cancel_reason_valid", OrderFactory, {"cancel_reason": "bored"}),
    ("orders_order_processing_method_valid", OrderFactory, {"processing_method": "barter"}),
    ("orders_order_currency_iso4217", OrderFactory, {"currency": "usd"}),
    ("orders_order_presentment_currency_iso4217", OrderFactory, {"presentment_currency": "EU"}),
    ("orders_order_total_price_gte_0", OrderFactory, {"total_price": Decimal("-0.01")}),
    ("orders_order_subtotal_price_gte_0", OrderFactory, {"subtotal_price": Decimal("-1")}),
    ("orders_order_total_tax_gte_0", OrderFactory, {"total_tax": Decimal("-1")}),
    ("orders_order_total_discounts_gte_0", OrderFactory, {"total_discounts": Decimal("-1")}),
    (
        "orders_order_total_line_items_price_gte_0",
        OrderFactory,
        {"total_line_items_price": Decimal("-1")},
    ),
    ("orders_order_total_price_usd_gte_0", OrderFactory, {"total_price_usd": Decimal("-1")}),
    ("orders_order_total_weight_gte_0", OrderFactory, {"total_weight": -1}),
    # OrderLineItem
    ("orders_line_quantity_gt_0", OrderLineItemFactory, {"quantity": 0, "fulfillable_quantity": 0}),
    ("orders_line_current_quantity_range", OrderLineItemFactory, {"current_quantity": -1}),
    ("orders_line_current_quantity_range", OrderLineItemFactory, {"current_quantity": 3}),
    ("orders_line_fulfillable_gte_0", OrderLineItemFactory, {"fulfillable_quantity": -1}),
    ("orders_line_fulfillable_lte_quantity", OrderLineItemFactory, {"fulfillable_quantity": 3}),
    ("orders_line_price_gte_0", OrderLineItemFactory, {"price": Decimal("-0.01")}),
    ("orders_line_total_discount_gte_0", OrderLineItemFactory, {"total_discount": Decimal("-1")}),
    ("orders_line_grams_gte_0", OrderLineItemFactory, {"grams": -1}),
    (
        "orders_line_fulfillment_status_valid",
        OrderLineItemFactory,
        {"fulfillment_status": "shipped"},
    ),
    # OrderDiscountApplication
    ("orders_discount_type_valid", OrderDiscountApplicationFactory, {"type": "coupon"}),
    ("orders_discount_value_type_valid", OrderDiscountApplicationFactory, {"value_type": "ratio"}),
    (
        "orders_discount_target_type_valid",
        OrderDiscountApplicationFactory,
        {"target_type": "order"},
    ),
    (
        "orders_discount_target_selection_valid",
        OrderDiscountApplicationFactory,
        {"target_selection": "some"},
    ),
    (
        "orders_discount_allocation_method_valid",
        OrderDiscountApplicationFactory,
        {"allocation_method": "spread"},
    ),
    ("orders_discount_value_gte_0", OrderDiscountApplicationFactory, {"value": Decimal("-5")}),
    ("orders_discount_amount_gte_0", OrderDiscountApplicationFactory, {"amount": Decimal("-5")}),
    (
        "orders_discount_percentage_lte_100",
        OrderDiscountApplicationFactory,
        {"value_type": DiscountValueType.PERCENTAGE, "value": Decimal("100.01")},
    ),
    # Fulfillment and its lines
    ("orders_fulfillment_status_valid", FulfillmentFactory, {"status": "shipped"}),
    ("orders_fulfillment_shipment_status_valid", FulfillmentFactory, {"shipment_status": "lost"}),
    (
        "orders_fulfillment_tracking_number_format",
        FulfillmentFactory,
        {"tracking_number": " 1Z999"},
    ),
    (
        "orders_fulfillment_tracking_number_format",
        FulfillmentFactory,
        {"tracking_number": "1Z999/AA1"},
    ),
    ("orders_fulfillment_line_quantity_gt_0", FulfillmentLineItemFactory, {"quantity": 0}),
    # FulfillmentOrder and its lines
    ("orders_fo_status_valid", FulfillmentOrderFactory, {"status": "paused"}),
    ("orders_fo_request_status_valid", FulfillmentOrderFactory, {"request_status": "sent"}),
    (
        "orders_fo_scheduled_has_fulfill_at",
        FulfillmentOrderFactory,
        {"status": FulfillmentOrderStatus.SCHEDULED},
    ),
    ("orders_fo_line_remaining_gte_0", FulfillmentOrderLineItemFactory, {"remaining_quantity": -1}),
    (
        "orders_fo_line_remaining_lte_total",
        FulfillmentOrderLineItemFactory,
        {"total_quantity": 2, "remaining_quantity": 3},
    ),
    # RefundLineItem
    ("orders_refund_line_quantity_gt_0", RefundLineItemFactory, {"quantity": 0}),
    ("orders_refund_line_restock_type_valid", RefundLineItemFactory, {"restock_type": "resell"}),
    ("orders_refund_line_subtotal_gte_0", RefundLineItemFactory, {"subtotal": Decimal("-1")}),
    ("orders_refund_line_total_tax_gte_0", RefundLineItemFactory, {"total_tax": Decimal("-1")}),
    (
        "orders_refund_line_restock_location",
        RefundLineItemFactory,
        {"restock_type": RestockType.RETURN},
    ),
    (
        "orders_refund_line_restock_location",
        RefundLineItemFactory,
        {"restock_type": RestockType.CANCEL},
    ),
    # AbandonedCheckout and its lines
    ("orders_checkout_email_format", AbandonedCheckoutFactory, {"email": "not-an-email"}),
    ("orders_checkout_email_format", AbandonedCheckoutFactory, {"email": "a b@example.com"}),
    ("orders_checkout_currency_iso4217", AbandonedCheckoutFactory, {"currency": "US$"}),
    (
        "orders_checkout_presentment_currency_iso4217",
        AbandonedCheckoutFactory,
        {"presentment_currency": "eur"},
    ),
    ("orders_checkout_total_price_gte_0", AbandonedCheckoutFactory, {"total_price": Decimal("-1")}),
    (
        "orders_checkout_subtotal_price_gte_0",
        AbandonedCheckoutFactory,
        {"subtotal_price": Decimal("-1")},
    ),
    ("orders_checkout_total_tax_gte_0", AbandonedCheckoutFactory, {"total_tax": Decimal("-1")}),
    (
        "orders_checkout_total_discounts_gte_0",
        AbandonedCheckoutFactory,
        {"total_discounts": Decimal("-1")},
    ),
    (
        "orders_checkout_total_line_items_price_gte_0",
        AbandonedCheckoutFactory,
        {"total_line_items_price": Decimal("-1")},
    ),
    (
        "orders_checkout_total_duties_gte_0",
        AbandonedCheckoutFactory,
        {"total_duties": Decimal("-1")},
    ),
    ("orders_checkout_total_weight_gte_0", AbandonedCheckoutFactory, {"total_weight": -1}),
    ("orders_checkout_line_quantity_gt_0", AbandonedCheckoutLineItemFactory, {"quantity": 0}),
    (
        "orders_checkout_line_price_gte_0",
        AbandonedCheckoutLineItemFactory,
        {"price": Decimal("-1")},
    ),
    (
        "orders_checkout_line_compare_at_price_gte_0",
        AbandonedCheckoutLineItemFactory,
        {"compare_at_price": Decimal("-1")},
    ),
    ("orders_checkout_line_grams_gte_0", AbandonedCheckoutLineItemFactory, {"grams": -1}),
]


@pytest.mark.parametrize(
    ("constraint", "factory_class", "fields"),
    SINGLE_ROW_CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(SINGLE_ROW_CASES)],
)
def test_bad_row_is_refused(
    constraint: str, factory_class: type[factory.Factory], fields: dict[str, Any]
) -> None:
    # Given a row that breaks one rule, when it is inserted, then that rule's constraint refuses it
    assert_refused(constraint, factory_class, **fields)


# --- Uniqueness --------------------------------------------------------------------------------


def test_order_number_is_unique_even_when_soft_deleted() -> None:
    # Given a deleted order
    OrderFactory.create(number=7, deleted_at=NOW)
    # When another order takes its number, then it is refused
    assert_refused("orders_order_number_unique", OrderFactory, number=7)


def test_order_order_number_is_unique() -> None:
    OrderFactory.create(order_number=1500)
    assert_refused("orders_order_order_number_unique", OrderFactory, order_number=1500)


def test_mirrored_orders_may_share_numbers_as_at_shopify() -> None:
    # Given a mirrored order, when Shopify sends another with the same numbers, it is stored
    OrderFactory.create(number=7, order_number=1007, shopify_id=5_500_000_000_001)
    OrderFactory.create(number=7, order_number=1007, shopify_id=5_500_000_000_002)
    # And a local order may not take a number another local order holds
    OrderFactory.create(number=8, order_number=1008)
    assert_refused("orders_order_number_unique", OrderFactory, number=8, order_number=1009)


def test_order_token_is_unique_when_set_and_blank_tokens_may_repeat() -> None:
    # Given an order with a token and one without
    OrderFactory.create(token="b1946ac92492d2347c6235b4d2611184")
    OrderFactory.create(token="")
    # When another order reuses the token, then it is refused
    assert_refused(
        "orders_order_token_unique", OrderFactory, token="b1946ac92492d2347c6235b4d2611184"
    )
    # And a second blank token is accepted
    OrderFactory.create(token="")
    assert Order.all_objects.filter(token="").count() == 2


def test_discount_position_is_unique_per_order() -> None:
    discount = OrderDiscountApplicationFactory.create(position=0)
    assert_refused(
        "orders_discount_order_position_unique",
        OrderDiscountApplicationFactory,
        order=discount.order,
        position=0,
    )
    # And the same position on another order is accepted
    assert OrderDiscountApplicationFactory.create(position=0).position == 0


def test_line_item_is_fulfilled_once_per_fulfillment() -> None:
    fulfillment_line = FulfillmentLineItemFactory.create()
    assert_refused(
        "orders_fulfillment_line_unique",
        FulfillmentLineItemFactory,
        fulfillment=fulfillment_line.fulfillment,
        line_item=fulfillment_line.line_item,
    )


def test_line_item_appears_once_per_fulfillment_order() -> None:
    fulfillment_order_line = FulfillmentOrderLineItemFactory.create()
    assert_refused(
        "orders_fo_line_unique",
        FulfillmentOrderLineItemFactory,
        fulfillment_order=fulfillment_order_line.fulfillment_order,
        line_item=fulfillment_order_line.line_item,
    )


def test_checkout_token_is_unique_even_when_soft_deleted() -> None:
    AbandonedCheckoutFactory.create(token="2d6f1b9a", deleted_at=NOW)
    assert_refused("orders_checkout_token_unique", AbandonedCheckoutFactory, token="2d6f1b9a")


# --- Edge rows that must be accepted -------------------------------------------------------------


def test_order_status_matches_its_dates() -> None:
    # Given orders whose stored status is the one the dates imply, then all are accepted
    open_order = OrderFactory.create()
    closed = OrderFactory.create(status=OrderStatus.CLOSED, closed_at=NOW)
    cancelled = OrderFactory.create(
        status=OrderStatus.CANCELLED,
        cancelled_at=NOW,
        closed_at=NOW,
        cancel_reason=CancelReason.CUSTOMER,
    )
    assert [open_order.status, closed.status, cancelled.status] == ["open", "closed", "cancelled"]
    assert [o.derived_status() for o in (open_order, closed, cancelled)] == [
        "open",
        "closed",
        "cancelled",
    ]


def test_local_order_defaults_to_unfulfilled_and_mirrored_order_may_be_null() -> None:
    local = OrderFactory.create()
    mirrored = OrderFactory.create(shopify_id=450789469, fulfillment_status=None)
    local.refresh_from_db()
    mirrored.refresh_from_db()
    assert local.fulfillment_status == OrderFulfillmentStatus.UNFULFILLED
    assert mirrored.fulfillment_status is None


def test_zero_totals_and_full_percentage_are_accepted() -> None:
    order = OrderFactory.create(
        total_price=Decimal("0.00"),
        subtotal_price=Decimal("0.00"),
        total_line_items_price=Decimal("0.00"),
        total_weight=0,
    )
    discount = OrderDiscountApplicationFactory.create(
        order=order, value_type=DiscountValueType.PERCENTAGE, value=Decimal("100")
    )
    fixed = OrderDiscountApplicationFactory.create(
        value_type=DiscountValueType.FIXED_AMOUNT, value=150
    )
    assert (order.total_price, discount.value, fixed.value) == (Decimal("0.00"), 100, 150)


def test_line_quantities_at_their_bounds_are_accepted() -> None:
    line = OrderLineItemFactory.create(
        quantity=1, fulfillable_quantity=1, current_quantity=0, price=0
    )
    fulfillment_order_line = FulfillmentOrderLineItemFactory.create(
        total_quantity=0, remaining_quantity=0
    )
    assert (line.fulfillable_quantity, fulfillment_order_line.remaining_quantity) == (1, 0)


def test_tracking_number_rules_apply_to_local_rows_only() -> None:
    # Given a clean local tracking number with inner spaces, a blank one and a mirrored odd one
    local = FulfillmentFactory.create(tracking_number="1Z 999 AA1 0123 4567 84")
    blank = FulfillmentFactory.create(tracking_number="")
    mirrored = FulfillmentFactory.create(shopify_id=255858046, tracking_number="RR123456785GB / 2")
    # Then all are accepted
    assert [local.tracking_number, blank.tracking_number, mirrored.tracking_number] == [
        "1Z 999 AA1 0123 4567 84",
        "",
        "RR123456785GB / 2",
    ]


def test_scheduled_fulfillment_order_rules() -> None:
    scheduled = FulfillmentOrderFactory.create(
        status=FulfillmentOrderStatus.SCHEDULED, fulfill_at=NOW
    )
    mirrored = FulfillmentOrderFactory.create(
        shopify_id=1046000778, status=FulfillmentOrderStatus.SCHEDULED
    )
    assert (scheduled.fulfill_at, mirrored.fulfill_at) == (NOW, None)


def test_restock_without_location_is_accepted_when_nothing_goes_back_to_stock_or_mirrored() -> None:
    no_restock = RefundLineItemFactory.create(restock_type=RestockType.NO_RESTOCK)
    legacy = RefundLineItemFactory.create(restock_type=RestockType.LEGACY_RESTOCK)
    mirrored = RefundLineItemFactory.create(shopify_id=104689539, restock_type=RestockType.RETURN)
    assert [no_restock.location_id, legacy.location_id, mirrored.location_id] == [None] * 3


def test_checkout_email_rules_apply_to_local_rows_only() -> None:
    blank = AbandonedCheckoutFactory.create(email="")
    mirrored = AbandonedCheckoutFactory.create(shopify_id=450789469, email="bob@localhost")
    assert (blank.email, mirrored.email) == ("", "bob@localhost")


# --- Rules across tables (clean) -----------------------------------------------------------------


def test_fulfillment_cannot_ship_more_than_was_ordered() -> None:
    # Given a line of 2 units, one already shipped
    shipped = FulfillmentLineItemFactory.create(quantity=1, line_item__quantity=2)
    line_item = shipped.line_item
    # When a second fulfillment would ship 2 more, then clean() refuses it
    extra = FulfillmentLineItemFactory.build(
        fulfillment=FulfillmentFactory.create(order=line_item.order),
        line_item=line_item,
        quantity=2,
    )
    with pytest.raises(ValidationError) as refused:
        extra.full_clean()
    assert refused.value.message_dict == {"quantity": ["Only 1 unit(s) left to fulfil."]}


def test_cancelled_fulfillment_does_not_count_as_shipped() -> None:
    shipped = FulfillmentLineItemFactory.create(
        quantity=2, line_item__quantity=2, fulfillment__status=FulfillmentStatus.CANCELLED
    )
    again = FulfillmentLineItemFactory.build(
        fulfillment=FulfillmentFactory.create(order=shipped.line_item.order),
        line_item=shipped.line_item,
        quantity=2,
    )
    again.full_clean()


def test_refund_cannot_return_more_than_was_ordered() -> None:
    refunded = RefundLineItemFactory.create(quantity=2, line_item__quantity=2)
    extra = RefundLineItemFactory.build(
        refund=RefundFactory.create(order=refunded.line_item.order),
        line_item=refunded.line_item,
        quantity=1,
    )
    with pytest.raises(ValidationError) as refused:
        extra.full_clean()
    assert refused.value.message_dict == {"quantity": ["Only 0 unit(s) left to refund."]}


def test_lines_must_belong_to_the_same_order() -> None:
    foreign_line = OrderLineItemFactory.create()
    for row in (
        FulfillmentLineItemFactory.build(
            fulfillment=FulfillmentFactory.create(), line_item=foreign_line
        ),
        RefundLineItemFactory.build(refund=RefundFactory.create(), line_item=foreign_line),
        FulfillmentOrderLineItemFactory.build(
            fulfillment_order=FulfillmentOrderFactory.create(), line_item=foreign_line
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            row.full_clean()
        assert refused.value.message_dict == {
            "line_item": ["The line item belongs to another order."]
        }
