"""The orders app's models, one module per concept."""

from .checkout import AbandonedCheckout, AbandonedCheckoutLineItem
from .fulfillment import (
    Fulfillment,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
)
from .order import Order, OrderDiscountApplication, OrderLineItem
from .refund import Refund, RefundLineItem

__all__ = [
    "AbandonedCheckout",
    "AbandonedCheckoutLineItem",
    "Fulfillment",
    "FulfillmentLineItem",
    "FulfillmentOrder",
    "FulfillmentOrderLineItem",
    "Order",
    "OrderDiscountApplication",
    "OrderLineItem",
    "Refund",
    "RefundLineItem",
]
