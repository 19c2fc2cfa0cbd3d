"""factory_boy factories for the orders app.

Foreign keys to other apps (customer, variant, location, company, ...) stay empty: those apps'
factories live with their owners, and every such key is nullable here.
"""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from catalog.models import ProductVariant
from inventory.models import Location
from orders.choices import FulfillmentStatus
from orders.models import (
    AbandonedCheckout,
    AbandonedCheckoutLineItem,
    Fulfillment,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    Order,
    OrderDiscountApplication,
    OrderLineItem,
    Refund,
    RefundLineItem,
)
from tests.catalog.factories import ProductVariantFactory
from tests.inventory.factories import InventoryItemFactory, InventoryLevelFactory


class OrderFactory(DjangoModelFactory[Order]):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: n + 1)
    order_number = factory.LazyAttribute(lambda order: order.number + 1000)
    name = factory.LazyAttribute(lambda order: f"#{order.order_number}")
    token = factory.Sequence(lambda n: f"order-token-{n:08d}")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    currency = "USD"
    presentment_currency = "USD"
    total_line_items_price = Decimal("20.00")
    subtotal_price = Decimal("20.00")
    total_price = Decimal("20.00")


class OrderLineItemFactory(DjangoModelFactory[OrderLineItem]):
    class Meta:
        model = OrderLineItem

    order = factory.SubFactory(OrderFactory)
    title = "Linen shirt"
    variant_title = "M / Blue"
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    quantity = 2
    fulfillable_quantity = 2
    price = Decimal("10.00")


class OrderDiscountApplicationFactory(DjangoModelFactory[OrderDiscountApplication]):
    class Meta:
        model = OrderDiscountApplication

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n)
    code = "SAVE10"
    value = Decimal("10.0")
    amount = Decimal("2.00")


class FulfillmentFactory(DjangoModelFactory[Fulfillment]):
    class Meta:
        model = Fulfillment

    order = factory.SubFactory(OrderFactory)
    name = factory.LazyAttribute(lambda fulfillment: f"{fulfillment.order.name}.1")
    status = FulfillmentStatus.SUCCESS
    tracking_company = "UPS"
    tracking_number = factory.Sequence(lambda n: f"1Z999AA1{n:08d}")


class FulfillmentLineItemFactory(DjangoModelFactory[FulfillmentLineItem]):
    class Meta:
        model = FulfillmentLineItem

    fulfillment = factory.SubFactory(FulfillmentFactory)
    line_item = factory.SubFactory(
        OrderLineItemFactory, order=factory.SelfAttribute("..fulfillment.order")
    )
    quantity = 1


class FulfillmentOrderFactory(DjangoModelFactory[FulfillmentOrder]):
    class Meta:
        model = FulfillmentOrder

    order = factory.SubFactory(OrderFactory)


class FulfillmentOrderLineItemFactory(DjangoModelFactory[FulfillmentOrderLineItem]):
    class Meta:
        model = FulfillmentOrderLineItem

    fulfillment_order = factory.SubFactory(FulfillmentOrderFactory)
    line_item = factory.SubFactory(
        OrderLineItemFactory, order=factory.SelfAttribute("..fulfillment_order.order")
    )
    total_quantity = 2
    remaining_quantity = 2


class RefundFactory(DjangoModelFactory[Refund]):
    class Meta:
        model = Refund

    order = factory.SubFactory(OrderFactory)
    note = "Arrived damaged"


class RefundLineItemFactory(DjangoModelFactory[RefundLineItem]):
    class Meta:
        model = RefundLineItem

    refund = factory.SubFactory(RefundFactory)
    line_item = factory.SubFactory(
        OrderLineItemFactory, order=factory.SelfAttribute("..refund.order")
    )
    quantity = 1
    subtotal = Decimal("10.00")


class AbandonedCheckoutFactory(DjangoModelFactory[AbandonedCheckout]):
    class Meta:
        model = AbandonedCheckout

    token = factory.Sequence(lambda n: f"checkout-token-{n:08d}")
    cart_token = factory.Sequence(lambda n: f"cart-token-{n:08d}")
    name = factory.Sequence(lambda n: f"#{37000 + n}")
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    currency = "USD"
    presentment_currency = "USD"
    total_price = Decimal("20.00")
    subtotal_price = Decimal("20.00")


class AbandonedCheckoutLineItemFactory(DjangoModelFactory[AbandonedCheckoutLineItem]):
    class Meta:
        model = AbandonedCheckoutLineItem

    checkout = factory.SubFactory(AbandonedCheckoutFactory)
    title = "Linen shirt"
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    quantity = 1
    price = Decimal("10.00")


def stocked_variant(
    *,
    location: Location,
    available: int = 10,
    price: str = "10.00",
    grams: int = 500,
    taxable: bool = True,
) -> ProductVariant:
    """An active product's variant with a tracked inventory item holding `available` units
    (on hand too) at `location`."""
    item = InventoryItemFactory.create()
    InventoryLevelFactory.create(
        inventory_item=item, location=location, available=available, on_hand=available, committed=0
    )
    return ProductVariantFactory.create(
        inventory_item=item, price=Decimal(price), grams=grams, taxable=taxable
    )
