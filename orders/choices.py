"""Enums of the orders app: the seed's values, else Shopify's lower-case REST values."""

from django.db import models


class OrderStatus(models.TextChoices):
    """Derived from `cancelled_at` / `closed_at` and stored for fast admin filtering."""

    OPEN = "open", "open"
    CLOSED = "closed", "closed"
    CANCELLED = "cancelled", "cancelled"


class FinancialStatus(models.TextChoices):
    PENDING = "pending", "pending"
    AUTHORIZED = "authorized", "authorized"
    PARTIALLY_PAID = "partially_paid", "partially paid"
    PAID = "paid", "paid"
    PARTIALLY_REFUNDED = "partially_refunded", "partially refunded"
    REFUNDED = "refunded", "refunded"
    VOIDED = "voided", "voided"
    # Shopify also reports authorizations that lapsed (GraphQL `EXPIRED`); mirrored rows carry it.
    EXPIRED = "expired", "expired"


class OrderFulfillmentStatus(models.TextChoices):
    """Local rows store `unfulfilled`; mirrored rows may carry Shopify's null instead."""

    UNFULFILLED = "unfulfilled", "unfulfilled"
    PARTIAL = "partial", "partially fulfilled"
    FULFILLED = "fulfilled", "fulfilled"
    RESTOCKED = "restocked", "restocked"


class CancelReason(models.TextChoices):
    CUSTOMER = "customer", "customer changed or cancelled the order"
    FRAUD = "fraud", "fraudulent order"
    INVENTORY = "inventory", "items unavailable"
    DECLINED = "declined", "payment declined"
    # Shopify's sixth value (cancelled by staff); mirrored rows carry it.
    STAFF = "staff", "staff error"
    OTHER = "other", "other"


class ProcessingMethod(models.TextChoices):
    CHECKOUT = "checkout", "checkout"
    DIRECT = "direct", "direct"
    MANUAL = "manual", "manual"
    OFFSITE = "offsite", "offsite"
    EXPRESS = "express", "express"
    FREE = "free", "free"


class LineItemFulfillmentStatus(models.TextChoices):
    """Shopify leaves it null while nothing of the line is fulfilled."""

    FULFILLED = "fulfilled", "fulfilled"
    PARTIAL = "partial", "partially fulfilled"
    NOT_ELIGIBLE = "not_eligible", "not eligible"


class DiscountApplicationType(models.TextChoices):
    AUTOMATIC = "automatic", "automatic"
    DISCOUNT_CODE = "discount_code", "discount code"
    MANUAL = "manual", "manual"
    SCRIPT = "script", "script"


class DiscountValueType(models.TextChoices):
    FIXED_AMOUNT = "fixed_amount", "fixed amount"
    PERCENTAGE = "percentage", "percentage"


class DiscountTargetType(models.TextChoices):
    LINE_ITEM = "line_item", "line item"
    SHIPPING_LINE = "shipping_line", "shipping line"


class DiscountTargetSelection(models.TextChoices):
    ALL = "all", "all"
    ENTITLED = "entitled", "entitled"
    EXPLICIT = "explicit", "explicit"


class DiscountAllocationMethod(models.TextChoices):
    ACROSS = "across", "across"
    EACH = "each", "each"
    ONE = "one", "one"


class FulfillmentStatus(models.TextChoices):
    PENDING = "pending", "pending"
    OPEN = "open", "open"
    SUCCESS = "success", "success"
    CANCELLED = "cancelled", "cancelled"
    ERROR = "error", "error"
    FAILURE = "failure", "failure"


class ShipmentStatus(models.TextChoices):
    LABEL_PRINTED = "label_printed", "label printed"
    LABEL_PURCHASED = "label_purchased", "label purchased"
    ATTEMPTED_DELIVERY = "attempted_delivery", "attempted delivery"
    READY_FOR_PICKUP = "ready_for_pickup", "ready for pickup"
    CONFIRMED = "confirmed", "confirmed"
    IN_TRANSIT = "in_transit", "in transit"
    OUT_FOR_DELIVERY = "out_for_delivery", "out for delivery"
    DELIVERED = "delivered", "delivered"
    FAILURE = "failure", "failure"
    # Shopify's newer tracking events; mirrored rows carry them.
    CARRIER_PICKED_UP = "carrier_picked_up", "carrier picked up"
    PICKED_UP = "picked_up", "picked up"
    DELAYED = "delayed", "delayed"


class RestockType(models.TextChoices):
    NO_RESTOCK = "no_restock", "no restock"
    CANCEL = "cancel", "cancel"
    RETURN = "return", "return"
    LEGACY_RESTOCK = "legacy_restock", "legacy restock"


class FulfillmentOrderStatus(models.TextChoices):
    OPEN = "open", "open"
    IN_PROGRESS = "in_progress", "in progress"
    CANCELLED = "cancelled", "cancelled"
    INCOMPLETE = "incomplete", "incomplete"
    CLOSED = "closed", "closed"
    SCHEDULED = "scheduled", "scheduled"
    ON_HOLD = "on_hold", "on hold"


class FulfillmentOrderRequestStatus(models.TextChoices):
    UNSUBMITTED = "unsubmitted", "unsubmitted"
    SUBMITTED = "submitted", "submitted"
    ACCEPTED = "accepted", "accepted"
    REJECTED = "rejected", "rejected"
    CANCELLATION_REQUESTED = "cancellation_requested", "cancellation requested"
    CANCELLATION_ACCEPTED = "cancellation_accepted", "cancellation accepted"
    CANCELLATION_REJECTED = "cancellation_rejected", "cancellation rejected"
    CLOSED = "closed", "closed"
