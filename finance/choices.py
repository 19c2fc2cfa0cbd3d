"""Enums of the finance app: the seed's values, else Shopify's lower-case values."""

from django.db import models


class TransactionKind(models.TextChoices):
    """The seed's five kinds plus Shopify's `change` (cash change), `emv_authorization` and
    `suggested_refund`."""

    AUTHORIZATION = "authorization", "authorization"
    CAPTURE = "capture", "capture"
    SALE = "sale", "sale"
    VOID = "void", "void"
    REFUND = "refund", "refund"
    CHANGE = "change", "change"
    EMV_AUTHORIZATION = "emv_authorization", "EMV authorization"
    SUGGESTED_REFUND = "suggested_refund", "suggested refund"


class TransactionStatus(models.TextChoices):
    """Shopify's REST values; GraphQL (the connector's transport) adds the last two."""

    PENDING = "pending", "pending"
    FAILURE = "failure", "failure"
    SUCCESS = "success", "success"
    ERROR = "error", "error"
    AWAITING_RESPONSE = "awaiting_response", "awaiting response"
    UNKNOWN = "unknown", "unknown"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "pending"
    AUTHORIZED = "authorized", "authorized"
    CAPTURED = "captured", "captured"
    VOIDED = "voided", "voided"
    REFUNDED = "refunded", "refunded"
    FAILED = "failed", "failed"


class GiftCardStatus(models.TextChoices):
    ENABLED = "enabled", "enabled"
    DISABLED = "disabled", "disabled"
    EXPIRED = "expired", "expired"


class DiscountType(models.TextChoices):
    """The seed's three types, plus Shopify's buy-X-get-Y codes (which the seed's
    `prerequisite_to_entitlement_quantity_ratio` field describes) so mirrored ones fit."""

    PERCENTAGE = "percentage", "percentage"
    FIXED_AMOUNT = "fixed_amount", "fixed amount"
    SHIPPING = "shipping", "free or discounted shipping"
    BUY_X_GET_Y = "buy_x_get_y", "buy X get Y"


class DiscountCodeStatus(models.TextChoices):
    ACTIVE = "active", "active"
    EXPIRED = "expired", "expired"
    SCHEDULED = "scheduled", "scheduled"
    DISABLED = "disabled", "disabled"
