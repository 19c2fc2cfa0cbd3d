"""Money records: order transactions, payments, gift cards and discount codes.

`Transaction` is ONE model for the seeds' Transactions and OrderTransactions (union of fields).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from core.models import (
    ZERO,
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    choices_constraint,
    currency_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
)

from .choices import (
    DiscountCodeStatus,
    DiscountType,
    GiftCardStatus,
    PaymentStatus,
    TransactionKind,
    TransactionStatus,
)

LOCAL = Q(shopify_id__isnull=True)
ALIVE = Q(deleted_at__isnull=True)

# PCI DSS: names under which card data that must never be stored (full number, security code,
# track data, PIN) would arrive. Matched exactly and case-insensitively, so Shopify's harmless
# `cvv_result_code` or masked `credit_card_number` stay allowed.
FORBIDDEN_CARD_DATA_KEYS = (
    "number",
    "card_number",
    "pan",
    "cvv",
    "cvv2",
    "cvc",
    "cvc2",
    "cid",
    "security_code",
    "verification_value",
    "track1",
    "track2",
    "track_data",
    "pin",
    "pin_block",
)
# 13 to 19 digits, optionally grouped by single spaces or dashes: an unmasked card number.
FULL_CARD_NUMBER_REGEX = r"[0-9]([ -]?[0-9]){12,18}"
_FULL_CARD_NUMBER = re.compile(FULL_CARD_NUMBER_REGEX)


def _walk_json(value: Any) -> Iterator[tuple[str | None, Any]]:
    """Yield (key, value) for every value nested in a JSON document (key None in lists)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), item
            yield from _walk_json(item)
    elif isinstance(value, list):
        for item in value:
            yield None, item
            yield from _walk_json(item)


class Transaction(ShopifyIdentityModel, TimestampedModel):
    """Money moved on an order: an authorization, capture, sale, void, refund or change.

    PCI DSS: `payment_details` holds only what Shopify reports (BIN, masked number such as
    "•••• •••• •••• 4242", company, wallet, AVS/CVV result codes). A full card number, security
    code, track data or PIN must never be stored: the database refuses the top-level keys that
    would carry them and an unmasked `credit_card_number`; `clean()` checks nested data too.
    """

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="transactions")
    # RESTRICT (not SET_NULL): a refund, payment or parent transaction cannot be removed while
    # money records point at it, yet deleting the order still removes all of them together.
    refund = models.ForeignKey(
        "orders.Refund",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="transactions",
    )
    payment = models.ForeignKey(
        "finance.Payment",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="transactions",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="children",
        help_text="The authorization a capture/void settles, or the capture a refund returns.",
    )
    kind = models.CharField(max_length=32, choices=TransactionKind.choices)
    status = models.CharField(
        max_length=32, choices=TransactionStatus.choices, default=TransactionStatus.PENDING
    )
    amount = money_field()
    currency = currency_field()
    gateway = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True)
    test = models.BooleanField(default=False)
    authorization = models.CharField(
        max_length=255, blank=True, help_text="The gateway's authorization code."
    )
    location = models.ForeignKey(
        "inventory.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transactions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transactions",
        help_text="The staff member who processed it (point of sale, manual payments).",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    device_id = models.BigIntegerField(null=True, blank=True)
    error_code = models.CharField(
        max_length=64, blank=True, help_text="Shopify's code, e.g. card_declined."
    )
    source_name = models.CharField(max_length=255, blank=True)
    payment_details = models.JSONField(default=dict, blank=True)
    receipt = models.JSONField(default=dict, blank=True)
    currency_exchange_adjustment = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind"], name="finance_transaction_kind_idx"),
            models.Index(fields=["status"], name="finance_transaction_status_idx"),
            models.Index(fields=["gateway"], name="finance_transaction_gw_idx"),
            # order, user: indexed as foreign keys; created_at by TimestampedModel.
        ]
        constraints = [
            choices_constraint("kind", TransactionKind, "finance_transaction_kind_valid"),
            choices_constraint("status", TransactionStatus, "finance_transaction_status_valid"),
            non_negative_constraint("amount", "finance_transaction_amount_gte_0"),
            currency_constraint("currency", "finance_transaction_currency_iso4217"),
            models.CheckConstraint(
                condition=~Q(payment_details__has_any_keys=list(FORBIDDEN_CARD_DATA_KEYS)),
                name="finance_transaction_no_card_data",
            ),
            models.CheckConstraint(
                condition=~Q(payment_details__credit_card_number__regex=FULL_CARD_NUMBER_REGEX),
                name="finance_transaction_card_masked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.status})"

    def clean(self) -> None:
        """No card data anywhere in `payment_details`; amounts follow their parent's currency."""
        super().clean()
        for key, value in _walk_json(self.payment_details):
            if key is not None and key.lower() in FORBIDDEN_CARD_DATA_KEYS:
                raise ValidationError({"payment_details": f"Card data may not be stored ({key})."})
            if isinstance(value, str) and _FULL_CARD_NUMBER.search(value):
                raise ValidationError({"payment_details": "Store masked card numbers only."})
        parent = self.parent if self.parent_id is not None else None
        if parent is not None and parent.currency != self.currency:
            raise ValidationError({"currency": "A transaction uses its parent's currency."})
        if parent is not None and self.amount is not None and self.amount > parent.amount:
            raise ValidationError({"amount": "The amount exceeds the parent transaction's."})


class Payment(ShopifyIdentityModel, TimestampedModel):
    """One payment for an order at a gateway, from authorization to capture, void or refund."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payments")
    amount = money_field()
    currency = currency_field()
    gateway = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(
        max_length=255, blank=True, help_text="The gateway's payment reference."
    )
    authorization_code = models.CharField(max_length=255, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = money_field(default=ZERO)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["gateway"], name="finance_payment_gateway_idx"),
            models.Index(fields=["status"], name="finance_payment_status_idx"),
            # order: indexed as a foreign key; created_at by TimestampedModel.
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payment_amount_gt_0"),
            currency_constraint("currency", "finance_payment_currency_iso4217"),
            choices_constraint("status", PaymentStatus, "finance_payment_status_valid"),
            non_negative_constraint("refunded_amount", "finance_payment_refunded_gte_0"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")),
                name="finance_payment_refunded_lte_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} via {self.gateway} ({self.status})"


def gift_card_code_digest(code: str) -> str:
    """The stored SHA-256 hex digest of a gift card code (spaces and dashes ignored, any case)."""
    normalized = re.sub(r"[\s-]", "", code).upper()
    return hashlib.sha256(normalized.encode()).hexdigest()


class GiftCard(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A prepaid card redeemable at checkout.

    The seed's `Code` is stored as `code_digest`: the SHA-256 of the code (see
    `gift_card_code_digest`) plus its `last_characters`, never the plaintext code, so a leaked
    database cannot be spent. A code is checked by digesting what the customer types. Mirrored
    cards have no digest: Shopify never returns a full code after creation.
    The seed's "unique last characters" is not a constraint: four characters collide after
    a few hundred cards; uniqueness is guaranteed by the code digest.
    """

    code_digest = models.CharField(
        max_length=64, null=True, blank=True, help_text="SHA-256 hex digest of the code."
    )
    last_characters = models.CharField(max_length=4)
    balance = money_field()
    initial_value = money_field()
    currency = currency_field()
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gift_cards",
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gift_cards",
        help_text="The order that sold the card.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gift_cards",
        help_text="The staff member who issued the card.",
    )
    note = models.TextField(blank=True)
    template_suffix = models.CharField(max_length=255, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=GiftCardStatus.choices, default=GiftCardStatus.ENABLED
    )

    class Meta(SoftDeleteModel.Meta):
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status"], name="finance_giftcard_status_idx"),
            models.Index(fields=["expires_on"], name="finance_giftcard_expires_idx"),
            models.Index(fields=["last_characters"], name="finance_giftcard_last4_idx"),
            # code_digest: its unique constraint's index; customer, order: foreign keys;
            # created_at: TimestampedModel.
        ]
        constraints = [
            # Unique across deleted rows too: a code is never reissued.
            models.UniqueConstraint(fields=["code_digest"], name="finance_giftcard_code_unique"),
            models.CheckConstraint(
                condition=Q(code_digest__isnull=True) | Q(code_digest__regex=r"^[0-9a-f]{64}$"),
                name="finance_giftcard_code_digest_sha256",
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(code_digest__isnull=False),
                name="finance_giftcard_local_code_set",
            ),
            models.CheckConstraint(
                condition=Q(last_characters__regex=r"^[A-Za-z0-9]{4}$"),
                name="finance_giftcard_last_chars_4",
            ),
            non_negative_constraint("balance", "finance_giftcard_balance_gte_0"),
            models.CheckConstraint(
                condition=Q(initial_value__gt=0), name="finance_giftcard_initial_value_gt_0"
            ),
            currency_constraint("currency", "finance_giftcard_currency_iso4217"),
            choices_constraint("status", GiftCardStatus, "finance_giftcard_status_valid"),
            # Expiration logic: a disabled card says when, an expired card has an expiry date.
            models.CheckConstraint(
                condition=~Q(status=GiftCardStatus.DISABLED) | Q(disabled_at__isnull=False),
                name="finance_giftcard_disabled_at_set",
            ),
            models.CheckConstraint(
                condition=~Q(status=GiftCardStatus.EXPIRED) | Q(expires_on__isnull=False),
                name="finance_giftcard_expired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Gift card …{self.last_characters}"

    def set_code(self, code: str) -> None:
        """Keep only the digest and the last four characters of a new card's code."""
        normalized = re.sub(r"[\s-]", "", code)
        self.code_digest = gift_card_code_digest(normalized)
        self.last_characters = normalized[-4:]


class DiscountCode(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A promotional code (the seeds' two DiscountCodes listings, united).

    `value` is the discount as configured: a percentage (0-100) for `percentage` codes, else an
    amount in `currency` (Shopify's REST price rules give it negative; the connector stores it
    positive). `amount` is the money the code takes off when that is fixed (fixed_amount and
    shipping codes); it stays null for percentage codes, whose amount depends on the order.
    """

    code = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    type = models.CharField(
        max_length=16, choices=DiscountType.choices, default=DiscountType.PERCENTAGE
    )
    value = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    amount = money_field(null=True, blank=True)
    currency = currency_field()
    minimum_amount = money_field(
        null=True, blank=True, help_text="The order subtotal the code needs, in `currency`."
    )
    usage_limit = models.IntegerField(
        null=True, blank=True, help_text="How many times the code can be used; empty: no limit."
    )
    used_count = models.IntegerField(default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=DiscountCodeStatus.choices, default=DiscountCodeStatus.ACTIVE
    )
    once_per_customer = models.BooleanField(default=False)
    prerequisite_customer_ids = models.JSONField(default=list, blank=True)
    prerequisite_product_ids = models.JSONField(default=list, blank=True)
    prerequisite_collection_ids = models.JSONField(default=list, blank=True)
    prerequisite_subtotal_range = models.JSONField(default=dict, blank=True)
    prerequisite_shipping_price_range = models.JSONField(default=dict, blank=True)
    prerequisite_quantity_range = models.JSONField(default=dict, blank=True)
    prerequisite_to_entitlement_quantity_ratio = models.JSONField(default=dict, blank=True)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["code"], name="finance_discount_code_idx"),
            models.Index(fields=["type"], name="finance_discount_type_idx"),
            models.Index(fields=["status"], name="finance_discount_status_idx"),
            models.Index(fields=["starts_at"], name="finance_discount_starts_idx"),
            models.Index(fields=["ends_at"], name="finance_discount_ends_idx"),
            models.Index(fields=["used_count"], name="finance_discount_used_idx"),
            # created_at: TimestampedModel.
        ]
        constraints = [
            # Shopify's codes are unique case-insensitively too: no local-only condition.
            models.UniqueConstraint(
                Upper("code"), condition=ALIVE, name="finance_discount_code_ci_unique"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="finance_discount_code_set"),
            choices_constraint("type", DiscountType, "finance_discount_type_valid"),
            choices_constraint("status", DiscountCodeStatus, "finance_discount_status_valid"),
            currency_constraint("currency", "finance_discount_currency_iso4217"),
            non_negative_constraint("value", "finance_discount_value_gte_0"),
            models.CheckConstraint(
                condition=~Q(type=DiscountType.PERCENTAGE) | Q(value__lte=100),
                name="finance_discount_percentage_lte_100",
            ),
            non_negative_constraint("amount", "finance_discount_amount_gte_0"),
            non_negative_constraint("minimum_amount", "finance_discount_minimum_gte_0"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(usage_limit__gt=0),
                name="finance_discount_usage_limit_gt_0",
            ),
            non_negative_constraint("used_count", "finance_discount_used_count_gte_0"),
            # Shopify can lower a limit below past uses, or end a scheduled code before it
            # starts: these two hold for local codes.
            models.CheckConstraint(
                condition=~LOCAL
                | Q(usage_limit__isnull=True)
                | Q(used_count__lte=F("usage_limit")),
                name="finance_discount_local_usage_within_limit",
            ),
            models.CheckConstraint(
                condition=~LOCAL
                | Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="finance_discount_local_ends_after_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.code
